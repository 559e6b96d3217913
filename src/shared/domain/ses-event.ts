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
const setupSchema = z.object({ eventType: z.string().optional(), notificationType: z.string().optional() })

export interface SesEvent {
  type: string
  messageId: string
  tags: Record<string, string[]>
  /** The SNS message id when the event came in an envelope (the idempotency key for feedback). */
  snsMessageId: string | null
  raw: unknown
}

/**
 * What SES publishes to a topic when it is set up, not about any mail: identity notifications announce
 * themselves with `{"notificationType":"AmazonSnsSubscriptionSucceeded","message":"You have successfully
 * subscribed ..."}`, and an event destination with the plain text below as the SNS Message. Drason ignores
 * them by design: they must not be dead-lettered as unreadable.
 */
const SETUP_TYPES: ReadonlySet<string> = new Set(['AmazonSnsSubscriptionSucceeded'])
const EVENT_DESTINATION_VALIDATED = /^Successfully validated SNS topic for Amazon SES event publishing\.?$/u

/**
 * `byDesign` says why a body is not an event: true for a setup notice Drason ignores on purpose
 * (acknowledge it), false for a body that cannot be read (a poison message: keep it, in the dead-letter
 * queue, for a person; acknowledging it would lose a bounce or complaint silently).
 */
export type ParsedFeedbackBody = { ok: true; event: SesEvent } | { ok: false; reason: string; byDesign: boolean }

export function parseFeedbackBody(body: string): ParsedFeedbackBody {
  const unreadable = (reason: string) => ({ ok: false as const, reason, byDesign: false })
  let outer: unknown
  try {
    outer = JSON.parse(body)
  } catch {
    return unreadable('the body is not JSON')
  }
  const envelope = envelopeSchema.safeParse(outer)
  let inner: unknown = outer
  if (envelope.success) {
    if (EVENT_DESTINATION_VALIDATED.test(envelope.data.Message.trim())) return { ok: false, reason: 'SES validated the event destination topic (a setup notice)', byDesign: true }
    try {
      inner = JSON.parse(envelope.data.Message)
    } catch {
      return unreadable('the SNS Message is not JSON')
    }
  }
  const setup = setupSchema.safeParse(inner)
  if (setup.success && SETUP_TYPES.has(setup.data.notificationType ?? setup.data.eventType ?? '')) {
    return { ok: false, reason: `SES confirmed a topic subscription (${setup.data.notificationType ?? setup.data.eventType}, a setup notice)`, byDesign: true }
  }
  const event = eventSchema.safeParse(inner)
  if (!event.success) return unreadable('not an SES event (no mail.messageId)')
  const type = event.data.eventType ?? event.data.notificationType
  if (!type) return unreadable('the SES event has no eventType or notificationType')
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
