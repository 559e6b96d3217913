import { describe, expect, it } from 'vitest'
import { apiHeaders, directDeps, get, world } from '../support/world'

const intake = () => apiHeaders(world().env.DRASON_INTAKE_TOKEN)

function postClay(body: unknown, headers: Record<string, string> = intake()): Promise<Response> {
  return get('/api/webhooks/clay', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`

describe('the Clay webhook', () => {
  it('takes a lead in held and routed, answering what happened', async () => {
    const email = `priya.${unique()}@acme.example.com`
    const res = await postClay({ email, persona: 'CFO', lead_score: '85', workable: true, full_name: 'Dr. PRIYA  Sharma', company: 'Acme', linkedin: 'https://example.com/in/priya' })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toEqual({ id: expect.any(String), status: 'held', campaign_id: 'finance-leaders', reason: 'awaiting gate' })
    const lead = await directDeps().leads.get(body.id)
    expect(lead).toMatchObject({ email, firstName: 'Priya', company: 'Acme', persona: 'CFO', leadScore: 85, source: 'clay', healthState: 'healthy', enrichment: { linkedin: 'https://example.com/in/priya' } })
    const history = await directDeps().audit.forEntity('lead', body.id, 5)
    expect(history.items[0]).toMatchObject({ action: 'ingested', actor: { type: 'integration' } })
  })

  it('answers a retry of the same address (any case, invisible characters) with the same lead and creates nothing', async () => {
    const email = `retry.${unique()}@acme.example.com`
    const first = await (await postClay({ email, persona: 'founder', lead_score: 90, workable: true, company: 'Acme' })).json()
    const before = await directDeps().metrics.totals('overall', 'all')
    const again = await postClay({ email: `\u200b ${email.toUpperCase()}\u00a0`, persona: 'founder', lead_score: 90, workable: true, company: 'Acme', seniority: 'C-level' })
    expect(again.status).toBe(200)
    expect((await again.json()).id).toBe(first.id)
    expect(await directDeps().metrics.totals('overall', 'all')).toEqual(before)
    // A held lead keeps its core fields and takes the new enrichment (decision 012).
    expect((await directDeps().leads.get(first.id))?.enrichment).toEqual({ seniority: 'C-level' })
  })

  it('holds a lead no rule matches, with that reason', async () => {
    const res = await postClay({ email: `nomatch.${unique()}@acme.example.com`, persona: 'intern', lead_score: 5, workable: true })
    expect(await res.json()).toMatchObject({ status: 'held', campaign_id: null, reason: 'no routing rule matched' })
  })

  it('lists every problem field, stores nothing and audits the refusal', async () => {
    const before = await directDeps().metrics.totals('overall', 'all')
    const res = await postClay({ email: 'not-an-address', lead_score: 85.5, workable: false })
    expect(res.status).toBe(422)
    const body = await res.json()
    expect(body.details.map((p: { field: string }) => p.field).sort()).toEqual(['email', 'lead_score', 'persona', 'workable'])
    expect(await directDeps().metrics.totals('overall', 'all')).toEqual(before)
    const [event] = (await directDeps().audit.timeline({ action: 'intake_rejected', limit: 1 }, new Date())).items
    expect(event?.sentence).toContain('lead_score')
  })

  it('refuses "high" as a score, a body over 16 KB, malformed JSON and a missing token', async () => {
    expect((await postClay({ email: `x.${unique()}@acme.example.com`, persona: 'cto', lead_score: 'high', workable: true })).status).toBe(422)
    const refusals = async () => (await directDeps().audit.timeline({ action: 'intake_rejected', limit: 2 }, new Date())).items
    const big = await postClay({ email: `big.${unique()}@acme.example.com`, persona: 'cto', lead_score: 80, workable: true, notes: 'x'.repeat(17 * 1024) })
    expect(big.status).toBe(413)
    // Refused before it is read, and audited all the same.
    expect((await refusals())[0]).toMatchObject({ actor: { type: 'integration', id: 'clay' }, entityId: 'unknown', details: { status: 413 }, sentence: expect.stringContaining('larger than 16 KB') })
    const broken = await postClay('{"email": ')
    expect(broken.status).toBe(400)
    expect(await broken.json()).toEqual({ error: 'The request body is not valid JSON.' })
    expect((await refusals())[0]).toMatchObject({ details: { status: 400, reason: 'The request body is not valid JSON.' } })
    expect((await postClay({ email: 'a@b.example.com' }, {})).status).toBe(401)
  })

  it('refuses more than 50 extra fields', async () => {
    const extras = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`field_${i}`, 'v']))
    const res = await postClay({ email: `wide.${unique()}@acme.example.com`, persona: 'cto', lead_score: 80, workable: true, ...extras })
    expect(res.status).toBe(422)
    expect((await res.json()).details[0].problem).toContain('50')
  })
})

describe('the leads API', () => {
  it('finds a lead by id and by address, and pages leads by status', async () => {
    const email = `api.${unique()}@acme.example.com`
    const { id } = await (await postClay({ email, persona: 'cto', lead_score: 75, workable: true, full_name: 'K. Ramachandran' })).json()
    const one = await (await get(`/api/leads/${id}`, { headers: apiHeaders() })).json()
    expect(one.lead).toMatchObject({ id, email, status: 'held', holdReason: 'awaiting gate', campaignId: 'founders-india', firstName: 'Ramachandran' })
    expect(one.lead.firstNameConfidence).toBeGreaterThan(0)
    const byEmail = await (await get(`/api/leads?email=${encodeURIComponent(email.toUpperCase())}`, { headers: apiHeaders() })).json()
    expect(byEmail.items.map((l: { id: string }) => l.id)).toEqual([id])
    const page1 = await (await get('/api/leads?status=held&limit=2', { headers: apiHeaders() })).json()
    expect(page1.items).toHaveLength(2)
    const page2 = await (await get(`/api/leads?status=held&limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`, { headers: apiHeaders() })).json()
    expect(page2.items[0].id).not.toBe(page1.items[0].id)
    expect((await get('/api/leads/nope', { headers: apiHeaders() })).status).toBe(404)
    expect((await get('/api/leads?status=bogus', { headers: apiHeaders() })).status).toBe(400)
  })
})
