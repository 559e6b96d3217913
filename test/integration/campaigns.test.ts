import { describe, expect, it } from 'vitest'
import { TEST_VIEWER, admin, directDeps, postForm, signIn, world } from '../support/world'

function campaignFields(overrides: Record<string, string | string[]> = {}): URLSearchParams {
  const base: Record<string, string | string[]> = {
    version: '0',
    name: `Test campaign ${Date.now()}`,
    subjectTemplate: '{Quick question|A thought} for {{Company}}',
    bodyTemplate: '{Hi|Hello} {{FirstName|there}},\nHow is {{Company}} doing?',
    htmlTemplate: '',
    mailboxIds: ['anita@mail.example.com', 'rahul@mail.example.com'],
    dailyCap: '40',
    'delay.meanSeconds': '120',
    'delay.sdSeconds': '30',
    'delay.minSeconds': '60',
    'delay.maxSeconds': '180',
    'window.days': ['1', '2', '3', '4', '5'],
    'window.startHour': '9',
    'window.endHour': '17',
    'window.timeZone': 'Asia/Kolkata',
    ...overrides,
  }
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(base)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one)
  return params
}

async function post(path: string, params: URLSearchParams, cookie: string) {
  return fetch(`${world().baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: params.toString() })
}

describe('campaigns through the page', () => {
  it('creates a draft campaign, audited, with its mailboxes, caps, pacing and window', async () => {
    const cookie = await signIn(admin())
    const fields = campaignFields()
    const res = await post('/campaigns/new', fields, cookie)
    expect(res.status).toBe(302)
    const id = res.headers.get('location')!.match(/^\/campaigns\/([^?]+)\?saved=1$/)![1]!
    const saved = await directDeps().campaigns.get(id)
    expect(saved).toMatchObject({
      version: 1,
      value: {
        name: fields.get('name'),
        status: 'draft',
        sender: { kind: 'ses' },
        mailboxIds: ['anita@mail.example.com', 'rahul@mail.example.com'],
        dailyCap: 40,
        delay: { meanSeconds: 120, sdSeconds: 30, minSeconds: 60, maxSeconds: 180 },
        window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' },
      },
    })
    const [event] = (await directDeps().audit.forEntity('campaign', id, 1)).items
    expect(event).toMatchObject({ action: 'created', actor: { id: admin().email } })
  })

  it('chooses the Smartlead sender with its campaign id; refuses it without one; an edit keeps the sender', async () => {
    const cookie = await signIn(admin())
    const missing = await post('/campaigns/new', campaignFields({ senderKind: 'smartlead', smartleadCampaignId: '' }), cookie)
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('A Smartlead campaign needs its Smartlead campaign id.')
    const res = await post('/campaigns/new', campaignFields({ senderKind: 'smartlead', smartleadCampaignId: '3001' }), cookie)
    expect(res.status).toBe(302)
    const id = res.headers.get('location')!.match(/^\/campaigns\/([^?]+)\?saved=1$/)![1]!
    expect((await directDeps().campaigns.get(id))!.value.sender).toEqual({ kind: 'smartlead', externalId: '3001' })
    const page = await (await fetch(`${world().baseUrl}/campaigns/${id}`, { headers: { cookie } })).text()
    expect(page).toContain('Sender: Smartlead campaign 3001')
    const edit = await post(`/campaigns/${id}`, campaignFields({ version: '1', senderKind: 'smartlead', smartleadCampaignId: '3001', dailyCap: '45' }), cookie)
    expect(edit.status).toBe(302)
    expect((await directDeps().campaigns.get(id))!.value).toMatchObject({ dailyCap: 45, sender: { kind: 'smartlead', externalId: '3001' } })
  })

  it('keeps the sender once the campaign has started: a draft may switch, a paused campaign may not', async () => {
    const cookie = await signIn(admin())
    const created = await post('/campaigns/new', campaignFields(), cookie)
    const id = created.headers.get('location')!.match(/^\/campaigns\/([^?]+)\?saved=1$/)![1]!
    // A draft chooses freely (and back again).
    expect((await post(`/campaigns/${id}`, campaignFields({ version: '1', senderKind: 'smartlead', smartleadCampaignId: '3001' }), cookie)).status).toBe(302)
    expect((await post(`/campaigns/${id}`, campaignFields({ version: '2', senderKind: 'ses' }), cookie)).status).toBe(302)
    expect((await postForm(`/campaigns/${id}`, { control: 'start' }, cookie)).status).toBe(302)
    expect((await postForm(`/campaigns/${id}`, { control: 'pause' }, cookie)).status).toBe(302)
    const before = (await directDeps().campaigns.get(id))!
    expect(before.value).toMatchObject({ status: 'paused', sender: { kind: 'ses' } })

    const refused = await post(`/campaigns/${id}`, campaignFields({ version: String(before.version), senderKind: 'smartlead', smartleadCampaignId: '3001' }), cookie)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('The sender cannot change once a campaign has started: its leads were handed to SES.')
    expect((await directDeps().campaigns.get(id))!).toMatchObject({ version: before.version, value: { sender: { kind: 'ses' } } })
    // Everything else still changes.
    expect((await post(`/campaigns/${id}`, campaignFields({ version: String(before.version), senderKind: 'ses', dailyCap: '12' }), cookie)).status).toBe(302)
    expect((await directDeps().campaigns.get(id))!.value).toMatchObject({ dailyCap: 12, sender: { kind: 'ses' } })
    expect((await postForm(`/campaigns/${id}`, { control: 'abort' }, cookie)).status).toBe(302)
  })

  it('refuses a template with an unknown variable or an unbalanced brace, naming the position', async () => {
    const cookie = await signIn(admin())
    const res = await post('/campaigns/new', campaignFields({ subjectTemplate: 'Hi {{Compnay}}', bodyTemplate: 'Hello\n{Hi|Hello there' }), cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toMatch(/Line 1, column 4: [^<]*Compnay/)
    expect(html).toMatch(/Line 2, column 1:/)
  })

  it('refuses a bad window, pacing and an unknown time zone, field by field', async () => {
    const cookie = await signIn(admin())
    const res = await post('/campaigns/new', campaignFields({ 'window.startHour': '18', 'delay.minSeconds': '200', 'window.timeZone': 'Mars/Olympus' }), cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('The window must end after it starts')
    expect(html).toContain('The shortest gap cannot be longer than the average.')
    expect(html).toContain('Use an IANA time zone')
  })

  it('edits with a version check: a stale page loses with a clear message', async () => {
    const cookie = await signIn(admin())
    const { version, value } = (await directDeps().campaigns.get('finance-leaders'))!
    const next = campaignFields({ version: String(version), name: value.name, dailyCap: String(value.dailyCap + 1), mailboxIds: value.mailboxIds })
    const ok = await post('/campaigns/finance-leaders', next, cookie)
    expect(ok.status).toBe(302)
    expect((await directDeps().campaigns.get('finance-leaders'))!.value.dailyCap).toBe(value.dailyCap + 1)
    const stale = await post('/campaigns/finance-leaders', campaignFields({ version: String(version), name: value.name, dailyCap: '7', mailboxIds: value.mailboxIds }), cookie)
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('Someone else changed this campaign')
    const [event] = (await directDeps().audit.forEntity('campaign', 'finance-leaders', 1)).items
    expect(event).toMatchObject({ action: 'updated', details: { before: { dailyCap: value.dailyCap }, after: { dailyCap: value.dailyCap + 1 } } })
  })

  it('previews several rendered variants for a lead of the campaign', async () => {
    const cookie = await signIn(admin())
    const html = await (await fetch(`${world().baseUrl}/campaigns/founders-india`, { headers: { cookie } })).text()
    const start = html.indexOf('data-testid="template-preview"')
    expect(start).toBeGreaterThan(0)
    const preview = html.slice(start, html.indexOf('</ol>', start))
    expect(preview).toMatch(/(Quick question|A thought) for [A-Z]/)
    expect(preview).toMatch(/(Hi|Hello) [A-Z][a-z]+,/)
    expect(preview).not.toContain('{{')
  })

  it('accepts an enrichment variable only when the campaign declares it', async () => {
    const cookie = await signIn(admin())
    const refused = await post('/campaigns/new', campaignFields({ bodyTemplate: 'Hi {{FirstName|there}}, how is {{City|your city}}?' }), cookie)
    expect(refused.status).toBe(400)
    const ok = await post('/campaigns/new', campaignFields({ bodyTemplate: 'Hi {{FirstName|there}}, how is {{City|your city}}?', extraVariables: 'City' }), cookie)
    expect(ok.status).toBe(302)
  })

  it('answers a refused control beside the controls, not at the foot of the form', async () => {
    const cookie = await signIn(admin())
    const res = await postForm('/campaigns/founders-india', { control: 'launch-everything' }, cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toMatch(/aria-label="Campaign controls">.*?<\/div><ul[^>]*role="alert"><li>Unknown control\.<\/li><\/ul>/s)
    expect(html.match(/<li>Unknown control\.<\/li>/g)).toHaveLength(1)
  })

  it('refuses a viewer', async () => {
    const cookie = await signIn(TEST_VIEWER)
    expect((await post('/campaigns/new', campaignFields(), cookie)).status).toBe(403)
  })
})
