import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../domain/audit'
import type { Campaign, CampaignStatus, Lead } from '../domain/entities'
import { NO_RULE_MATCHED } from '../domain/routing'
import { campaign as plainCampaign, campaignLead, fixedClock, sequentialIds } from '../../../test/support/memory'
import { assignLead, type AssignDeps } from './lead-assignment'

const NOW = '2026-11-23T06:00:00.000Z'
const actor = { type: 'user', id: 'tester@drason.test' } as const

function world(lead: Lead, statuses: Record<string, CampaignStatus> = { c1: 'active', c2: 'draft', gone: 'aborted' }) {
  const leads = new Map([[lead.id, structuredClone(lead)]])
  const campaigns = new Map<string, Campaign>(Object.entries(statuses).map(([id, status]) => [id, { ...plainCampaign(id, `Campaign ${id}`), status }]))
  const events: AuditEvent[] = []
  const admitted: string[] = []
  let race = false
  const deps: AssignDeps = {
    leads: {
      get: async (id) => structuredClone(leads.get(id) ?? null),
      // As the DynamoDB update: only while the lead is held in the campaign it was read in.
      assign: async (read, campaignId, reason, event) => {
        const stored = leads.get(read.id)!
        if (race || stored.status !== 'held' || stored.campaignId !== read.campaignId) return 'changed'
        leads.set(read.id, { ...stored, campaignId, holdReason: reason })
        events.push(event)
        return 'assigned'
      },
    },
    campaigns: { get: async (id) => (campaigns.has(id) ? { value: structuredClone(campaigns.get(id)!), version: 1 } : null) },
    admitHeld: async (id) => void admitted.push(id),
    clock: fixedClock(NOW),
    ids: sequentialIds('id'),
  }
  return { deps, leads, events, admitted, loseTheRace: () => void (race = true) }
}

const unrouted = campaignLead(1, { status: 'held', campaignId: null, holdReason: NO_RULE_MATCHED })

describe('assignLead: a person gives a held lead to a campaign', () => {
  it('gives an unrouted lead to an active campaign, audited, and lets its gate look at once', async () => {
    const w = world(unrouted)
    expect(await assignLead(w.deps, actor, 'L1', 'c1')).toEqual({ ok: true, campaignId: 'c1' })
    expect(w.leads.get('L1')).toMatchObject({ status: 'held', campaignId: 'c1', holdReason: 'awaiting gate' })
    expect(w.events).toEqual([
      {
        id: 'id-1',
        at: NOW,
        actor,
        entityType: 'lead',
        entityId: 'L1',
        action: 'assigned',
        sentence: `tester@drason.test gave ${unrouted.email}, which no routing rule matched, to campaign "Campaign c1"; it waits for the gate there.`,
        details: { from: null, to: 'c1', holdReason: NO_RULE_MATCHED },
      },
    ])
    expect(w.admitted).toEqual(['c1'])
  })

  it('takes a lead out of an aborted campaign into a draft, where it waits for the Start', async () => {
    const stranded = campaignLead(2, { status: 'held', campaignId: 'gone', holdReason: 'campaign "Campaign gone" was aborted by someone' })
    const w = world(stranded)
    expect(await assignLead(w.deps, actor, 'L2', 'c2')).toEqual({ ok: true, campaignId: 'c2' })
    expect(w.events[0]!.sentence).toBe(
      `tester@drason.test gave ${stranded.email}, held in campaign "Campaign gone" (campaign "Campaign gone" was aborted by someone), to campaign "Campaign c2"; it waits for the gate there.`,
    )
    expect(w.admitted).toEqual([])
  })

  it.each<[string, Lead, string, { status: number; message: string }]>([
    ['an unknown lead', unrouted, 'c1', { status: 404, message: 'No such lead.' }],
    ['a lead that is not held', campaignLead(1, { status: 'active', campaignId: 'c2' }), 'c1', { status: 409, message: 'Only a held lead can be given to a campaign; this one is active.' }],
    ['an unknown campaign', unrouted, 'nope', { status: 400, message: 'Choose a campaign that exists.' }],
    ['an aborted campaign', unrouted, 'gone', { status: 400, message: 'Campaign "Campaign gone" is aborted: it will never send this lead. Choose another campaign.' }],
    ['the campaign it is already in', campaignLead(1, { status: 'held', campaignId: 'c1', holdReason: 'awaiting gate' }), 'c1', { status: 409, message: 'This lead is already in campaign "Campaign c1".' }],
  ])('refuses %s, changing nothing', async (label, lead, campaignId, refusal) => {
    const w = world(lead)
    expect(await assignLead(w.deps, actor, label === 'an unknown lead' ? 'L404' : lead.id, campaignId)).toEqual({ ok: false, ...refusal })
    expect(w.leads.get(lead.id)).toEqual(lead)
    expect([w.events, w.admitted]).toEqual([[], []])
  })

  it('keeps a lead handed to Smartlead before an Abort where it is: Smartlead may have sent it', async () => {
    const handed = campaignLead(3, { status: 'held', campaignId: 'gone', holdReason: 'campaign "Campaign gone" was aborted by someone; it was handed to Smartlead campaign 3001, which may have sent it' })
    const w = world(handed)
    expect(await assignLead(w.deps, actor, 'L3', 'c1')).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('handed to Smartlead, which may have sent it') })
    expect([w.events, w.admitted]).toEqual([[], []])
  })

  it('says so when the gate or another person moved the lead in the same moment', async () => {
    const w = world(unrouted)
    w.loseTheRace()
    expect(await assignLead(w.deps, actor, 'L1', 'c1')).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('changed at the same moment') })
    expect(w.admitted).toEqual([])
  })
})
