import { describe, expect, it } from 'vitest'
import { RECENT_RULES_MS } from '../../src/shared/adapters/dynamo/campaign-store.server'
import { setupEvent } from '../support/factories'
import { admin, apiHeaders, directDeps, get, postForm, signIn, world } from '../support/world'

async function rules() {
  return directDeps().routing.get()
}

describe('routing rules through the page', () => {
  it('adds, reorders, disables and deletes rules, each audited with before and after', async () => {
    const cookie = await signIn(admin())
    let { version, rules: before } = await rules()
    const add = await postForm(
      '/rules',
      { intent: 'save', version: String(version), name: 'Test: HR heads', campaignId: 'finance-leaders', personaOp: 'one_of', persona: 'head of hr, chro', scoreOp: 'between', scoreMin: '40', scoreMax: '90', enabled: 'on' },
      cookie,
    )
    expect(add.status).toBe(200)
    let now = await rules()
    expect(now.rules).toHaveLength(before.length + 1)
    const added = now.rules.at(-1)!
    expect(added).toMatchObject({ name: 'Test: HR heads', enabled: true, conditions: [{ field: 'persona', op: 'one_of', values: ['head of hr', 'chro'] }, { field: 'lead_score', op: 'between', min: 40, max: 90 }] })
    const [addEvent] = (await directDeps().audit.forEntity('rule', added.id, 1)).items
    expect(addEvent).toMatchObject({ action: 'rule_added', details: { before: expect.any(Array), after: expect.any(Array) } })

    expect(
      (
        await postForm(
          '/rules',
          { intent: 'save', version: String(now.version), ruleId: added.id, name: 'Test: HR heads 50+', campaignId: 'founders-india', personaOp: 'equals', persona: 'chro', scoreOp: 'gte', score: '50', enabled: 'on' },
          cookie,
        )
      ).status,
    ).toBe(200)
    now = await rules()
    expect(now.rules.find((r) => r.id === added.id)).toMatchObject({ name: 'Test: HR heads 50+', campaignId: 'founders-india', conditions: [{ field: 'persona', op: 'equals', value: 'chro' }, { field: 'lead_score', op: 'gte', value: 50 }] })
    expect((await directDeps().audit.forEntity('rule', added.id, 1)).items[0]?.action).toBe('rule_updated')

    version = now.version
    expect((await postForm('/rules', { intent: 'move-up', ruleId: added.id, version: String(version) }, cookie)).status).toBe(200)
    now = await rules()
    expect(now.rules.at(-2)!.id).toBe(added.id)

    expect((await postForm('/rules', { intent: 'disable', ruleId: added.id, version: String(now.version) }, cookie)).status).toBe(200)
    now = await rules()
    expect(now.rules.find((r) => r.id === added.id)?.enabled).toBe(false)

    expect((await postForm('/rules', { intent: 'delete', ruleId: added.id, version: String(now.version) }, cookie)).status).toBe(200)
    now = await rules()
    expect(now.rules.map((r) => r.id)).toEqual(before.map((r) => r.id))
    before = now.rules
  })

  it('refuses an edit made from a stale page, with a clear message, and changes nothing', async () => {
    const cookie = await signIn(admin())
    const { version, rules: before } = await rules()
    const first = before[0]!
    expect((await postForm('/rules', { intent: 'move-down', ruleId: first.id, version: String(version) }, cookie)).status).toBe(200)
    const stale = await postForm('/rules', { intent: 'delete', ruleId: first.id, version: String(version) }, cookie)
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('Someone else changed the routing rules')
    const now = await rules()
    expect(now.rules.map((r) => r.id)).toContain(first.id)
    // Put the order back for the other tests.
    await postForm('/rules', { intent: 'move-up', ruleId: first.id, version: String(now.version) }, cookie)
  })

  it('shows which rule a sample lead matches and why the others did not', async () => {
    const cookie = await signIn(admin())
    const html = await (await get('/rules?persona=Founder&score=60', { headers: { cookie } })).text()
    expect(html).toContain('Matches rule &quot;Founders, score 50–69&quot;')
    expect(html).toMatch(/Founders and CTOs, score 70\+: no match \(fails: lead score ≥ 70\)/)
    const none = await (await get('/rules?persona=intern&score=10', { headers: { cookie } })).text()
    expect(none).toContain('No rule matches')
  })

  it('refuses a rule without a campaign, field by field', async () => {
    const cookie = await signIn(admin())
    const { version } = await rules()
    const res = await postForm('/rules', { intent: 'save', version: String(version), name: '', campaignId: '', personaOp: 'equals', persona: '', scoreOp: 'any' }, cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Give the rule a name.')
    expect(html).toContain('Choose a campaign.')
  })

  it('routes by another field of the lead: a rule on an enrichment column picks the campaign for Clay leads that have it', async () => {
    const cookie = await signIn(admin())
    const persona = `field-routing-${Date.now()}`
    const { version } = await rules()
    const add = await postForm(
      '/rules',
      { intent: 'save', version: String(version), name: 'Test: fintech by industry', campaignId: 'finance-leaders', personaOp: 'equals', persona, scoreOp: 'any', otherName: 'Industry', otherValue: 'FinTech', enabled: 'on' },
      cookie,
    )
    expect(add.status).toBe(200)
    const added = (await rules()).rules.at(-1)!
    expect(added).toMatchObject({ name: 'Test: fintech by industry', conditions: [{ field: 'persona', op: 'equals', value: persona }, { field: 'other', name: 'Industry', op: 'equals', value: 'FinTech' }] })
    expect(await (await get('/rules', { headers: { cookie } })).text()).toContain('Industry is &quot;FinTech&quot;')

    // Intake reads the rule set again once its copy is RECENT_RULES_MS old.
    await new Promise((resolve) => setTimeout(resolve, RECENT_RULES_MS + 100))
    const post = async (industry: string) => {
      const res = await get('/api/webhooks/clay', {
        method: 'POST',
        headers: { ...apiHeaders(world().env.DRASON_INTAKE_TOKEN), 'content-type': 'application/json' },
        body: JSON.stringify({ email: `field.${industry}.${Date.now()}${Math.floor(Math.random() * 1e6)}@routing.example.com`, persona, lead_score: 40, workable: true, full_name: 'Asha Rao', company: 'Acme', industry }),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { campaign_id: string | null; reason: string }
    }
    expect(await post('fintech')).toMatchObject({ campaign_id: 'finance-leaders', reason: 'awaiting gate' })
    expect(await post('retail')).toMatchObject({ campaign_id: null, reason: 'no routing rule matched' })

    const tested = await (await get(`/rules?persona=${persona}&score=&field=industry&value=fintech`, { headers: { cookie } })).text()
    expect(tested).toContain('Matches rule &quot;Test: fintech by industry&quot;')
    // The company is the lead's own field, not an enrichment column: the test box fills it the same way.
    const now = await rules()
    const byCompany = { ...now.rules.at(-1)!, conditions: [{ field: 'persona', op: 'equals', value: persona }, { field: 'other', name: 'Company', op: 'equals', value: 'Acme' }] }
    expect(await directDeps().routing.save(now.rules.map((r) => (r.id === byCompany.id ? byCompany : r)) as typeof now.rules, now.version, setupEvent('rule', byCompany.id))).toBe('saved')
    expect(await (await get(`/rules?persona=${persona}&score=&field=company&value=acme`, { headers: { cookie } })).text()).toContain('Matches rule &quot;Test: fintech by industry&quot;')

    const last = await rules()
    expect((await postForm('/rules', { intent: 'delete', ruleId: added.id, version: String(last.version) }, cookie)).status).toBe(200)
  })

  it('refuses a field condition without its value, or on a field that has its own condition', async () => {
    const cookie = await signIn(admin())
    const { version, rules: before } = await rules()
    const base = { intent: 'save', version: String(version), name: 'Test: bad field', campaignId: 'finance-leaders', personaOp: 'any', scoreOp: 'any' }
    const noValue = await postForm('/rules', { ...base, otherName: 'industry', otherValue: '' }, cookie)
    expect(noValue.status).toBe(400)
    expect(await noValue.text()).toContain('Enter the value the field must equal.')
    const reserved = await postForm('/rules', { ...base, otherName: 'Lead Score', otherValue: '90' }, cookie)
    expect(reserved.status).toBe(400)
    expect(await reserved.text()).toContain('Use the persona or score conditions above for &quot;Lead Score&quot;.')
    expect((await rules()).rules.map((r) => r.id)).toEqual(before.map((r) => r.id))
  })

  it('answers a bad test-box input on the page instead of failing, and treats a blank score as no score', async () => {
    const cookie = await signIn(admin())
    const long = await get(`/rules?persona=${'x'.repeat(129)}&score=10`, { headers: { cookie } })
    expect(long.status).toBe(200)
    expect(await long.text()).toContain('Persona: Use at most 128 characters.')
    const bad = await (await get('/rules?persona=cto&score=high', { headers: { cookie } })).text()
    expect(bad).toContain('Lead score: Use a whole number.')
    // The demo's "Founders, score 50–69" needs a score; a founder without one matches no score rule.
    const blank = await (await get('/rules?persona=founder&score=', { headers: { cookie } })).text()
    expect(blank).not.toContain('Matches rule &quot;Founders, score 50–69&quot;')
  })
})
