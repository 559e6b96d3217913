import type { SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { appDeps } from '../../shared/composition.server'
import { decodeBatch } from '../../shared/http/queue-message.server'
import { pulse } from '../../shared/services/pulse'

// One message = one pulse of one campaign's chain. A thrown error (verifier down, a DynamoDB fault)
// returns the message to the queue; SQS retries it with its visibility timeout and then dead-letters it.
const message = z.object({ campaignId: z.string().min(1).max(64), chainId: z.string().min(1).max(64), token: z.string().min(1).max(64).optional(), attempt: z.int().min(0).max(100).optional() })

export const handler = async (event: SQSEvent): Promise<void> => {
  const deps = await appDeps()
  for (const m of decodeBatch(event, message)) {
    const result = await pulse(deps, m)
    console.log(JSON.stringify({ msg: 'pulse', campaignId: m.campaignId, ...result }))
  }
}
