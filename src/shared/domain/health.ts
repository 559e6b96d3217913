import type { CampaignStatus, HealthState } from './entities'
import type { Settings } from './settings'

/**
 * Health and escalation (PRODUCT "Feedback, health and escalation"): mailbox → campaign → domain →
 * account, with the thresholds in Settings. Pure: the caller loads the windows and counters and applies
 * the actions this returns.
 *
 * Decisions (docs/decisions/021-health-and-escalation.md):
 * - A mailbox's "last N sends" window is kept as a send count and, per bad signal, a mark: the send count
 *   when the signal arrived. A mark is inside the last N sends while mark > sends − N. Bounces arrive
 *   seconds to minutes after their send, so a mark lands at (or a few sends after) its own send: the window
 *   is exact to within the sends made while the bounce was on its way, and no history is read.
 * - Automatic changes only make things more careful: healthy → warning → paused. Warning clears by itself
 *   when its cause leaves the window (a warning stops nothing); a pause is undone only by a person.
 * - A person's resume starts counting afresh: marks and day counts from before the resume are ignored
 *   (the baseline), so the entity is judged on what happens after it, and a campaign or domain is not
 *   re-paused for a mailbox that was already degraded when it was resumed — only for one that degrades
 *   after. The resume screen warns when the cause is still present.
 * - "Degraded" for a campaign is a mailbox in warning or paused (at least 2 of them guard small pools);
 *   "unhealthy" for a domain is a paused mailbox, so a one-mailbox domain is not paused for a warning.
 * - Account rates use hard bounces and complaints over the last `rateWindowDays` days of day counters.
 */

export interface SignalWindow {
  /** Sends counted from this mailbox, ever. */
  sends: number
  /** `sends` at the moment each hard bounce (that counts toward rates) arrived. */
  hardBounceMarks: number[]
  /** `sends` at the moment each delivery failure (soft bounce, delay, reject) arrived. */
  failureMarks: number[]
  /** `sends` when a person last resumed the mailbox: nothing at or before it counts. */
  baseline: number
  /**
   * Hard bounces since the baseline, all of them (marks are trimmed to the longest window; this is not):
   * the rate rule's numerator. Absent on windows written before it existed: the marks stand in.
   */
  hardBounces?: number
}

export const EMPTY_WINDOW: SignalWindow = { sends: 0, hardBounceMarks: [], failureMarks: [], baseline: 0 }

/** Marks older than this many sends are dropped when a window is written: no setting reaches further. */
export function maxWindowSends(settings: Settings): number {
  const m = settings.mailbox
  return Math.max(m.warnWindowSends, m.pauseWindowSends, m.deliveryFailureWindowSends)
}

/** Adds a mark at the current send count and drops marks no window can reach (the item stays small). */
export function addMark(window: SignalWindow, kind: 'hard_bounce' | 'delivery_failure', settings: Settings): SignalWindow {
  const keep = (marks: number[]) => marks.filter((m) => m > window.sends - maxWindowSends(settings) && m > window.baseline)
  return {
    ...window,
    // A bounce before any send since the resume belongs to a send from before it: it does not count.
    ...(kind === 'hard_bounce' ? { hardBounces: hardBouncesSinceBaseline(window) + (window.sends > window.baseline ? 1 : 0) } : {}),
    hardBounceMarks: keep(kind === 'hard_bounce' ? [...window.hardBounceMarks, window.sends] : window.hardBounceMarks),
    failureMarks: keep(kind === 'delivery_failure' ? [...window.failureMarks, window.sends] : window.failureMarks),
  }
}

export interface DayTotals {
  day: string
  sends: number
  hardBounces: number
  complaints: number
}

/** What a person's resume saw on its day, so that day's earlier counts are not held against it again. */
export type Baseline = DayTotals

/** Day counters from a resume on: days before it dropped, the resume day's earlier counts subtracted. */
export function rebase(days: readonly DayTotals[], baseline: Baseline | null | undefined): DayTotals[] {
  if (!baseline) return [...days]
  return days
    .filter((d) => d.day >= baseline.day)
    .map((d) =>
      d.day === baseline.day
        ? {
            day: d.day,
            sends: Math.max(0, d.sends - baseline.sends),
            hardBounces: Math.max(0, d.hardBounces - baseline.hardBounces),
            complaints: Math.max(0, d.complaints - baseline.complaints),
          }
        : d,
    )
}

/** Why an entity is in the state it is: enough to write the sentence and the audit fields. */
export interface Finding {
  signal: 'hard_bounces' | 'hard_bounce_rate' | 'delivery_failures' | 'degraded_mailboxes' | 'unhealthy_mailboxes' | 'complaint_rate' | 'complaints'
  value: number
  threshold: number
  /** The window in words: `last 100 sends`, `last 7 days`, `3 mailboxes`. */
  window: string
  /** The finding as a clause: `5 hard bounces in its last 100 sends (threshold 5)`. */
  text: string
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
const percent = (x: number) => `${(Math.round(x * 10_000) / 100).toString()}%`

function hardBouncesSinceBaseline(window: SignalWindow): number {
  return window.hardBounces ?? window.hardBounceMarks.filter((m) => m > window.baseline).length
}

/** The mailbox's state from its window alone, with the finding that decided it (null when healthy). */
export function mailboxHealth(window: SignalWindow, settings: Settings): { state: HealthState; finding: Finding | null } {
  const p = settings.mailbox
  const counted = Math.max(0, window.sends - window.baseline)
  const inLast = (marks: number[], n: number) => marks.filter((m) => m > window.baseline && m > window.sends - n).length
  const span = (n: number) => Math.min(n, counted)
  const lastSends = (n: number) => `last ${plural(n, 'send')}`

  const hard = inLast(window.hardBounceMarks, p.pauseWindowSends)
  if (hard >= p.pauseHardBounces) {
    const w = lastSends(span(p.pauseWindowSends))
    return { state: 'paused', finding: { signal: 'hard_bounces', value: hard, threshold: p.pauseHardBounces, window: w, text: `${plural(hard, 'hard bounce')} in its ${w} (threshold ${p.pauseHardBounces})` } }
  }
  // The rate is over every send since the baseline, not over the last-N window: over the last 100 sends
  // a 3% rate is 3 bounces, which would turn the warning level (3 in 60) into a pause.
  const allHard = hardBouncesSinceBaseline(window)
  if (counted >= p.pauseRateMinSends && allHard / counted >= p.pauseHardBounceRate) {
    const w = counted === window.sends ? `${plural(counted, 'send')} so far` : `${plural(counted, 'send')} since it was resumed`
    const rate = allHard / counted
    return {
      state: 'paused',
      finding: { signal: 'hard_bounce_rate', value: rate, threshold: p.pauseHardBounceRate, window: w, text: `a hard-bounce rate of ${percent(rate)} over its ${w} (threshold ${percent(p.pauseHardBounceRate)})` },
    }
  }
  const failures = inLast(window.failureMarks, p.deliveryFailureWindowSends)
  if (failures >= p.pauseDeliveryFailures) {
    const w = lastSends(span(p.deliveryFailureWindowSends))
    return {
      state: 'paused',
      finding: { signal: 'delivery_failures', value: failures, threshold: p.pauseDeliveryFailures, window: w, text: `${plural(failures, 'delivery failure')} in its ${w} (threshold ${p.pauseDeliveryFailures})` },
    }
  }
  const recent = inLast(window.hardBounceMarks, p.warnWindowSends)
  if (recent >= p.warnHardBounces) {
    const w = lastSends(span(p.warnWindowSends))
    return { state: 'warning', finding: { signal: 'hard_bounces', value: recent, threshold: p.warnHardBounces, window: w, text: `${plural(recent, 'hard bounce')} in its ${w} (warning at ${p.warnHardBounces})` } }
  }
  return { state: 'healthy', finding: null }
}

export interface HealthMailbox {
  id: string
  address: string
  domainId: string
  status: 'active' | 'paused'
  healthState: HealthState
  /** When its health state last changed (ISO), or null. */
  healthChangedAt: string | null
  window: SignalWindow
}
export interface HealthCampaign {
  id: string
  name: string
  status: CampaignStatus
  mailboxIds: string[]
  resumedAt: string | null
}
export interface HealthDomain {
  id: string
  name: string
  status: HealthState
  resumedAt: string | null
  /** Its day counters over the domain rate window, oldest first, already rebased after a resume. */
  days: DayTotals[]
}
export interface HealthInput {
  settings: Settings
  now: Date
  mailboxes: HealthMailbox[]
  campaigns: HealthCampaign[]
  domains: HealthDomain[]
  account: {
    braked: boolean
    /** Overall day counters over the account rate window, rebased after a release of the brake. */
    days: DayTotals[]
  }
}

export type HealthAction =
  | { entity: 'mailbox'; id: string; to: HealthState; finding: Finding | null; sentence: string }
  | { entity: 'campaign'; id: string; to: 'paused'; finding: Finding; sentence: string }
  | { entity: 'domain'; id: string; to: HealthState; finding: Finding | null; sentence: string }
  | { entity: 'account'; to: 'paused'; finding: Finding; sentence: string }

/** A mailbox in a state that counts against its campaign or domain since that one was last resumed. */
function countsSince(m: { healthState: HealthState; healthChangedAt: string | null }, bad: readonly HealthState[], resumedAt: string | null): boolean {
  if (!bad.includes(m.healthState)) return false
  return resumedAt === null || (m.healthChangedAt !== null && m.healthChangedAt > resumedAt)
}

const sum = (days: readonly DayTotals[], key: 'sends' | 'hardBounces' | 'complaints') => days.reduce((n, d) => n + d[key], 0)

/**
 * One evaluation over every mailbox, campaign and domain: the state changes to make, mailboxes first so
 * that a mailbox paused in this run already counts against its campaign and domain in the same run.
 */
export function evaluateHealth(input: HealthInput): HealthAction[] {
  const { settings } = input
  const at = input.now.toISOString()
  const actions: HealthAction[] = []

  // 1. Mailboxes. Paused stays paused (a person resumes it); otherwise the window decides.
  const current = new Map(input.mailboxes.map((m) => [m.id, { ...m }]))
  for (const m of current.values()) {
    if (m.healthState === 'paused') continue
    const { state, finding } = mailboxHealth(m.window, settings)
    if (state === m.healthState) continue
    const sentence =
      state === 'paused' && finding
        ? `Paused mailbox ${m.address}: ${finding.text}.`
        : state === 'warning' && finding
          ? `Mailbox ${m.address} needs attention: ${finding.text}. It keeps sending.`
          : `Mailbox ${m.address} is healthy again: its recent sends are back under the warning level.`
    actions.push({ entity: 'mailbox', id: m.id, to: state, finding, sentence })
    m.healthState = state
    m.healthChangedAt = at
  }

  // 2. Campaigns: half or more of the pool degraded (and at least the minimum) pauses an active campaign.
  const c = settings.campaign
  for (const campaign of input.campaigns) {
    if (campaign.status !== 'active') continue
    const pool = campaign.mailboxIds.flatMap((id) => current.get(id) ?? [])
    if (pool.length === 0) continue
    const degraded = pool.filter((m) => countsSince(m, ['warning', 'paused'], campaign.resumedAt))
    const share = degraded.length / pool.length
    if (degraded.length >= c.pauseMinDegradedMailboxes && share >= c.pauseDegradedMailboxShare) {
      const finding: Finding = {
        signal: 'degraded_mailboxes',
        value: share,
        threshold: c.pauseDegradedMailboxShare,
        window: plural(pool.length, 'mailbox', 'mailboxes'),
        text: `${degraded.length.toLocaleString('en-US')} of its ${plural(pool.length, 'mailbox', 'mailboxes')} ${degraded.length === 1 ? 'is' : 'are'} degraded (${degraded.map((m) => m.address).join(', ')}; threshold ${percent(c.pauseDegradedMailboxShare)} and at least ${c.pauseMinDegradedMailboxes})`,
      }
      actions.push({ entity: 'campaign', id: campaign.id, to: 'paused', finding, sentence: `Paused campaign "${campaign.name}": ${finding.text}.` })
    }
  }

  // 3. Domains: the last resort. Paused mailboxes' share, or the domain's own hard-bounce rate.
  const d = settings.domain
  for (const domain of input.domains) {
    if (domain.status === 'paused') continue
    const mailboxes = [...current.values()].filter((m) => m.domainId === domain.id)
    const unhealthy = mailboxes.filter((m) => countsSince(m, ['paused'], domain.resumedAt))
    const share = mailboxes.length ? unhealthy.length / mailboxes.length : 0
    const sends = sum(domain.days, 'sends')
    const bounces = sum(domain.days, 'hardBounces')
    // Named by the setting: one more UTC day is read than it says, so the whole last N x 24 hours counts.
    const days = `last ${plural(Math.min(domain.days.length, d.rateWindowDays), 'day')}`
    let to: HealthState = 'healthy'
    let finding: Finding | null = null
    const shareFinding = (threshold: number, label: string): Finding => ({
      signal: 'unhealthy_mailboxes',
      value: share,
      threshold,
      window: plural(mailboxes.length, 'mailbox', 'mailboxes'),
      text: `${unhealthy.length.toLocaleString('en-US')} of its ${plural(mailboxes.length, 'mailbox', 'mailboxes')} ${unhealthy.length === 1 ? 'is' : 'are'} paused (${percent(share)}; ${label} ${percent(threshold)})`,
    })
    if (unhealthy.length > 0 && share >= d.pauseUnhealthyMailboxShare) {
      to = 'paused'
      finding = shareFinding(d.pauseUnhealthyMailboxShare, 'threshold')
    } else if (sends >= d.pauseRateMinSends && bounces / sends >= d.pauseHardBounceRate) {
      to = 'paused'
      finding = {
        signal: 'hard_bounce_rate',
        value: bounces / sends,
        threshold: d.pauseHardBounceRate,
        window: days,
        text: `a hard-bounce rate of ${percent(bounces / sends)} (${plural(bounces, 'hard bounce')} in ${plural(sends, 'send')} over the ${days}; threshold ${percent(d.pauseHardBounceRate)})`,
      }
    } else if (unhealthy.length > 0 && share >= d.warnUnhealthyMailboxShare) {
      to = 'warning'
      finding = shareFinding(d.warnUnhealthyMailboxShare, 'warning at')
    }
    if (to === domain.status) continue
    const sentence =
      to === 'paused' && finding
        ? `Paused domain ${domain.name}: ${finding.text}. Every campaign sending from it is paused too.`
        : to === 'warning' && finding
          ? `Domain ${domain.name} needs attention: ${finding.text}. It keeps sending.`
          : `Domain ${domain.name} is healthy again: fewer of its mailboxes are paused than the warning level.`
    actions.push({ entity: 'domain', id: domain.id, to, finding, sentence })
  }

  // 4. The account-wide brake, below the SES review levels.
  if (!input.account.braked) {
    const a = settings.account
    // The days given may reach further back than either window (the service reads the longer, plus today).
    const all = input.account.days.slice(-(a.rateWindowDays + 1))
    const sends = sum(all, 'sends')
    const bounces = sum(all, 'hardBounces')
    const complaints = sum(all, 'complaints')
    const w = `last ${plural(Math.min(all.length, a.rateWindowDays), 'day')}`
    const small = input.account.days.slice(-(a.smallVolumeWindowDays + 1))
    const smallComplaints = sum(small, 'complaints')
    let finding: Finding | null = null
    if (sends >= a.pauseBounceMinSends && bounces / sends >= a.pauseBounceRate) {
      finding = {
        signal: 'hard_bounce_rate',
        value: bounces / sends,
        threshold: a.pauseBounceRate,
        window: w,
        text: `the account's hard-bounce rate is ${percent(bounces / sends)} (${plural(bounces, 'hard bounce')} in ${plural(sends, 'send')} over the ${w}; threshold ${percent(a.pauseBounceRate)})`,
      }
    } else if (sends >= a.pauseComplaintMinSends && complaints / sends >= a.pauseComplaintRate) {
      finding = {
        signal: 'complaint_rate',
        value: complaints / sends,
        threshold: a.pauseComplaintRate,
        window: w,
        text: `the account's complaint rate is ${percent(complaints / sends)} (${plural(complaints, 'complaint')} in ${plural(sends, 'send')} over the ${w}; threshold ${percent(a.pauseComplaintRate)})`,
      }
    } else if (sends < a.pauseComplaintMinSends && smallComplaints >= a.pauseComplaintsSmallVolume) {
      const sw = `last ${plural(Math.min(small.length, a.smallVolumeWindowDays), 'day')}`
      finding = {
        signal: 'complaints',
        value: smallComplaints,
        threshold: a.pauseComplaintsSmallVolume,
        window: sw,
        text: `${plural(smallComplaints, 'complaint')} in the ${sw} (threshold ${a.pauseComplaintsSmallVolume} while under ${a.pauseComplaintMinSends.toLocaleString('en-US')} sends)`,
      }
    }
    if (finding) actions.push({ entity: 'account', to: 'paused', finding, sentence: `Paused all sending: ${finding.text}.` })
  }
  return actions
}
