import { SQS_MAX_DELAY_SECONDS } from '../domain/pacing'
import type { PulseQueue } from '../services/campaign-controls'
import type { ImportQueue } from '../services/lead-import'

/**
 * Queues through Architect: SQS in AWS, the sandbox's local queue (which invokes the handler at once,
 * with no retries) in development. Loaded lazily so functions that never publish do not pay for it.
 */
async function publish(name: string, payload: Record<string, unknown>, delaySeconds?: number): Promise<void> {
  const arc = await import('@architect/functions')
  await arc.default.queues.publish({ name, payload, ...(delaySeconds ? { delaySeconds } : {}) })
}

export const arcImportQueue: ImportQueue = {
  enqueue: (message) => publish('imports', message),
}

// The pulse service splits waits longer than SQS's maximum into hops; this only guards the limit.
export const arcPulseQueue: PulseQueue = {
  enqueue: async (pulse, delaySeconds) => {
    const delay = Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)))
    // The sandbox ignores DelaySeconds and runs the next pulse at once, so locally the wait happens here,
    // shortened by DRASON_LOCAL_QUEUE_SPEEDUP (default 60: a 2-minute gap takes 2 seconds), so local
    // pacing has production's shape at demo speed. A 900 s hop waits 15 s, inside the Lambda's 30 s.
    if (process.env.ARC_SANDBOX && delay > 0) {
      const speedup = Math.max(1, Number(process.env.DRASON_LOCAL_QUEUE_SPEEDUP) || 60)
      await new Promise((resolve) => setTimeout(resolve, (delay * 1000) / speedup))
    }
    await publish('send-pulse', pulse, delay)
  },
}
