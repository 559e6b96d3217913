import type { AccountBrake } from './entities'
import type { Counters, DayCounter, TotalCounter } from './metrics'
import type { Settings } from './settings'

// Two weeks shows a weekly pattern twice, enough to see a trend starting.
export const SERIES_DAYS = 14

export interface RateVsThreshold {
  /** null with no sends; below `minSends` the rate is shown but never counts as breached (too few to mean anything). */
  rate: number | null
  threshold: number
  minSends: number
  breached: boolean
}

/** A share of a count with both parts kept, so the screen can say "41 of 50" beside the percentage. */
export interface Share {
  part: number
  whole: number
  /** null when `whole` is 0 (nothing to divide by). */
  rate: number | null
}

/** An active campaign's sends today (in its own window's time zone) against its daily cap. */
export interface CampaignToday {
  id: string
  name: string
  sends: number
  cap: number
  capShare: number
}

/** What the Overview is given besides the counters: the active campaigns' sends today and the brake. */
export interface OverviewLive {
  campaigns: { id: string; name: string; dailyCap: number; sentToday: number }[]
  brake: AccountBrake | null
}

export interface OverviewModel {
  leads: { held: number; unrouted: number; active: number; paused: number; completed: number }
  pausedDomains: number
  pausedMailboxes: number
  pausedCampaigns: number
  today: { sends: number; cap: number; capShare: number }
  campaigns: CampaignToday[]
  /** The days the rates below are measured over: the account policy's own window, so they match the brake. */
  rateWindowDays: number
  bounce: RateVsThreshold
  complaint: RateVsThreshold
  /** Addresses that passed just-in-time verification among those checked (see `verificationShare`). */
  verification: Share
  /** Display only: SES Open events per send. Never used by any policy. */
  opens: Share
  series: { day: string; sends: number; hardBounces: number; complaints: number }[]
  brake: { signal: string; sentence: string; at: string; by: string } | null
}

function rateVs(count: number, sends: number, threshold: number, minSends: number): RateVsThreshold {
  if (sends < minSends) return { rate: sends === 0 ? null : count / sends, threshold, minSends, breached: false }
  const rate = count / sends
  return { rate, threshold, minSends, breached: rate >= threshold }
}

const share = (part: number, whole: number): Share => ({ part, whole, rate: whole > 0 ? part / whole : null })

const capShare = (sends: number, cap: number) => (cap > 0 ? sends / cap : 0)

/**
 * The verification pass rate from day counters, as honestly as the send loop counts it today:
 * - every lead that reaches the send step is verified first, and only a lead that passed (or a risky one a
 *   person chose to send to) is sent, so `sends` counts the passes;
 * - a lead skipped after verification adds 1 to `verified` (send-store `skip`), so `verified` counts the
 *   failures. It also counts the rare lead whose address passed but whose template could not be
 *   personalised, which makes this rate a slight underestimate;
 * - `verify_passed` is never incremented by the send loop, so it is not read here. If the send loop starts
 *   counting every check in `verified` and every pass in `verify_passed`, this becomes
 *   `share(verify_passed, verified)`.
 * Sends SES rejected outright count in neither, and an address verified once a day for two campaigns
 * counts twice: it is a rate of checks made, not of distinct addresses.
 */
export function verificationShare(counters: { sends: number; verified: number }): Share {
  return share(counters.sends, counters.sends + counters.verified)
}

/**
 * Pure: the Overview's numbers from pre-aggregated counters. `days` are oldest first and end today; the
 * chart shows the last `SERIES_DAYS` of them and the rates use the last `account.rateWindowDays`.
 */
export function buildOverview(
  totals: Counters<TotalCounter>,
  days: { day: string; counters: Counters<DayCounter> }[],
  settings: Settings,
  live: OverviewLive = { campaigns: [], brake: null },
): OverviewModel {
  const today = days.at(-1)?.counters
  const window = days.slice(-settings.account.rateWindowDays)
  const sum = (k: DayCounter) => window.reduce((n, d) => n + d.counters[k], 0)
  const sends = sum('sends')
  const cap = settings.sending.globalDailyCap
  const brake = live.brake?.engaged ? live.brake : null
  return {
    leads: {
      held: totals.leads_held,
      unrouted: totals.leads_unrouted,
      active: totals.leads_active,
      paused: totals.leads_paused,
      completed: totals.leads_completed,
    },
    pausedDomains: totals.domains_paused,
    pausedMailboxes: totals.mailboxes_paused,
    pausedCampaigns: totals.campaigns_paused,
    today: { sends: today?.sends ?? 0, cap, capShare: capShare(today?.sends ?? 0, cap) },
    campaigns: live.campaigns.map((c) => ({ id: c.id, name: c.name, sends: c.sentToday, cap: c.dailyCap, capShare: capShare(c.sentToday, c.dailyCap) })),
    rateWindowDays: window.length,
    bounce: rateVs(sum('hard_bounces'), sends, settings.account.pauseBounceRate, settings.account.pauseBounceMinSends),
    complaint: rateVs(sum('complaints'), sends, settings.account.pauseComplaintRate, settings.account.pauseComplaintMinSends),
    verification: verificationShare({ sends, verified: sum('verified') }),
    // Every Open event counts, repeat opens and privacy-proxy prefetches included, so this can pass 100%.
    opens: share(sum('opens'), sends),
    series: days.slice(-SERIES_DAYS).map((d) => ({ day: d.day, sends: d.counters.sends, hardBounces: d.counters.hard_bounces, complaints: d.counters.complaints })),
    brake: brake ? { signal: brake.signal, sentence: brake.sentence, at: brake.at, by: brake.by } : null,
  }
}
