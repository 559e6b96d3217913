import { describe, expect, it } from 'vitest'
import type { Lead, LeadStatus, RoutingRule } from '../domain/entities'
import type { IntakeLead } from '../domain/lead-intake'
import { fixedClock, memoryLeads, memoryRules, sequentialIds } from '../../../test/support/memory'
import { AWAITING_GATE, ingestLead } from './intake'

const clay = { type: 'integration', id: 'clay' } as const
const NOW = '2026-11-21T09:00:00.000Z'

const rules: RoutingRule[] = [
  { id: 'off', name: 'Everyone (off)', enabled: false, conditions: [], campaignId: 'everyone' },
  { id: 'cfo', name: 'Finance leaders', enabled: true, conditions: [{ field: 'persona', op: 'equals', value: 'cfo' }], campaignId: 'finance-leaders' },
  { id: 'hot', name: 'Hot leads', enabled: true, conditions: [{ field: 'lead_score', op: 'gte', value: 80 }], campaignId: 'hot-leads' },
]

const input = (overrides: Partial<IntakeLead> = {}): IntakeLead => ({
  email: 'priya@acme.in',
  fullName: 'Priya Sharma',
  firstName: 'Priya',
  firstNameConfidence: 0.9,
  firstNameReason: 'given name first',
  company: 'Acme',
  persona: 'cfo',
  leadScore: 85,
  enrichment: { City: 'Pune' },
  ...overrides,
})

/** A lead already stored, as a previous intake left it. */
const stored = (overrides: Partial<Lead> = {}): Lead => ({
  id: 'lead-0',
  email: 'priya@acme.in',
  fullName: 'Priya Sharma',
  firstName: 'Priya',
  firstNameConfidence: 0.9,
  company: 'Acme',
  persona: 'cfo',
  leadScore: 85,
  source: 'clay',
  enrichment: { City: 'Pune', Title: 'CFO' },
  status: 'held',
  healthState: 'healthy',
  campaignId: 'finance-leaders',
  holdReason: AWAITING_GATE,
  createdAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
})

function world(initial: Lead[] = [], ruleSet: RoutingRule[] = rules) {
  const leads = memoryLeads(initial)
  const routing = memoryRules(ruleSet, 4)
  return { leads, deps: { leads, routing, clock: fixedClock(NOW), ids: sequentialIds('id') } }
}

describe('ingestLead: a new address', () => {
  it('creates the lead held and healthy, routed by the first matching rule, waiting for the gate', async () => {
    const w = world()
    expect(await ingestLead(w.deps, input(), 'clay', clay)).toEqual({ id: 'id-1', status: 'held', campaign_id: 'finance-leaders', reason: AWAITING_GATE, created: true })
    expect(w.leads.leads.get('id-1')).toEqual({
      id: 'id-1',
      email: 'priya@acme.in',
      fullName: 'Priya Sharma',
      firstName: 'Priya',
      firstNameConfidence: 0.9,
      company: 'Acme',
      persona: 'cfo',
      leadScore: 85,
      source: 'clay',
      enrichment: { City: 'Pune' },
      status: 'held',
      healthState: 'healthy',
      campaignId: 'finance-leaders',
      holdReason: 'awaiting gate',
      createdAt: NOW,
    })
    expect(w.leads.claims.get('priya@acme.in')).toBe('id-1')
  })

  it('writes the ingested audit event with the lead, naming the address, the source and the routing', async () => {
    const w = world()
    await ingestLead(w.deps, input(), 'csv', { type: 'user', id: 'admin@drason.test' })
    expect(w.leads.events).toEqual([
      {
        id: 'id-2',
        at: NOW,
        actor: { type: 'user', id: 'admin@drason.test' },
        entityType: 'lead',
        entityId: 'id-1',
        action: 'ingested',
        sentence: 'Took in priya@acme.in from csv: matched rule "Finance leaders", campaign finance-leaders; held: awaiting gate.',
        details: { source: 'csv', campaignId: 'finance-leaders', greeting: 'greeting "Priya" (90%: given name first)', persona: 'cfo', leadScore: 85 },
      },
    ])
  })

  it('routes by a later rule when earlier ones do not match', async () => {
    const w = world()
    expect(await ingestLead(w.deps, input({ persona: 'cto', leadScore: 95 }), 'clay', clay)).toMatchObject({ campaign_id: 'hot-leads', reason: AWAITING_GATE, created: true })
  })

  it.each([
    ['no rule matches', input({ persona: 'intern', leadScore: 10 }), rules],
    ['the lead has no score for a score rule', input({ persona: 'cto', leadScore: null }), rules],
    ['there are no rules', input(), []],
  ])('holds the lead without a campaign when %s', async (_label, lead, ruleSet) => {
    const w = world([], ruleSet)
    expect(await ingestLead(w.deps, lead, 'clay', clay)).toEqual({ id: 'id-1', status: 'held', campaign_id: null, reason: 'no routing rule matched', created: true })
    expect(w.leads.leads.get('id-1')).toMatchObject({ campaignId: null, holdReason: 'no routing rule matched' })
    expect(w.leads.events[0]!.sentence).toBe('Took in priya@acme.in from clay: no routing rule matched; held: no routing rule matched.')
  })

  it('assigns the campaign the caller chose instead of routing', async () => {
    const w = world()
    expect(await ingestLead(w.deps, input(), 'xlsx', clay, { campaignId: 'picked' })).toEqual({ id: 'id-1', status: 'held', campaign_id: 'picked', reason: AWAITING_GATE, created: true })
    expect(w.leads.events[0]).toMatchObject({
      sentence: 'Took in priya@acme.in from xlsx: assigned to campaign picked by the import; held: awaiting gate.',
      details: { campaignId: 'picked' },
    })
  })

  it('says there is no greeting name when the parser found none', async () => {
    const w = world()
    await ingestLead(w.deps, input({ firstName: null, firstNameConfidence: 0, firstNameReason: 'only initials' }), 'clay', clay)
    expect(w.leads.events[0]!.details).toMatchObject({ greeting: 'no greeting name (only initials)' })
  })
})

describe('ingestLead: an address seen before', () => {
  it('creates nothing for a repeat and answers the same id with created false', async () => {
    const w = world()
    const first = await ingestLead(w.deps, input(), 'clay', clay)
    const again = await ingestLead(w.deps, input(), 'clay', clay)
    expect(again).toEqual({ ...first, created: false })
    expect(w.leads.leads.size).toBe(1)
    expect(w.leads.writes).toBe(1)
    expect(w.leads.events.map((e) => e.action)).toEqual(['ingested'])
  })

  it('does not re-route a repeat, even when the rules would now pick another campaign', async () => {
    const w = world([stored({ campaignId: 'finance-leaders' })])
    expect(await ingestLead(w.deps, input({ persona: 'cto', leadScore: 95 }), 'clay', clay)).toMatchObject({ id: 'lead-0', campaign_id: 'finance-leaders', created: false })
  })

  it('merges new non-empty enrichment into a held lead, audited with every change before and after', async () => {
    const w = world([stored()])
    const result = await ingestLead(w.deps, input({ enrichment: { City: 'Mumbai', Title: '', Size: '200' } }), 'clay', clay)
    expect(result).toEqual({ id: 'lead-0', status: 'held', campaign_id: 'finance-leaders', reason: AWAITING_GATE, created: false })
    expect(w.leads.leads.get('lead-0')!.enrichment).toEqual({ City: 'Mumbai', Title: 'CFO', Size: '200' })
    expect(w.leads.events).toEqual([
      {
        id: expect.any(String),
        at: NOW,
        actor: clay,
        entityType: 'lead',
        entityId: 'lead-0',
        action: 'enrichment_updated',
        sentence: 'Updated 2 enrichment fields of held lead priya@acme.in (City, Size) from a repeated intake.',
        details: { changes: { City: { before: 'Pune', after: 'Mumbai' }, Size: { before: null, after: '200' } } },
      },
    ])
  })

  it('says "field" for one change', async () => {
    const w = world([stored()])
    await ingestLead(w.deps, input({ enrichment: { City: 'Mumbai' } }), 'clay', clay)
    expect(w.leads.events[0]!.sentence).toBe('Updated 1 enrichment field of held lead priya@acme.in (City) from a repeated intake.')
  })

  it.each([
    ['the same values', { City: 'Pune', Title: 'CFO' }],
    ['only empty values', { City: '', Title: '' }],
    ['no enrichment', {}],
  ])('writes nothing for a held lead when the repeat has %s', async (_label, enrichment) => {
    const w = world([stored()])
    expect(await ingestLead(w.deps, input({ enrichment }), 'clay', clay)).toMatchObject({ id: 'lead-0', created: false })
    expect(w.leads.writes).toBe(0)
    expect(w.leads.events).toEqual([])
    expect(w.leads.leads.get('lead-0')!.enrichment).toEqual({ City: 'Pune', Title: 'CFO' })
  })

  it.each(['active', 'paused', 'completed'] as LeadStatus[])('changes nothing on a lead that is %s', async (status) => {
    const lead = stored({ status, holdReason: null })
    const w = world([lead])
    expect(await ingestLead(w.deps, input({ enrichment: { City: 'Mumbai', New: 'x' } }), 'clay', clay)).toEqual({
      id: 'lead-0',
      status,
      campaign_id: 'finance-leaders',
      reason: null,
      created: false,
    })
    expect(w.leads.leads.get('lead-0')).toEqual(lead)
    expect(w.leads.writes).toBe(0)
    expect(w.leads.events).toEqual([])
  })

  it('answers the lead as it now is when it left held between reading and updating', async () => {
    const w = world([stored()])
    const deps = {
      ...w.deps,
      leads: {
        ...w.leads,
        // The gate lets the lead in just before the conditional update lands.
        updateEnrichment: async (...args: Parameters<typeof w.leads.updateEnrichment>) => {
          w.leads.leads.get('lead-0')!.status = 'active'
          return w.leads.updateEnrichment(...args)
        },
      },
    }
    expect(await ingestLead(deps, input({ enrichment: { City: 'Mumbai' } }), 'clay', clay)).toMatchObject({ id: 'lead-0', status: 'active', created: false })
    expect(w.leads.leads.get('lead-0')!.enrichment).toEqual({ City: 'Pune', Title: 'CFO' })
    expect(w.leads.events).toEqual([])
  })

  it('answers the winner of a race for the address, writing nothing of its own', async () => {
    const w = world()
    const winner = stored({ id: 'winner', campaignId: 'hot-leads', enrichment: {} })
    w.leads.loseNextInsertTo(winner)
    const result = await ingestLead(w.deps, input({ enrichment: {} }), 'clay', clay)
    expect(result).toEqual({ id: 'winner', status: 'held', campaign_id: 'hot-leads', reason: AWAITING_GATE, created: false })
    expect([...w.leads.leads.keys()]).toEqual(['winner'])
    expect(w.leads.events).toEqual([])
  })

  it('after losing a race, merges its new enrichment into the winner while it is held', async () => {
    const w = world()
    w.leads.loseNextInsertTo(stored({ id: 'winner', enrichment: { City: 'Pune' } }))
    expect(await ingestLead(w.deps, input({ enrichment: { City: 'Pune', Size: '200' } }), 'clay', clay)).toMatchObject({ id: 'winner', created: false })
    expect(w.leads.leads.get('winner')!.enrichment).toEqual({ City: 'Pune', Size: '200' })
    expect(w.leads.events.map((e) => [e.action, e.entityId])).toEqual([['enrichment_updated', 'winner']])
  })

  it('fails loudly when the address claim points at a missing lead', async () => {
    const w = world()
    w.leads.claims.set('priya@acme.in', 'ghost')
    await expect(ingestLead(w.deps, input(), 'clay', clay)).rejects.toThrow('email claim points at missing lead ghost')
  })
})
