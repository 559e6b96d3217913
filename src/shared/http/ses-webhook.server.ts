import type { AppDeps } from '../composition.server'
import { parseFeedbackBody } from '../domain/ses-event'
import { recordAudit } from '../services/audit-log'
import { processFeedback } from '../services/feedback'
import { SnsUnavailableError } from '../adapters/sns-verifier.server'
import { jsonError, type ApiRequest, type ApiResponse } from './json.server'

// SNS bodies are small (an SES event is a few KB); 256 KB is SNS's own message ceiling.
const MAX_SNS_BYTES = 256 * 1024
// An unreadable notification is kept in its audit event up to this many characters (stored deflated).
const MAX_KEPT_CHARS = 32 * 1024

/**
 * `POST /api/webhooks/ses`: SES events delivered by SNS over HTTPS. Every message is verified (signature,
 * certificate host, allowed topic, freshness) before anything is read from it; a refusal is audited. A
 * subscription is confirmed only for an allowed topic. Notifications go through the same feedback
 * service as the queue, so a message that arrives both ways is processed once.
 */
export async function sesWebhook(deps: AppDeps, req: ApiRequest): Promise<ApiResponse> {
  if (Buffer.byteLength(req.body, 'utf8') > MAX_SNS_BYTES) return jsonError(413, 'The body is larger than an SNS message can be.')
  let verified
  try {
    verified = await (await deps.snsVerifier()).verify(req.body)
  } catch (err) {
    // The signing certificate could not be fetched: SNS retries on a 5xx.
    if (err instanceof SnsUnavailableError) return jsonError(503, 'Could not check the message signature right now; SNS will retry.')
    throw err
  }
  if (!verified.ok) {
    await recordAudit(deps, {
      actor: { type: 'integration', id: 'sns' },
      entityType: 'account',
      entityId: 'ses-webhook',
      action: 'webhook_refused',
      signals: [verified.reason],
      sentence: `Refused a message on the SES webhook: ${verified.detail}`,
      details: { reason: verified.reason, client: req.client },
    })
    return jsonError(403, `The message was refused: ${verified.detail}`)
  }
  const message = verified.message
  if (message.Type === 'SubscriptionConfirmation') {
    const confirmed = await (await deps.snsVerifier()).confirmSubscription(message)
    await recordAudit(deps, {
      actor: { type: 'integration', id: 'sns' },
      entityType: 'account',
      entityId: 'ses-webhook',
      action: confirmed.ok ? 'sns_subscription_confirmed' : 'sns_subscription_refused',
      sentence: confirmed.ok ? `Confirmed the SNS subscription of topic ${message.TopicArn} to the SES webhook.` : `Did not confirm an SNS subscription: ${confirmed.detail}`,
    })
    return confirmed.ok ? { status: 200, body: { confirmed: true } } : jsonError(403, confirmed.detail)
  }
  if (message.Type === 'UnsubscribeConfirmation') {
    // Visiting its SubscribeURL would subscribe again: acknowledge and record only.
    await recordAudit(deps, { actor: { type: 'integration', id: 'sns' }, entityType: 'account', entityId: 'ses-webhook', action: 'sns_unsubscribed', sentence: `Topic ${message.TopicArn} unsubscribed the SES webhook.` })
    return { status: 200, body: { acknowledged: true } }
  }
  const parsed = parseFeedbackBody(req.body)
  if (!parsed.ok && parsed.byDesign) return { status: 200, body: { ignored: parsed.reason } }
  if (!parsed.ok) {
    // A verified notification that is not a readable SES event may be a bounce or a complaint in a shape
    // we do not know. SNS would retry it unchanged, so it is kept where a person sees it (the queue path
    // keeps the same in its dead-letter queue) and acknowledged.
    await recordAudit(deps, {
      actor: { type: 'integration', id: 'sns' },
      entityType: 'account',
      entityId: 'ses-webhook',
      action: 'feedback_unreadable',
      signals: ['unreadable_feedback'],
      sentence: `Kept an SES notification that could not be read (${parsed.reason}): nothing was counted from it; its text is in the details.`,
      details: { reason: parsed.reason, messageId: message.MessageId, topic: message.TopicArn, message: message.Message.slice(0, MAX_KEPT_CHARS) },
    })
    return { status: 200, body: { kept: parsed.reason } }
  }
  const result = await processFeedback(deps, parsed.event)
  return { status: 200, body: result }
}
