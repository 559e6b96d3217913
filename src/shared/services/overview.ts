import { buildOverview, type OverviewModel } from '../domain/overview'
import { lastDays, type Counters, type DayCounter, type TotalCounter } from '../domain/metrics'
import type { Settings } from '../domain/settings'
import type { Clock } from './ports'

export interface MetricsReader {
  totals(scope: 'overall', scopeId: string): Promise<Counters<TotalCounter>>
  days(scope: 'overall', scopeId: string, days: string[]): Promise<Counters<DayCounter>[]>
}

// Two weeks shows a weekly pattern twice, enough to see a trend starting.
const SERIES_DAYS = 14

/** Reads a few counter items (never scans) and shapes them for the Overview. */
export async function getOverview(deps: { metrics: MetricsReader; clock: Clock; settings(): Promise<Settings> }): Promise<OverviewModel> {
  const days = lastDays(deps.clock.now(), SERIES_DAYS)
  const [totals, counters, settings] = await Promise.all([
    deps.metrics.totals('overall', 'all'),
    deps.metrics.days('overall', 'all', days),
    deps.settings(),
  ])
  return buildOverview(
    totals,
    days.map((day, i) => ({ day, counters: counters[i]! })),
    settings,
  )
}
