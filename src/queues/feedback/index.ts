import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { appDeps } from '../../shared/composition.server'
import { parseFeedbackBody } from '../../shared/domain/ses-event'
import { processFeedback } from '../../shared/services/feedback'

// SES events from SNS (enveloped or raw delivery): each is processed exactly once (see processFeedback).
// What cannot be read is reported back alone, as a record whose processing throws is, so SQS retries it and
// then moves it to the dead-letter queue (whose alarm fires on one message): a bounce or complaint is never
// acknowledged unread. Only a setup notice SES sends by design (a topic subscribed) is acknowledged and dropped.
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await appDeps()
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    const parsed = parseFeedbackBody(record.body)
    if (!parsed.ok) {
      console.log(JSON.stringify({ msg: parsed.byDesign ? 'feedback ignored' : 'feedback unreadable; SQS will dead-letter it', messageId: record.messageId, reason: parsed.reason }))
      if (!parsed.byDesign) batchItemFailures.push({ itemIdentifier: record.messageId })
      continue
    }
    try {
      const result = await processFeedback(deps, parsed.event)
      console.log(JSON.stringify({ msg: 'feedback', type: parsed.event.type, sesMessageId: parsed.event.messageId, ...result }))
      // Kept and audited already; the dead-letter copy is for a person, and for a redrive once Drason reads it.
      if (result.outcome === 'unreadable') batchItemFailures.push({ itemIdentifier: record.messageId })
    } catch (err) {
      console.log(JSON.stringify({ msg: 'feedback failed; SQS will retry', messageId: record.messageId, error: err instanceof Error ? err.message : String(err) }))
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
