import { describe, expect, it } from 'vitest'
import { campaign, fixedClock, memoryAuditLog, memoryCampaignStore, memoryPulseQueue, sequentialIds } from '../../../test/support/memory'
import type { Campaign } from '../domain/entities'
import { restartStalledChains, STALLED_AFTER_MS } from './chain-watchdog'

const NOW = '2026-11-21T10:00:00.000Z'
const ago = (ms: number) => new Date(new Date(NOW).getTime() - ms).toISOString()

function world(campaigns: Campaign[], chains: Parameters<typeof memoryCampaignStore>[1]) {
  const store = memoryCampaignStore(campaigns, chains)
  const queue = memoryPulseQueue()
  const audit = memoryAuditLog()
  const deps = { campaigns: store, pulseQueue: queue, audit, clock: fixedClock(NOW), ids: sequentialIds('w') }
  return { deps, queue, audit }
}

describe('restartStalledChains: a lost pulse does not stop a campaign for good', () => {
  it('re-enqueues the pulse a stalled chain expects (its token), at once, and audits it with the idle time', async () => {
    const { deps, queue, audit } = world([campaign('c1', 'Founders')], { c1: { chainId: 'chain-1', running: true, pulseToken: 'tok-7', movedAt: ago(STALLED_AFTER_MS + 60_000) } })
    expect(await restartStalledChains(deps)).toEqual(['c1'])
    expect(queue.messages).toEqual([{ pulse: { campaignId: 'c1', chainId: 'chain-1', token: 'tok-7' }, delaySeconds: 0 }])
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'chain_restarted',
        entityId: 'c1',
        value: 21,
        threshold: 20,
        sentence: 'Restarted the send loop of campaign "Founders": it had not moved for 21 minutes (its next pulse was lost); it carries on from the same place.',
      }),
    ])
  })

  it('restarts a chain whose first pulse was lost with no token (the chain id stands for it)', async () => {
    const { deps, queue } = world([campaign('c1')], { c1: { chainId: 'chain-1', running: true, movedAt: ago(STALLED_AFTER_MS) } })
    await restartStalledChains(deps)
    expect(queue.messages).toEqual([{ pulse: { campaignId: 'c1', chainId: 'chain-1' }, delaySeconds: 0 }])
  })

  it.each<[string, Campaign, Parameters<typeof memoryCampaignStore>[1]]>([
    ['moved within the limit (a 900 s hop is normal)', campaign('c1'), { c1: { chainId: 'k', running: true, movedAt: ago(STALLED_AFTER_MS - 1) } }],
    ['stopped (paused or aborted)', campaign('c1'), { c1: { chainId: 'k', running: false, movedAt: ago(STALLED_AFTER_MS * 10) } }],
    ['of a paused campaign', { ...campaign('c1'), status: 'paused' }, { c1: { chainId: 'k', running: true, movedAt: ago(STALLED_AFTER_MS * 10) } }],
    ['of a Smartlead campaign (it has no pulses)', { ...campaign('c1'), sender: { kind: 'smartlead', externalId: '3001' } }, { c1: { chainId: 'k', running: true, movedAt: ago(STALLED_AFTER_MS * 10) } }],
    ['never started', campaign('c1'), {}],
  ])('leaves a chain alone that is %s', async (_label, c, chains) => {
    const { deps, queue, audit } = world([c], chains)
    expect(await restartStalledChains(deps)).toEqual([])
    expect(queue.messages).toEqual([])
    expect(audit.events).toEqual([])
  })
})
