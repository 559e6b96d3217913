import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { smartleadAddLeadsResponseSchema, smartleadCampaignSchema, smartleadEmailAccountsSchema } from '../../src/shared/domain/smartlead'
import { account, DEMO_SMARTLEAD_ACCOUNT_IDS, DEMO_SMARTLEAD_CAMPAIGN_ID, startFakeSmartlead, type FakeSmartlead, type FakeSmartleadOptions } from '../fakes/smartlead'
import { fixturePath } from '../support/contracts'

const FIXTURES = fixturePath('smartlead')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))

const KEY = 'fake-smartlead-key'
const T0 = Date.parse('2026-11-21T09:00:00Z')
const DEMO = DEMO_SMARTLEAD_CAMPAIGN_ID

let fake: FakeSmartlead | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function start(options: Partial<FakeSmartleadOptions> = {}) {
  const state = { t: T0 }
  fake = await startFakeSmartlead({ port: 0, apiKey: KEY, clock: { now: () => new Date(state.t) }, ...options })
  return { fake, state }
}

type Answer = { status: number; headers: Headers; body: unknown }
async function call(method: string, path: string, body?: unknown, key: string | null = KEY): Promise<Answer> {
  const url = new URL(`${fake!.url}${path}`)
  if (key !== null) url.searchParams.set('api_key', key)
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
}
const leads = (...emails: string[]) => ({ lead_list: emails.map((email) => ({ email, first_name: 'Test' })) })

describe('startFakeSmartlead: the demo campaign', () => {
  it('serves the demo campaign in the contract’s shape (every key of the fixture)', async () => {
    await start()
    const res = await call('GET', `/campaigns/${DEMO}`)
    expect(res.status).toBe(200)
    expect(Object.keys(res.body as object).sort()).toEqual(Object.keys(fixture('campaign.get.response.json') as object).sort())
    expect(smartleadCampaignSchema.parse(res.body)).toEqual({ id: String(DEMO), name: 'Founders — Smartlead demo', status: 'ACTIVE', maxLeadsPerDay: 100 })
    const list = await call('GET', '/campaigns/')
    expect((list.body as { id: number }[]).map((c) => c.id)).toEqual([DEMO])
  })

  it('serves its two working email accounts in the contract’s shape', async () => {
    await start()
    const res = await call('GET', `/campaigns/${DEMO}/email-accounts`)
    const [first] = fixture('campaign.email-accounts.response.json') as object[]
    expect(Object.keys((res.body as object[])[0]!).sort()).toEqual(Object.keys(first!).sort())
    expect(smartleadEmailAccountsSchema.parse(res.body).map((a) => [a.id, a.smtpOk, a.dailyLimit, a.sentToday])).toEqual([
      ['5001', true, 40, 12],
      ['5002', true, 30, 0],
    ])
  })

  it('can start without the demo, with campaigns of its own', async () => {
    await start({ seedDemo: false, campaigns: [{ id: 7, name: 'Seven', status: 'DRAFTED', emailAccounts: [account(70, 'x@seven.test')] }] })
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(404)
    expect(await call('GET', '/campaigns/7')).toMatchObject({ status: 200, body: { id: 7, status: 'DRAFTED' } })
  })
})

describe('startFakeSmartlead: the API key', () => {
  it.each([
    ['a wrong key', 'wrong', 'wrong'],
    ['no key', null, 'missing'],
  ])('answers 401 with the contract’s body for %s, and logs it without the key', async (_label, key, auth) => {
    await start()
    const res = await call('GET', `/campaigns/${DEMO}`, undefined, key)
    expect(res).toMatchObject({ status: 401, body: (fixture('error.401.invalid-api-key.json') as { body: unknown }).body })
    expect(fake!.requests).toMatchObject([{ method: 'GET', path: `/api/v1/campaigns/${DEMO}`, query: {}, auth, status: 401 }])
    expect(JSON.stringify(fake!.requests)).not.toContain(KEY)
  })

  it('does not count refused keys against the rate limit', async () => {
    await start({ ratePerMinute: 1 })
    for (let i = 0; i < 3; i++) await call('GET', `/campaigns/${DEMO}`, undefined, 'wrong')
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
  })
})

describe('startFakeSmartlead: add leads', () => {
  it('adds new leads and answers in the shape of add-leads.response.ok.json', async () => {
    await start()
    const res = await call('POST', `/campaigns/${DEMO}/leads`, fixture('add-leads.request.json'))
    expect(res).toEqual({ status: 200, headers: expect.anything(), body: fixture('add-leads.response.ok.json') })
    expect(fake!.leadsOf(DEMO).map((l) => [l.email, l.status, l.data.company_name])).toEqual([
      ['jane.doe@acme-corp.example.com', 'ACTIVE', 'Acme Corp'],
      ['raj.patel@globex.example.com', 'ACTIVE', 'Globex'],
    ])
  })

  it('counts every kind of row the way the contract describes', async () => {
    await start()
    fake!.block('initech.example.com')
    fake!.unsubscribe('optout@initech.example.com')
    await call('POST', `/campaigns/${DEMO}/leads`, leads('old@acme.example.com'))
    const res = await call(
      'POST',
      `/campaigns/${DEMO}/leads`,
      leads('new@acme.example.com', 'not-an-email@', 'OLD@acme.example.com', 'optout@initech.example.com', 'new@acme.example.com', 'x@initech.example.com', 'y@blocked.test', 'z@unsubscribed.test', 'w@bounced.test'),
    )
    expect(res.body).toEqual({
      ok: true,
      upload_count: 9,
      total_leads: 1,
      block_count: 2,
      duplicate_count: 1,
      invalid_email_count: 1,
      invalid_emails: ['not-an-email@'],
      already_added_to_campaign: 1,
      unsubscribed_leads: ['optout@initech.example.com', 'z@unsubscribed.test'],
      is_lead_limit_exhausted: false,
      lead_import_stopped_count: 0,
      bounce_count: 1,
    })
    expect(smartleadAddLeadsResponseSchema.safeParse(res.body).success).toBe(true)
    expect(fake!.leadsOf(DEMO).map((l) => l.email)).toEqual(['old@acme.example.com', 'new@acme.example.com'])
  })

  it('lets the settings switch the lists off', async () => {
    await start()
    const res = await call('POST', `/campaigns/${DEMO}/leads`, {
      ...leads('a@blocked.test', 'b@unsubscribed.test', 'c@bounced.test'),
      settings: { ignore_global_block_list: true, ignore_unsubscribe_list: true, ignore_community_bounce_list: true, ignore_duplicate_leads_in_other_campaign: false },
    })
    expect(res.body).toMatchObject({ total_leads: 3, block_count: 0, bounce_count: 0, unsubscribed_leads: [] })
  })

  it('keeps one lead per address across campaigns, updates its data, and keeps a paused lead paused', async () => {
    await start({ campaigns: [{ id: 9, name: 'Other', emailAccounts: [] }] })
    await call('POST', `/campaigns/${DEMO}/leads`, { lead_list: [{ email: 'a@acme.example.com', first_name: 'A' }] })
    await call('POST', '/campaigns/9/leads', leads('A@acme.example.com'))
    const [lead] = fake!.leadsOf(DEMO)
    expect(fake!.leadsOf(9)[0]!.id).toBe(lead!.id)
    await call('POST', `/campaigns/${DEMO}/leads/${lead!.id}/pause`)
    const again = await call('POST', `/campaigns/${DEMO}/leads`, { lead_list: [{ email: 'a@acme.example.com', first_name: 'Anna' }] })
    expect(again.body).toMatchObject({ total_leads: 0, already_added_to_campaign: 1 })
    expect(fake!.leadsOf(DEMO)[0]).toMatchObject({ status: 'PAUSED', data: { first_name: 'Anna' } })
  })

  it('stops importing at the plan’s lead limit, in the shape of add-leads.response.limit-exhausted.json', async () => {
    await start({ leadLimit: 37 })
    const res = await call('POST', `/campaigns/${DEMO}/leads`, leads(...Array.from({ length: 100 }, (_, i) => `lead${i}@example.com`)))
    expect(res.body).toEqual(fixture('add-leads.response.limit-exhausted.json'))
  })

  it.each([
    ['more than 100 leads', leads(...Array.from({ length: 101 }, (_, i) => `l${i}@example.com`)), '"lead_list" must contain less than or equal to 100 items'],
    ['no lead list', { settings: {} }, '"lead_list" is required'],
    ['an empty lead list', { lead_list: [] }, '"lead_list" must contain at least 1 items'],
    ['an unknown settings key', { ...leads('a@example.com'), settings: { update: true } }, '"settings.update" is not allowed'],
    ['a setting that is not a boolean', { ...leads('a@example.com'), settings: { ignore_unsubscribe_list: 'yes' } }, '"settings.ignore_unsubscribe_list" must be a boolean'],
    ['a lead without an email', { lead_list: [{ first_name: 'A' }] }, '"lead_list[0].email" is required'],
    ['21 custom fields', { lead_list: [{ email: 'a@example.com', custom_fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x'])) }] }, '"lead_list[0].custom_fields" must have less than or equal to 20 keys'],
    ['a custom field that is not text', { lead_list: [{ email: 'a@example.com', custom_fields: { Age: 42 } }] }, '"lead_list[0].custom_fields.Age" must be a string'],
  ])('answers 400 for %s', async (_label, body, message) => {
    await start()
    expect(await call('POST', `/campaigns/${DEMO}/leads`, body)).toMatchObject({ status: 400, body: { error: 'Bad Request', message } })
    expect(fake!.leadsOf(DEMO)).toEqual([])
  })

  it('takes a larger batch when told to (the contract’s sources say up to 400)', async () => {
    await start({ maxLeadsPerRequest: 400 })
    const res = await call('POST', `/campaigns/${DEMO}/leads`, leads(...Array.from({ length: 400 }, (_, i) => `l${i}@example.com`)))
    expect(res.body).toMatchObject({ total_leads: 400 })
  })
})

describe('startFakeSmartlead: campaign status and lead pause', () => {
  it('pauses with PAUSED and resumes with START (reading back ACTIVE), by POST or PATCH', async () => {
    await start()
    expect(await call('POST', `/campaigns/${DEMO}/status`, fixture('campaign.status.request.pause.json'))).toMatchObject({ status: 200, body: fixture('campaign.status.response.json') })
    expect(fake!.campaign(DEMO)?.status).toBe('PAUSED')
    await call('PATCH', `/campaigns/${DEMO}/status`, fixture('campaign.status.request.resume.json'))
    expect((await call('GET', `/campaigns/${DEMO}`)).body).toMatchObject({ status: 'ACTIVE' })
  })

  it('treats STOPPED as terminal, and refuses a status it does not know', async () => {
    await start()
    expect((await call('POST', `/campaigns/${DEMO}/status`, { status: 'ACTIVE' })).status).toBe(400)
    await call('POST', `/campaigns/${DEMO}/status`, fixture('campaign.status.request.stop.json'))
    expect(await call('POST', `/campaigns/${DEMO}/status`, { status: 'START' })).toMatchObject({ status: 400, body: { message: 'A stopped campaign cannot be changed' } })
    expect(fake!.campaign(DEMO)?.status).toBe('STOPPED')
  })

  it('pauses and resumes a lead in a campaign', async () => {
    await start()
    await call('POST', `/campaigns/${DEMO}/leads`, leads('a@acme.example.com'))
    const id = fake!.leadsOf(DEMO)[0]!.id
    expect(await call('POST', `/campaigns/${DEMO}/leads/${id}/pause`)).toMatchObject({ status: 200, body: fixture('lead.pause-resume.response.json') })
    expect(fake!.leadsOf(DEMO)[0]!.status).toBe('PAUSED')
    expect(await call('POST', `/campaigns/${DEMO}/leads/${id}/resume`, fixture('lead.resume.request.json'))).toMatchObject({ status: 200, body: { ok: true, data: 'Lead resumed successfully' } })
    expect(fake!.leadsOf(DEMO)[0]!.status).toBe('ACTIVE')
    expect((await call('POST', `/campaigns/${DEMO}/leads/${id}/resume`, { resume_lead_with_delay_days: -1 })).status).toBe(400)
  })

  it('answers 404 for an unknown campaign, lead or route', async () => {
    await start()
    expect(await call('GET', '/campaigns/1')).toMatchObject({ status: 404, body: { message: 'Campaign not found' } })
    expect((await call('POST', `/campaigns/${DEMO}/leads/1/pause`)).status).toBe(404)
    expect((await call('GET', '/nope')).status).toBe(404)
    expect((await call('DELETE', `/campaigns/${DEMO}`)).status).toBe(404)
  })

  it('can be changed from the test: campaign status and email accounts', async () => {
    await start()
    fake!.setCampaignStatus(DEMO, 'PAUSED')
    fake!.setEmailAccount(DEMO_SMARTLEAD_ACCOUNT_IDS[0], { is_smtp_success: false, smtp_failure_error: '535 auth failed' })
    expect((await call('GET', `/campaigns/${DEMO}`)).body).toMatchObject({ status: 'PAUSED' })
    expect(((await call('GET', `/campaigns/${DEMO}/email-accounts`)).body as object[])[0]).toMatchObject({ is_smtp_success: false, smtp_failure_error: '535 auth failed' })
    expect(() => fake!.setCampaignStatus(1, 'ACTIVE')).toThrow('no campaign 1')
    expect(() => fake!.setEmailAccount(1, {})).toThrow('no email account 1')
  })
})

describe('startFakeSmartlead: rate limit and failures', () => {
  it('answers 429 with Retry-After and the contract’s body once the bucket is empty, and refills with its clock', async () => {
    const { state } = await start({ ratePerMinute: 3 })
    for (let i = 0; i < 3; i++) expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
    const limited = await call('GET', `/campaigns/${DEMO}`)
    expect(limited.status).toBe(429)
    // 3 a minute: one token every 20 s.
    expect(limited.headers.get('retry-after')).toBe('20')
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3')
    expect(limited.body).toEqual({ error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests. Please retry after 20 seconds.', retry_after: 20 } })
    state.t += 19_000
    expect((await call('GET', `/campaigns/${DEMO}`)).headers.get('retry-after')).toBe('1')
    state.t += 1_000
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
  })

  it('lets 60 a minute through by default', async () => {
    const { state } = await start()
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await call('GET', `/campaigns/${DEMO}`)).status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(60)
    expect(statuses.at(-1)).toBe(429)
    state.t += 60_000
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
  })

  it('fails the next requests as told, without changing anything, then answers again', async () => {
    await start()
    fake!.failNext(2, 503)
    expect(await call('POST', `/campaigns/${DEMO}/leads`, leads('a@acme.example.com'))).toMatchObject({ status: 503, body: { message: 'Internal server error' } })
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(503)
    expect(fake!.leadsOf(DEMO)).toEqual([])
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
    expect(fake!.requests.map((r) => r.status)).toEqual([503, 503, 200])
  })

  it('can fail with a 429 and a Retry-After of its choosing, or a body of its choosing', async () => {
    await start()
    fake!.failNext(1, 429, { retryAfterSeconds: 7 })
    fake!.failNext(1, 400, { body: { message: 'nope' } })
    const limited = await call('GET', `/campaigns/${DEMO}`)
    expect([limited.status, limited.headers.get('retry-after'), limited.body]).toEqual([429, '7', { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests. Please retry after 7 seconds.', retry_after: 7 } }])
    expect(await call('GET', `/campaigns/${DEMO}`)).toMatchObject({ status: 400, body: { message: 'nope' } })
  })

  it('can drop the connection', async () => {
    await start()
    fake!.failNext(1, 'network')
    await expect(call('GET', `/campaigns/${DEMO}`)).rejects.toThrow()
    expect((await call('GET', `/campaigns/${DEMO}`)).status).toBe(200)
  })

  it('can fail after applying (an answer lost on the way back)', async () => {
    await start()
    fake!.failNext(1, 502, { afterApplying: true })
    expect((await call('POST', `/campaigns/${DEMO}/leads`, leads('a@acme.example.com'))).status).toBe(502)
    expect(fake!.leadsOf(DEMO)).toHaveLength(1)
    expect((await call('POST', `/campaigns/${DEMO}/leads`, leads('a@acme.example.com'))).body).toMatchObject({ already_added_to_campaign: 1, total_leads: 0 })
  })

  it('answers health without a key, and 400 for a body that is not JSON', async () => {
    await start()
    const health = await fetch(fake!.url.replace('/api/v1', '/health'))
    expect(health.status).toBe(200)
    const res = await fetch(`${fake!.url}/campaigns/${DEMO}/leads?api_key=${KEY}`, { method: 'POST', body: '{nope' })
    expect(res.status).toBe(400)
  })
})
