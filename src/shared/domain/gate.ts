import type { CampaignStatus, HealthState, Mailbox, SendingWindow } from './entities'
import { describeLocalTime, describeWindow, isInsideWindow, nextWindowOpen, windowProblems } from './sending-window'

/**
 * The execution gate (PRODUCT "The gate"), run before a lead enters a campaign and again before each send:
 * campaign active; lead not suppressed; campaign and global daily caps not reached; inside the sending
 * window; a mailbox that is active, under its own cap and on a domain that is not paused. Pure: the caller
 * loads the counts and passes `now`.
 *
 * Decisions:
 * - Every failing condition is reported, in a fixed order, so a held lead shows all that stands in its way
 *   and is released only when all of them have cleared (see `clearedReasons`).
 * - A paused domain removes its mailboxes from rotation; it blocks the send only when no other mailbox is
 *   left. Pausing a domain also pauses every campaign sending from it (health service), which the gate sees
 *   as `campaign_not_active`; if a person resumes the campaign, its other domains may carry on. A mailbox
 *   whose domain has no known status is treated as paused (conservative). A `warning` domain still sends.
 * - `sentToday` counts are the caller's: the campaign's for its local day, mailboxes' and the global one for
 *   the UTC day (see sending-window.ts). A cap of 0 allows nothing; a count above a lowered cap is "reached".
 * - Rotation: among mailboxes that may send, the one with the fewest sends today; ties go to the first id
 *   (in code-unit order) after `rotationCursor`, the mailbox that sent last, wrapping round. Deterministic,
 *   and it keeps rotating even when the counts it is given lag behind (an eventually consistent counter
 *   would otherwise hand the same tied mailbox every send).
 */

export type GateMailbox = Pick<Mailbox, 'id' | 'domainId' | 'status' | 'dailyCap'> & { sentToday: number }

export interface GateInput {
  campaign: { status: CampaignStatus; dailyCap: number; sentToday: number; window: SendingWindow }
  domainStatuses: Record<string, HealthState>
  mailboxes: readonly GateMailbox[]
  global: { dailyCap: number; sentToday: number }
  suppressed: boolean
  /** The account-wide brake's sentence when it is engaged (nothing may be sent), else null or absent. */
  accountBrake?: string | null
  now: Date
  /** The mailbox this campaign sent from last; null or absent at the start. */
  rotationCursor?: string | null
}

/** Why one mailbox cannot take the next send. */
export type MailboxBlock = 'paused' | 'domain_paused' | 'domain_unknown' | 'at_cap'

export type GateReason =
  | { code: 'account_paused'; message: string }
  | { code: 'campaign_not_active'; message: string; status: CampaignStatus }
  | { code: 'suppressed'; message: string }
  | { code: 'campaign_cap_reached'; message: string; sent: number; cap: number }
  | { code: 'global_cap_reached'; message: string; sent: number; cap: number }
  /** `opensAt` (ISO-8601 UTC) is when to look again; null when the window can never open. */
  | { code: 'outside_window'; message: string; opensAt: string | null }
  | { code: 'domain_paused'; message: string; domainIds: string[] }
  | { code: 'no_mailbox_available'; message: string; blocked: { mailboxId: string; why: MailboxBlock[] }[] }

export type GateReasonCode = GateReason['code']

export type GateDecision = { allow: true; mailboxId: string } | { allow: false; reasons: GateReason[] }

function mailboxBlocks(mailbox: GateMailbox, domainStatuses: Record<string, HealthState>): MailboxBlock[] {
  const why: MailboxBlock[] = []
  if (mailbox.status !== 'active') why.push('paused')
  const domain = Object.hasOwn(domainStatuses, mailbox.domainId) ? domainStatuses[mailbox.domainId] : undefined
  if (domain === 'paused') why.push('domain_paused')
  else if (domain === undefined) why.push('domain_unknown')
  if (mailbox.sentToday >= mailbox.dailyCap) why.push('at_cap')
  return why
}

/** Fewest sends today; ties to the first id after the cursor, wrapping (see the decisions above). */
function pickMailbox(candidates: readonly GateMailbox[], cursor: string | null | undefined): GateMailbox | undefined {
  if (candidates.length === 0) return undefined
  const fewest = Math.min(...candidates.map((m) => m.sentToday))
  const tied = candidates.filter((m) => m.sentToday === fewest).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  if (cursor == null) return tied[0]
  return tied.find((m) => m.id > cursor) ?? tied[0]
}

const BLOCK_WORDS: Record<MailboxBlock, string> = {
  paused: 'paused',
  domain_paused: 'on a paused domain',
  domain_unknown: 'on a domain with no known status',
  at_cap: 'at its daily cap',
}

function noMailboxMessage(total: number, blocked: { why: MailboxBlock[] }[]): string {
  if (total === 0) return 'The campaign has no mailboxes.'
  // A mailbox may be blocked for several reasons, so the counts may add up to more than the total.
  const parts = (Object.keys(BLOCK_WORDS) as MailboxBlock[])
    .map((block) => [block, blocked.filter((b) => b.why.includes(block)).length] as const)
    .filter(([, count]) => count > 0)
    .map(([block, count]) => `${count} ${BLOCK_WORDS[block]}`)
  return `None of the campaign's ${total} mailbox${total === 1 ? '' : 'es'} can send (${parts.join(', ')}).`
}

function windowReason(window: SendingWindow, now: Date): GateReason | null {
  const problems = windowProblems(window)
  if (problems.length > 0) {
    return { code: 'outside_window', message: `The sending window can never open: ${problems.join('; ')}.`, opensAt: null }
  }
  if (isInsideWindow(window, now)) return null
  const opens = nextWindowOpen(window, now)
  const tz = window.timeZone
  // No "it is 18:30 there": the message becomes a held lead's reason and the chain's `waitingFor`, each
  // written (and audited) only when it changes, so it must stay the same from one run to the next.
  const next = opens ? `: it next opens ${describeLocalTime(tz, opens, true)}` : ''
  return {
    code: 'outside_window',
    message: `Outside the sending window (${describeWindow(window)})${next}.`,
    opensAt: opens ? opens.toISOString() : null,
  }
}

/** Decide whether the next send may go out now, and from which mailbox; if not, every reason why. */
export function evaluateGate(input: GateInput): GateDecision {
  const { campaign, global, mailboxes, domainStatuses } = input
  const reasons: GateReason[] = []

  if (input.accountBrake) reasons.push({ code: 'account_paused', message: `All sending is paused: ${input.accountBrake.replace(/\.$/, '')}.` })
  if (campaign.status !== 'active') {
    reasons.push({ code: 'campaign_not_active', message: `Campaign is ${campaign.status}, not active.`, status: campaign.status })
  }
  if (input.suppressed) reasons.push({ code: 'suppressed', message: 'The lead is on the suppression list.' })
  if (campaign.sentToday >= campaign.dailyCap) {
    reasons.push({
      code: 'campaign_cap_reached',
      message: `Campaign daily cap reached: ${campaign.sentToday} of ${campaign.dailyCap} sent today.`,
      sent: campaign.sentToday,
      cap: campaign.dailyCap,
    })
  }
  if (global.sentToday >= global.dailyCap) {
    reasons.push({
      code: 'global_cap_reached',
      message: `Global daily cap reached: ${global.sentToday} of ${global.dailyCap} sent today (UTC).`,
      sent: global.sentToday,
      cap: global.dailyCap,
    })
  }
  const outside = windowReason(campaign.window, input.now)
  if (outside) reasons.push(outside)

  const assessed = mailboxes.map((m) => ({ mailbox: m, why: mailboxBlocks(m, domainStatuses) }))
  const chosen = pickMailbox(
    assessed.filter((a) => a.why.length === 0).map((a) => a.mailbox),
    input.rotationCursor,
  )
  if (!chosen) {
    const pausedDomains = [...new Set(assessed.filter((a) => a.why.includes('domain_paused')).map((a) => a.mailbox.domainId))].sort()
    if (pausedDomains.length > 0) {
      const message =
        pausedDomains.length === 1 ? `Sender domain ${pausedDomains[0]} is paused.` : `Sender domains ${pausedDomains.join(', ')} are paused.`
      reasons.push({ code: 'domain_paused', message, domainIds: pausedDomains })
    }
    const blocked = assessed.map((a) => ({ mailboxId: a.mailbox.id, why: a.why }))
    reasons.push({ code: 'no_mailbox_available', message: noMailboxMessage(mailboxes.length, blocked), blocked })
  }

  if (reasons.length > 0 || !chosen) return { allow: false, reasons }
  return { allow: true, mailboxId: chosen.id }
}

/**
 * The reasons that held a lead before and no longer apply, by code: what a re-evaluation can log as
 * cleared. A lead is released only when the new decision allows it, not when one of several reasons clears.
 */
export function clearedReasons(previous: readonly GateReason[], current: GateDecision): GateReason[] {
  const still = new Set(current.allow ? [] : current.reasons.map((r) => r.code))
  return previous.filter((r) => !still.has(r.code))
}
