import { describe, expect, it } from 'vitest'
import { campaign, fixedClock, memoryAccount } from '../../../test/support/memory'
import type { ChainSnapshot } from '../domain/campaign-metrics'
import type { AccountBrake } from '../domain/entities'
import { DAY_COUNTERS, emptyCounters, type Counters, type DayCounter } from '../domain/metrics'
import { DEFAULT_SETTINGS } from '../domain/settings'
import { campaignsSentToday, getCampaignMetrics, type CampaignCounters } from './campaign-metrics'

/** Day counters keyed `scope|id|day`; every read is logged so a test can see exactly what was read. */
function fakeDeps(dayCounts: Record<string, Partial<Counters<DayCounter>>>, chain: ChainSnapshot, brake: AccountBrake | null = null) {
  const reads: string[] = []
  const metrics: CampaignCounters = {
    async days(scope, id, days) {
      reads.push(`days ${scope}|${id} ${days.at(-1)} x${days.length}`)
      return days.map((d) => ({ ...emptyCounters(DAY_COUNTERS), ...dayCounts[`${scope}|${id}|${d}`] }))
    },
  }
  const account = memoryAccount(brake)
  return {
    reads,
    deps: {
      metrics,
      campaigns: {
        chain: async (id: string) => {
          reads.push(`chain ${id}`)
          return chain
        },
      },
      account: { brake: () => (reads.push('brake'), account.brake()) },
      settings: async () => DEFAULT_SETTINGS,
      // 20:00 UTC on the 23rd (a Monday) is 01:30 on Tuesday the 24th in Kolkata (UTC+5:30).
      clock: fixedClock('2026-11-23T20:00:00.000Z'),
    },
  }
}

const chain: ChainSnapshot = { chainId: 'ch', running: true, cursor: null, waitingFor: null }

describe('getCampaignMetrics', () => {
  it('reads one batch of day counters, the chain and the brake: nothing per lead', async () => {
    const { deps, reads } = fakeDeps({ 'campaign|c1|2026-11-24': { sends: 7 }, 'campaign|c1|2026-11-23': { sends: 48, hard_bounces: 2 } }, chain)
    const m = await getCampaignMetrics(deps, campaign('c1'))
    expect(reads.sort()).toEqual(['brake', 'chain c1', 'days campaign|c1 2026-11-24 x14'])
    // Today is Kolkata's 24th (the cap's day); the 23rd's sends still count toward the window.
    expect(m.today).toMatchObject({ day: '2026-11-24', sends: 7, cap: 50 })
    expect(m.sends).toBe(55)
    expect(m.bounce.rate).toBeCloseTo(2 / 55)
    // 01:30 on a Tuesday in Kolkata: before its 09:00 window.
    expect(m.chain.kind).toBe('waiting_window')
  })

  it('passes an engaged brake on as the first thing the chain waits for', async () => {
    const brake: AccountBrake = { engaged: true, signal: 'bounce_rate', sentence: 'Account bounce rate 5% (pause at 4%).', at: '2026-11-23T10:00:00.000Z', by: 'health' }
    const { deps } = fakeDeps({}, chain, brake)
    const m = await getCampaignMetrics(deps, campaign('c1'))
    expect(m.chain.kind).toBe('waiting')
    expect(m.chain.reasons[0]).toBe('all sending is paused: Account bounce rate 5% (pause at 4%)')
  })
})

describe('campaignsSentToday', () => {
  it("reads one counter per campaign, on each campaign's own local day", async () => {
    const ny = { ...campaign('ny'), window: { ...campaign('ny').window, timeZone: 'America/New_York' } }
    const { deps, reads } = fakeDeps({ 'campaign|c1|2026-11-24': { sends: 4 }, 'campaign|ny|2026-11-23': { sends: 9 }, 'campaign|ny|2026-11-24': { sends: 99 } }, chain)
    expect(await campaignsSentToday(deps, [campaign('c1'), ny])).toEqual([4, 9])
    expect(reads.sort()).toEqual(['days campaign|c1 2026-11-24 x1', 'days campaign|ny 2026-11-23 x1'])
  })
})
