import * as z from 'zod'

/**
 * SES events as they reach the feedback queue: an SNS envelope whose `Message` is the event as a JSON
 * string (raw delivery off), or the bare event (raw delivery on); event publishing says `eventType`,
 * identity notifications say `notificationType`. Parsed tolerantly: only what Drason reads is checked.
 */
const mailSchema = z.object({
  messageId: z.string().min(1),
  destination: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.array(z.string())).optional(),
})
const eventSchema = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail: mailSchema,
})
const envelopeSchema = z.object({ Type: z.literal('Notification'), MessageId: z.string(), Message: z.string() })

export interface SesEvent {
  type: string
  messageId: string
  tags: Record<string, string[]>
  /** The SNS message id when the event came in an envelope (the idempotency key for feedback). */
  snsMessageId: string | null
  raw: unknown
}

export function parseFeedbackBody(body: string): { ok: true; event: SesEvent } | { ok: false; reason: string } {
  let outer: unknown
  try {
    outer = JSON.parse(body)
  } catch {
    return { ok: false, reason: 'the body is not JSON' }
  }
  const envelope = envelopeSchema.safeParse(outer)
  let inner: unknown = outer
  if (envelope.success) {
    try {
      inner = JSON.parse(envelope.data.Message)
    } catch {
      return { ok: false, reason: 'the SNS Message is not JSON' }
    }
  }
  const event = eventSchema.safeParse(inner)
  if (!event.success) return { ok: false, reason: 'not an SES event (no mail.messageId)' }
  const type = event.data.eventType ?? event.data.notificationType
  if (!type) return { ok: false, reason: 'the SES event has no eventType or notificationType' }
  return {
    ok: true,
    event: { type, messageId: event.data.mail.messageId, tags: event.data.mail.tags ?? {}, snsMessageId: envelope.success ? envelope.data.MessageId : null, raw: inner },
  }
}

/** The tags Drason put on its own sends (see the SES adapter), or null for mail Drason did not tag. */
export function drasonTags(event: SesEvent): { leadId: string; campaignId: string; sendId: string; mailboxId: string | null } | null {
  const one = (name: string) => event.tags[name]?.[0] ?? null
  const leadId = one('lead')
  const campaignId = one('campaign')
  const sendId = one('send')
  if (!leadId || !campaignId || !sendId) return null
  return { leadId, campaignId, sendId, mailboxId: one('mailbox') }
}
