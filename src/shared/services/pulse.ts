import { stampAuditEvent, type AuditEvent, type NewAuditEvent } from '../domain/audit'
import type { AccountBrake, Campaign, Domain, Lead, Mailbox } from '../domain/entities'
import { evaluateGate, type GateInput } from '../domain/gate'
import { dayOf } from '../domain/metrics'
import { gaussianDelaySeconds, splitIntoHops } from '../domain/pacing'
import type { Random } from '../domain/random'
import { localDay } from '../domain/sending-window'
import type { Settings } from '../domain/settings'
import { leadContext, renderTemplate } from '../domain/template'
import type { PulseQueue } from './campaign-controls'
import type { Clock, IdSource } from './ports'

/** A send's life: claimed (`sending`), then exactly one outcome. */
export type SendState = 'sending' | 'sent' | 'unknown' | 'failed' | 'skipped_invalid' | 'bounced' | 'complained'

export interface SendRecord {
  campaignId: string
  leadId: string
  sendId: string
  state: SendState
  mailboxId: string | null
  claimedAt: string
  messageId?: string
  reason?: string
  /** When SES reported the message delivered to the recipient's server. */
  deliveredAt?: string
  /** The bounce or complaint that settled it, in plain words (set by feedback). */
  feedback?: string
}

export interface StoredVerification {
  verdict: 'valid' | 'invalid' | 'risky'
  status: string
  diagnosis: string
  checkedAt: string
  raw: unknown
}

/** A campaign's pulse chain as stored: which chain is current, where its cursor is, the pulse it expects. */
export interface ChainView {
  chainId: string | null
  running: boolean
  cursor: string | null
  lastMailboxId: string | null
  waitingFor: string | null
  pulseToken?: string | null
  /** When the chain last moved (or started): a running chain that has not moved for long has lost its pulse. */
  movedAt?: string | null
  /** The next lead's address verified while this pulse's delay runs, for the pulse the chain expects. */
  preverified?: PreVerification | null
  /** SES rejections in a row on this chain (absent: none); a send that goes out clears it. */
  rejectedInRow?: number
  /** When the lead the cursor stands on was queued (for people; the cursor itself is the store's key). */
  cursorQueuedAt?: string | null
  /** A gap longer than SQS's 900 s: no send before this time (ISO); the pulses until then only hop. */
  notBefore?: string | null
}

/** A verification kept on the chain for the next pulse (it reads the chain anyway: no read of its own). */
export type PreVerification = StoredVerification & { email: string }

/** Ports the pulse needs; each is a small role. */
export interface PulseDeps {
  campaigns: {
    /** The campaign and its chain, read together and strongly consistent (a Pause is seen at once). */
    withChain(id: string): Promise<{ campaign: { value: Campaign; version: number } | null; chain: ChainView }>
  }
  chainCursor: {
    /** Moves the cursor for the chain that owns it; with `token`, only if the chain still expects that pulse. */
    advance(
      campaignId: string,
      chainId: string,
      position: ChainPosition,
      token?: { expected: string; next: string },
      at?: string,
      /** A verification to keep on the chain with the move (the lead it is for is retried later). */
      preverified?: PreVerification,
    ): Promise<'moved' | 'stale'>
    /**
     * Keeps a verification on the chain, only while the chain still runs and expects pulse `token` (the chain
     * id stands for a chain's first pulse): `stale` also tells a pulse that a Pause or Abort came meanwhile.
     */
    notePreverified(campaignId: string, chainId: string, token: string, verification: PreVerification): Promise<'noted' | 'stale'>
  }
  leads: {
    nextActive(campaignId: string, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]>
    /** The lead's one email went out: active -> completed (a lead paused meanwhile is left as it is). */
    complete(lead: Lead): Promise<'moved' | 'changed'>
  }
  senders: { mailboxesById(ids: string[]): Promise<Mailbox[]>; domains(): Promise<Domain[]> }
  sends: {
    /** The lead's send for this campaign, if any (may miss a claim made a moment ago: the claim decides). */
    peek(campaignId: string, leadId: string): Promise<SendRecord | null>
    claim(record: SendRecord): Promise<'claimed' | 'exists'>
    release(record: SendRecord): Promise<void>
    settle(record: SendRecord, event: AuditEvent, counters: { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string }[]): Promise<'settled' | 'changed'>
    /** `passed`: the address passed verification (the lead was skipped for another reason). */
    skip(record: SendRecord, event: AuditEvent, counters: { scope: 'overall' | 'campaign'; id: string; day: string; passed?: boolean }[]): Promise<'skipped' | 'exists'>
  }
  /** Sends counted on a day, every scope at once. */
  sendsOnDay(day: string): Promise<(scope: 'overall' | 'campaign' | 'mailbox', id: string) => number>
  audit: { append(event: AuditEvent): Promise<void> }
  suppression: { isSuppressed(email: string): Promise<boolean> }
  verifier: { verify(email: string): Promise<{ verdict: 'valid' | 'invalid' | 'risky'; status: string; diagnosis: string; raw: unknown }> }
  sender: { send(message: OutgoingEmail): Promise<SendOutcome> }
  pulseQueue: PulseQueue
  /** Pauses the campaign for a reason SES gave (account paused or suspended), audited. */
  pauseCampaign(campaignId: string, reason: string): Promise<void>
  unsubscribeUrl(leadId: string, campaignId: string): string
  /** The settings and the account brake (engaged, or null), read together and strongly consistent. */
  settingsWithBrake(): Promise<{ settings: Settings; brake: AccountBrake | null }>
  clock: Clock
  ids: IdSource
  random: Random
}

/** What the pulse hands the sender (the SES adapter implements it). */
export interface OutgoingEmail {
  from: { name: string; address: string }
  to: string
  subject: string
  text: string
  html?: string
  tags: { lead: string; campaign: string; mailbox: string; send: string }
  unsubscribeUrl: string
}
export type SendOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'throttled'; retryAfterSeconds?: number; code: string }
  | { kind: 'paused'; code: string }
  | { kind: 'suspended'; code: string }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'misconfigured'; code: string; message: string; explanation: string }
  | { kind: 'unknown'; reason: string }

export type PulseResult =
  | { kind: 'stale' }
  | { kind: 'stopped'; reason: string }
  | { kind: 'idle' }
  | { kind: 'waiting'; reason: string; delaySeconds: number }
  | { kind: 'skipped'; leadId: string; reason: string }
  | { kind: 'sent'; leadId: string; messageId: string; delaySeconds: number }
  | { kind: 'unknown'; leadId: string }
  | { kind: 'failed'; leadId: string; reason: string }
  | { kind: 'throttled'; delaySeconds: number }
  | { kind: 'retrying'; reason: string; delaySeconds: number }

// With nothing queued, look again in 5 minutes: the gate admits leads on that same schedule.
const IDLE_SECONDS = 300
// A new chain that finds nothing queued looks again after this, in case the index was behind.
export const FIRST_IDLE_SECONDS = 15
// Queued leads read from the start of the queue when nothing is left after the cursor (`leftBehind`).
const BEHIND_LOOK = 10
// A cap, a paused domain or no free mailbox is re-checked every 15 minutes (the SQS maximum delay).
const BLOCKED_SECONDS = 900
// A pulse that reaches its claim this long after its first look at the chain looks again (one conditional
// write): a pre-verified lead gets there in tens of milliseconds, so only a pulse slowed by something (an
// inline verification is always re-checked) pays for it.
const RECHECK_AFTER_MS = 1000
// SES rejections in a row that stop the chain: one rejected email is that email's problem, three in a row
// with nothing sent between are most likely the campaign's or the account's (a setup error SES reports with
// a code not known to be one), and failing the whole queue for it would lose every lead. Two leads at most
// are failed before a person looks.
export const REJECTED_IN_ROW_LIMIT = 3
// A verification stays good for a day: long enough to pre-verify the next lead, short enough that a
// mailbox that closed since is caught before a send.
const VERIFICATION_FRESH_MS = 24 * 3_600_000

function stamp(deps: PulseDeps, e: NewAuditEvent): AuditEvent {
  return stampAuditEvent(e, deps.ids.next(), deps.clock.now())
}

const isFresh = (deps: PulseDeps, v: StoredVerification) => deps.clock.now().getTime() - new Date(v.checkedAt).getTime() < VERIFICATION_FRESH_MS

async function ask(deps: PulseDeps, email: string): Promise<StoredVerification> {
  const result = await deps.verifier.verify(email)
  return { verdict: result.verdict, status: result.status, diagnosis: result.diagnosis, checkedAt: deps.clock.now().toISOString(), raw: result.raw }
}

interface ChainContext {
  deps: PulseDeps
  campaignId: string
  chainId: string
  /** This pulse's token: only the one pulse the chain expects may move it on. */
  token: string
}
/** Where a chain stands: what each move of the cursor writes. */
export interface ChainPosition {
  cursor: string | null
  lastMailboxId: string | null
  waitingFor: string | null
  /** SES rejections in a row; 0 is stored as absent. */
  rejectedInRow: number
  /** Set by moveOn for a wait longer than one SQS delay: the time before which the chain only hops. */
  notBefore?: string | null
}
type Position = ChainPosition

/**
 * Records where the chain stands and hands over to the next pulse. The cursor update carries a fresh
 * token and succeeds only if the chain still expects this pulse, so a pulse delivered twice by SQS (or
 * re-enqueued after a lost answer) cannot start a second, parallel chain: the duplicate's move fails and
 * it enqueues nothing.
 */
async function moveOn(ctx: ChainContext, position: Position, delaySeconds: number, attempt = 0, keep?: PreVerification): Promise<string | null> {
  const next = ctx.deps.ids.next()
  const moved = await ctx.deps.chainCursor.advance(ctx.campaignId, ctx.chainId, position, { expected: ctx.token, next }, ctx.deps.clock.now().toISOString(), keep)
  if (moved === 'stale') return null
  // Longer waits hop: each hop is a pulse that finds nothing due yet (the gate says so, or the gap's end
  // kept on the chain) and waits again.
  await ctx.deps.pulseQueue.enqueue({ campaignId: ctx.campaignId, chainId: ctx.chainId, token: next, ...(attempt > 0 ? { attempt } : {}) }, splitIntoHops(delaySeconds)[0] ?? 0)
  return next
}

/**
 * A queued lead the cursor has passed without a send, or null. A pulse reads only after its cursor, so a
 * lead can be left behind it, unsent, by: an index entry that appears late (DynamoDB's indexes follow the
 * table asynchronously, so a lead admitted a moment before another can show up after it), two admitting
 * processes whose clocks differ by milliseconds, or a delivery of a pulse that gave its claim back after a
 * duplicate of it had moved the chain past the lead (decision 018). When nothing is left after the cursor,
 * the queue is read once from its start before the chain idles. Sent and skipped leads have left the
 * queue, so what is found there is either such a lead (no send: it is taken now) or one whose completion
 * was lost (a crash between its send and its completion: completed now). A send still `sending` is left to
 * its pulse or the sweep. The common path, with leads after the cursor, never reads this.
 */
async function leftBehind(ctx: ChainContext): Promise<{ lead: Lead; cursor: string } | null> {
  for (const found of await ctx.deps.leads.nextActive(ctx.campaignId, null, BEHIND_LOOK)) {
    const existing = await ctx.deps.sends.peek(ctx.campaignId, found.lead.id)
    if (!existing) return found
    if (existing.state !== 'sending') await ctx.deps.leads.complete(found.lead)
  }
  return null
}

/**
 * The gap after a send, when it is longer than one SQS delay (a slow campaign: a wait of up to an hour
 * is allowed): nothing in the gate would stop the next pulse from sending at once, so the gap's end is
 * kept on the chain and the pulses before it only hop (see `pulse`).
 */
function afterGap(ctx: ChainContext, position: Position, delaySeconds: number): Position {
  if (splitIntoHops(delaySeconds).length === 1) return position
  return { ...position, notBefore: new Date(ctx.deps.clock.now().getTime() + Math.ceil(delaySeconds) * 1000).toISOString() }
}

// Retries of one pulse when a dependency is down (the verifier) or SES throttles: 30 s, 60 s, 120 s,
// 240 s, 480 s; after that the error is thrown, SQS retries and then dead-letters the message. Nothing is
// claimed before the verifier answers, so a dead-lettered pulse loses no lead: Resume starts a new chain
// at the same queue position.
export const MAX_PULSE_RETRIES = 5
const BACKOFF_BASE_SECONDS = 30
export function backoffSeconds(attempt: number): number {
  return Math.min(900, BACKOFF_BASE_SECONDS * 2 ** attempt)
}

/** The chain still runs as this pulse's, expecting this very pulse (a Pause, an Abort or a move ends that). */
function isCurrent(chain: ChainView, ctx: ChainContext): boolean {
  return chain.running && chain.chainId === ctx.chainId && (chain.pulseToken ?? ctx.chainId) === ctx.token
}

/** A send that went out, or may have, less than the campaign's longest delay ago: the pace counts from it. */
function isRecentSend(send: SendRecord, now: Date, campaign: Campaign): boolean {
  const maybeSent = send.state === 'sending' || send.state === 'sent' || send.state === 'unknown'
  return maybeSent && now.getTime() - new Date(send.claimedAt).getTime() < campaign.delay.maxSeconds * 1000
}

/** A dependency that may come back (the verifier's `retryable` errors). */
function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true
}
/** An error the verifier marks as one only a person can fix (`retryable: false`); anything else unknown is thrown. */
function isUnfixableByWaiting(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false
}

/**
 * One pulse of one campaign's chain: the next queued lead → gate → just-in-time verification → render →
 * claim → SES → record → the next pulse after a Gaussian delay. A pulse from an older chain, or for a
 * paused or aborted campaign, ends before anything is sent.
 */
export async function pulse(deps: PulseDeps, message: { campaignId: string; chainId: string; token?: string; attempt?: number }): Promise<PulseResult> {
  const { campaignId, chainId } = message
  const attempt = message.attempt ?? 0
  // The first pulse of a chain carries no token: the chain id stands for it.
  const ctx: ChainContext = { deps, campaignId, chainId, token: message.token ?? chainId }
  const checkedAt = deps.clock.now().getTime()
  const { campaign: found, chain } = await deps.campaigns.withChain(campaignId)
  if (!isCurrent(chain, ctx)) return { kind: 'stale' }
  const here: Position = { cursor: chain.cursor, lastMailboxId: chain.lastMailboxId, waitingFor: chain.waitingFor, rejectedInRow: chain.rejectedInRow ?? 0 }
  if (!found || found.value.status !== 'active') return { kind: 'stopped', reason: `campaign is ${found?.value.status ?? 'missing'}` }
  const campaign = found.value
  // A hop of a gap longer than one SQS delay: nothing is due before the chain's time, so wait the rest.
  const rest = chain.notBefore ? (Date.parse(chain.notBefore) - deps.clock.now().getTime()) / 1000 : 0
  if (rest > 0) {
    await moveOn(ctx, { ...here, notBefore: chain.notBefore }, rest)
    return { kind: 'waiting', reason: 'the gap after the last send', delaySeconds: Math.ceil(rest) }
  }
  // Smartlead sends for its campaigns: a pulse (a Start enqueues one) never sends them through SES.
  if (campaign.sender.kind !== 'ses') return { kind: 'stopped', reason: 'the campaign sends through Smartlead' }

  let queued = await deps.leads.nextActive(campaignId, chain.cursor, 2)
  if (queued.length === 0 && chain.cursor !== null) {
    const behind = await leftBehind(ctx)
    if (behind) queued = [behind]
  }
  const [next, following] = queued
  if (!next) {
    // A chain's first pulse may run before the leads its Start just admitted reach the queue's index
    // (DynamoDB indexes follow their table a moment later): it looks again soon, not in 5 minutes.
    await moveOn(ctx, here, message.token === undefined ? FIRST_IDLE_SECONDS : IDLE_SECONDS)
    return { kind: 'idle' }
  }
  const lead = next.lead
  // Never twice: a lead that already has a send for this campaign is passed over. A send that went out
  // (or may have) within the campaign's longest delay is most likely this very pulse's, delivered twice
  // and sending or just sent by the other delivery, whose own move will then be refused: the next pulse
  // keeps the pace of a send instead of following it at once.
  const existing = await deps.sends.peek(campaignId, lead.id)
  if (existing) {
    const recent = isRecentSend(existing, deps.clock.now(), campaign)
    const position = { ...here, cursor: next.cursor, waitingFor: null, ...(recent && existing.mailboxId ? { lastMailboxId: existing.mailboxId } : {}) }
    const gap = recent ? gaussianDelaySeconds(campaign.delay, deps.random) : 0
    await moveOn(ctx, afterGap(ctx, position, gap), gap)
    // A settled send means the lead is done here; one still `sending` belongs to another delivery, which
    // completes it, or gives the claim back and keeps the lead queued.
    if (existing.state !== 'sending') await deps.leads.complete(lead)
    return { kind: 'skipped', leadId: lead.id, reason: 'already has a send' }
  }

  // The gate again, right before the send.
  const now = deps.clock.now()
  const today = dayOf(now)
  const campaignDay = localDay(campaign.window.timeZone, now)
  // The campaign's day is its own time zone's: usually today's partition, near midnight the next or last.
  const [{ settings, brake }, domains, mailboxes, sentToday, sentOnCampaignDay, suppressed] = await Promise.all([
    deps.settingsWithBrake(),
    deps.senders.domains(),
    deps.senders.mailboxesById(campaign.mailboxIds),
    deps.sendsOnDay(today),
    campaignDay === today ? null : deps.sendsOnDay(campaignDay),
    deps.suppression.isSuppressed(lead.email),
  ])
  const gateInput: GateInput = {
    campaign: { status: campaign.status, dailyCap: campaign.dailyCap, sentToday: (sentOnCampaignDay ?? sentToday)('campaign', campaignId), window: campaign.window },
    domainStatuses: Object.fromEntries(domains.map((d) => [d.id, d.status])),
    mailboxes: mailboxes.map((m) => ({ id: m.id, domainId: m.domainId, status: m.status, dailyCap: m.dailyCap, sentToday: sentToday('mailbox', m.id) })),
    global: { dailyCap: settings.sending.globalDailyCap, sentToday: sentToday('overall', 'all') },
    suppressed,
    accountBrake: brake?.sentence ?? null,
    now,
    rotationCursor: chain.lastMailboxId,
  }
  const decision = evaluateGate(gateInput)
  if (!decision.allow) {
    if (decision.reasons.some((r) => r.code === 'suppressed') && decision.reasons.length === 1) {
      return skipLead(ctx, campaign, { ...here, cursor: next.cursor, waitingFor: null }, lead, 'the address is on the suppression list', null)
    }
    const window = decision.reasons.find((r) => r.code === 'outside_window')
    const opensAt = window && window.code === 'outside_window' && window.opensAt ? new Date(window.opensAt).getTime() : null
    const delay = opensAt ? Math.max(1, Math.ceil((opensAt - now.getTime()) / 1000)) : BLOCKED_SECONDS
    const waitingFor = decision.reasons.map((r) => r.code).join(',')
    // Audited when the reason changes, not on every re-check; the campaign's status does not change.
    if (waitingFor !== chain.waitingFor) {
      const event = stamp(deps, {
        actor: { type: 'system', id: 'send-loop' },
        entityType: 'campaign',
        entityId: campaignId,
        action: 'sending_waits',
        signals: decision.reasons.map((r) => r.code),
        sentence: `Campaign "${campaign.name}" is waiting to send: ${decision.reasons.map((r) => r.message.replace(/\.$/, '')).join('; ')}.`,
      })
      await deps.audit.append(event)
    }
    await moveOn(ctx, { ...here, waitingFor }, delay)
    return { kind: 'waiting', reason: waitingFor, delaySeconds: delay }
  }
  const mailbox = mailboxes.find((m) => m.id === decision.mailboxId)!

  // Just-in-time verification (the result is kept for a day; the next lead is verified after this send).
  let verification: StoredVerification
  let askedNow = false
  try {
    // Pre-verified by the previous pulse (or kept by this lead's own throttled attempt) and still fresh;
    // else asked now, on the send path (the first lead of a chain, a lead after a skip).
    const kept = chain.preverified
    if (kept && kept.email === lead.email && isFresh(deps, kept)) verification = kept
    else {
      askedNow = true
      verification = await ask(deps, lead.email)
    }
  } catch (err) {
    if (isUnfixableByWaiting(err)) {
      // A refused API key or no credits: every lead would fail the same way and retrying will not help.
      // Thrown, the pulse would dead-letter unexplained and the watchdog would restart it again and again;
      // instead the campaign pauses, saying why, and the chain ends here. Nothing was claimed.
      const why = err instanceof Error ? err.message.replace(/\.$/, '') : String(err)
      await deps.pauseCampaign(campaignId, `The email verifier cannot verify addresses: ${why}. No lead was sent or skipped; fix the verifier account (its API key or its credits), then resume the campaign.`)
      return { kind: 'stopped', reason: 'the verifier refused to work' }
    }
    if (!isRetryable(err) || attempt >= MAX_PULSE_RETRIES) throw err
    const delay = backoffSeconds(attempt)
    await moveOn(ctx, here, delay, attempt + 1)
    return { kind: 'retrying', reason: 'the verifier is unavailable', delaySeconds: delay }
  }
  if (verification.verdict === 'invalid' || (verification.verdict === 'risky' && !settings.sending.sendToRiskyAddresses)) {
    return skipLead(ctx, campaign, { ...here, cursor: next.cursor, waitingFor: null }, lead, `the verifier answered ${verification.status}${verification.diagnosis ? ` (${verification.diagnosis})` : ''}`, verification)
  }

  // Render: the exact variant is recorded once, in the audit event of the send's outcome (sent, failed or
  // unknown); the send record stays small, so its writes cost the same whatever the email's length.
  const render = (source: string, html: boolean) => renderTemplate(source, leadContext(lead, { html }), deps.random)
  const subject = render(campaign.subjectTemplate, false)
  const text = render(campaign.bodyTemplate, false)
  const html = campaign.htmlTemplate ? render(campaign.htmlTemplate, true) : null
  if (!subject.ok || !text.ok || (html && !html.ok)) {
    const reason = !subject.ok ? subject.reason : !text.ok ? text.reason : html && !html.ok ? html.reason : ''
    return skipLead(ctx, campaign, { ...here, cursor: next.cursor, waitingFor: null }, lead, `the template cannot be personalised for this lead: ${reason}`, verification, true)
  }
  // A subject is one line: a line break from a lead's data must not reach the header.
  const subjectLine = subject.text.replace(/[\r\n]+/g, ' ').trim()

  // Pause and Abort take effect before the next send. The chain was checked at this pulse's start; a pulse
  // that has since waited on the verifier (up to 10 s) or on slow reads checks it again before it claims,
  // so a Pause that returned meanwhile stops it, and an Abort's clean-up never returns a lead to held that
  // this pulse then sends. The check is a write, not a read: the verification is kept on the chain,
  // conditional on the chain still running and expecting this pulse (one write unit, and the reads per
  // sent email stay at their target). A retry of this pulse then reuses it instead of asking again. A
  // pre-verified lead (the common path) reaches here within milliseconds and pays nothing; the window
  // that remains is decision 018's.
  if (askedNow || deps.clock.now().getTime() - checkedAt >= RECHECK_AFTER_MS) {
    if ((await deps.chainCursor.notePreverified(campaignId, chainId, ctx.token, { ...verification, email: lead.email })) === 'stale') return { kind: 'stale' }
  }

  const record: SendRecord = { campaignId, leadId: lead.id, sendId: deps.ids.next(), state: 'sending', mailboxId: mailbox.id, claimedAt: now.toISOString() }
  if ((await deps.sends.claim(record)) === 'exists') {
    // Another delivery of this pulse claimed the lead a moment ago and is sending it: if this one moves the
    // chain first, the next pulse still comes a send's delay later (the other's move is then refused).
    const gap = gaussianDelaySeconds(campaign.delay, deps.random)
    await moveOn(ctx, afterGap(ctx, { ...here, cursor: next.cursor, lastMailboxId: mailbox.id, waitingFor: null }, gap), gap)
    return { kind: 'skipped', leadId: lead.id, reason: 'already claimed' }
  }
  const started = deps.clock.now().getTime()
  const outcome = await deps.sender.send({
    from: { name: mailbox.fromName, address: mailbox.address },
    to: lead.email,
    subject: subjectLine,
    text: text.text,
    ...(html && html.ok ? { html: html.text } : {}),
    tags: { lead: lead.id, campaign: campaignId, mailbox: mailbox.id, send: record.sendId },
    unsubscribeUrl: deps.unsubscribeUrl(lead.id, campaignId),
  })
  const variant = { subject: subjectLine, text: text.text, ...(html && html.ok ? { html: html.text } : {}), choices: { subject: subject.choices, text: text.choices, ...(html && html.ok ? { html: html.choices } : {}) } }

  switch (outcome.kind) {
    case 'sent': {
      const sent: SendRecord = { ...record, state: 'sent', messageId: outcome.messageId }
      const event = stamp(deps, {
        actor: { type: 'system', id: 'send-loop' },
        entityType: 'lead',
        entityId: lead.id,
        action: 'sent',
        sentence: `Sent "${subjectLine}" to ${lead.email} from ${mailbox.address} for campaign "${campaign.name}".`,
        details: { campaignId, mailboxId: mailbox.id, sendId: record.sendId, messageId: outcome.messageId, variant, verifier: verification.raw, processingMs: deps.clock.now().getTime() - started },
      })
      const settled = await deps.sends.settle(sent, event, [
        { scope: 'overall', id: 'all', day: today },
        { scope: 'campaign', id: campaignId, day: campaignDay },
        { scope: 'mailbox', id: mailbox.id, day: today },
        { scope: 'domain', id: mailbox.domainId, day: today },
      ])
      // SES's Send event settled (and counted) it first: it is not counted again, but its audit event, the
      // only record of the variant sent, is still kept (one write, on this rare path only).
      if (settled === 'changed') await deps.audit.append(event)
      const delay = gaussianDelaySeconds(campaign.delay, deps.random)
      const handedTo = await moveOn(ctx, afterGap(ctx, { cursor: next.cursor, lastMailboxId: mailbox.id, waitingFor: null, rejectedInRow: 0 }, delay), delay)
      // After the move: a failure here leaves a sent lead `active` (the cursor is past it), never unsent.
      await deps.leads.complete(lead)
      // Pre-verify the next lead while this delay runs, so the verifier's latency never adds to the gap. The
      // answer is kept on the chain for the pulse just enqueued (which reads the chain anyway); a failure
      // here only means that pulse verifies its lead itself.
      if (following && handedTo) {
        await ask(deps, following.lead.email)
          .then((v) => deps.chainCursor.notePreverified(campaignId, chainId, handedTo, { ...v, email: following.lead.email }))
          .catch(() => undefined)
      }
      return { kind: 'sent', leadId: lead.id, messageId: outcome.messageId, delaySeconds: delay }
    }
    case 'throttled': {
      await deps.sends.release(record)
      // A used-up daily quota waits for the quota window; a rate throttle backs off, growing each time.
      const delay = outcome.code === 'LimitExceededException' ? BLOCKED_SECONDS : Math.max(outcome.retryAfterSeconds ?? 0, backoffSeconds(attempt))
      // Throttles never fail the pulse, so stop counting once the backoff is at its ceiling: a day of
      // used-up quota is ~96 re-checks, and the queue refuses an attempt above 100 (the chain would die).
      // The lead's verification stays on the chain: a day of used-up quota re-checks ~96 times, none of
      // which should ask the verifier again while the answer is fresh.
      await moveOn(ctx, here, delay, Math.min(attempt + 1, MAX_PULSE_RETRIES), { ...verification, email: lead.email })
      return { kind: 'throttled', delaySeconds: delay }
    }
    case 'paused':
    case 'suspended': {
      await deps.sends.release(record)
      await deps.pauseCampaign(campaignId, `SES refused to send (${outcome.code}): sending is ${outcome.kind === 'paused' ? 'paused' : 'suspended'} for the account or configuration set.`)
      return { kind: 'stopped', reason: outcome.code }
    }
    case 'misconfigured': {
      // Nothing went out, and nothing would: the claim is given back (the lead stays queued, unsent) and the
      // campaign pauses until a person fixes the setup and resumes it.
      await deps.sends.release(record)
      await deps.pauseCampaign(
        campaignId,
        `SES refused to send because of a setup problem, not because of this email: ${outcome.explanation} (${outcome.code}: ${outcome.message.replace(/\.$/, '')}). Nothing was sent and no lead was failed; fix the setup, then resume the campaign.`,
      )
      return { kind: 'stopped', reason: outcome.code }
    }
    case 'rejected': {
      const rejectedInRow = here.rejectedInRow + 1
      if (rejectedInRow >= REJECTED_IN_ROW_LIMIT) {
        // The breaker: this lead's claim is given back (it stays queued) and the campaign pauses.
        await deps.sends.release(record)
        await deps.pauseCampaign(
          campaignId,
          `SES rejected ${rejectedInRow} emails in a row with nothing sent between (the last: ${outcome.code}: ${outcome.message.replace(/\.$/, '')}). That points to the campaign or the account rather than to each lead, so the campaign is paused instead of failing more leads; ${lead.email} was not sent and stays queued.`,
        )
        return { kind: 'stopped', reason: `${rejectedInRow} rejected in a row` }
      }
      const failed: SendRecord = { ...record, state: 'failed', reason: `${outcome.code}: ${outcome.message}` }
      const event = stamp(deps, {
        actor: { type: 'system', id: 'send-loop' },
        entityType: 'lead',
        entityId: lead.id,
        action: 'send_failed',
        sentence: `SES rejected the email to ${lead.email} (${outcome.code}: ${outcome.message}); it will not be retried.`,
        details: { campaignId, sendId: record.sendId, code: outcome.code, variant },
      })
      await deps.sends.settle(failed, event, [])
      await moveOn(ctx, { cursor: next.cursor, lastMailboxId: mailbox.id, waitingFor: null, rejectedInRow }, 0)
      // Done in this campaign (never retried), so no longer counted active nor moved by Pause and Resume.
      await deps.leads.complete(lead)
      return { kind: 'failed', leadId: lead.id, reason: outcome.code }
    }
    case 'unknown': {
      // Maybe sent: never resent blindly; the SES Send event (tagged with the send id) settles it later.
      const unknown: SendRecord = { ...record, state: 'unknown', reason: outcome.reason }
      const event = stamp(deps, {
        actor: { type: 'system', id: 'send-loop' },
        entityType: 'lead',
        entityId: lead.id,
        action: 'send_unknown',
        sentence: `The email to ${lead.email} may or may not have gone out (${outcome.reason}); it will not be resent, and the SES Send event will settle it.`,
        details: { campaignId, sendId: record.sendId, variant },
      })
      await deps.sends.settle(unknown, event, [])
      // Maybe sent: not a rejection, so the count of rejections in a row starts again.
      const gap = gaussianDelaySeconds(campaign.delay, deps.random)
      await moveOn(ctx, afterGap(ctx, { cursor: next.cursor, lastMailboxId: mailbox.id, waitingFor: null, rejectedInRow: 0 }, gap), gap)
      // Never resent, so done in this campaign whatever the Send event later says.
      await deps.leads.complete(lead)
      return { kind: 'unknown', leadId: lead.id }
    }
  }
}

/** A lead that will not be sent: recorded, audited, and the chain moves on at once with no delay. */
async function skipLead(ctx: ChainContext, campaign: Campaign, position: Position, lead: Lead, reason: string, verification: StoredVerification | null, passed = false): Promise<PulseResult> {
  const { deps } = ctx
  const now = deps.clock.now()
  const record: SendRecord = { campaignId: campaign.id, leadId: lead.id, sendId: deps.ids.next(), state: 'skipped_invalid', mailboxId: null, claimedAt: now.toISOString(), reason }
  const event = stamp(deps, {
    actor: { type: 'system', id: 'send-loop' },
    entityType: 'lead',
    entityId: lead.id,
    action: 'skipped_invalid',
    sentence: `Skipped ${lead.email} in campaign "${campaign.name}": ${reason}.`,
    details: { campaignId: campaign.id, ...(verification ? { verifier: verification.raw } : {}) },
  })
  // A check whose answer was used counts for the account and for the campaign (its own day, like its sends).
  const checked = verification
    ? [
        { scope: 'overall' as const, id: 'all', day: dayOf(now), ...(passed ? { passed } : {}) },
        { scope: 'campaign' as const, id: campaign.id, day: localDay(campaign.window.timeZone, now), ...(passed ? { passed } : {}) },
      ]
    : []
  await deps.sends.skip(record, event, checked)
  await moveOn(ctx, position, 0)
  // After the move, as for a send: a failure here leaves the lead `active` with the cursor past it, never
  // skipped twice. Completed, it is no longer counted active nor moved by Pause and Resume.
  await deps.leads.complete(lead)
  return { kind: 'skipped', leadId: lead.id, reason }
}
