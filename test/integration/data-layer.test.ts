import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/shared/domain/audit'
import type { Lead } from '../../src/shared/domain/entities'
import { leadIdFor } from '../../src/shared/domain/lead-id'
import { DEFAULT_SETTINGS } from '../../src/shared/domain/settings'
import type { AppDeps } from '../../src/shared/composition.server'
import type { AuditQuery } from '../../src/shared/services/audit-log'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createDb, sandboxTableNames } from '../../src/shared/adapters/dynamo/db.server'
import { keys } from '../../src/shared/adapters/dynamo/keys'
import { directDeps, world } from '../support/world'

let seq = 0
function event(at: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  seq += 1
  return {
    id: `evt-${Date.now()}-${seq}`,
    at,
    actor: { type: 'system', id: 'test' },
    entityType: 'lead',
    entityId: 'lead-x',
    action: 'tested',
    sentence: `Test event ${seq}.`,
    ...overrides,
  }
}

function lead(email: string): Lead {
  return {
    id: leadIdFor(email),
    email,
    fullName: 'Test Person',
    firstName: 'Test',
    firstNameConfidence: 1,
    company: 'Test Co',
    persona: 'founder',
    leadScore: 80,
    source: 'manual',
    enrichment: {},
    status: 'held',
    healthState: 'healthy',
    campaignId: null,
    holdReason: 'no routing rule matched',
    createdAt: new Date().toISOString(),
  }
}

/** Every page of a timeline query, three events a page (at most ten pages). */
async function allPages(deps: AppDeps, query: Omit<AuditQuery, 'limit' | 'cursor'>): Promise<{ events: AuditEvent[]; pages: number }> {
  const events: AuditEvent[] = []
  let cursor: string | null | undefined
  let pages = 0
  do {
    const page = await deps.audit.timeline({ ...query, limit: 3, cursor }, new Date())
    events.push(...page.items)
    cursor = page.nextCursor
    pages += 1
  } while (cursor && pages < 10)
  return { events, pages }
}

describe('the audit log in DynamoDB Local', () => {
  it('is append-only: writing an event with the same key again is refused', async () => {
    const deps = directDeps()
    const e = event('2021-05-01T10:00:00.000Z')
    await deps.audit.append(e)
    await expect(deps.audit.append({ ...e, sentence: 'Rewritten history.' })).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' })
    const page = await deps.audit.forEntity('lead', 'lead-x', 50)
    expect(page.items.find((x) => x.id === e.id)?.sentence).toBe(e.sentence)
  })

  it('stores long details deflated and short ones as a map, and reads both back exactly', async () => {
    const deps = directDeps()
    const entityId = `lead-z-${Date.now()}`
    const body = Array.from({ length: 40 }, (_, i) => `Line ${i}: we help teams like Acme book more meetings — धन्यवाद.`).join('\n')
    const long = event('2021-06-01T10:00:00.000Z', { entityId, details: { variant: { subject: 'Quick question for Acme', text: body, html: `<p>${body}</p>`, choices: { subject: [1], text: [0, 2] } }, processingMs: 412 } })
    const short = event('2021-06-01T10:00:01.000Z', { entityId, details: { campaignId: 'c1', code: 'MessageRejected' } })
    await deps.audit.append(long)
    await deps.audit.append(short)
    const { items } = await deps.audit.forEntity('lead', entityId, 10)
    expect(items).toEqual([short, long])

    const db = createDb({ endpoint: world().tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
    const raw = async (e: AuditEvent) => (await db.doc.send(new GetCommand({ TableName: db.table('audit'), Key: keys.auditEvent('lead', entityId, e.at, e.id) }))).Item!
    const packed = await raw(long)
    expect(packed.event).not.toHaveProperty('details')
    expect(packed.detailsZ).toBeInstanceOf(Uint8Array)
    // Half the size or less: what keeps a send's event (and its index entry) near one billed KB.
    expect((packed.detailsZ as Uint8Array).byteLength).toBeLessThan(JSON.stringify(long.details).length / 2)
    const plain = await raw(short)
    expect(plain.event).toMatchObject({ details: short.details })
    expect(plain).not.toHaveProperty('detailsZ')
  })

  it('pages a timeline newest first across months, filtered by entity type, action and time', async () => {
    const deps = directDeps()
    const entityId = `entity-${Date.now()}`
    // 7 events over three months of 2020, plus noise of another action and another entity type.
    const times = ['2020-01-05', '2020-01-20', '2020-02-02', '2020-02-03', '2020-02-28', '2020-03-10', '2020-03-31']
    const wanted = times.map((d) => event(`${d}T12:00:00.000Z`, { entityType: 'mailbox', entityId, action: 'paused' }))
    for (const e of wanted) await deps.audit.append(e)
    await deps.audit.append(event('2020-02-10T12:00:00.000Z', { entityType: 'mailbox', entityId, action: 'resumed' }))
    await deps.audit.append(event('2020-02-11T12:00:00.000Z', { entityType: 'domain', entityId, action: 'paused' }))

    const { events, pages } = await allPages(deps, { entityType: 'mailbox', action: 'paused', from: '2020-01-01T00:00:00.000Z', to: '2020-03-31T23:59:59.999Z' })
    expect(events.map((e) => e.id)).toEqual([...wanted].reverse().map((e) => e.id))
    expect(pages).toBeGreaterThanOrEqual(3)
  })

  it('pages a timeline of lead events (kept out of the by-type index) by filtering the month, without other types', async () => {
    const deps = directDeps()
    const entityId = `lead-${Date.now()}`
    // Lead events in 2019 among events of other types, two of them on the same entity id.
    const wanted = ['2019-04-02', '2019-04-09', '2019-05-01', '2019-05-20'].map((d) => event(`${d}T08:00:00.000Z`, { entityType: 'lead', entityId, action: 'sent' }))
    for (const e of wanted) await deps.audit.append(e)
    await deps.audit.append(event('2019-04-05T08:00:00.000Z', { entityType: 'mailbox', entityId, action: 'sent' }))
    await deps.audit.append(event('2019-05-02T08:00:00.000Z', { entityType: 'campaign', entityId, action: 'sent' }))

    const { events } = await allPages(deps, { entityType: 'lead', action: 'sent', from: '2019-04-01T00:00:00.000Z', to: '2019-05-31T23:59:59.999Z' })
    for (const e of events) expect(e.entityType).toBe('lead')
    expect(events.map((e) => e.id)).toEqual([...wanted].reverse().map((e) => e.id))
    // The other types are still found through their own index.
    const mailboxes = await deps.audit.timeline({ entityType: 'mailbox', action: 'sent', from: '2019-04-01T00:00:00.000Z', to: '2019-05-31T23:59:59.999Z', limit: 10 }, new Date())
    expect(mailboxes.items.map((e) => e.entityType)).toEqual(['mailbox'])
  })

  it('keeps the time bounds: nothing outside from/to comes back', async () => {
    const deps = directDeps()
    const page = await deps.audit.timeline({ from: '2020-02-03T00:00:00.000Z', to: '2020-02-03T23:59:59.999Z', limit: 50 }, new Date())
    expect(page.items.length).toBeGreaterThan(0)
    for (const e of page.items) expect(e.at.slice(0, 10)).toBe('2020-02-03')
  })
})

describe('transactions', () => {
  it('writes a lead (its id is its address: the lead is its own claim), its audit event and its counter together', async () => {
    const deps = directDeps()
    const before = await deps.metrics.totals('overall', 'all')
    const l = lead(`tx-${Date.now()}@example.com`)
    const e = event(new Date().toISOString(), { entityId: l.id, action: 'ingested' })
    expect(await deps.leads.insert(l, e)).toBe('created')
    expect(await deps.leads.get(l.id)).toEqual(l)
    expect(await deps.leads.idForEmail(l.email)).toBe(l.id)
    expect(await deps.leads.idForEmail(`not-${l.email}`)).toBeNull()
    expect((await deps.audit.forEntity('lead', l.id, 5)).items.map((x) => x.id)).toEqual([e.id])
    expect((await deps.metrics.totals('overall', 'all')).leads_held).toBe(before.leads_held + 1)
  })

  it('writes nothing at all when one part fails (a second lead with the same address)', async () => {
    const deps = directDeps()
    const email = `dup-${Date.now()}@example.com`
    const first = lead(email)
    await deps.leads.insert(first, event(new Date().toISOString(), { entityId: first.id }))
    const before = await deps.metrics.totals('overall', 'all')
    const second = { ...lead(email), fullName: 'Someone Else', source: 'csv' as const }
    const e = event(new Date().toISOString(), { entityId: second.id })
    expect(await deps.leads.insert(second, e)).toBe('duplicate')
    expect(await deps.leads.get(first.id)).toEqual(first)
    expect((await deps.audit.forEntity('lead', first.id, 5)).items.map((x) => x.id)).not.toContain(e.id)
    expect(await deps.metrics.totals('overall', 'all')).toEqual(before)
  })

  it('writes a batch of leads with its events and one summed counter, or nothing when one address is taken', async () => {
    const deps = directDeps()
    const tag = Date.now()
    const taken = lead(`batch-taken-${tag}@example.com`)
    await deps.leads.insert(taken, event(new Date().toISOString(), { entityId: taken.id }))
    const batch = [lead(`batch-a-${tag}@example.com`), lead(`batch-b-${tag}@example.com`)]
    const e = event(new Date().toISOString(), { entityType: 'import', entityId: `imp-${tag}`, action: 'leads_imported' })
    const before = await deps.metrics.totals('overall', 'all')
    expect(await deps.leads.insertMany([...batch, taken], [e])).toBe('duplicate')
    expect(await deps.leads.getMany(batch.map((l) => l.id))).toEqual([])
    expect((await deps.audit.forEntity('import', `imp-${tag}`, 5)).items).toEqual([])
    expect(await deps.metrics.totals('overall', 'all')).toEqual(before)

    expect(await deps.leads.insertMany(batch, [e])).toBe('created')
    const found = await deps.leads.getMany([...batch.map((l) => l.id), leadIdFor(`batch-none-${tag}@example.com`), taken.id])
    expect(found.map((l) => l.id).sort()).toEqual([...batch, taken].map((l) => l.id).sort())
    expect((await deps.audit.forEntity('import', `imp-${tag}`, 5)).items.map((x) => x.id)).toEqual([e.id])
    expect((await deps.metrics.totals('overall', 'all')).leads_held).toBe(before.leads_held + 2)
  })

  it("moves a lead's status without writing back the rest of a stale copy: an enrichment update made meanwhile stays", async () => {
    const deps = directDeps()
    const db = createDb({ endpoint: world().tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
    const raw = async (id: string) => (await db.doc.send(new GetCommand({ TableName: db.table('leads'), Key: keys.lead(id) }))).Item!
    const tag = Date.now()
    const campaignId = `move-${tag}`
    // As the gate reads it: held, routed, from the by-campaign index, before a Clay repeat's update lands.
    const stale: Lead = { ...lead(`move-${tag}@example.com`), campaignId, holdReason: 'awaiting gate', enrichment: { city: 'Pune' }, heldLast: true }
    await deps.leads.insert(stale, event(new Date().toISOString(), { entityId: stale.id }))
    expect(await deps.leads.updateEnrichment(stale, { city: 'Mumbai' }, event(new Date().toISOString(), { entityId: stale.id }))).toBe('updated')
    const before = await deps.metrics.totals('overall', 'all')

    const admitted = event(new Date().toISOString(), { entityId: stale.id, action: 'admitted' })
    expect(await deps.leads.admit(stale, admitted)).toBe('admitted')
    const active = await deps.leads.get(stale.id)
    expect(active).toMatchObject({ status: 'active', holdReason: null, queuedAt: admitted.at, enrichment: { city: 'Mumbai' } })
    expect(active).not.toHaveProperty('heldLast')
    expect(await raw(stale.id)).toMatchObject({ gsi1pk: 'STATUS#active', gsi2pk: `CAMPAIGN#${campaignId}#active`, gsi2sk: `${admitted.at}#${stale.id}` })
    expect((await deps.leads.nextActive(campaignId, null, 5)).map((f) => f.lead.id)).toEqual([stale.id])
    expect(await deps.leads.heldOfCampaign(campaignId, 5)).toEqual([])
    const after = await deps.metrics.totals('overall', 'all')
    expect([after.leads_held - before.leads_held, after.leads_active - before.leads_active]).toEqual([-1, 1])

    // A second move from the same stale copy finds the status changed and writes nothing.
    expect(await deps.leads.admit(stale, event(new Date().toISOString(), { entityId: stale.id }))).toBe('changed')
    expect(await deps.leads.complete(active!)).toBe('moved')
    const done = await raw(stale.id)
    expect(done).toMatchObject({ gsi1pk: 'STATUS#completed', lead: { status: 'completed', enrichment: { city: 'Mumbai' }, queuedAt: admitted.at } })
    expect(done).not.toHaveProperty('gsi2pk')
    expect(done).not.toHaveProperty('gsi2sk')
    expect(await deps.leads.nextActive(campaignId, null, 5)).toEqual([])
  })

  it("refuses to move a stale copy of a lead a person has since given to another campaign", async () => {
    const deps = directDeps()
    const tag = Date.now()
    const stale: Lead = { ...lead(`given-${tag}@example.com`), campaignId: `from-${tag}`, holdReason: 'awaiting gate' }
    await deps.leads.insert(stale, event(new Date().toISOString(), { entityId: stale.id }))
    expect(await deps.leads.assign(stale, `to-${tag}`, 'awaiting gate', event(new Date().toISOString(), { entityId: stale.id, action: 'assigned' }))).toBe('assigned')
    // The old campaign's gate, with the copy it read from its index before the assignment.
    expect(await deps.leads.admit(stale, event(new Date().toISOString(), { entityId: stale.id, action: 'admitted' }))).toBe('changed')
    expect(await deps.leads.hold(stale, 'outside the window', event(new Date().toISOString(), { entityId: stale.id, action: 'held' }))).toBe('changed')
    expect(await deps.leads.get(stale.id)).toMatchObject({ status: 'held', campaignId: `to-${tag}`, holdReason: 'awaiting gate' })
    expect((await deps.leads.heldOfCampaign(`to-${tag}`, 5)).map((l) => l.id)).toEqual([stale.id])
    expect(await deps.leads.nextActive(`from-${tag}`, null, 5)).toEqual([])
  })

  it('reads more than one BatchGetItem of leads (over 100 ids)', async () => {
    const deps = directDeps()
    const tag = Date.now()
    const leads = Array.from({ length: 3 }, (_, i) => lead(`getmany-${tag}-${i}@example.com`))
    expect(await deps.leads.insertMany(leads, [])).toBe('created')
    const ids = [...Array.from({ length: 150 }, (_, i) => leadIdFor(`getmany-none-${tag}-${i}@example.com`)), ...leads.map((l) => l.id)]
    expect((await deps.leads.getMany(ids)).map((l) => l.id).sort()).toEqual(leads.map((l) => l.id).sort())
  })

  it('refuses a settings save from a stale version and leaves the stored settings alone', async () => {
    const deps = directDeps()
    const { settings, version } = await deps.settingsStore.get()
    const changed = { ...settings, sending: { ...settings.sending, globalDailyCap: settings.sending.globalDailyCap + 7 } }
    expect(await deps.settingsStore.save(changed, version, event(new Date().toISOString(), { entityType: 'setting', entityId: 'settings' }))).toBe('saved')
    const stale = { ...settings, sending: { ...settings.sending, globalDailyCap: 1 } }
    expect(await deps.settingsStore.save(stale, version, event(new Date().toISOString(), { entityType: 'setting', entityId: 'settings' }))).toBe('conflict')
    const now = await deps.settingsStore.get()
    expect(now.settings.sending.globalDailyCap).toBe(changed.sending.globalDailyCap)
    expect(now.version).toBe(version + 1)
    expect(DEFAULT_SETTINGS.sending.globalDailyCap).toBe(300)
  })
})
