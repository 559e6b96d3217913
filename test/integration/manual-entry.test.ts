import { describe, expect, it } from 'vitest'
import { TEST_VIEWER, admin, directDeps, postForm, signIn } from '../support/world'

describe('adding a lead by hand', () => {
  it('shows field-level errors and stores nothing for a bad form', async () => {
    const cookie = await signIn(admin())
    const before = await directDeps().metrics.totals('overall', 'all')
    const res = await postForm('/leads?index', { email: 'not-an-address', full_name: '', company: 'Acme', lead_score: 'high' }, cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Enter the name.')
    expect(html).toContain('Use a whole number, like 85.')
    expect(await directDeps().metrics.totals('overall', 'all')).toEqual(before)
  })

  it('names the address problem the shared intake validation finds', async () => {
    const cookie = await signIn(admin())
    const res = await postForm('/leads?index', { email: 'not-an-address', full_name: 'Priya Sharma', company: 'Acme' }, cookie)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('the address has no @')
  })

  it('adds a held lead with its greeting name, and refuses the same address again', async () => {
    const cookie = await signIn(admin())
    const email = `manual.${Date.now()}@acme.example.com`
    const res = await postForm('/leads?index', { email: ` ${email.toUpperCase()} `, full_name: 'SHRI V.V.S. LAXMAN', company: 'Acme', persona: 'cto', lead_score: '88' }, cookie)
    expect(res.status).toBe(200)
    const id = await directDeps().leads.idForEmail(email)
    const lead = await directDeps().leads.get(id!)
    expect(lead).toMatchObject({ source: 'manual', status: 'held', firstName: 'Laxman', campaignId: 'founders-india', holdReason: 'awaiting gate' })
    const [event] = (await directDeps().audit.forEntity('lead', id!, 1)).items
    expect(event).toMatchObject({ action: 'ingested', actor: { type: 'user', id: admin().email } })
    const again = await postForm('/leads?index', { email, full_name: 'Someone Else', company: 'Other' }, cookie)
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('exists already')
  })

  it('is refused to a viewer', async () => {
    const cookie = await signIn(TEST_VIEWER)
    const res = await postForm('/leads?index', { email: `viewer.${Date.now()}@acme.example.com`, full_name: 'Priya Sharma', company: 'Acme' }, cookie)
    expect(res.status).toBe(403)
  })
})
