import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Campaign, Mailbox } from '../domain/entities'
import { addMark, type SignalWindow } from '../domain/health'
import { dayOf, type Counters, type DayCounter } from '../domain/metrics'
import { normaliseEmail } from '../domain/sanitise'
import type { Settings } from '../domain/settings'
import { parseSmartleadWebhook, type SmartleadWebhookEvent } from '../domain/smartlead'
import { localDay } from '../domain/sending-window'
import type { FeedbackWrite } from './feedback'
import type { Clock, IdSource } from './ports'

/**
 * Smartlead's webhooks, once each: EMAIL_SENT counts a send; EMAIL_BOUNCE is a hard-bounce signal for
 * the sending mailbox and its domain (and suppresses the address); EMAIL_REPLY is reply-rate evidence only
 * (a counter, never a trigger); LEAD_UNSUBSCRIBED suppresses; everything else is stored and ignored.
 * Idempotent on the event's key through the same marker as SES feedback.
 */
export interface SmartleadWebhookDeps {
  /** Constant-time check of the body's `secret_key` against the configured secret; false when none is configured. */
  smartleadSecretMatches(presented: string): boolean
  feedback: {
    window(mailboxId: string): Promise<{ window: SignalWindow; version: number }>
    apply(write: FeedbackWrite): Promise<'applied' | 'duplicate' | 'conflict'>
  }
  senders: { getMailbox(id: string): Promise<{ value: Mailbox } | null> }
  campaigns: { list(): Promise<Campaign[]> }
  leads: { idForEmail(email: string): Promise<string | null> }
  audit: { append(event: AuditEvent): Promise<void> }
  settings(): Promise<Settings>
  checkHealth(): Promise<unknown>
  clock: Clock
  ids: IdSource
}

export type SmartleadWebhookResult =
  | { ok: true; outcome: 'applied' | 'duplicate'; type: SmartleadWebhookEvent['type'] }
  | { ok: false; status: 400 | 403; message: string }

const ACTOR = { type: 'integration', id: 'smartlead' } as const
const MAX_ATTEMPTS = 5

export async function handleSmartleadWebhook(deps: SmartleadWebhookDeps, body: unknown): Promise<SmartleadWebhookResult> {
  const parsed = parseSmartleadWebhook(body)
  if (!parsed.ok) return { ok: false, status: 400, message: parsed.reason }
  // The secret is checked before anything is read into the database.
  if (!parsed.secretKey || !deps.smartleadSecretMatches(parsed.secretKey)) {
    await deps.audit.append(
      stampAuditEvent(
        { actor: ACTOR, entityType: 'account', entityId: 'smartlead-webhook', action: 'webhook_refused', signals: ['secret_key'], sentence: `Refused a Smartlead ${parsed.event.eventType} webhook: its secret_key is ${parsed.secretKey ? 'wrong' : 'missing'}.` },
        deps.ids.next(),
        deps.clock.now(),
      ),
    )
    return { ok: false, status: 403, message: 'The secret_key is missing or wrong.' }
  }
  const event = parsed.event
  const settings = await deps.settings()
  const email = event.leadEmail ? normaliseEmail(event.leadEmail) : null
  const address = email?.ok ? email.email : null
  const mailboxAddress = event.mailbox ? normaliseEmail(event.mailbox) : null
  // Drason's mailbox ids are their addresses: a Smartlead account that is also a Drason mailbox is attributed.
  const mailbox = mailboxAddress?.ok ? await deps.senders.getMailbox(mailboxAddress.email) : null
  const campaign = event.campaignId ? ((await deps.campaigns.list()).find((c) => c.sender.kind === 'smartlead' && c.sender.externalId === event.campaignId) ?? null) : null
  const leadId = address ? await deps.leads.idForEmail(address) : null
  const signal = event.type === 'bounce' ? (event.bounceKind === 'hard' ? 'hard_bounce' : 'delivery_failure') : null

  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now()
    const day = dayOf(now)
    const counter: DayCounter | null = event.type === 'sent' ? 'sends' : event.type === 'reply' ? 'replies' : signal === 'hard_bounce' ? 'hard_bounces' : signal ? 'delivery_failures' : null
    const counters: FeedbackWrite['counters'] = []
    if (counter) {
      const add = { [counter]: 1 } as Partial<Counters<DayCounter>>
      counters.push({ scope: 'overall', id: 'all', day, add })
      // A campaign's days are its own local days, as its cap and its page count them (decision 015).
      if (campaign) counters.push({ scope: 'campaign', id: campaign.id, day: localDay(campaign.window.timeZone, now), add })
      if (mailbox) counters.push({ scope: 'mailbox', id: mailbox.value.id, day, add }, { scope: 'domain', id: mailbox.value.domainId, day, add })
    }
    const stored = signal && mailbox ? await deps.feedback.window(mailbox.value.id) : null
    const window = stored && signal ? addMark(stored.window, signal, settings) : null
    const suppress = address && ((event.type === 'bounce' && event.bounceKind === 'hard') || event.type === 'unsubscribed') ? [{ email: address, reason: event.type === 'unsubscribed' ? 'unsubscribe' : 'hard_bounce' }] : []
    const where = [campaign ? `campaign "${campaign.name}"` : event.campaignId ? `Smartlead campaign ${event.campaignId}` : null, event.mailbox ? `from ${event.mailbox}` : null].filter(Boolean).join(', ')
    const sentence =
      event.type === 'bounce'
        ? `Smartlead reported a ${event.bounceKind} bounce for ${address ?? 'an unknown address'}${where ? ` (${where})` : ''}${event.bounceText ? `: ${event.bounceText.slice(0, 200)}` : ''}.${suppress.length ? ' The address is suppressed and the bounce counts toward health.' : ' Counted as a delivery failure.'}`
        : event.type === 'unsubscribed'
          ? `${address ?? 'A lead'} unsubscribed in Smartlead${where ? ` (${where})` : ''}; the address is suppressed.`
          : event.type === 'reply'
            ? `${address ?? 'A lead'} replied in Smartlead${where ? ` (${where})` : ''}${event.replyCategory ? ` (${event.replyCategory})` : ''}: counted as reply-rate evidence only.`
            : null
    const audit = sentence
      ? stampAuditEvent(
          {
            actor: ACTOR,
            entityType: leadId ? 'lead' : 'suppression',
            entityId: leadId ?? address ?? event.key,
            action: `smartlead_${event.type}`,
            ...(signal ? { signals: [signal] } : {}),
            sentence,
            details: { smartleadEvent: event.eventType, key: event.key, campaignId: event.campaignId, mailbox: event.mailbox, ...(campaign ? { drasonCampaignId: campaign.id } : {}) },
          },
          deps.ids.next(),
          now,
        )
      : null
    const result = await deps.feedback.apply({
      feedbackId: `smartlead:${event.key}`,
      send: null,
      suppress,
      window: window && stored && mailbox ? { mailboxId: mailbox.value.id, hardBounceMarks: window.hardBounceMarks, failureMarks: window.failureMarks, hardBounces: window.hardBounces ?? window.hardBounceMarks.length, version: stored.version } : null,
      windowSend: event.type === 'sent' && mailbox ? mailbox.value.id : null,
      counters,
      event: audit,
      stored: event.type === 'ignored' ? event.raw : null,
      at: now,
    })
    if (result === 'duplicate') return { ok: true, outcome: 'duplicate', type: event.type }
    if (result === 'applied') {
      if (signal === 'hard_bounce') await deps.checkHealth()
      return { ok: true, outcome: 'applied', type: event.type }
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`smartlead webhook ${event.key}: the mailbox window kept changing; Smartlead will retry`)
  }
}
