import type { Counters, DayCounter, TotalCounter } from './metrics'
import type { Settings } from './settings'

export interface RateVsThreshold {
  /** null with no sends; below `minSends` the rate is shown but never counts as breached (too few to mean anything). */
  rate: number | null
  threshold: number
  minSends: number
  breached: boolean
}

export interface OverviewModel {
  leads: { held: number; unrouted: number; active: number; paused: number; completed: number }
  pausedDomains: number
  pausedMailboxes: number
  pausedCampaigns: number
  today: { sends: number; cap: number; capShare: number }
  bounce: RateVsThreshold
  complaint: RateVsThreshold
  series: { day: string; sends: number; hardBounces: number; complaints: number }[]
}

function rateVs(count: number, sends: number, threshold: number, minSends: number): RateVsThreshold {
  if (sends < minSends) return { rate: sends === 0 ? null : count / sends, threshold, minSends, breached: false }
  const rate = count / sends
  return { rate, threshold, minSends, breached: rate >= threshold }
}

/** Pure: the Overview's numbers from pre-aggregated counters. Rates are over the whole series window. */
export function buildOverview(
  totals: Counters<TotalCounter>,
  days: { day: string; counters: Counters<DayCounter> }[],
  settings: Settings,
): OverviewModel {
  const today = days.at(-1)?.counters
  const sum = (k: DayCounter) => days.reduce((n, d) => n + d.counters[k], 0)
  const sends = sum('sends')
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
    today: {
      sends: today?.sends ?? 0,
      cap: settings.sending.globalDailyCap,
      capShare: settings.sending.globalDailyCap > 0 ? (today?.sends ?? 0) / settings.sending.globalDailyCap : 0,
    },
    bounce: rateVs(sum('hard_bounces'), sends, settings.account.pauseBounceRate, settings.account.pauseBounceMinSends),
    complaint: rateVs(sum('complaints'), sends, settings.account.pauseComplaintRate, settings.account.pauseComplaintMinSends),
    series: days.map((d) => ({ day: d.day, sends: d.counters.sends, hardBounces: d.counters.hard_bounces, complaints: d.counters.complaints })),
  }
}
