import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Campaign, Mailbox } from '../domain/entities'
import { classifyFeedback, SEND_STATE_RANK, type ClassifiedFeedback, type FeedbackKind } from '../domain/feedback'
import { addMark, type SignalWindow } from '../domain/health'
import { dayOf, type Counters, type DayCounter } from '../domain/metrics'
import { drasonTags, type SesEvent } from '../domain/ses-event'
import type { Settings } from '../domain/settings'
import type { Clock, IdSource } from './ports'
import type { SendRecord, SendState } from './pulse'
import { confirmFromSendEvent, type ConfirmDeps } from './send-confirmation'

/** Everything one feedback event changes, written together exactly once. */
export interface FeedbackWrite {
  feedbackId: string
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

function sentenceOf(c: ClassifiedFeedback, recipient: string, campaign: Campaign | null, mailbox: Mailbox | null): string {
  const where = [campaign ? `campaign "${campaign.name}"` : null, mailbox ? `from ${mailbox.address}` : null].filter(Boolean).join(', ')
  const then =
    c.suppress.length > 0
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
  if (c.kind === 'send') return { outcome: await confirmFromSendEvent(deps, event), kind: 'send' }

  const tags = drasonTags(event)
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
    if (counter) {
      const add = { [counter]: 1 } as Partial<Counters<DayCounter>>
      counters.push({ scope: 'overall', id: 'all', day, add })
      if (campaign) counters.push({ scope: 'campaign', id: campaign.value.id, day, add })
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
          sentence: sentenceOf(c, recipient || 'an unknown recipient', campaign?.value ?? null, mailbox?.value ?? null),
          details: { ...c.details, feedbackId: c.feedbackId, sesMessageId: event.messageId, ...(tags ? { campaignId: tags.campaignId, sendId: tags.sendId } : {}), ...(mailbox ? { mailboxId: mailbox.value.id } : {}) },
        },
        deps.ids.next(),
        now,
      )
    }
    const result = await deps.feedback.apply({
      feedbackId: c.feedbackId,
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
    if (result === 'duplicate') return { outcome: 'duplicate', kind: c.kind, feedbackId: c.feedbackId }
    if (result === 'applied') {
      if (c.signal === 'hard_bounce' || c.signal === 'complaint') await deps.checkHealth()
      return { outcome: 'applied', kind: c.kind, feedbackId: c.feedbackId }
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`feedback ${c.feedbackId}: the send or the mailbox window kept changing; the queue will retry`)
  }
}
