import { describe, expect, it } from 'vitest'
import { DAY_COUNTERS, TOTAL_COUNTERS, dayOf, emptyCounters, lastDays } from './metrics'

describe('dayOf', () => {
  it.each([
    ['2026-11-21T00:00:00.000Z', '2026-11-21'],
    ['2026-11-21T23:59:59.999Z', '2026-11-21'],
    // 23:30 in New York on the 20th is already the 21st in UTC: counters roll over at UTC midnight.
    ['2026-11-20T23:30:00.000-05:00', '2026-11-21'],
    ['2026-11-21T00:30:00.000+02:00', '2026-11-20'],
  ])('%s is counted on %s', (iso, expected) => {
    expect(dayOf(new Date(iso))).toBe(expected)
  })
})

describe('lastDays', () => {
  it.each([
    ['2026-11-21T10:00:00.000Z', 3, ['2026-11-19', '2026-11-20', '2026-11-21']],
    ['2026-11-21T10:00:00.000Z', 1, ['2026-11-21']],
    ['2026-11-21T10:00:00.000Z', 0, []],
    ['2026-12-02T23:59:59.999Z', 4, ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']],
    ['2027-01-01T00:00:00.000Z', 2, ['2026-12-31', '2027-01-01']],
    ['2028-03-01T12:00:00.000Z', 2, ['2028-02-29', '2028-03-01']],
    ['2027-03-01T12:00:00.000Z', 2, ['2027-02-28', '2027-03-01']],
  ])('ending %s, %i days are %j', (end, count, days) => {
    expect(lastDays(new Date(end), count)).toEqual(days)
  })

  it('gives 14 distinct consecutive days, oldest first, across a month end', () => {
    const days = lastDays(new Date('2026-12-05T08:00:00.000Z'), 14)
    expect(days).toHaveLength(14)
    expect(new Set(days).size).toBe(14)
    expect(days[0]).toBe('2026-11-22')
    expect(days.at(-1)).toBe('2026-12-05')
    expect([...days].sort()).toEqual(days)
  })
})

describe('emptyCounters', () => {
  it.each([
    ['day', DAY_COUNTERS],
    ['total', TOTAL_COUNTERS],
  ] as const)('starts every %s counter at zero', (_label, names) => {
    const counters = emptyCounters(names)
    expect(Object.keys(counters)).toEqual([...names])
    expect(Object.values(counters).every((n) => n === 0)).toBe(true)
  })
})
