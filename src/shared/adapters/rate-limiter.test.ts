import { describe, expect, it, vi } from 'vitest'
import { createRateLimiter, nextSlot, type RateWindow } from './rate-limiter'

const T0 = Date.parse('2026-11-21T09:00:00Z')

/** A clock that moves only when the limiter sleeps (or the test moves it): no real timers. */
function fakeTime(start = T0) {
  const state = { t: start }
  return { state, clock: { now: () => new Date(state.t) }, sleep: vi.fn(async (ms: number) => void (state.t += ms)) }
}

describe('nextSlot', () => {
  const minute: RateWindow[] = [{ limit: 3, windowMs: 60_000 }]
  it.each([
    ['no earlier starts', [], 100, minute, 0, 100],
    ['under the limit', [0, 10], 100, minute, 0, 100],
    ['at the limit: when the oldest of the last 3 leaves', [0, 10, 20], 100, minute, 0, 60_000],
    ['at the limit, only the last 3 count', [-90_000, 0, 10, 20], 100, minute, 0, 60_000],
    ['the oldest has left already', [0, 10, 20], 60_000, minute, 0, 60_000],
    ['a hold later than the window', [0, 10, 20], 100, minute, 90_000, 90_000],
    ['a hold in the past', [], 100, minute, 50, 100],
    ['the stricter of two windows', [0, 1, 2], 3, [{ limit: 2, windowMs: 1_000 }, { limit: 3, windowMs: 60_000 }], 0, 60_000],
    ['a burst window', [0, 1], 2, [{ limit: 2, windowMs: 1_000 }, { limit: 60, windowMs: 60_000 }], 0, 1_000],
  ])('%s', (_label, starts, now, windows, held, expected) => {
    expect(nextSlot(starts, now, windows, held)).toBe(expected)
  })
})

describe('createRateLimiter', () => {
  it('lets 60 through at once by default, then one each time the oldest leaves the minute', async () => {
    const { state, clock, sleep } = fakeTime()
    const limiter = createRateLimiter({ clock, sleep })
    for (let i = 0; i < 60; i++) expect(await limiter.take()).toBe(0)
    expect(sleep).not.toHaveBeenCalled()
    expect(await limiter.take()).toBe(60_000)
    expect(state.t).toBe(T0 + 60_000)
    // The starts at 0 have all left the window now, so 59 more go at once.
    for (let i = 0; i < 59; i++) expect(await limiter.take()).toBe(0)
    expect(await limiter.take()).toBe(60_000)
    expect(limiter.taken).toBe(121)
    expect(limiter.waitedMs).toBe(120_000)
  })

  it('never lets more than the limit start in any window (paced callers)', async () => {
    const { state, clock, sleep } = fakeTime()
    const limiter = createRateLimiter({ clock, sleep, windows: [{ limit: 5, windowMs: 10_000 }] })
    const startedAt: number[] = []
    for (let i = 0; i < 40; i++) {
      await limiter.take()
      startedAt.push(state.t)
      state.t += (i * 7919) % 3_000 // uneven gaps, from 0 to 3 s
    }
    for (const t of startedAt) expect(startedAt.filter((s) => s >= t && s < t + 10_000).length).toBeLessThanOrEqual(5)
  })

  it('serves concurrent callers in call order, each in its own slot', async () => {
    // Sleeps wait here until the test moves time on, so every caller asks at the same instant.
    const state = { t: T0 }
    const sleepers: { until: number; wake: () => void }[] = []
    const clock = { now: () => new Date(state.t) }
    const sleep = (ms: number) => new Promise<void>((wake) => sleepers.push({ until: state.t + ms, wake }))
    const advanceTo = async (t: number) => {
      state.t = t
      for (const s of sleepers.filter((x) => x.until <= t)) s.wake()
      await new Promise((r) => setImmediate(r))
    }
    const limiter = createRateLimiter({ clock, sleep, windows: [{ limit: 2, windowMs: 1_000 }] })
    const order: number[] = []
    const all = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        limiter.take().then((w) => {
          order.push(i)
          return w
        }),
      ),
    )
    await advanceTo(T0)
    expect(order).toEqual([0, 1])
    await advanceTo(T0 + 1_000)
    expect(order).toEqual([0, 1, 2, 3])
    await advanceTo(T0 + 2_000)
    // 0 and 1 at once; 2 and 3 a second later; 4 two seconds later.
    expect(await all).toEqual([0, 0, 1_000, 1_000, 2_000])
    expect(order).toEqual([0, 1, 2, 3, 4])
  })

  it('holds every request until the time a 429 named, and never shortens a hold', async () => {
    const { state, clock, sleep } = fakeTime()
    const limiter = createRateLimiter({ clock, sleep })
    limiter.holdUntil(T0 + 30_000)
    limiter.holdUntil(T0 + 5_000)
    expect(await limiter.take()).toBe(30_000)
    expect(state.t).toBe(T0 + 30_000)
    expect(await limiter.take()).toBe(0)
  })

  it('sends a caller that was already waiting to the back of a hold that came while it slept', async () => {
    const state = { t: T0 }
    const clock = { now: () => new Date(state.t) }
    let first = true
    const sleep = vi.fn(async (ms: number) => {
      state.t += ms
      // While the first sleeper sleeps, another request is answered 429 "retry in 20 s".
      if (first) limiter.holdUntil(state.t + 20_000)
      first = false
    })
    // Declared after the sleep that uses it: the sleep runs only once the limiter exists.
    const limiter = createRateLimiter({ clock, sleep, windows: [{ limit: 1, windowMs: 1_000 }] })
    await limiter.take()
    expect(await limiter.take()).toBe(21_000)
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([1_000, 20_000])
    expect(state.t).toBe(T0 + 21_000)
  })

  it('honours several windows at once (a burst limit inside the minute)', async () => {
    const { state, clock, sleep } = fakeTime()
    const limiter = createRateLimiter({ clock, sleep, windows: [{ limit: 10, windowMs: 1_000 }, { limit: 60, windowMs: 60_000 }] })
    const startedAt: number[] = []
    for (let i = 0; i < 70; i++) {
      await limiter.take()
      startedAt.push(state.t - T0)
    }
    expect(startedAt.slice(0, 10).every((t) => t === 0)).toBe(true)
    expect(startedAt[10]).toBe(1_000)
    expect(startedAt[59]).toBe(5_000)
    // The 61st waits for the minute, not the second.
    expect(startedAt[60]).toBe(60_000)
  })

  it.each([
    [[], 'at least one window'],
    [[{ limit: 0, windowMs: 1_000 }], 'limit must be a whole number'],
    [[{ limit: 1.5, windowMs: 1_000 }], 'limit must be a whole number'],
    [[{ limit: 1, windowMs: 0 }], 'longer than 0 ms'],
  ])('refuses windows %o', (windows, message) => {
    const { clock, sleep } = fakeTime()
    expect(() => createRateLimiter({ clock, sleep, windows })).toThrow(message)
  })
})
