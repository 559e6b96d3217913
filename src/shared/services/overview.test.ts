import { describe, expect, it } from 'vitest'
import { campaign, fixedClock, memoryAccount } from '../../../test/support/memory'
import type { Campaign } from '../domain/entities'
import { DAY_COUNTERS, TOTAL_COUNTERS, emptyCounters, type Counters, type DayCounter } from '../domain/metrics'
import { DEFAULT_SETTINGS, type Settings } from '../domain/settings'
import { getOverview, type MetricsReader } from './overview'

/** Day counters keyed `scope|id|day`; every read is logged so a test can see exactly what was read. */
function fakeMetrics(dayCounts: Record<string, Partial<Counters<DayCounter>>> = {}) {
  const reads: string[] = []
  const metrics: MetricsReader = {
    async totals(scope, id) {
      reads.push(`totals ${scope}|${id}`)
      return { ...emptyCounters(TOTAL_COUNTERS), leads_active: 12 }
    },
    async days(scope, id, days) {
      reads.push(`days ${scope}|${id} x${days.length}`)
      return days.map((d) => ({ ...emptyCounters(DAY_COUNTERS), ...dayCounts[`${scope}|${id}|${d}`] }))
    },
  }
  return { metrics, reads }
}

function deps(options: { settings?: Settings; campaigns?: Campaign[]; dayCounts?: Record<string, Partial<Counters<DayCounter>>> } = {}) {
  const { metrics, reads } = fakeMetrics(options.dayCounts)
  return {
    reads,
    deps: {
      metrics,
      // 20:00 UTC on the 21st is already the 22nd in Kolkata (UTC+5:30).
      clock: fixedClock('2026-11-21T20:00:00.000Z'),
      settings: async () => options.settings ?? DEFAULT_SETTINGS,
      campaigns: { list: async () => options.campaigns ?? [] },
      account: memoryAccount(),
    },
  }
}

describe('getOverview', () => {
  it('reads only counters: the overall totals, the days of the chart and nothing per lead', async () => {
    const { deps: d, reads } = deps({ dayCounts: { 'overall|all|2026-11-21': { sends: 9 } } })
    const o = await getOverview(d)
    expect(reads.sort()).toEqual(['days overall|all x14', 'totals overall|all'])
    expect(o.leads.active).toBe(12)
    expect(o.today.sends).toBe(9)
    expect(o.series).toHaveLength(14)
    expect(o.series.at(-1)!.day).toBe('2026-11-21')
  })

  it('reads more days when the account rate window is longer than the chart', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.account.rateWindowDays = 30
    const { deps: d, reads } = deps({ settings, dayCounts: { 'overall|all|2026-10-23': { sends: 100, hard_bounces: 10 } } })
    const o = await getOverview(d)
    expect(reads).toContain('days overall|all x30')
    expect(o.rateWindowDays).toBe(30)
    // The oldest day of the window counts toward the rate, though the chart no longer shows it.
    expect(o.bounce.rate).toBe(0.1)
    expect(o.series).toHaveLength(14)
  })

  it("shows each active campaign's sends on its own local day, and skips the rest", async () => {
    const active = { ...campaign('c1', 'Founders'), dailyCap: 40 }
    const paused: Campaign = { ...campaign('c2'), status: 'paused' }
    const { deps: d, reads } = deps({ campaigns: [active, paused], dayCounts: { 'campaign|c1|2026-11-22': { sends: 10 }, 'campaign|c1|2026-11-21': { sends: 99 } } })
    const o = await getOverview(d)
    expect(o.campaigns).toEqual([{ id: 'c1', name: 'Founders', sends: 10, cap: 40, capShare: 0.25 }])
    expect(reads.filter((r) => r.startsWith('days campaign'))).toEqual(['days campaign|c1 x1'])
  })

  it('carries the engaged account brake', async () => {
    const { deps: d } = deps()
    d.account.current = { engaged: true, signal: 'complaint_rate', sentence: 'Paused all sending: complaints.', at: '2026-11-21T19:00:00.000Z', by: 'health' }
    expect((await getOverview(d)).brake).toMatchObject({ signal: 'complaint_rate', sentence: 'Paused all sending: complaints.' })
  })
})
