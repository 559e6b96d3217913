import { describe, expect, it } from 'vitest'
import type { Lead, LeadStatus, RoutingRule } from '../domain/entities'
import type { IntakeLead } from '../domain/lead-intake'
import { fixedClock, memoryLeads, memoryRules, sequentialIds } from '../../../test/support/memory'
import { leadIdFor } from '../domain/lead-id'
import { AWAITING_GATE, IMPORT_BATCH, ingestLead, ingestMany } from './intake'

const clay = { type: 'integration', id: 'clay' } as const
const NOW = '2026-11-21T09:00:00.000Z'
// A lead's id is its normalised address's (decision 050).
const PRIYA = leadIdFor('priya@acme.in')

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
  id: PRIYA,
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
  return { leads, deps: { leads, rules: memoryRules(ruleSet, 4), clock: fixedClock(NOW), ids: sequentialIds('id') } }
}

describe('ingestLead: a new address', () => {
  it('creates the lead held and healthy, routed by the first matching rule, waiting for the gate', async () => {
    const w = world()
    expect(await ingestLead(w.deps, input(), 'clay', clay)).toEqual({ id: PRIYA, status: 'held', campaign_id: 'finance-leaders', reason: AWAITING_GATE, created: true })
    expect(w.leads.leads.get(PRIYA)).toEqual({
      id: PRIYA,
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
    expect(await w.leads.idForEmail('priya@acme.in')).toBe(PRIYA)
  })

  it('writes the ingested audit event with the lead, naming the address, the source and the routing', async () => {
    const w = world()
    await ingestLead(w.deps, input(), 'csv', { type: 'user', id: 'admin@drason.test' })
    expect(w.leads.events).toEqual([
      {
        id: 'id-1',
        at: NOW,
        actor: { type: 'user', id: 'admin@drason.test' },
        entityType: 'lead',
        entityId: PRIYA,
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
    expect(await ingestLead(w.deps, lead, 'clay', clay)).toEqual({ id: PRIYA, status: 'held', campaign_id: null, reason: 'no routing rule matched', created: true })
    expect(w.leads.leads.get(PRIYA)).toMatchObject({ campaignId: null, holdReason: 'no routing rule matched' })
    expect(w.leads.events[0]!.sentence).toBe('Took in priya@acme.in from clay: no routing rule matched; held: no routing rule matched.')
  })

  it('assigns the campaign the caller chose instead of routing', async () => {
    const w = world()
    expect(await ingestLead(w.deps, input(), 'xlsx', clay, { campaignId: 'picked' })).toEqual({ id: PRIYA, status: 'held', campaign_id: 'picked', reason: AWAITING_GATE, created: true })
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
    expect(await ingestLead(w.deps, input({ persona: 'cto', leadScore: 95 }), 'clay', clay)).toMatchObject({ id: PRIYA, campaign_id: 'finance-leaders', created: false })
  })

  it('merges new non-empty enrichment into a held lead, audited with every change before and after', async () => {
    const w = world([stored()])
    const result = await ingestLead(w.deps, input({ enrichment: { City: 'Mumbai', Title: '', Size: '200' } }), 'clay', clay)
    expect(result).toEqual({ id: PRIYA, status: 'held', campaign_id: 'finance-leaders', reason: AWAITING_GATE, created: false })
    expect(w.leads.leads.get(PRIYA)!.enrichment).toEqual({ City: 'Mumbai', Title: 'CFO', Size: '200' })
    expect(w.leads.events).toEqual([
      {
        id: expect.any(String),
        at: NOW,
        actor: clay,
        entityType: 'lead',
        entityId: PRIYA,
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
    expect(await ingestLead(w.deps, input({ enrichment }), 'clay', clay)).toMatchObject({ id: PRIYA, created: false })
    expect(w.leads.writes).toBe(0)
    expect(w.leads.events).toEqual([])
    expect(w.leads.leads.get(PRIYA)!.enrichment).toEqual({ City: 'Pune', Title: 'CFO' })
  })

  it.each(['active', 'paused', 'completed'] as LeadStatus[])('changes nothing on a lead that is %s', async (status) => {
    const lead = stored({ status, holdReason: null })
    const w = world([lead])
    expect(await ingestLead(w.deps, input({ enrichment: { City: 'Mumbai', New: 'x' } }), 'clay', clay)).toEqual({
      id: PRIYA,
      status,
      campaign_id: 'finance-leaders',
      reason: null,
      created: false,
    })
    expect(w.leads.leads.get(PRIYA)).toEqual(lead)
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
          w.leads.leads.get(PRIYA)!.status = 'active'
          return w.leads.updateEnrichment(...args)
        },
      },
    }
    expect(await ingestLead(deps, input({ enrichment: { City: 'Mumbai' } }), 'clay', clay)).toMatchObject({ id: PRIYA, status: 'active', created: false })
    expect(w.leads.leads.get(PRIYA)!.enrichment).toEqual({ City: 'Pune', Title: 'CFO' })
    expect(w.leads.events).toEqual([])
  })

  it('answers the winner of a race for the address, writing nothing of its own', async () => {
    const w = world()
    // The winner was routed by other rules a moment earlier: the loser answers it as it is.
    const winner = stored({ campaignId: 'hot-leads', enrichment: {}, source: 'csv' })
    w.leads.loseNextInsertTo(winner)
    const result = await ingestLead(w.deps, input({ enrichment: {} }), 'clay', clay)
    expect(result).toEqual({ id: PRIYA, status: 'held', campaign_id: 'hot-leads', reason: AWAITING_GATE, created: false })
    expect([...w.leads.leads.values()]).toEqual([winner])
    expect(w.leads.events).toEqual([])
  })

  it('after losing a race, merges its new enrichment into the winner while it is held', async () => {
    const w = world()
    w.leads.loseNextInsertTo(stored({ enrichment: { City: 'Pune' }, source: 'csv' }))
    expect(await ingestLead(w.deps, input({ enrichment: { City: 'Pune', Size: '200' } }), 'clay', clay)).toMatchObject({ id: PRIYA, created: false })
    expect(w.leads.leads.get(PRIYA)).toMatchObject({ source: 'csv', enrichment: { City: 'Pune', Size: '200' } })
    expect(w.leads.events.map((e) => [e.action, e.entityId])).toEqual([['enrichment_updated', PRIYA]])
  })

  it('fails loudly when the store refuses the lead as a duplicate but has no such lead', async () => {
    const w = world()
    const deps = { ...w.deps, leads: { ...w.leads, insert: async () => 'duplicate' as const } }
    await expect(ingestLead(deps, input(), 'clay', clay)).rejects.toThrow(`lead ${PRIYA} (priya@acme.in) was refused as a duplicate but cannot be read`)
  })
})

describe('ingestLead: the lead id', () => {
  it('is derived from the address, so two addresses are two leads and one address is one', async () => {
    const w = world()
    const arjun = await ingestLead(w.deps, input({ email: 'arjun@beta.in' }), 'clay', clay)
    const priya = await ingestLead(w.deps, input(), 'clay', clay)
    expect([arjun.id, priya.id]).toEqual([leadIdFor('arjun@beta.in'), PRIYA])
    expect([...w.leads.leads.keys()].sort()).toEqual([leadIdFor('arjun@beta.in'), PRIYA].sort())
  })

  it('keeps the import a lead came from, and names it in the audit event', async () => {
    const w = world()
    await ingestLead(w.deps, input(), 'csv', clay, { importId: 'imp-1' })
    expect(w.leads.leads.get(PRIYA)!.importId).toBe('imp-1')
    expect(w.leads.events[0]).toMatchObject({ sentence: expect.stringContaining('from csv (import imp-1)'), details: { importId: 'imp-1' } })
  })

  it('stores no import id for a lead from the webhook', async () => {
    const w = world()
    await ingestLead(w.deps, input(), 'clay', clay)
    expect(w.leads.leads.get(PRIYA)).not.toHaveProperty('importId')
  })
})

describe('ingestMany (an import chunk)', () => {
  const admin = { type: 'user', id: 'admin@drason.test' } as const
  const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => input({ email: `lead.${from + i}@acme.in`, persona: i % 2 ? 'cfo' : 'intern', leadScore: 50 }))

  it(`writes new leads ${IMPORT_BATCH} per write, each batch with one import audit event naming every lead and its routing`, async () => {
    const w = world()
    const inputs = many(IMPORT_BATCH + 5)
    const results = await ingestMany(w.deps, inputs, 'csv', admin, { importId: 'imp-1' })
    expect(results.map((r) => [r.id, r.created])).toEqual(inputs.map((i) => [leadIdFor(i.email), true]))
    expect(w.leads.batches).toEqual([IMPORT_BATCH, 5])
    expect(w.leads.events.map((e) => [e.entityType, e.entityId, e.action])).toEqual([
      ['import', 'imp-1', 'leads_imported'],
      ['import', 'imp-1', 'leads_imported'],
    ])
    expect(w.leads.events[1]).toEqual({
      id: expect.any(String),
      at: NOW,
      actor: admin,
      entityType: 'import',
      entityId: 'imp-1',
      action: 'leads_imported',
      sentence: 'Took in 5 new leads from csv (import imp-1): 2 routed to a campaign, 3 not; all held until the gate.',
      details: {
        source: 'csv',
        leads: inputs.slice(IMPORT_BATCH).map((i, k) => ({
          id: leadIdFor(i.email),
          email: i.email,
          campaignId: k % 2 ? 'finance-leaders' : null,
          holdReason: k % 2 ? AWAITING_GATE : 'no routing rule matched',
        })),
      },
    })
    expect([...w.leads.leads.values()].every((l) => l.importId === 'imp-1' && l.source === 'csv')).toBe(true)
  })

  it('answers stored addresses as repeats (enrichment into a held lead, nothing else) and writes only the new ones', async () => {
    const active = stored({ id: leadIdFor('lead.1@acme.in'), email: 'lead.1@acme.in', status: 'active', holdReason: null })
    const w = world([stored(), active])
    const inputs = [input({ enrichment: { Size: '200' } }), ...many(3)]
    const results = await ingestMany(w.deps, inputs, 'csv', admin, { importId: 'imp-1' })
    expect(results.map((r) => [r.id, r.created])).toEqual([
      [PRIYA, false],
      [leadIdFor('lead.0@acme.in'), true],
      [active.id, false],
      [leadIdFor('lead.2@acme.in'), true],
    ])
    expect(w.leads.leads.get(PRIYA)!.enrichment).toEqual({ City: 'Pune', Title: 'CFO', Size: '200' })
    expect(w.leads.leads.get(active.id)).toEqual(active)
    expect(w.leads.batches).toEqual([2])
    expect(w.leads.events.map((e) => e.action)).toEqual(['enrichment_updated', 'leads_imported'])
  })

  it('takes an address repeated within the chunk once, the repeat answered with the first row\'s lead', async () => {
    const w = world()
    const inputs = [input(), input({ email: 'arjun@beta.in' }), input({ enrichment: { City: 'Mumbai' } })]
    const results = await ingestMany(w.deps, inputs, 'csv', admin, { importId: 'imp-1' })
    expect(results.map((r) => [r.id, r.created])).toEqual([
      [PRIYA, true],
      [leadIdFor('arjun@beta.in'), true],
      [PRIYA, false],
    ])
    expect(w.leads.leads.size).toBe(2)
    expect(w.leads.leads.get(PRIYA)!.enrichment).toEqual({ City: 'Mumbai' })
  })

  it('takes a batch lead by lead when one of its addresses was taken meanwhile, each answered as a single intake', async () => {
    const w = world()
    const inputs = many(3)
    w.leads.loseNextInsertTo(stored({ id: leadIdFor('lead.1@acme.in'), email: 'lead.1@acme.in', enrichment: { City: 'Pune' } }))
    const results = await ingestMany(w.deps, inputs, 'csv', admin, { importId: 'imp-1' })
    expect(results.map((r) => r.created)).toEqual([true, false, true])
    expect(w.leads.batches).toEqual([])
    expect(w.leads.events.map((e) => [e.action, e.entityType])).toEqual([
      ['ingested', 'lead'],
      ['ingested', 'lead'],
    ])
    expect(w.leads.leads.get(leadIdFor('lead.0@acme.in'))!.importId).toBe('imp-1')
  })

  it('assigns the chosen campaign to every new lead instead of routing', async () => {
    const w = world()
    const results = await ingestMany(w.deps, many(3), 'xlsx', admin, { importId: 'imp-1', campaignId: 'picked' })
    expect(results.map((r) => [r.campaign_id, r.reason])).toEqual(Array(3).fill(['picked', AWAITING_GATE]))
  })
})
