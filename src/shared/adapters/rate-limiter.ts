import type { Clock } from '../services/ports'

/**
 * A client-side rate limiter: at most `limit` request starts in any `windowMs` (a sliding-window log),
 * for each of one or more windows, plus a hold after a 429 until the time the server named.
 *
 * Why a sliding-window log: whatever a vendor counts with — a fixed window, a sliding window or a token
 * bucket that starts full and refills `limit` per window — a sequence with at most `limit` starts in every
 * window of `windowMs` passes it. A token bucket on the client side would allow a full burst just after a
 * server's fixed window saw the end of the previous one.
 *
 * Slots are reserved when `take()` is called, in call order, so concurrent callers are served first come
 * first served and never recompute the same free slot. Time and sleep are injected: under test (and in the
 * benchmark) a fake clock makes waiting a computation, not a pause.
 */
export interface RateWindow {
  limit: number
  windowMs: number
}

export interface RateLimiterOptions {
  /** Default: 60 a minute (Smartlead's documented limit per API key). */
  windows?: readonly RateWindow[]
  clock: Clock
  sleep: (ms: number) => Promise<void>
}

export interface RateLimiter {
  /** Waits (with the injected sleep) until a request may start; resolves with the milliseconds waited. */
  take(): Promise<number>
  /** No request starts before `epochMs` (a server's Retry-After); later holds extend, earlier ones do not shorten. */
  holdUntil(epochMs: number): void
  /** Requests let through so far. */
  readonly taken: number
  /** Total milliseconds callers were asked to wait. */
  readonly waitedMs: number
}

export const DEFAULT_WINDOWS: readonly RateWindow[] = [{ limit: 60, windowMs: 60_000 }]

/**
 * Pure: the earliest time at or after `now` that a new start keeps every window within its limit, given
 * the earlier starts (ascending) and a hold.
 */
export function nextSlot(starts: readonly number[], now: number, windows: readonly RateWindow[], heldUntil = 0): number {
  let at = Math.max(now, heldUntil)
  for (const w of windows) {
    // The start `limit` places back must have left the window (a start at t counts in [t, t + windowMs)).
    const blocking = starts.length >= w.limit ? starts[starts.length - w.limit]! : undefined
    if (blocking !== undefined) at = Math.max(at, blocking + w.windowMs)
  }
  return at
}

export function validateWindows(windows: readonly RateWindow[]): void {
  if (windows.length === 0) throw new RangeError('A rate limiter needs at least one window.')
  for (const w of windows) {
    if (!Number.isInteger(w.limit) || w.limit < 1) throw new RangeError(`A rate window's limit must be a whole number of at least 1 (got ${w.limit}).`)
    if (!Number.isFinite(w.windowMs) || w.windowMs <= 0) throw new RangeError(`A rate window must be longer than 0 ms (got ${w.windowMs}).`)
  }
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windows = options.windows ?? DEFAULT_WINDOWS
  validateWindows(windows)
  const longest = Math.max(...windows.map((w) => w.windowMs))
  const keep = Math.max(...windows.map((w) => w.limit))
  const { clock, sleep } = options
  // Reserved start times, ascending (each reservation is at or after the one before it).
  const starts: number[] = []
  let heldUntil = 0
  let taken = 0
  let waitedMs = 0

  return {
    async take() {
      let waited = 0
      for (;;) {
        const now = clock.now().getTime()
        // Starts that can no longer block anything: out of the longest window and beyond the largest limit.
        while (starts.length > keep || (starts.length > 0 && starts[0]! <= now - longest)) starts.shift()
        // Never before an earlier reservation: the log stays ascending, which nextSlot relies on.
        const at = Math.max(nextSlot(starts, now, windows, heldUntil), starts.at(-1) ?? -Infinity)
        starts.push(at)
        const wait = at - now
        if (wait <= 0) break
        waited += wait
        waitedMs += wait
        await sleep(wait)
        if (heldUntil <= clock.now().getTime()) break
        // A hold (a 429 elsewhere) came while this caller slept: give the slot back and queue behind it.
        starts.splice(starts.lastIndexOf(at), 1)
      }
      taken++
      return waited
    },
    holdUntil(epochMs) {
      heldUntil = Math.max(heldUntil, epochMs)
    },
    get taken() {
      return taken
    },
    get waitedMs() {
      return waitedMs
    },
  }
}
