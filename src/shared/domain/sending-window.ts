import type { SendingWindow } from './entities'

/**
 * The sending window: on which local weekdays, between which local hours, a campaign may send. Local means
 * the window's own IANA time zone (normally the recipients'), read through Intl.DateTimeFormat: that is the
 * platform's time-zone database, not I/O, so these functions stay pure (same instant in, same answer out).
 *
 * Decisions:
 * - Hours are whole and half-open: [startHour, endHour), 0 <= startHour < endHour <= 24 (24 = midnight at
 *   the end of the day). Overnight windows (endHour < startHour) are not allowed: the window carries its
 *   own time zone, so a window that crosses midnight where the sender sits is a daytime window where the
 *   recipients are (write 09-17 America/New_York, not 19-03 Asia/Kolkata), and "which day's window is
 *   02:00 Saturday in?" never needs an answer.
 * - The window is read on the wall clock. On a spring-forward day the skipped hour never happens (a 02-03
 *   window in New York does not open that day); on a fall-back day the repeated hour happens twice, so a
 *   window holding it is open for both.
 * - A window that cannot be read (unknown time zone, bad hours, no days) is never open: the conservative
 *   answer. `windowProblems` says why, for the campaign form and for the gate's reason.
 * - Per-day caps. The campaign cap counts the campaign's local day (`localDay(window.timeZone, now)`): a cap
 *   that rolled at UTC midnight would reset in the middle of a working day west of UTC (16:00 in Los
 *   Angeles) and let a campaign send twice its cap in one local day. Mailbox and global caps count the UTC
 *   day (`dayOf` in metrics.ts, `localDay('UTC', now)` here): a mailbox may serve campaigns in several
 *   zones, and its counter must be one number. SES's own quota is a rolling 24 hours, not a calendar day,
 *   so a UTC-day cap can allow up to twice the cap within 24 hours across midnight; keep the global cap at
 *   most half the SES quota.
 */

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }
const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

/** The wall clock of one instant in one time zone. */
export interface LocalTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** 1 = Monday ... 7 = Sunday. */
  isoWeekday: number
}

// Building a DateTimeFormat costs far more than using one; one per zone is kept for the process's life.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23: 00-23. (hour12: false alone printed midnight as "24" in some engines.)
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** True when the platform's time-zone database knows `timeZone` (IANA names and their aliases, e.g. `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** The wall clock in `timeZone` at instant `at`. Throws RangeError for an unknown time zone. */
export function localTime(timeZone: string, at: Date): LocalTime {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    isoWeekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/**
 * `2026-11-21`: the calendar day of `at` in `timeZone`, the key of a per-day counter that rolls over at that
 * zone's midnight. Campaign caps use the window's zone; mailbox and global caps use `UTC` (see above).
 */
export function localDay(timeZone: string, at: Date): string {
  const t = localTime(timeZone, at)
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`
}

/** What is wrong with a window, in words a person can act on; empty when it can be used. */
export function windowProblems(window: SendingWindow): string[] {
  const problems: string[] = []
  if (!isValidTimeZone(window.timeZone)) problems.push(`unknown time zone "${window.timeZone}"`)
  if (window.days.length === 0) problems.push('no sending days')
  const badDays = window.days.filter((d) => !Number.isInteger(d) || d < 1 || d > 7)
  if (badDays.length > 0) problems.push(`days must be 1 (Monday) to 7 (Sunday), got ${badDays.join(', ')}`)
  const { startHour, endHour } = window
  const startValid = Number.isInteger(startHour) && startHour >= 0 && startHour <= 23
  if (!startValid) problems.push(`start hour must be a whole hour 0-23, got ${startHour}`)
  if (!Number.isInteger(endHour) || endHour < 1 || endHour > 24) problems.push(`end hour must be a whole hour 1-24, got ${endHour}`)
  else if (startValid && endHour <= startHour) {
    problems.push(`end hour ${endHour} must be after start hour ${startHour} (windows do not run overnight)`)
  }
  return problems
}

function insideReadableWindow(window: SendingWindow, at: Date): boolean {
  const t = localTime(window.timeZone, at)
  return window.days.includes(t.isoWeekday) && t.hour >= window.startHour && t.hour < window.endHour
}

/** True when `at` falls on one of the window's local weekdays, at a local hour in [startHour, endHour). */
export function isInsideWindow(window: SendingWindow, at: Date): boolean {
  if (windowProblems(window).length > 0) return false
  return insideReadableWindow(window, at)
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** The wall clock at `at` in `timeZone`, written as if it were UTC milliseconds (to compare wall times). */
function wallMs(timeZone: string, ms: number): number {
  const t = localTime(timeZone, new Date(ms))
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) + (((ms % 1000) + 1000) % 1000)
}

/**
 * The earliest instant at which the wall clock in `timeZone` reads `wall` (UTC-style milliseconds) or
 * later. Offsets a day either side bound the answer (no zone changes offset twice in two days): a wall
 * time that happens once has one matching instant, one that happens twice (fall back) two (the earlier
 * wins), one that never happens (spring forward) none, and the answer is the end of the gap, found by
 * bisection.
 */
function firstInstantAtOrAfterWall(timeZone: string, wall: number): number {
  const offsetBefore = wallMs(timeZone, wall - DAY_MS) - (wall - DAY_MS)
  const offsetAfter = wallMs(timeZone, wall + DAY_MS) - (wall + DAY_MS)
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((t) => wallMs(timeZone, t) === wall)
  if (candidates.length > 0) return Math.min(...candidates)
  // In a gap: the wall clock jumps from below `wall` to above it. Bisect for the first instant past it.
  let lo = Math.min(wall - offsetBefore, wall - offsetAfter)
  let hi = Math.max(wall - offsetBefore, wall - offsetAfter)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (wallMs(timeZone, mid) >= wall) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * The earliest instant at or after `at` when the window is open: `at` itself when it is open now, else the
 * next local start on a sending day (the end of the gap when a spring-forward skips the start hour; a day
 * whose whole window is skipped is passed over). null when the window never opens (see `windowProblems`).
 */
export function nextWindowOpen(window: SendingWindow, at: Date): Date | null {
  if (windowProblems(window).length > 0) return null
  if (insideReadableWindow(window, at)) return at
  const today = localTime(window.timeZone, at)
  // Eight local days cover a full week from any point of today. A one-day-a-week window whose opening a
  // spring-forward skips opens a week later still: fifteen days cover that.
  for (let offset = 0; offset <= 14; offset++) {
    const wallStart = Date.UTC(today.year, today.month - 1, today.day + offset, window.startHour)
    const isoWeekday = ((new Date(wallStart).getUTCDay() + 6) % 7) + 1
    if (!window.days.includes(isoWeekday)) continue
    const opens = firstInstantAtOrAfterWall(window.timeZone, wallStart)
    if (opens >= at.getTime() && insideReadableWindow(window, new Date(opens))) return new Date(opens)
  }
  return null
}

/** Runs of consecutive days as ranges: [1,2,3,4,5] → "Mon–Fri", [1,3,6,7] → "Mon, Wed, Sat–Sun". */
function describeDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b)
  const runs: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    const first = DAY_NAMES[sorted[i]!]!
    runs.push(j > i ? `${first}–${DAY_NAMES[sorted[j]!]}` : first)
    i = j + 1
  }
  return runs.join(', ')
}

/** `Mon–Fri 09:00–17:00 America/New_York`: the window in one phrase, for screens and gate reasons. */
export function describeWindow(window: SendingWindow): string {
  return `${describeDays(window.days)} ${pad(window.startHour)}:00–${pad(window.endHour)}:00 ${window.timeZone}`
}

/** `Sat 10:15` (or `Sat 2026-03-07 10:15` with the date): the local weekday and time of `at` in `timeZone`. */
export function describeLocalTime(timeZone: string, at: Date, withDate = false): string {
  const t = localTime(timeZone, at)
  const date = withDate ? ` ${localDay(timeZone, at)}` : ''
  return `${DAY_NAMES[t.isoWeekday] ?? '?'}${date} ${pad(t.hour)}:${pad(t.minute)}`
}
