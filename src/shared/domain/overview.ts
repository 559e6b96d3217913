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

/** A count per send against a policy threshold; shared by the Overview and the campaign page. */
export function rateVs(count: number, sends: number, threshold: number, minSends: number): RateVsThreshold {
  if (sends < minSends) return { rate: sends === 0 ? null : count / sends, threshold, minSends, breached: false }
  const rate = count / sends
  return { rate, threshold, minSends, breached: rate >= threshold }
}

export const share = (part: number, whole: number): Share => ({ part, whole, rate: whole > 0 ? part / whole : null })

/** Sends against a daily cap; 0 for a cap of 0 (sending stopped), never Infinity or NaN. */
export const capShare = (sends: number, cap: number) => (cap > 0 ? sends / cap : 0)

/** The chart's days from day counters, oldest first as given. */
export function activitySeries(days: readonly { day: string; counters: Counters<DayCounter> }[]): OverviewModel['series'] {
  return days.map((d) => ({ day: d.day, sends: d.counters.sends, hardBounces: d.counters.hard_bounces, complaints: d.counters.complaints }))
}

/**
 * The verification pass rate from day counters: `verified` counts every just-in-time check whose answer
 * was used (a send or a skip), `verify_passed` those that passed. An address verified once a day for two
 * campaigns counts once per use; a send SES rejected outright still counts its (passed) check.
 */
export function verificationShare(counters: { verified: number; verify_passed: number }): Share {
  return share(counters.verify_passed, counters.verified)
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
    verification: verificationShare({ verified: sum('verified'), verify_passed: sum('verify_passed') }),
    // Every Open event counts, repeat opens and privacy-proxy prefetches included, so this can pass 100%.
    opens: share(sum('opens'), sends),
    series: activitySeries(days.slice(-SERIES_DAYS)),
    brake: brake ? { signal: brake.signal, sentence: brake.sentence, at: brake.at, by: brake.by } : null,
  }
}
