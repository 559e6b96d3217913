import type { SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { decodeBatch } from '../../shared/http/queue-message.server'

// SES events reach this queue from SNS, either wrapped in an SNS envelope or raw. Classification and
// effects arrive with the feedback issue; here the body is only checked to be a JSON object.
const feedback = z.record(z.string(), z.unknown())

export const handler = async (event: SQSEvent): Promise<void> => {
  const messages = decodeBatch(event, feedback)
  console.log(JSON.stringify({ msg: 'feedback received', messages: messages.length }))
}
