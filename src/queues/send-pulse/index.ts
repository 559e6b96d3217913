import type { SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { decodeBatch } from '../../shared/http/queue-message.server'

// One message = one pulse of one campaign's chain. The pulse service (verify, render, claim, send,
// schedule the next pulse) arrives with the send-loop issue; the message shape is fixed here.
const pulse = z.object({ campaignId: z.string().min(1), chainId: z.string().min(1) })

export const handler = async (event: SQSEvent): Promise<void> => {
  const pulses = decodeBatch(event, pulse)
  console.log(JSON.stringify({ msg: 'send-pulse received', pulses: pulses.length }))
}
