import * as z from 'zod'
import { normaliseEmail } from './sanitise'
import type { SesEvent } from './ses-event'

/**
 * Classification of SES feedback (bounces, complaints, delays, opens, ...) into what Drason does about it:
 * which rolling-window signal it adds, which addresses it suppresses and where it moves the lead's send.
 * Pure: the caller (`processFeedback`) applies the result. Every SES form reaches this through
 * `parseFeedbackBody`; only the parts of `event.raw` read here are checked, tolerantly, because AWS
 * reserves the right to add fields. Nothing here throws. A bounce or complaint that cannot be read (a
 * bounceType SES adds later, no recipients) is `unreadable`, never `ignored`: it may be a hard bounce or a
 * person's complaint, so the caller keeps it as received, audits it and has it dead-lettered for a
 * person. `ignored` is only for what Drason leaves alone by design (contact-list changes, unknown types).
 */

export type FeedbackKind =
  | 'hard_bounce'
  | 'suppressed_bounce'
  | 'soft_bounce'
  | 'complaint'
  | 'suppressed_complaint'
  | 'delivery_failure'
  | 'send'
  | 'delivery'
  | 'open'
  | 'click'
  | 'ignored'
  | 'unreadable'
export type FeedbackSignal = 'hard_bounce' | 'complaint' | 'delivery_failure'
type SuppressionReason = 'hard_bounce' | 'complaint'

export interface ClassifiedFeedback {
  kind: FeedbackKind
  /** The signal this event adds to rolling-window counters; null when it does not count toward rates. */
  signal: FeedbackSignal | null
  /** Addresses to add to the suppression list (normalised), with why. */
  suppress: { email: string; reason: SuppressionReason }[]
  /** The send state this moves the lead's send to; null for no change. */
  sendState: 'bounced' | 'complained' | null
  /** Idempotency key, stable across redeliveries of the same event (see `feedbackIdOf`). */
  feedbackId: string
  /** When the event happened per SES (bounce.timestamp, complaint.timestamp, delivery.timestamp, ...; else mail.timestamp), ISO, or null. */
  occurredAt: string | null
  /** Plain words for an audit sentence, e.g. `a permanent bounce (General): 550 5.1.1 user unknown`. */
  description: string
  /** Facts for the audit event: bounceType, bounceSubType, diagnosticCode, feedbackId, complaintFeedbackType, delayType, reason, recipients ... */
  details: Record<string, unknown>
}

/**
 * The order of send outcomes: a later event never moves a send to a lower rank (Delivery after Bounce
 * changes nothing). SES gives no ordering guarantee, and a recipient may be delivered and later bounce
 * (an asynchronous bounce) or complain. A complaint ranks above a bounce: it is a person's objection,
 * the strongest statement about a send, and both already suppress the address.
 */
export const SEND_STATE_RANK: Record<'sent' | 'bounced' | 'complained', number> = { sent: 0, bounced: 1, complained: 2 }

/**
 * Product policy, as data: what each kind of feedback does. Only the kind is decided by reading the
 * event; everything that follows from it is here.
 * - Account-suppression-list bounces and complaints do not count toward rates: SES did not attempt the
 *   send (the address was already on our account list), so they say nothing about the mailbox now. The
 *   address is still suppressed here and the send still ends, so Drason never tries it again.
 * - Soft bounces, delays, rejections and rendering failures count as delivery failures only: the
 *   address may be fine, so it is not suppressed, and the send keeps its state.
 * - Send, Delivery, Open and Click are shown, never counted (open tracking is unreliable: image proxies
 *   open every message).
 */
const EFFECTS: Record<FeedbackKind, { signal: FeedbackSignal | null; suppress: SuppressionReason | null; sendState: ClassifiedFeedback['sendState'] }> = {
  hard_bounce: { signal: 'hard_bounce', suppress: 'hard_bounce', sendState: 'bounced' },
  suppressed_bounce: { signal: null, suppress: 'hard_bounce', sendState: 'bounced' },
  soft_bounce: { signal: 'delivery_failure', suppress: null, sendState: null },
  complaint: { signal: 'complaint', suppress: 'complaint', sendState: 'complained' },
  suppressed_complaint: { signal: null, suppress: 'complaint', sendState: 'complained' },
  delivery_failure: { signal: 'delivery_failure', suppress: null, sendState: null },
  send: { signal: null, suppress: null, sendState: null },
  delivery: { signal: null, suppress: null, sendState: null },
  open: { signal: null, suppress: null, sendState: null },
  click: { signal: null, suppress: null, sendState: null },
  ignored: { signal: null, suppress: null, sendState: null },
  // Nothing is guessed from a bounce or complaint that cannot be read: a person decides (see processFeedback).
  unreadable: { signal: null, suppress: null, sendState: null },
}

/** The SES subtype (for bounces and complaints alike) meaning "already on the account suppression list". */
const ACCOUNT_SUPPRESSION = 'OnAccountSuppressionList'

/** Bounce type to kind. Transient and Undetermined are one kind: SES has given up, but the address may work. */
const BOUNCE_KIND: Record<'Permanent' | 'Transient' | 'Undetermined', FeedbackKind> = {
  Permanent: 'hard_bounce',
  Transient: 'soft_bounce',
  Undetermined: 'soft_bounce',
}
const BOUNCE_WORDS: Record<keyof typeof BOUNCE_KIND, string> = {
  Permanent: 'a permanent bounce',
  Transient: 'a temporary bounce',
  Undetermined: 'a bounce of unknown cause',
}

/** Where each event type keeps its own object (`Rendering Failure` says `failure`). */
// A Map, not an object: an unknown type such as "constructor" must not find a prototype property.
const TYPE_KEY = new Map<string, string>([
  ['Bounce', 'bounce'],
  ['Complaint', 'complaint'],
  ['Delivery', 'delivery'],
  ['Send', 'send'],
  ['Reject', 'reject'],
  ['Open', 'open'],
  ['Click', 'click'],
  ['Rendering Failure', 'failure'],
  ['DeliveryDelay', 'deliveryDelay'],
  ['Subscription', 'subscription'],
])

// Informational fields never fail a parse: a wrong type reads as absent.
const text = z.string().optional().catch(undefined)
const timestamp = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString())
  .optional()
  .catch(undefined)

const commonSchema = z.object({ timestamp, feedbackId: text })
const mailSchema = z.object({ mail: z.object({ timestamp }).optional().catch(undefined) })

const bounceSchema = z.object({
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
  bounceSubType: text,
  bouncedRecipients: z
    .array(z.object({ emailAddress: z.string(), action: text, status: text, diagnosticCode: text }))
    .min(1),
  feedbackId: text,
  reportingMTA: text,
  remoteMtaIp: text,
})
const complaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: z.string() })).min(1),
  complaintSubType: z.string().nullish().catch(undefined),
  complaintFeedbackType: text,
  userAgent: text,
  arrivalDate: text,
  feedbackId: text,
})
const deliveryDelaySchema = z.object({
  delayType: text,
  expirationTime: text,
  reportingMTA: text,
  delayedRecipients: z
    .array(z.object({ emailAddress: z.string(), status: text, diagnosticCode: text }))
    .optional()
    .catch(undefined),
})
const deliverySchema = z.object({
  recipients: z.array(z.string()).optional().catch(undefined),
  smtpResponse: text,
  reportingMTA: text,
  processingTimeMillis: z.number().optional().catch(undefined),
})
const rejectSchema = z.object({ reason: text })
const failureSchema = z.object({ templateName: text, errorMessage: text })
const openSchema = z.object({ ipAddress: text, userAgent: text })
const clickSchema = z.object({ ipAddress: text, userAgent: text, link: text })

type Verdict = { kind: FeedbackKind; description: string; details: Record<string, unknown>; recipients?: string[] }

export function classifyFeedback(event: SesEvent): ClassifiedFeedback {
  const key = TYPE_KEY.get(event.type)
  const own = key === undefined ? undefined : field(event.raw, key)
  const common = commonSchema.safeParse(own)
  const ownTimestamp = common.success ? common.data.timestamp : undefined
  const mail = mailSchema.safeParse(event.raw)
  const mailTimestamp = mail.success ? mail.data.mail?.timestamp : undefined
  const occurredAt = ownTimestamp ?? mailTimestamp ?? null

  const verdict = judge(event.type, own)
  const effects = EFFECTS[verdict.kind]
  const { suppress, unreadable } = effects.suppress === null ? { suppress: [], unreadable: [] } : suppressionList(verdict.recipients ?? [], effects.suppress)
  return {
    kind: verdict.kind,
    signal: effects.signal,
    suppress,
    sendState: effects.sendState,
    feedbackId: feedbackIdOf(event, common.success ? common.data.feedbackId : undefined, ownTimestamp, mailTimestamp),
    occurredAt,
    description: verdict.description,
    details: compact({ ...verdict.details, unreadableRecipients: unreadable.length > 0 ? unreadable : undefined }),
  }
}

/**
 * The idempotency key: what stays the same between copies of one SES event. Copies come from SNS
 * redeliveries (same SNS MessageId) but also from one bounce published twice, by the identity's
 * notification topic and by the configuration set's event destination (two SNS messages, two
 * MessageIds): keyed by the SNS MessageId, that bounce would count twice towards a pause. So the key is
 * the event's own content first: SES's feedbackId, which bounces and complaints carry (the same in both
 * forms); else the type, SES message id and the event's own timestamp (two opens of one message differ
 * in timestamp; Send, Reject and Rendering Failure happen once per message and carry only the message's
 * timestamp). Only an event with no timestamp at all falls back to the SNS MessageId. Only bounce and
 * complaint feedback ids are read: SES defines no other.
 */
function feedbackIdOf(event: SesEvent, sesFeedbackId: string | undefined, ownTimestamp: string | undefined, mailTimestamp: string | undefined): string {
  if ((event.type === 'Bounce' || event.type === 'Complaint') && sesFeedbackId) return sesFeedbackId
  const at = ownTimestamp ?? mailTimestamp
  if (at) return `${event.type}:${event.messageId}:${at}`
  return event.snsMessageId ?? `${event.type}:${event.messageId}:`
}

function judge(type: string, own: unknown): Verdict {
  switch (type) {
    case 'Bounce':
      return judgeBounce(own)
    case 'Complaint':
      return judgeComplaint(own)
    case 'DeliveryDelay': {
      const d = read(deliveryDelaySchema, own)
      const first = d?.delayedRecipients?.[0]
      return {
        kind: 'delivery_failure',
        description: d?.delayType ? `a delivery delay (${d.delayType})` : 'a delivery delay',
        details: {
          delayType: d?.delayType,
          expirationTime: d?.expirationTime,
          reportingMTA: d?.reportingMTA,
          status: first?.status,
          diagnosticCode: first?.diagnosticCode,
          recipients: d?.delayedRecipients?.map((r) => readableAddress(r.emailAddress)),
        },
      }
    }
    case 'Reject': {
      const r = read(rejectSchema, own)
      return { kind: 'delivery_failure', description: r?.reason ? `a rejection (${r.reason})` : 'a rejection', details: { reason: r?.reason } }
    }
    case 'Rendering Failure': {
      const f = read(failureSchema, own)
      const template = f?.templateName ? ` (${f.templateName})` : ''
      return {
        kind: 'delivery_failure',
        description: `a rendering failure${template}${f?.errorMessage ? `: ${f.errorMessage}` : ''}`,
        details: { templateName: f?.templateName, errorMessage: f?.errorMessage },
      }
    }
    case 'Send':
      return { kind: 'send', description: 'a send accepted by SES', details: {} }
    case 'Delivery': {
      const d = read(deliverySchema, own)
      return {
        kind: 'delivery',
        description: d?.smtpResponse ? `a delivery: ${d.smtpResponse}` : 'a delivery',
        details: {
          smtpResponse: d?.smtpResponse,
          reportingMTA: d?.reportingMTA,
          processingTimeMillis: d?.processingTimeMillis,
          recipients: d?.recipients?.map(readableAddress),
        },
      }
    }
    case 'Open': {
      const o = read(openSchema, own)
      return { kind: 'open', description: 'an open', details: { ipAddress: o?.ipAddress, userAgent: o?.userAgent } }
    }
    case 'Click': {
      const c = read(clickSchema, own)
      return { kind: 'click', description: c?.link ? `a click on ${c.link}` : 'a click', details: { link: c?.link, ipAddress: c?.ipAddress, userAgent: c?.userAgent } }
    }
    case 'Subscription':
      // Drason runs no SES contact lists; its own unsubscribe link is handled elsewhere.
      return { kind: 'ignored', description: 'a contact-list subscription change, which Drason does not use', details: {} }
    default:
      return { kind: 'ignored', description: `an SES event of unknown type "${type}"`, details: { eventType: type } }
  }
}

function judgeBounce(own: unknown): Verdict {
  const parsed = bounceSchema.safeParse(own)
  if (!parsed.success) return unreadable('bounce', parsed.error)
  const b = parsed.data
  const kind = b.bounceType === 'Permanent' && b.bounceSubType === ACCOUNT_SUPPRESSION ? 'suppressed_bounce' : BOUNCE_KIND[b.bounceType]
  const first = b.bouncedRecipients.find((r) => r.diagnosticCode !== undefined)
  const diagnosticCode = first?.diagnosticCode
  const subType = b.bounceSubType ? ` (${b.bounceSubType})` : ''
  const why =
    kind === 'suppressed_bounce'
      ? ': the address is on the account suppression list, so SES did not try to send'
      : diagnosticCode
        ? `: ${plainDiagnostic(diagnosticCode)}`
        : ''
  return {
    kind,
    recipients: b.bouncedRecipients.map((r) => r.emailAddress),
    description: `${BOUNCE_WORDS[b.bounceType]}${subType}${why}`,
    details: {
      bounceType: b.bounceType,
      bounceSubType: b.bounceSubType,
      diagnosticCode,
      status: first?.status,
      feedbackId: b.feedbackId,
      reportingMTA: b.reportingMTA,
      remoteMtaIp: b.remoteMtaIp,
      recipients: b.bouncedRecipients.map((r) => readableAddress(r.emailAddress)),
    },
  }
}

function judgeComplaint(own: unknown): Verdict {
  const parsed = complaintSchema.safeParse(own)
  if (!parsed.success) return unreadable('complaint', parsed.error)
  const c = parsed.data
  const onList = c.complaintSubType === ACCOUNT_SUPPRESSION
  // The feedback type is only there when the mailbox provider attached a report.
  const qualifier = onList ? ' (the address is on the account suppression list, so SES did not try to send)' : c.complaintFeedbackType ? ` (${c.complaintFeedbackType})` : ''
  return {
    kind: onList ? 'suppressed_complaint' : 'complaint',
    recipients: c.complainedRecipients.map((r) => r.emailAddress),
    description: `a complaint${qualifier}`,
    details: {
      complaintFeedbackType: c.complaintFeedbackType,
      complaintSubType: c.complaintSubType ?? undefined,
      userAgent: c.userAgent,
      arrivalDate: c.arrivalDate,
      feedbackId: c.feedbackId,
      recipients: c.complainedRecipients.map((r) => readableAddress(r.emailAddress)),
    },
  }
}

function unreadable(what: 'bounce' | 'complaint', error: z.ZodError): Verdict {
  const problems = error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`).join('; ')
  return { kind: 'unreadable', description: `a ${what} that could not be read (${problems})`, details: { problems } }
}

/**
 * The addresses to suppress, normalised exactly as intake stores leads so the suppression key matches
 * the lead; an address intake would refuse cannot belong to a lead, so it is reported, not suppressed.
 */
function suppressionList(raw: string[], reason: SuppressionReason): { suppress: ClassifiedFeedback['suppress']; unreadable: string[] } {
  const suppress: ClassifiedFeedback['suppress'] = []
  const unreadable: string[] = []
  const seen = new Set<string>()
  for (const address of raw) {
    const n = normaliseEmail(address)
    if (!n.ok) unreadable.push(address)
    else if (!seen.has(n.email)) {
      seen.add(n.email)
      suppress.push({ email: n.email, reason })
    }
  }
  return { suppress, unreadable }
}

/** An address for the audit: normalised when it can be, else as SES sent it. */
function readableAddress(address: string): string {
  const n = normaliseEmail(address)
  return n.ok ? n.email : address
}

/** `smtp; 550 5.1.1 ...` → `550 5.1.1 ...`: the DSN diagnostic type (RFC 3464) means nothing to a person. */
function plainDiagnostic(code: string): string {
  return code.replace(/^\s*smtp\s*;\s*/iu, '')
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

function read<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null {
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** Drops absent facts so the audit record (and its DynamoDB item) holds only what SES said. */
function compact(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined && v !== null))
}
