import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// What Architect's queue client was asked to publish, and when (in fake time).
const published: { name: string; payload: Record<string, unknown>; delaySeconds?: number; at: number }[] = []
vi.mock('@architect/functions', () => ({
  default: { queues: { publish: async (message: { name: string; payload: Record<string, unknown>; delaySeconds?: number }) => void published.push({ ...message, at: Date.now() }) } },
}))

const { arcPulseQueue, arcImportQueue } = await import('./arc-queues.server')
const PULSE = { campaignId: 'c1', chainId: 'ch1', token: 't1' }

describe('arcPulseQueue', () => {
  beforeEach(() => {
    published.length = 0
    vi.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllEnvs()
  })

  it('in the sandbox (which ignores SQS delays) waits the delay itself, shortened by the speed-up, then publishes', async () => {
    vi.stubEnv('ARC_SANDBOX', '{"ports":{}}')
    vi.stubEnv('DRASON_LOCAL_QUEUE_SPEEDUP', '60')
    const sent = arcPulseQueue.enqueue(PULSE, 120)
    await vi.advanceTimersByTimeAsync(1_999)
    expect(published).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    await sent
    expect(published).toEqual([{ name: 'send-pulse', payload: PULSE, delaySeconds: 120, at: 2_000 }])
  })

  it('uses a speed-up of 60 when none (or nonsense) is set, and publishes a zero delay at once', async () => {
    vi.stubEnv('ARC_SANDBOX', '{"ports":{}}')
    vi.stubEnv('DRASON_LOCAL_QUEUE_SPEEDUP', 'fast')
    const sent = arcPulseQueue.enqueue(PULSE, 900)
    await vi.advanceTimersByTimeAsync(15_000)
    await sent
    expect(published.map((p) => p.at)).toEqual([15_000])
    await arcPulseQueue.enqueue(PULSE, 0)
    expect(published.at(-1)).toEqual({ name: 'send-pulse', payload: PULSE, at: 15_000 })
  })

  it('in AWS hands the delay to SQS without waiting, never above its 900 s maximum', async () => {
    vi.stubEnv('ARC_SANDBOX', '')
    await arcPulseQueue.enqueue(PULSE, 1_000.4)
    await arcPulseQueue.enqueue(PULSE, 59.6)
    expect(published).toEqual([
      { name: 'send-pulse', payload: PULSE, delaySeconds: 900, at: 0 },
      { name: 'send-pulse', payload: PULSE, delaySeconds: 60, at: 0 },
    ])
  })
})

describe('arcImportQueue', () => {
  it('publishes an import chunk with no delay', async () => {
    published.length = 0
    await arcImportQueue.enqueue({ importId: 'imp1', chunk: 3 } as never)
    expect(published).toEqual([{ name: 'imports', payload: { importId: 'imp1', chunk: 3 }, at: expect.any(Number) }])
  })
})
