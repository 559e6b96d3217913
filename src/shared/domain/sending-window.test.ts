import { describe, expect, it } from 'vitest'
import type { SendingWindow } from './entities'
import { dayOf } from './metrics'
import { seededRandom } from './random'
import {
  describeLocalTime,
  describeWindow,
  isInsideWindow,
  isValidTimeZone,
  localDay,
  localTime,
  nextWindowOpen,
  windowProblems,
} from './sending-window'

const WEEKDAYS = [1, 2, 3, 4, 5]
const win = (timeZone: string, startHour = 9, endHour = 17, days = WEEKDAYS): SendingWindow => ({ days, startHour, endHour, timeZone })
const NY = win('America/New_York')
const LONDON = win('Europe/London')
const KOLKATA = win('Asia/Kolkata')
const at = (iso: string) => new Date(iso)

// 2026 transitions: New York springs forward Sun 8 Mar 02:00 EST → 03:00 EDT and falls back Sun 1 Nov
// 02:00 EDT → 01:00 EST; London springs forward Sun 29 Mar 01:00 GMT → 02:00 BST and falls back Sun 25 Oct
// 02:00 BST → 01:00 GMT. Kolkata is UTC+05:30 all year.

describe('isInsideWindow', () => {
  it.each([
    // New York, winter (EST, UTC-5)
    ['NY Fri 08:59 EST', NY, '2026-03-06T13:59:00Z', false],
    ['NY Fri 09:00 EST (start is inside)', NY, '2026-03-06T14:00:00Z', true],
    ['NY Fri 16:59 EST', NY, '2026-03-06T21:59:59Z', true],
    ['NY Fri 17:00 EST (end is outside)', NY, '2026-03-06T22:00:00Z', false],
    ['NY Sat 10:00 EST (not a sending day)', NY, '2026-03-07T15:00:00Z', false],
    // New York, summer (EDT, UTC-4): the same wall hours are an hour earlier in UTC
    ['NY Mon 08:59 EDT, after spring forward', NY, '2026-03-09T12:59:00Z', false],
    ['NY Mon 09:00 EDT, after spring forward', NY, '2026-03-09T13:00:00Z', true],
    ['NY Mon 17:00 EDT', NY, '2026-03-09T21:00:00Z', false],
    ['NY Mon 09:00 EST, after fall back', NY, '2026-11-02T14:00:00Z', true],
    ['NY Mon 08:00 EST, after fall back (09:00 UTC-4 would be wrong)', NY, '2026-11-02T13:00:00Z', false],
    // London
    ['London Fri 09:00 GMT', LONDON, '2026-03-27T09:00:00Z', true],
    ['London Fri 08:59 GMT', LONDON, '2026-03-27T08:59:00Z', false],
    ['London Mon 09:00 BST', LONDON, '2026-03-30T08:00:00Z', true],
    ['London Mon 08:59 BST', LONDON, '2026-03-30T07:59:00Z', false],
    ['London Mon 17:00 BST', LONDON, '2026-03-30T16:00:00Z', false],
    ['London Mon 09:00 GMT, after fall back', LONDON, '2026-10-26T09:00:00Z', true],
    // Kolkata: half-hour offset, no DST, and a local weekday that differs from UTC's
    ['Kolkata Mon 09:00 IST', KOLKATA, '2026-03-09T03:30:00Z', true],
    ['Kolkata Mon 08:59 IST', KOLKATA, '2026-03-09T03:29:00Z', false],
    ['Kolkata Mon 16:59 IST', KOLKATA, '2026-03-09T11:29:59Z', true],
    ['Kolkata Mon 17:00 IST', KOLKATA, '2026-03-09T11:30:00Z', false],
    ['Kolkata Mon 01:30 IST while UTC is still Sunday', win('Asia/Kolkata', 0, 24, [1]), '2026-03-08T20:00:00Z', true],
    ['Kolkata Sat 01:30 IST while UTC is still Friday', win('Asia/Kolkata', 0, 24), '2026-03-13T20:00:00Z', false],
    // Sydney (southern hemisphere): 09:00 AEDT on Fri 2 Oct, before its spring forward on 4 Oct
    ['Sydney Fri 09:00 AEST', win('Australia/Sydney'), '2026-10-01T23:00:00Z', true],
    // Whole days
    ['a 0-24 window at local midnight', win('UTC', 0, 24, [7]), '2026-03-08T00:00:00Z', true],
    ['a 0-24 window one second before the next local day', win('UTC', 0, 24, [7]), '2026-03-08T23:59:59Z', true],
    ['a 0-24 window on the next local day', win('UTC', 0, 24, [7]), '2026-03-09T00:00:00Z', false],
    // The wall clock on transition days
    ['NY 02-03 on spring-forward day, just before the gap (01:59 EST)', win('America/New_York', 2, 3, [7]), '2026-03-08T06:59:59Z', false],
    ['NY 02-03 on spring-forward day, just after the gap (03:00 EDT)', win('America/New_York', 2, 3, [7]), '2026-03-08T07:00:00Z', false],
    ['NY 01-02 on fall-back day, first 01:30 (EDT)', win('America/New_York', 1, 2, [7]), '2026-11-01T05:30:00Z', true],
    ['NY 01-02 on fall-back day, second 01:30 (EST)', win('America/New_York', 1, 2, [7]), '2026-11-01T06:30:00Z', true],
    ['NY 01-02 on fall-back day, 02:00 EST', win('America/New_York', 1, 2, [7]), '2026-11-01T07:00:00Z', false],
    // Windows that cannot be read are never open
    ['an unknown time zone', win('Mars/Olympus_Mons'), '2026-03-09T12:00:00Z', false],
    ['an overnight window', win('UTC', 22, 6, [1, 2, 3, 4, 5, 6, 7]), '2026-03-09T23:00:00Z', false],
    ['a window with no days', win('UTC', 0, 24, []), '2026-03-09T12:00:00Z', false],
  ])('%s → %s', (_label, window, iso, expected) => {
    expect(isInsideWindow(window, at(iso))).toBe(expected)
  })
})

describe('nextWindowOpen', () => {
  it.each([
    ['is now when the window is open', NY, '2026-03-06T15:12:34Z', '2026-03-06T15:12:34.000Z'],
    ['NY later the same day', NY, '2026-03-09T05:00:00Z', '2026-03-09T13:00:00.000Z'],
    // Across a DST change: Friday 17:00 EST to Monday 09:00 EDT is 63 hours, not 64.
    ['NY Friday close to Monday, across spring forward', NY, '2026-03-06T22:00:00Z', '2026-03-09T13:00:00.000Z'],
    ['NY Saturday to Monday, across spring forward', NY, '2026-03-07T12:00:00Z', '2026-03-09T13:00:00.000Z'],
    ['NY Friday close to Monday, across fall back', NY, '2026-10-30T22:00:00Z', '2026-11-02T14:00:00.000Z'],
    ['London Friday close to Monday, across spring forward', LONDON, '2026-03-27T17:00:00Z', '2026-03-30T08:00:00.000Z'],
    ['London Friday close to Monday, across fall back', LONDON, '2026-10-23T16:00:00Z', '2026-10-26T09:00:00.000Z'],
    ['Kolkata Friday close to Monday', KOLKATA, '2026-03-13T11:30:00Z', '2026-03-16T03:30:00.000Z'],
    ['Kolkata, local Monday 01:30 while UTC is Sunday', KOLKATA, '2026-03-08T20:00:00Z', '2026-03-09T03:30:00.000Z'],
    ['Kolkata, local Tuesday 01:30 while UTC is Monday', KOLKATA, '2026-03-09T20:00:00Z', '2026-03-10T03:30:00.000Z'],
    ['a Wednesday-only window, just after it closed: next week', win('UTC', 9, 17, [3]), '2026-03-11T17:00:00Z', '2026-03-18T09:00:00.000Z'],
    ['a Saturday 0-24 window from Friday', win('Europe/London', 0, 24, [6]), '2026-03-27T12:00:00Z', '2026-03-28T00:00:00.000Z'],
    // The start hour itself skipped by spring forward: the window opens when the gap ends.
    ['London Sunday 01-03 on spring-forward day: 02:00 BST', win('Europe/London', 1, 3, [7]), '2026-03-29T00:30:00Z', '2026-03-29T01:00:00.000Z'],
    ['NY Sunday 02-04 on spring-forward day: 03:00 EDT', win('America/New_York', 2, 4, [7]), '2026-03-08T05:00:00Z', '2026-03-08T07:00:00.000Z'],
    // A whole window skipped by spring forward: it does not open that day at all.
    ['NY Sunday 02-03 skipped on spring-forward day: next Sunday', win('America/New_York', 2, 3, [7]), '2026-03-07T12:00:00Z', '2026-03-15T06:00:00.000Z'],
    // Seen from the Friday before, the skipped Sunday is 2 days away and the real opening 9.
    ['NY Sunday 02-03 skipped, seen from the Friday before', win('America/New_York', 2, 3, [7]), '2026-03-06T12:00:00Z', '2026-03-15T06:00:00.000Z'],
    // Fall back: the repeated hour opens at its first occurrence.
    ['NY Sunday 01-02 on fall-back day: first 01:00 (EDT)', win('America/New_York', 1, 2, [7]), '2026-11-01T04:00:00Z', '2026-11-01T05:00:00.000Z'],
    ['NY Sunday 01-02 during the second 01:00 hour: open now', win('America/New_York', 1, 2, [7]), '2026-11-01T06:15:00Z', '2026-11-01T06:15:00.000Z'],
    ['NY Sunday 01-02 after both: next Sunday 01:00 EST', win('America/New_York', 1, 2, [7]), '2026-11-01T07:00:00Z', '2026-11-08T06:00:00.000Z'],
    // Sao Paulo (2018) sprang forward at midnight: Sunday 4 Nov began at 01:00.
    ['Sao Paulo 2018, a day that began at 01:00', win('America/Sao_Paulo', 0, 24, [7]), '2018-11-03T12:00:00Z', '2018-11-04T03:00:00.000Z'],
    ['Sydney Friday close to Monday, across its spring forward', win('Australia/Sydney'), '2026-10-02T07:00:00Z', '2026-10-04T22:00:00.000Z'],
  ])('%s', (_label, window, from, expected) => {
    expect(nextWindowOpen(window, at(from))?.toISOString()).toBe(expected)
  })

  it.each([
    ['no sending days', win('UTC', 9, 17, [])],
    ['an unknown time zone', win('Mars/Olympus_Mons')],
    ['an overnight window', win('UTC', 22, 6)],
  ])('is null when the window never opens: %s', (_label, window) => {
    expect(nextWindowOpen(window, at('2026-03-09T12:00:00Z'))).toBeNull()
  })

  it('gives the first open instant, with the window closed all the way there, for 150 random instants', () => {
    const random = seededRandom(2026)
    const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Sydney', 'America/Los_Angeles']
    const start = Date.UTC(2026, 0, 1)
    for (let i = 0; i < 150; i++) {
      const window = win(zones[i % zones.length]!, i % 3 === 0 ? 1 : 9, i % 3 === 0 ? 3 : 17, i % 2 === 0 ? WEEKDAYS : [2, 6])
      const from = new Date(start + Math.floor(random() * 365 * 86_400_000))
      const opens = nextWindowOpen(window, from)!
      expect(opens.getTime()).toBeGreaterThanOrEqual(from.getTime())
      expect(isInsideWindow(window, opens)).toBe(true)
      if (opens.getTime() > from.getTime()) expect(isInsideWindow(window, new Date(opens.getTime() - 1000))).toBe(false)
      for (let t = from.getTime(); t < opens.getTime(); t += 15 * 60_000) expect(isInsideWindow(window, new Date(t))).toBe(false)
    }
  })
})

describe('localDay', () => {
  it.each([
    ['UTC', '2026-03-08T23:30:00Z', '2026-03-08'],
    ['Asia/Kolkata', '2026-03-08T23:30:00Z', '2026-03-09'],
    ['America/New_York', '2026-03-08T23:30:00Z', '2026-03-08'],
    ['Asia/Kolkata', '2026-03-08T18:29:59Z', '2026-03-08'], // Kolkata's midnight is 18:30 UTC
    ['Asia/Kolkata', '2026-03-08T18:30:00Z', '2026-03-09'],
    ['America/New_York', '2026-01-01T04:59:59Z', '2025-12-31'],
    ['America/New_York', '2026-01-01T05:00:00Z', '2026-01-01'],
    ['America/Los_Angeles', '2026-03-10T00:00:00Z', '2026-03-09'], // UTC midnight is 17:00 the day before
    ['Europe/London', '2026-06-30T23:30:00Z', '2026-07-01'], // BST
    ['Pacific/Kiritimati', '2026-03-08T10:00:00Z', '2026-03-09'], // UTC+14
    ['Pacific/Pago_Pago', '2026-03-08T10:00:00Z', '2026-03-07'], // UTC-11
  ])('in %s at %s is %s', (timeZone, iso, expected) => {
    expect(localDay(timeZone, at(iso))).toBe(expected)
  })

  it('in UTC agrees with the day counters (metrics dayOf) for 500 random instants', () => {
    const random = seededRandom(7)
    for (let i = 0; i < 500; i++) {
      const instant = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 10 * 365 * 86_400_000))
      expect(localDay('UTC', instant)).toBe(dayOf(instant))
    }
  })

  it('throws for an unknown time zone', () => {
    expect(() => localDay('Mars/Olympus_Mons', at('2026-03-08T10:00:00Z'))).toThrow(RangeError)
  })
})

describe('localTime', () => {
  it('reads midnight as hour 0 and gives the ISO weekday', () => {
    expect(localTime('UTC', at('2026-03-08T00:00:00Z'))).toEqual({ year: 2026, month: 3, day: 8, hour: 0, minute: 0, second: 0, isoWeekday: 7 })
  })
})

describe('isValidTimeZone', () => {
  it.each([
    ['America/New_York', true],
    ['Europe/London', true],
    ['Asia/Kolkata', true],
    ['Asia/Calcutta', true], // an alias the database still knows
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['New York', false],
    ['', false],
    [' UTC', false],
  ])('%j → %s', (timeZone, expected) => {
    expect(isValidTimeZone(timeZone)).toBe(expected)
  })
})

describe('windowProblems', () => {
  it.each([
    ['a working-day window', NY, []],
    ['a whole-day window', win('UTC', 0, 24), []],
    ['an unknown time zone', win('Mars/Olympus_Mons'), ['unknown time zone "Mars/Olympus_Mons"']],
    ['no days', win('UTC', 9, 17, []), ['no sending days']],
    ['days out of range', win('UTC', 9, 17, [0, 1, 8, 2.5]), ['days must be 1 (Monday) to 7 (Sunday), got 0, 8, 2.5']],
    ['an overnight window', win('UTC', 22, 6), ['end hour 6 must be after start hour 22 (windows do not run overnight)']],
    ['an empty window', win('UTC', 9, 9), ['end hour 9 must be after start hour 9 (windows do not run overnight)']],
    ['a half hour', win('UTC', 9.5, 17), ['start hour must be a whole hour 0-23, got 9.5']],
    ['a start of 24', win('UTC', 24, 24), ['start hour must be a whole hour 0-23, got 24']],
    ['an end past midnight', win('UTC', 9, 25), ['end hour must be a whole hour 1-24, got 25']],
  ])('%s', (_label, window, expected) => {
    expect(windowProblems(window)).toEqual(expected)
  })
})

describe('describeWindow and describeLocalTime', () => {
  it.each([
    [NY, 'Mon–Fri 09:00–17:00 America/New_York'],
    [win('UTC', 0, 24, [1, 3, 6, 7]), 'Mon, Wed, Sat–Sun 00:00–24:00 UTC'],
    [win('Asia/Kolkata', 8, 12, [7, 1, 1]), 'Mon, Sun 08:00–12:00 Asia/Kolkata'],
  ])('describes %j as %s', (window, expected) => {
    expect(describeWindow(window)).toBe(expected)
  })

  it('gives the local weekday and time', () => {
    expect(describeLocalTime('Asia/Kolkata', at('2026-03-07T04:45:00Z'))).toBe('Sat 10:15')
    expect(describeLocalTime('Asia/Kolkata', at('2026-03-07T04:45:00Z'), true)).toBe('Sat 2026-03-07 10:15')
  })
})
