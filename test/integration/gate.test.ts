import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { keys } from '../../src/shared/adapters/dynamo/keys'
import type { Campaign, Lead } from '../../src/shared/domain/entities'
import { controlCampaign, finishControls } from '../../src/shared/services/campaign-controls'
import { evaluateHeldLeads, reevaluateAll } from '../../src/shared/services/gate'
import { setupEvent, testLead } from '../support/factories'
import { directDeps } from '../support/world'

const actor = { type: 'user' as const, id: 'tester@drason.test' }
let n = 0

async function campaignWith(window: Campaign['window'], leadEmails: string[]) {
  const deps = directDeps({ pulseQueue: { enqueue: async () => undefined } })
  const base = (await deps.campaigns.get('founders-india'))!.value
  const id = `gate-${Date.now()}-${++n}`
  await deps.campaigns.insert({ ...base, id, name: `Gate ${id}`, status: 'draft', window }, { id: `e-${id}`, at: new Date().toISOString(), actor, entityType: 'campaign', entityId: id, action: 'created', sentence: 'Test.' })
  const leads: Lead[] = []
  for (const email of leadEmails) {
    const lead = testLead(`${id}-${leads.length}`, { email, campaignId: id, createdAt: new Date(Date.now() + leads.length).toISOString() })
    await deps.leads.insert(lead, setupEvent('lead', lead.id, lead.createdAt))
    leads.push(lead)
  }
  return { deps, id, leads }
}

const always = { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24, timeZone: 'UTC' }

describe('the execution gate over held leads', () => {
  it('holds everything while the campaign is a draft, with the reason, audited once', async () => {
    const { deps, id, leads } = await campaignWith(always, [`a.${Date.now()}@gate.example.com`])
    expect(await evaluateHeldLeads(deps, id)).toEqual({ admitted: 0, held: 1 })
    const lead = (await deps.leads.get(leads[0]!.id))!
    expect(lead.status).toBe('held')
    expect(lead.holdReason).toMatch(/draft/i)
    // A second pass with the same reason writes nothing new.
    await evaluateHeldLeads(deps, id)
    const held = (await deps.audit.forEntity('lead', lead.id, 10)).items.filter((e) => e.action === 'held')
    expect(held).toHaveLength(1)
    expect(held[0]!.signals).toContain('campaign_not_active')
  })

  it('lets leads in on Start (active, counted) and keeps a suppressed address held', async () => {
    const stamp = Date.now()
    const suppressed = `blocked.${stamp}@gate.example.com`
    const { deps, id, leads } = await campaignWith(always, [`ok.${stamp}@gate.example.com`, suppressed])
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.table('suppression'), Item: { ...keys.suppressedAddress(suppressed), reason: 'test' } }))
    const before = await deps.metrics.totals('overall', 'all')
    expect(await controlCampaign(deps, actor, id, 'start')).toEqual({ ok: true, status: 'active' })
    const [ok, blocked] = await Promise.all(leads.map((l) => deps.leads.get(l.id)))
    expect(ok).toMatchObject({ status: 'active', holdReason: null })
    expect(blocked).toMatchObject({ status: 'held', holdReason: expect.stringMatching(/suppress/i) })
    const after = await deps.metrics.totals('overall', 'all')
    expect(after.leads_active).toBe(before.leads_active + 1)
    expect(after.leads_held).toBe(before.leads_held - 1)
    expect((await deps.audit.forEntity('lead', ok!.id, 1)).items[0]).toMatchObject({ action: 'admitted', actor: { type: 'system', id: 'gate' } })
  })

  it('keeps leads held outside the sending window, and the scheduled pass lets them in once it opens', async () => {
    const today = ((new Date().getUTCDay() + 6) % 7) + 1
    const otherDays = [1, 2, 3, 4, 5, 6, 7].filter((d) => d !== today)
    const { deps, id, leads } = await campaignWith({ days: otherDays, startHour: 0, endHour: 24, timeZone: 'UTC' }, [`w.${Date.now()}@gate.example.com`])
    expect(await controlCampaign(deps, actor, id, 'start')).toMatchObject({ ok: true })
    expect(await deps.leads.get(leads[0]!.id)).toMatchObject({ status: 'held', holdReason: expect.stringMatching(/window/i) })
    // A person widens the window; the next scheduled pass admits the lead.
    const current = (await deps.campaigns.get(id))!
    await deps.campaigns.save({ ...current.value, window: always }, current.version, { id: `e-w-${id}`, at: new Date().toISOString(), actor, entityType: 'campaign', entityId: id, action: 'updated', sentence: 'Widened the window.' }, current.value)
    const pass = await reevaluateAll(deps)
    expect(pass.admitted).toBeGreaterThanOrEqual(1)
    expect((await deps.leads.get(leads[0]!.id))!.status).toBe('active')
  })
})

describe('a control whose lead moves were cut short', () => {
  it('an Abort is finished by the scheduled run: the leads left queued go back to held, counted, and a second run finds none', async () => {
    const stamp = Date.now()
    const { deps, id, leads } = await campaignWith(always, [`x1.${stamp}@gate.example.com`, `x2.${stamp}@gate.example.com`])
    expect(await controlCampaign(deps, actor, id, 'start')).toEqual({ ok: true, status: 'active' })
    // The Abort saved the campaign as aborted and its request ended before the queue was handed back.
    const current = (await deps.campaigns.get(id))!
    const aborted = { ...current.value, status: 'aborted' as const }
    expect(await deps.campaigns.transition(aborted, current.version, setupEvent('campaign', id, new Date().toISOString()), current.value, { stopChain: true })).toBe('saved')
    expect((await Promise.all(leads.map((l) => deps.leads.get(l.id)))).map((l) => l!.status)).toEqual(['active', 'active'])
    const before = await deps.metrics.totals('overall', 'all')

    expect(await finishControls(deps, [aborted])).toEqual({ paused: 0, resumed: 0, returned: 2 })
    const after = await Promise.all(leads.map((l) => deps.leads.get(l.id)))
    expect(after.map((l) => [l!.status, l!.holdReason])).toEqual([
      ['held', `campaign "Gate ${id}" was aborted`],
      ['held', `campaign "Gate ${id}" was aborted`],
    ])
    const totals = await deps.metrics.totals('overall', 'all')
    expect(totals.leads_active).toBe(before.leads_active - 2)
    expect(totals.leads_held).toBe(before.leads_held + 2)
    expect((await deps.audit.forEntity('lead', leads[0]!.id, 1)).items[0]).toMatchObject({ action: 'returned_to_held', actor: { type: 'system', id: 'gate' } })
    expect(await deps.leads.nextActive(id, null, 10)).toEqual([])
    expect(await finishControls(deps, [aborted])).toEqual({ paused: 0, resumed: 0, returned: 0 })
  })
})

describe('a suppressed held lead in DynamoDB', () => {
  it("moves after the campaign's other held leads in the index the gate reads, and stays there", async () => {
    const stamp = Date.now()
    const blocked = `gone.${stamp}@gate.example.com`
    // The suppressed lead is the older one: it would be read first.
    const { deps, id, leads } = await campaignWith(always, [blocked, `ok.${stamp}@gate.example.com`])
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.table('suppression'), Item: { ...keys.suppressedAddress(blocked), reason: 'test' } }))
    expect(await controlCampaign(deps, actor, id, 'start')).toEqual({ ok: true, status: 'active' })
    expect(await deps.leads.get(leads[0]!.id)).toMatchObject({ status: 'held', heldLast: true, holdReason: expect.stringMatching(/suppress/i) })
    expect((await deps.leads.get(leads[1]!.id))!.status).toBe('active')
    // A lead routed later is read before it.
    const later = testLead(`${id}-later`, { email: `later.${stamp}@gate.example.com`, campaignId: id, createdAt: new Date(Date.now() + 10).toISOString() })
    await deps.leads.insert(later, setupEvent('lead', later.id, later.createdAt))
    expect((await deps.leads.heldOfCampaign(id, 10)).map((l) => l.id)).toEqual([later.id, leads[0]!.id])
    // The next pass lets the new one in and changes nothing about the suppressed one.
    const events = (await deps.audit.forEntity('lead', leads[0]!.id, 10)).items.length
    expect(await evaluateHeldLeads(deps, id)).toEqual({ admitted: 1, held: 1 })
    expect((await deps.audit.forEntity('lead', leads[0]!.id, 10)).items).toHaveLength(events)
    expect((await deps.leads.heldOfCampaign(id, 10)).map((l) => l.id)).toEqual([leads[0]!.id])
  })
})
