import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { appDeps } from '../../shared/composition.server'
import { eachMessage } from '../../shared/http/queue-message.server'
import { pulse } from '../../shared/services/pulse'

// One message = one pulse of one campaign's chain. A pulse that throws (verifier down, a DynamoDB fault)
// is reported failed alone; SQS retries it with its visibility timeout and then dead-letters it.
const message = z.object({ campaignId: z.string().min(1).max(64), chainId: z.string().min(1).max(64), token: z.string().min(1).max(64).optional(), attempt: z.int().min(0).max(100).optional() })

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await appDeps()
  return eachMessage(event, message, async (m) => {
    const result = await pulse(deps, m)
    console.log(JSON.stringify({ msg: 'pulse', campaignId: m.campaignId, ...result }))
  })
}
