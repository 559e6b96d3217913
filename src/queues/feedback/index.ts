import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { appDeps } from '../../shared/composition.server'
import { parseFeedbackBody } from '../../shared/domain/ses-event'
import { processFeedback } from '../../shared/services/feedback'

// SES events from SNS (enveloped or raw delivery): each is processed exactly once (see processFeedback).
// A body that is not an SES event is logged and dropped (retrying cannot fix it); a record whose
// processing throws is reported back alone, so SQS retries it (then dead-letters it) and not its batch.
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await appDeps()
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    const parsed = parseFeedbackBody(record.body)
    if (!parsed.ok) {
      console.log(JSON.stringify({ msg: 'feedback ignored', messageId: record.messageId, reason: parsed.reason }))
      continue
    }
    try {
      const result = await processFeedback(deps, parsed.event)
      console.log(JSON.stringify({ msg: 'feedback', type: parsed.event.type, sesMessageId: parsed.event.messageId, ...result }))
    } catch (err) {
      console.log(JSON.stringify({ msg: 'feedback failed; SQS will retry', messageId: record.messageId, error: err instanceof Error ? err.message : String(err) }))
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
