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
  enqueue: (pulse, delaySeconds) => publish('send-pulse', pulse, Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)))),
}
