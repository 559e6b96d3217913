import { createRequire } from 'node:module'
import { afterEach, describe, expect, it, vi } from 'vitest'

interface Schedule {
  name: string
  rate: { value: number; interval: string } | null
  cron: string | null
}
interface Invocation {
  pragma: string
  name: string
  payload: unknown
}
type Invoke = (i: Invocation) => Promise<unknown>
const plugin = createRequire(import.meta.url)('../../src/plugins/local-schedules/index.js') as {
  _test: {
    everyMs(s: Schedule): number | null
    startSchedules(inventory: { inv: { scheduled: Schedule[] } }, invoke: Invoke, env: Record<string, string | undefined>, log: (m: string) => void): { name: string; everyMs: number }[]
    stopSchedules(): void
  }
}
const { everyMs, startSchedules, stopSchedules } = plugin._test

// As @architect/inventory reads app.arc's @scheduled.
const APP: Schedule[] = [
  { name: 'health', rate: { value: 5, interval: 'minutes' }, cron: null },
  { name: 'gate-reevaluation', rate: { value: 5, interval: 'minutes' }, cron: null },
]

afterEach(() => {
  stopSchedules()
  vi.useRealTimers()
})

describe('local-schedules: the sandbox plugin that fires @scheduled functions for npm start', () => {
  it('reads rates as declared, and has no interval for a cron schedule', () => {
    expect(everyMs(APP[0]!)).toBe(300_000)
    expect(everyMs({ name: 'daily', rate: { value: 1, interval: 'day' }, cron: null })).toBe(86_400_000)
    expect(everyMs({ name: 'nightly', rate: null, cron: '0 2 * * ? *' })).toBeNull()
  })

  it('does nothing unless npm start asked for it (the system tests share the sandbox)', async () => {
    vi.useFakeTimers()
    const invoke = vi.fn<Invoke>(async () => ({}))
    expect(startSchedules({ inv: { scheduled: APP } }, invoke, {}, () => undefined)).toEqual([])
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(invoke).not.toHaveBeenCalled()
  })

  it('invokes each schedule through the sandbox at its rate, one run of each at a time', async () => {
    vi.useFakeTimers()
    const logs: string[] = []
    let release: () => void = () => undefined
    // health answers at once; the gate's run takes 7 minutes (longer than its rate).
    const invoke = vi.fn<Invoke>((i) => (i.name === 'health' ? Promise.resolve({}) : new Promise<unknown>((r) => (release = () => r({})))))
    expect(startSchedules({ inv: { scheduled: APP } }, invoke, { DRASON_LOCAL_SCHEDULES: '1' }, (m) => logs.push(m))).toEqual([
      { name: 'health', everyMs: 300_000 },
      { name: 'gate-reevaluation', everyMs: 300_000 },
    ])
    expect(logs).toEqual(['local-schedules: health every 5 min, gate-reevaluation every 5 min'])
    await vi.advanceTimersByTimeAsync(299_000)
    expect(invoke).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(invoke.mock.calls.map(([i]) => [i.pragma, i.name])).toEqual([
      ['scheduled', 'health'],
      ['scheduled', 'gate-reevaluation'],
    ])
    // Five minutes on: health again, the gate still busy, so its tick is skipped.
    await vi.advanceTimersByTimeAsync(300_000)
    expect(invoke.mock.calls.map(([i]) => i.name)).toEqual(['health', 'gate-reevaluation', 'health'])
    release()
    await vi.advanceTimersByTimeAsync(300_000)
    expect(invoke.mock.calls.map(([i]) => i.name)).toEqual(['health', 'gate-reevaluation', 'health', 'health', 'gate-reevaluation'])
  })

  it('logs a failed run and keeps its schedule', async () => {
    vi.useFakeTimers()
    const logs: string[] = []
    const invoke = vi.fn<Invoke>(async () => {
      throw new Error('DynamoDB Local is not running')
    })
    startSchedules({ inv: { scheduled: [APP[0]!] } }, invoke, { DRASON_LOCAL_SCHEDULES: '1' }, (m) => logs.push(m))
    await vi.advanceTimersByTimeAsync(600_000)
    expect(invoke).toHaveBeenCalledTimes(2)
    expect(logs.slice(1)).toEqual(['local-schedules: @scheduled health failed: DynamoDB Local is not running', 'local-schedules: @scheduled health failed: DynamoDB Local is not running'])
  })
})
