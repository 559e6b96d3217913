import type { AccountBrake, Campaign } from '../domain/entities'
import { lastDays, type Counters, type DayCounter, type TotalCounter } from '../domain/metrics'
import { SERIES_DAYS, buildOverview, type OverviewModel } from '../domain/overview'
import type { Settings } from '../domain/settings'
import { campaignsSentToday } from './campaign-metrics'
import type { Clock } from './ports'

export interface MetricsReader {
  totals(scope: 'overall', scopeId: string): Promise<Counters<TotalCounter>>
  days(scope: 'overall' | 'campaign', scopeId: string, days: string[]): Promise<Counters<DayCounter>[]>
}

export interface OverviewDeps {
  metrics: MetricsReader
  clock: Clock
  settings(): Promise<Settings>
  campaigns: { list(): Promise<Campaign[]> }
  account: { brake(): Promise<AccountBrake | null> }
}

/**
 * Reads a few counter items and shapes them for the Overview. Never scans leads, sends or events: the
 * cost is one item per day shown, one per active campaign and a handful more, whatever the lead count.
 * Campaigns are listed (a person makes a few of them) to show each active one's sends against its cap.
 */
export async function getOverview(deps: OverviewDeps): Promise<OverviewModel> {
  const now = deps.clock.now()
  const [settings, totals, campaigns, brake] = await Promise.all([deps.settings(), deps.metrics.totals('overall', 'all'), deps.campaigns.list(), deps.account.brake()])
  // Enough days for both the chart and the account policy's rate window (which may be longer).
  const days = lastDays(now, Math.max(SERIES_DAYS, settings.account.rateWindowDays))
  const active = campaigns.filter((c) => c.status === 'active')
  const [counters, campaignToday] = await Promise.all([
    deps.metrics.days('overall', 'all', days),
    // A campaign's cap counts the day in its sending window's zone, as the gate does.
    campaignsSentToday(deps, active),
  ])
  return buildOverview(
    totals,
    days.map((day, i) => ({ day, counters: counters[i]! })),
    settings,
    { campaigns: active.map((c, i) => ({ id: c.id, name: c.name, dailyCap: c.dailyCap, sentToday: campaignToday[i]! })), brake },
  )
}
