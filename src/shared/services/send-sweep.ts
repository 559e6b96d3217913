import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Clock, IdSource } from './ports'
import type { SendRecord } from './pulse'
import { completeLeadOf, type LeadCompletion } from './send-confirmation'

export interface SweepDeps extends LeadCompletion {
  sends: {
    stuckSending(before: string, limit: number): Promise<SendRecord[]>
    settle(record: SendRecord, event: AuditEvent, counters: []): Promise<'settled' | 'changed'>
  }
  clock: Clock
  ids: IdSource
}

// A pulse holds a claim for at most one SES call (10 s timeout) inside a 30 s Lambda; a claim still
// `sending` after 5 minutes belongs to a process that died. 5 minutes leaves a wide margin for retries.
export const SENDING_TIMEOUT_MS = 5 * 60_000
// Per run; a backlog clears over a few runs.
const SWEEP_LIMIT = 100

/**
 * A send left `sending` past the timeout becomes `unknown`: SES may have taken it, so it is never sent
 * again blindly. The SES `Send` event (tagged with the send id) settles it later, or a person does.
 */
export async function sweepStuckSends(deps: SweepDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - SENDING_TIMEOUT_MS).toISOString()
  let settled = 0
  for (const record of await deps.sends.stuckSending(before, SWEEP_LIMIT)) {
    const event = stampAuditEvent(
      {
        actor: { type: 'system', id: 'send-sweep' },
        entityType: 'lead',
        entityId: record.leadId,
        action: 'send_unknown',
        sentence: `A send to lead ${record.leadId} for campaign ${record.campaignId} was interrupted after its claim; it may have gone out, so it will not be resent. The SES Send event will settle it.`,
        details: { campaignId: record.campaignId, sendId: record.sendId, claimedAt: record.claimedAt },
      },
      deps.ids.next(),
      deps.clock.now(),
    )
    if ((await deps.sends.settle({ ...record, state: 'unknown', reason: 'interrupted after the claim' }, event, [])) === 'settled') {
      settled++
      // Never resent, so done in its campaign (the pulse that died would have completed it).
      await completeLeadOf(deps, record)
    }
  }
  return settled
}
