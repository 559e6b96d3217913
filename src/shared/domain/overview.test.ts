import { describe, expect, it } from 'vitest'
import { DAY_COUNTERS, TOTAL_COUNTERS, emptyCounters, type Counters, type DayCounter } from './metrics'
import { SERIES_DAYS, buildOverview, verificationShare } from './overview'
import { DEFAULT_SETTINGS, type Settings } from './settings'
import type { AccountBrake } from './entities'

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

  it('measures the rates over the account policy\'s window, the chart over the last 14 days', () => {
    // 20 days, oldest first, each with 10 sends; the first 17 had 5 hard bounces each, the last 3 none.
    const days = Array.from({ length: 20 }, (_, i) => day(`2026-11-${String(i + 1).padStart(2, '0')}`, { sends: 10, hard_bounces: i < 17 ? 5 : 0 }))
    const o = buildOverview(totals, days, settings((s) => void (s.account.rateWindowDays = 3)))
    expect(o.rateWindowDays).toBe(3)
    // The three last days had no bounces: the old ones no longer count, as for the brake.
    expect(o.bounce.rate).toBe(0)
    expect(o.series).toHaveLength(SERIES_DAYS)
    expect(o.series[0]!.day).toBe('2026-11-07')
    expect(o.series.at(-1)!.day).toBe('2026-11-20')
  })

  describe('verification pass rate', () => {
    it.each([
      // [label, verified (every check whose answer was used), verify_passed, expected]
      ['nothing verified yet', 0, 0, { part: 0, whole: 0, rate: null }],
      ['every check passed', 40, 40, { part: 40, whole: 40, rate: 1 }],
      ['one in five failed', 50, 40, { part: 40, whole: 50, rate: 0.8 }],
      ['every check failed', 7, 0, { part: 0, whole: 7, rate: 0 }],
    ])('%s', (_label, verified, passed, expected) => {
      expect(verificationShare({ verified, verify_passed: passed })).toEqual(expected)
    })

    it('sums checks and passes over the rate window; sends alone do not count (only their checks do)', () => {
      const days = [day('2026-11-20', { sends: 30, verified: 35, verify_passed: 30 }), day('2026-11-21', { sends: 99, verified: 15, verify_passed: 10 })]
      expect(buildOverview(totals, days, DEFAULT_SETTINGS).verification).toEqual({ part: 40, whole: 50, rate: 0.8 })
    })
  })

  it.each([
    ['no sends', 0, 0, null],
    ['a few opens', 100, 23, 0.23],
    // Repeat opens and proxy prefetches all count: display only, and it may pass 100%.
    ['more opens than sends', 10, 14, 1.4],
  ])('shows opens per send for display only with %s', (_label, sends, opens, rate) => {
    expect(buildOverview(totals, [day('2026-11-21', { sends, opens })], DEFAULT_SETTINGS).opens).toEqual({ part: opens, whole: sends, rate })
  })

  it("shows each active campaign's sends today against its own cap", () => {
    const o = buildOverview(totals, [], DEFAULT_SETTINGS, {
      campaigns: [
        { id: 'c1', name: 'Founders', dailyCap: 50, sentToday: 20 },
        { id: 'c2', name: 'Stopped by a zero cap', dailyCap: 0, sentToday: 0 },
      ],
      brake: null,
    })
    expect(o.campaigns).toEqual([
      { id: 'c1', name: 'Founders', sends: 20, cap: 50, capShare: 0.4 },
      { id: 'c2', name: 'Stopped by a zero cap', sends: 0, cap: 0, capShare: 0 },
    ])
  })

  it('carries the engaged account brake and nothing for a released one', () => {
    const brake: AccountBrake = { engaged: true, signal: 'hard_bounce_rate', sentence: 'Paused all sending: too many bounces.', at: '2026-11-21T10:00:00.000Z', by: 'health' }
    expect(buildOverview(totals, [], DEFAULT_SETTINGS, { campaigns: [], brake }).brake).toEqual({ signal: 'hard_bounce_rate', sentence: 'Paused all sending: too many bounces.', at: '2026-11-21T10:00:00.000Z', by: 'health' })
    expect(buildOverview(totals, [], DEFAULT_SETTINGS, { campaigns: [], brake: { ...brake, engaged: false } }).brake).toBeNull()
    expect(buildOverview(totals, [], DEFAULT_SETTINGS).brake).toBeNull()
  })
})
