import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Campaign } from '../domain/entities'
import { SQS_MAX_DELAY_SECONDS } from '../domain/pacing'
import type { PulseQueue } from './campaign-controls'
import type { Clock, IdSource } from './ports'
import type { ChainView } from './pulse'

export interface WatchdogDeps {
  campaigns: { list(): Promise<Campaign[]>; chain(id: string): Promise<ChainView> }
  pulseQueue: PulseQueue
  audit: { append(event: AuditEvent): Promise<void> }
  clock: Clock
  ids: IdSource
}

// A running chain moves at least once per queue hop (at most 900 s, waits included) and a failing pulse
// is retried by SQS within minutes; 20 minutes without a move means its pulse was lost (an enqueue that
// failed after the cursor moved) or dead-lettered after its retries.
export const STALLED_AFTER_MS = (SQS_MAX_DELAY_SECONDS + 300) * 1000

/**
 * Restarts chains whose pulse was lost: the pulse the chain expects (its stored token) is enqueued again.
 * Safe if the old one turns up after all: both carry the same token, so only one can move the chain,
 * and the claim (a conditional write per lead) stops a second send of the same lead.
 */
export async function restartStalledChains(deps: WatchdogDeps): Promise<string[]> {
  const now = deps.clock.now()
  const restarted: string[] = []
  for (const campaign of await deps.campaigns.list()) {
    if (campaign.status !== 'active' || campaign.sender.kind !== 'ses') continue
    const chain = await deps.campaigns.chain(campaign.id)
    if (!chain.running || !chain.chainId || !chain.movedAt) continue
    const idleMs = now.getTime() - new Date(chain.movedAt).getTime()
    if (idleMs < STALLED_AFTER_MS) continue
    await deps.pulseQueue.enqueue({ campaignId: campaign.id, chainId: chain.chainId, ...(chain.pulseToken ? { token: chain.pulseToken } : {}) }, 0)
    await deps.audit.append(
      stampAuditEvent(
        {
          actor: { type: 'system', id: 'chain-watchdog' },
          entityType: 'campaign',
          entityId: campaign.id,
          action: 'chain_restarted',
          value: Math.round(idleMs / 60_000),
          threshold: STALLED_AFTER_MS / 60_000,
          sentence: `Restarted the send loop of campaign "${campaign.name}": it had not moved for ${Math.round(idleMs / 60_000)} minutes (its next pulse was lost); it carries on from the same place.`,
        },
        deps.ids.next(),
        now,
      ),
    )
    restarted.push(campaign.id)
  }
  return restarted
}
