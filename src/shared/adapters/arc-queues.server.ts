import type { ImportQueue } from '../services/lead-import'

/**
 * Queues through Architect: SQS in AWS, the sandbox's local queue (which invokes the handler at once,
 * with no retries) in development. Loaded lazily so functions that never publish do not pay for it.
 */
async function publish(name: string, payload: Record<string, unknown>): Promise<void> {
  const arc = await import('@architect/functions')
  await arc.default.queues.publish({ name, payload })
}

export const arcImportQueue: ImportQueue = {
  enqueue: (message) => publish('imports', message),
}
