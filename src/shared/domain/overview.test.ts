import { describe, expect, it } from 'vitest'
import { DAY_COUNTERS, TOTAL_COUNTERS, emptyCounters, type Counters, type DayCounter } from './metrics'
import { buildOverview } from './overview'
import { DEFAULT_SETTINGS, type Settings } from './settings'

const totals = { ...emptyCounters(TOTAL_COUNTERS), leads_held: 4, leads_active: 10, leads_paused: 2, leads_completed: 7, leads_unrouted: 6, domains_paused: 1, mailboxes_paused: 3, campaigns_paused: 5 }

const day = (date: string, counts: Partial<Counters<DayCounter>> = {}) => ({ day: date, counters: { ...emptyCounters(DAY_COUNTERS), ...counts } })

const settings = (edit: (s: Settings) => void = () => {}): Settings => {
  const s = structuredClone(DEFAULT_SETTINGS)
  edit(s)
  return s
}

describe('buildOverview', () => {
  it('copies the totals into lead counts and paused entities', () => {
    const o = buildOverview(totals, [], DEFAULT_SETTINGS)
    expect(o.leads).toEqual({ held: 4, unrouted: 6, active: 10, paused: 2, completed: 7 })
    expect([o.pausedDomains, o.pausedMailboxes, o.pausedCampaigns]).toEqual([1, 3, 5])
  })

  it("takes today's sends from the last day of the series, not the sum", () => {
    const o = buildOverview(totals, [day('2026-11-19', { sends: 90 }), day('2026-11-20', { sends: 80 }), day('2026-11-21', { sends: 75 })], DEFAULT_SETTINGS)
    expect(o.today).toEqual({ sends: 75, cap: DEFAULT_SETTINGS.sending.globalDailyCap, capShare: 75 / DEFAULT_SETTINGS.sending.globalDailyCap })
  })

  it.each([
    ['no days at all', [], 300, { sends: 0, cap: 300, capShare: 0 }],
    ['half the cap', [day('2026-11-21', { sends: 150 })], 300, { sends: 150, cap: 300, capShare: 0.5 }],
    ['over the cap', [day('2026-11-21', { sends: 330 })], 300, { sends: 330, cap: 300, capShare: 1.1 }],
    // A cap of 0 means sending is stopped; the share must not be Infinity or NaN.
    ['a cap of zero', [day('2026-11-21', { sends: 12 })], 0, { sends: 12, cap: 0, capShare: 0 }],
  ])("today's sends against the cap with %s", (_label, days, cap, today) => {
    expect(buildOverview(totals, days, settings((s) => void (s.sending.globalDailyCap = cap))).today).toEqual(today)
  })

  describe('bounce and complaint rates over the whole window', () => {
    // Thresholds and minimum sends come from settings; these tests set them to round numbers.
    const policy = settings((s) => {
      s.account.pauseBounceRate = 0.04
      s.account.pauseBounceMinSends = 100
      s.account.pauseComplaintRate = 0.001
      s.account.pauseComplaintMinSends = 1000
    })

    it.each([
      // [sends, hard bounces, rate, breached]
      ['no sends: no rate', 0, 0, null, false],
      // Below the minimum the rate is shown but can never breach: too few sends to act on.
      ['below the minimum sends', 99, 10, 10 / 99, false],
      ['at the minimum, under the threshold', 100, 3, 0.03, false],
      ['at the minimum, exactly at the threshold', 100, 4, 0.04, true],
      ['above the threshold', 200, 9, 0.045, true],
      ['just under the threshold', 1000, 39, 0.039, false],
    ])('%s', (_label, sends, bounces, rate, breached) => {
      const o = buildOverview(totals, [day('2026-11-21', { sends, hard_bounces: bounces })], policy)
      expect(o.bounce).toEqual({ rate, threshold: 0.04, minSends: 100, breached })
    })

    it('sums every day of the series for the rate', () => {
      const days = [day('2026-11-20', { sends: 60, hard_bounces: 1 }), day('2026-11-21', { sends: 40, hard_bounces: 3 })]
      expect(buildOverview(totals, days, policy).bounce).toMatchObject({ rate: 0.04, breached: true })
    })

    it('measures complaints against their own threshold and minimum', () => {
      const days = [day('2026-11-21', { sends: 1000, complaints: 1, hard_bounces: 0 })]
      expect(buildOverview(totals, days, policy).complaint).toEqual({ rate: 0.001, threshold: 0.001, minSends: 1000, breached: true })
      expect(buildOverview(totals, [day('2026-11-21', { sends: 999, complaints: 5 })], policy).complaint.breached).toBe(false)
    })
  })

  it('maps the series day by day, oldest first as given', () => {
    const days = [day('2026-11-20', { sends: 5, hard_bounces: 1, complaints: 0, opens: 9 }), day('2026-11-21', { sends: 7, hard_bounces: 0, complaints: 1 })]
    expect(buildOverview(totals, days, DEFAULT_SETTINGS).series).toEqual([
      { day: '2026-11-20', sends: 5, hardBounces: 1, complaints: 0 },
      { day: '2026-11-21', sends: 7, hardBounces: 0, complaints: 1 },
    ])
  })
})
