import type { SQSEvent } from 'aws-lambda'
import { appDeps } from '../../shared/composition.server'
import { parseFeedbackBody } from '../../shared/domain/ses-event'
import { confirmFromSendEvent } from '../../shared/services/send-confirmation'

// SES events from SNS (enveloped or raw). Today: a `Send` event settles a send whose outcome was unknown.
// Bounces, complaints and delays (suppression, health signals) are the feedback work still to come;
// they are logged, not dropped silently.
export const handler = async (event: SQSEvent): Promise<void> => {
  const deps = await appDeps()
  for (const record of event.Records) {
    const parsed = parseFeedbackBody(record.body)
    if (!parsed.ok) {
      console.log(JSON.stringify({ msg: 'feedback ignored', messageId: record.messageId, reason: parsed.reason }))
      continue
    }
    const result = await confirmFromSendEvent(deps, parsed.event)
    console.log(JSON.stringify({ msg: 'feedback', type: parsed.event.type, sesMessageId: parsed.event.messageId, result }))
  }
}
