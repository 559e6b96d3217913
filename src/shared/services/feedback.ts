import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Campaign, Mailbox } from '../domain/entities'
import { classifyFeedback, SEND_STATE_RANK, type ClassifiedFeedback, type FeedbackKind } from '../domain/feedback'
import { addMark, type SignalWindow } from '../domain/health'
import { dayOf, type Counters, type DayCounter } from '../domain/metrics'
import { drasonTags, type SesEvent } from '../domain/ses-event'
import type { Settings } from '../domain/settings'
import { localDay } from '../domain/sending-window'
import type { Clock, IdSource } from './ports'
import type { SendRecord, SendState } from './pulse'
import { confirmFromSendEvent, type ConfirmDeps } from './send-confirmation'

/** Everything one feedback event changes, written together exactly once. */
export interface FeedbackWrite {
  feedbackId: string
  /** Another marker whose presence makes this write a duplicate (a tagless copy yields to the tagged copy). */
  unless?: string | null
  /** The send's new record, written only if its state is still one of `from` (out-of-order safety). */
  send: { record: SendRecord; from: SendState[] } | null
  suppress: { email: string; reason: string }[]
  /** The mailbox's new marks, written only if nobody changed them since `version` was read. */
  window: { mailboxId: string; hardBounceMarks: number[]; failureMarks: number[]; hardBounces: number; version: number } | null
  counters: { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string; add: Partial<Counters<DayCounter>> }[]
  /** One more send in this mailbox's signal window (a send reported by an external sender). */
  windowSend?: string | null
  /** The event as received, kept with the marker (external events Drason stores and otherwise ignores). */
  stored?: Record<string, unknown> | null
  event: AuditEvent | null
  at: Date
}

export interface FeedbackDeps extends ConfirmDeps {
  feedback: {
    window(mailboxId: string): Promise<{ window: SignalWindow; version: number }>
    apply(write: FeedbackWrite): Promise<'applied' | 'duplicate' | 'conflict'>
  }
  settings(): Promise<Settings>
  /** The immediate health check after a hard bounce or a complaint (the schedule runs the same check). */
  checkHealth(): Promise<unknown>
  clock: Clock
  ids: IdSource
}

export type FeedbackResult =
  | { outcome: 'applied'; kind: FeedbackKind; feedbackId: string }
  | { outcome: 'duplicate'; kind: FeedbackKind; feedbackId: string }
  | { outcome: 'ignored'; kind: FeedbackKind; reason: string }
  /** A bounce or complaint that could not be read: kept and audited as received; the queue dead-letters it for a person. */
  | { outcome: 'unreadable'; kind: 'unreadable'; feedbackId: string; reason: string }
  | { outcome: 'confirmed' | 'not_applicable'; kind: 'send' }

const COUNTER: Record<NonNullable<ClassifiedFeedback['signal']>, DayCounter> = {
  hard_bounce: 'hard_bounces',
  complaint: 'complaints',
  delivery_failure: 'delivery_failures',
}
// Open and click are display-only; opens are counted for the Overview's display-only open rate.
const DISPLAY_COUNTER: Partial<Record<FeedbackKind, DayCounter>> = { open: 'opens' }
// Kinds a person may want explained on the lead's timeline. Deliveries, opens and clicks are frequent and
// change nothing: they update the send and the counters without an audit event.
const AUDITED: ReadonlySet<FeedbackKind> = new Set(['hard_bounce', 'suppressed_bounce', 'soft_bounce', 'complaint', 'suppressed_complaint', 'delivery_failure'])
// Two writers on one mailbox window or send (a burst of bounces) retry from a fresh read; a handful of
// attempts is plenty, and the queue's own retry covers the rest.
const MAX_ATTEMPTS = 5

/** The send's new record if this feedback moves it forward; null when it changes nothing. */
function sendChange(record: SendRecord | null, c: ClassifiedFeedback, at: string): { record: SendRecord; from: SendState[] } | null {
  if (!record) return null
  if (c.sendState) {
    const rank = (s: SendState) => (s in SEND_STATE_RANK ? SEND_STATE_RANK[s as keyof typeof SEND_STATE_RANK] : -1)
    // Only a send that went out moves; `unknown` waits for its Send event (which counts it) first.
    if (rank(record.state) < 0 || rank(record.state) >= rank(c.sendState)) return null
    return { record: { ...record, state: c.sendState, feedback: c.description }, from: [record.state] }
  }
  if (c.kind === 'delivery' && record.state === 'sent' && !record.deliveredAt) return { record: { ...record, deliveredAt: c.occurredAt ?? at }, from: ['sent'] }
  return null
}

/** The addressee SES names on the message itself (delays, rejects and rendering failures list none of their own). */
function firstDestination(event: SesEvent): string | null {
  const mail = (event.raw as { mail?: { destination?: unknown } } | null)?.mail
  return Array.isArray(mail?.destination) && typeof mail.destination[0] === 'string' ? mail.destination[0] : null
}

function sentenceOf(c: ClassifiedFeedback, recipient: string, campaign: Campaign | null, mailbox: Mailbox | null, tagged: boolean): string {
  const where = [campaign ? `campaign "${campaign.name}"` : null, mailbox ? `from ${mailbox.address}` : null].filter(Boolean).join(', ')
  const then = !tagged
    ? `${c.suppress.length > 0 ? ' The address is suppressed.' : ' The address is not suppressed.'} This copy carries no Drason tags (an identity notification, or mail Drason did not send), so it counts toward no rate: the tagged copy from Drason's configuration set is the one counted.`
    : c.suppress.length > 0
      ? c.signal
        ? ' The address is suppressed and the signal counts toward health.'
        : ' The address is suppressed; it does not count toward rates (it was already on the SES account suppression list).'
      : ' Counted as a delivery failure; the address is not suppressed.'
  // The description may end a sentence of its own (an SMTP diagnostic, a rendering error): drop its full stop.
  return `SES reported ${c.description.replace(/\.\s*$/, '')} for ${recipient}${where ? ` (${where})` : ''}.${then}`
}

/**
 * One SES event, processed exactly once: the send's state (never backwards), suppression, the mailbox's
 * signal window, day counters and the audit event in one transaction keyed by the feedback id. A hard
 * bounce or complaint then runs the health check at once rather than waiting for the schedule.
 */
export async function processFeedback(deps: FeedbackDeps, event: SesEvent): Promise<FeedbackResult> {
  const c = classifyFeedback(event)
  if (c.kind === 'ignored') return { outcome: 'ignored', kind: c.kind, reason: c.description }
  if (c.kind === 'unreadable') return keepUnreadable(deps, event, c)
  if (c.kind === 'send') return { outcome: await confirmFromSendEvent(deps, event), kind: 'send' }

  const tags = drasonTags(event)
  // A copy without Drason's tags (the identity's notification topic carries none) cannot name the send,
  // mailbox or campaign. Claiming the event's own key would make the tagged copy of the same bounce a
  // duplicate, so it would never reach the mailbox's window, its counters or the send (decision 021). So a
  // tagless copy keys a marker of its own, writes only what it can (the suppression, idempotent, and the
  // audit), counts nothing, and yields to the tagged copy when that came first: counted once, either order.
  const feedbackId = tags ? c.feedbackId : `untagged:${c.feedbackId}`
  const settings = await deps.settings()
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now()
    const found = tags ? await deps.sends.get(tags.campaignId, tags.leadId) : null
    // A record for another send id is a different send of that lead (cannot happen today): leave it alone.
    const record = found && tags && found.sendId === tags.sendId ? found : null
    const mailboxId = record?.mailboxId ?? tags?.mailboxId ?? null
    const [mailbox, campaign] = await Promise.all([
      mailboxId ? deps.senders.getMailbox(mailboxId) : null,
      tags ? deps.campaigns.get(tags.campaignId) : null,
    ])
    const marked = mailbox && (c.signal === 'hard_bounce' || c.signal === 'delivery_failure') ? c.signal : null
    const stored = marked && mailbox ? await deps.feedback.window(mailbox.value.id) : null
    const window = stored && marked ? addMark(stored.window, marked, settings) : null

    const day = dayOf(now)
    const counter = c.signal ? COUNTER[c.signal] : DISPLAY_COUNTER[c.kind]
    const counters: FeedbackWrite['counters'] = []
    if (counter && tags) {
      const add = { [counter]: 1 } as Partial<Counters<DayCounter>>
      counters.push({ scope: 'overall', id: 'all', day, add })
      // A campaign's days are its own local days, as its cap and its page count them (decision 015).
      if (campaign) counters.push({ scope: 'campaign', id: campaign.value.id, day: localDay(campaign.value.window.timeZone, now), add })
      if (mailbox) counters.push({ scope: 'mailbox', id: mailbox.value.id, day, add }, { scope: 'domain', id: mailbox.value.domainId, day, add })
    }
    const recipient = c.suppress[0]?.email ?? firstDestination(event) ?? ''
    let audit: AuditEvent | null = null
    if (AUDITED.has(c.kind)) {
      audit = stampAuditEvent(
        {
          actor: { type: 'integration', id: 'ses' },
          entityType: tags ? 'lead' : 'suppression',
          entityId: tags ? tags.leadId : recipient || event.messageId,
          action: c.kind,
          ...(c.signal ? { signals: [c.signal] } : {}),
          sentence: sentenceOf(c, recipient || 'an unknown recipient', campaign?.value ?? null, mailbox?.value ?? null, tags !== null),
          details: { ...c.details, feedbackId: c.feedbackId, sesMessageId: event.messageId, ...(tags ? { campaignId: tags.campaignId, sendId: tags.sendId } : {}), ...(mailbox ? { mailboxId: mailbox.value.id } : {}) },
        },
        deps.ids.next(),
        now,
      )
    }
    const result = await deps.feedback.apply({
      feedbackId,
      unless: tags ? null : c.feedbackId,
      send: sendChange(record, c, now.toISOString()),
      suppress: c.suppress,
      window:
        window && stored && mailbox
          ? { mailboxId: mailbox.value.id, hardBounceMarks: window.hardBounceMarks, failureMarks: window.failureMarks, hardBounces: window.hardBounces ?? window.hardBounceMarks.length, version: stored.version }
          : null,
      counters,
      event: audit,
      at: now,
    })
    if (result === 'duplicate') return { outcome: 'duplicate', kind: c.kind, feedbackId }
    if (result === 'applied') {
      if (tags && (c.signal === 'hard_bounce' || c.signal === 'complaint')) await deps.checkHealth()
      return { outcome: 'applied', kind: c.kind, feedbackId }
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`feedback ${feedbackId}: the send or the mailbox window kept changing; the queue will retry`)
  }
}

/**
 * A bounce or complaint Drason cannot read (a bounceType SES adds later, an empty recipient list) is not
 * dropped and not guessed at: the event as received is kept with its marker and in an audit event a
 * person sees, and the result tells the queue handler to report it failed, so SQS dead-letters it too
 * (the dead-letter alarm fires on one message). Its marker has a key of its own, so a redrive once Drason
 * reads the event is processed normally rather than refused as a duplicate; a redelivery is audited once.
 */
async function keepUnreadable(deps: FeedbackDeps, event: SesEvent, c: ClassifiedFeedback): Promise<FeedbackResult> {
  const feedbackId = `unreadable:${c.feedbackId}`
  const tags = drasonTags(event)
  const recipient = firstDestination(event)
  const now = deps.clock.now()
  const audit = stampAuditEvent(
    {
      actor: { type: 'integration', id: 'ses' },
      entityType: tags ? 'lead' : 'suppression',
      entityId: tags ? tags.leadId : recipient || event.messageId,
      action: 'feedback_unreadable',
      sentence: `SES reported ${c.description.replace(/\.\s*$/, '')} for ${recipient || 'an unknown recipient'}. Drason did not act on it: nothing is suppressed or counted until a person reads it; the event is kept as received here and in the feedback dead-letter queue.`,
      details: { ...c.details, feedbackId: c.feedbackId, sesMessageId: event.messageId, ...(tags ? { campaignId: tags.campaignId, sendId: tags.sendId } : {}), received: event.raw },
    },
    deps.ids.next(),
    now,
  )
  const stored = typeof event.raw === 'object' && event.raw !== null ? (event.raw as Record<string, unknown>) : { received: event.raw }
  const result = await deps.feedback.apply({ feedbackId, send: null, suppress: [], window: null, counters: [], stored, event: audit, at: now })
  if (result === 'conflict') throw new Error(`feedback ${feedbackId}: the marker could not be written; the queue will retry`)
  return { outcome: 'unreadable', kind: 'unreadable', feedbackId, reason: c.description }
}
