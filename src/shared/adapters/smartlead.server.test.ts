import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO_SMARTLEAD_CAMPAIGN_ID, startFakeSmartlead, type FakeSmartlead, type FakeSmartleadOptions } from '../../../test/fakes/smartlead'
import type { SmartleadLeadInput } from '../domain/smartlead'
import { createSmartleadClient, SmartleadUnavailableError, type SmartleadClientOptions } from './smartlead.server'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('smartlead')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))

// Characters that URL encoding changes, so a leak in either form is caught.
const KEY = 'sl/SECRET+key=42&x'
const T0 = Date.parse('2026-11-21T09:00:00Z')
const DEMO = DEMO_SMARTLEAD_CAMPAIGN_ID

/** Every place a key could leak from: the value, its message, stack and JSON. */
function expectNoKey(...things: unknown[]) {
  for (const thing of things) {
    const texts = thing instanceof Error ? [thing.message, String(thing), thing.stack ?? '', JSON.stringify(thing), String(thing.cause ?? '')] : [JSON.stringify(thing)]
    for (const text of texts) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(encodeURIComponent(KEY))
      expect(text).not.toContain('SECRET')
    }
  }
}

let fake: FakeSmartlead | undefined
let logs: ReturnType<typeof vi.spyOn>[] = []
beforeEach(() => {
  // The adapter logs nothing at all (console.error is already failed by the test setup).
  logs = (['log', 'info', 'warn', 'debug'] as const).map((m) => vi.spyOn(console, m))
})
afterEach(async () => {
  for (const spy of logs) {
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  }
  await fake?.close()
  fake = undefined
})

/** The fake and the client share one clock that moves only when the client sleeps. */
async function world(fakeOptions: Partial<FakeSmartleadOptions> = {}, clientOptions: Partial<SmartleadClientOptions> = {}) {
  const state = { t: T0 }
  const clock = { now: () => new Date(state.t) }
  const sleep = vi.fn(async (ms: number) => void (state.t += ms))
  fake = await startFakeSmartlead({ port: 0, apiKey: KEY, clock, ...fakeOptions })
  const fetches: { url: string; init: RequestInit | undefined }[] = []
  const spyFetch: typeof fetch = (input, init) => {
    fetches.push({ url: String(input), init })
    return fetch(input, init)
  }
  const client = createSmartleadClient({ baseUrl: fake.url, apiKey: KEY, clock, sleep, fetch: spyFetch, random: () => 1, ...clientOptions })
  return { fake, client, state, sleep, fetches }
}

const lead = (email: string, extra: Partial<SmartleadLeadInput> = {}): SmartleadLeadInput => ({ email, first_name: 'Test', ...extra })
const many = (n: number, tag = 'lead') => Array.from({ length: n }, (_, i) => lead(`${tag}${i}@example.com`))

describe('createSmartleadClient: reads and commands against the fake', () => {
  it('reads a campaign, with the key only in the query string', async () => {
    const { client, fetches } = await world()
    expect(await client.getCampaign(DEMO)).toEqual({ ok: true, value: { id: String(DEMO), name: 'Founders — Smartlead demo', status: 'ACTIVE', maxLeadsPerDay: 100 } })
    expect(fake!.requests).toMatchObject([{ method: 'GET', path: `/api/v1/campaigns/${DEMO}`, query: {}, auth: 'ok' }])
    const { url, init } = fetches[0]!
    expect(new URL(url).searchParams.get('api_key')).toBe(KEY)
    expect(JSON.stringify(init?.headers)).not.toContain('SECRET')
    expect(client.requestCount).toBe(1)
  })

  it("lists the campaign's email accounts", async () => {
    const { client } = await world()
    const result = await client.listEmailAccounts(String(DEMO))
    expect(result.ok && result.value.map((a) => [a.id, a.fromEmail, a.smtpOk, a.dailyLimit, a.sentToday])).toEqual([
      ['5001', 'maya@outreach.drason-demo.test', true, 40, 12],
      ['5002', 'arjun@outreach.drason-demo.test', true, 30, 0],
    ])
  })

  it('pauses a campaign with PAUSED and starts it with START, sending the contract’s bodies', async () => {
    const { client } = await world()
    expect(await client.setCampaignStatus(DEMO, 'PAUSED')).toEqual({ ok: true, value: { ok: true, message: null } })
    expect(fake!.campaign(DEMO)?.status).toBe('PAUSED')
    expect(await client.setCampaignStatus(DEMO, 'START')).toMatchObject({ ok: true })
    expect(fake!.campaign(DEMO)?.status).toBe('ACTIVE')
    expect(fake!.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', `/api/v1/campaigns/${DEMO}/status`, fixture('campaign.status.request.pause.json')],
      ['POST', `/api/v1/campaigns/${DEMO}/status`, fixture('campaign.status.request.resume.json')],
    ])
  })

  it('pauses and resumes a lead (resume with the contract’s body)', async () => {
    const { client } = await world()
    await client.addLeads(DEMO, [lead('a@acme.example.com')])
    const id = fake!.leadsOf(DEMO)[0]!.id
    expect(await client.pauseLead(DEMO, id)).toEqual({ ok: true, value: { ok: true, message: 'Lead paused successfully' } })
    expect(fake!.leadsOf(DEMO)[0]!.status).toBe('PAUSED')
    expect(await client.resumeLead(DEMO, String(id))).toMatchObject({ ok: true })
    expect(fake!.leadsOf(DEMO)[0]!.status).toBe('ACTIVE')
    expect(fake!.requests.at(-1)!.body).toEqual(fixture('lead.resume.request.json'))
    await client.resumeLead(DEMO, id, { delayDays: 2 })
    expect(fake!.requests.at(-1)!.body).toEqual({ resume_lead_with_delay_days: 2 })
    await expect(client.resumeLead(DEMO, id, { delayDays: -1 })).rejects.toThrow(RangeError)
  })

  it.each([
    ['an unknown campaign', (c: ReturnType<typeof createSmartleadClient>) => c.getCampaign(1)],
    ['an unknown lead', (c: ReturnType<typeof createSmartleadClient>) => c.pauseLead(DEMO, 1)],
  ])('answers not_found for %s, without retrying', async (_label, act) => {
    const { client } = await world()
    const result = await act(client)
    expect(result).toMatchObject({ ok: false, reason: 'not_found', httpStatus: 404 })
    expect(client.requestCount).toBe(1)
  })

  it('answers rejected for a 4xx, quoting what Smartlead said', async () => {
    const { client } = await world()
    fake!.failNext(1, 422, { body: { message: 'campaign has no sequence' } })
    expect(await client.setCampaignStatus(DEMO, 'START')).toEqual({
      ok: false,
      reason: 'rejected',
      httpStatus: 422,
      message: `Smartlead refused setting campaign ${DEMO} to START (HTTP 422): campaign has no sequence.`,
    })
  })

  it('refuses an empty id before any request', async () => {
    const { client } = await world()
    await expect(client.getCampaign(' ')).rejects.toThrow('A Smartlead id is empty.')
    expect(client.requestCount).toBe(0)
  })
})

describe('createSmartleadClient: addLeads', () => {
  it('pushes in batches of at most 100 and maps every lead back', async () => {
    const { client } = await world()
    const result = await client.addLeads(DEMO, many(250))
    expect(fake!.requests.map((r) => (r.body as { lead_list: unknown[] }).lead_list.length)).toEqual([100, 100, 50])
    expect(fake!.requests[0]!.body).toMatchObject({ settings: (fixture('add-leads.request.json') as { settings: unknown }).settings })
    expect(result.batches.map((b) => [b.size, b.outcome])).toEqual([
      [100, 'answered'],
      [100, 'answered'],
      [50, 'answered'],
    ])
    expect(result.leads).toHaveLength(250)
    expect(new Set(result.leads.map((l) => `${l.status}/${l.code}`))).toEqual(new Set(['in_campaign/added']))
    expect(result.leads[249]!.email).toBe('lead249@example.com')
    expect(result).toMatchObject({ stopped: null, requests: 3 })
    expect(fake!.leadsOf(DEMO)).toHaveLength(250)
  })

  it('sends add-leads.request.json’s leads exactly as given', async () => {
    const { client } = await world()
    const body = fixture('add-leads.request.json') as { lead_list: SmartleadLeadInput[] }
    await client.addLeads(DEMO, body.lead_list)
    expect(fake!.requests[0]!.body).toEqual(body)
  })

  it.each([
    [40, [40, 40, 20]],
    [1, [1, 1, 1]],
  ])('takes a smaller batch size (%i)', async (batchSize, sizes) => {
    const { client } = await world({}, { batchSize })
    await client.addLeads(DEMO, many(batchSize === 1 ? 3 : 100))
    expect(fake!.requests.map((r) => (r.body as { lead_list: unknown[] }).lead_list.length)).toEqual(sizes)
  })

  it.each([0, 101, 2.5])('refuses a batch size of %s', async (batchSize) => {
    const { fake: f } = await world()
    expect(() => createSmartleadClient({ baseUrl: f.url, apiKey: KEY, clock: { now: () => new Date(T0) }, batchSize })).toThrow('batch size must be a whole number from 1 to 100')
  })

  it('maps what Smartlead names, refuses bad rows and repeats locally, and never sends them', async () => {
    const { client } = await world()
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x']))
    const result = await client.addLeads(DEMO, [
      lead('ok@acme.example.com'),
      lead('not-an-email@'),
      lead('gone@unsubscribed.test'),
      lead('OK@acme.example.com'),
      lead('wide@acme.example.com', { custom_fields: tooMany }),
    ])
    expect(result.leads.map((l) => [l.email, l.status, l.code])).toEqual([
      ['ok@acme.example.com', 'in_campaign', 'added'],
      ['not-an-email@', 'rejected', 'invalid'],
      ['gone@unsubscribed.test', 'rejected', 'unsubscribed'],
      ['OK@acme.example.com', 'rejected', 'duplicate_in_request'],
      ['wide@acme.example.com', 'rejected', 'invalid_input'],
    ])
    expect(result.leads[4]!.reason).toBe('Not sent to Smartlead: Smartlead takes at most 20 custom fields; the lead has 21.')
    expect((fake!.requests[0]!.body as { lead_list: { email: string }[] }).lead_list.map((l) => l.email)).toEqual(['ok@acme.example.com', 'not-an-email@', 'gone@unsubscribed.test'])
  })

  it('marks leads unconfirmed when the counts cannot say which is which', async () => {
    const { client } = await world()
    await client.addLeads(DEMO, [lead('old@acme.example.com')])
    const result = await client.addLeads(DEMO, [lead('old@acme.example.com'), lead('new@acme.example.com'), lead('x@blocked.test')])
    expect(result.leads.map((l) => l.status)).toEqual(['unconfirmed', 'unconfirmed', 'unconfirmed'])
    expect(result.leads[0]!.reason).toContain('1 added, 1 already in the campaign, 1 blocked')
  })

  it('reports a re-push as already in the campaign', async () => {
    const { client } = await world()
    await client.addLeads(DEMO, many(3))
    const again = await client.addLeads(DEMO, many(3))
    expect(new Set(again.leads.map((l) => `${l.status}/${l.code}`))).toEqual(new Set(['in_campaign/already_in_campaign']))
  })

  it('stops at the plan’s lead limit: no more requests, the rest not sent', async () => {
    const { client } = await world({ leadLimit: 150 })
    const result = await client.addLeads(DEMO, many(300))
    expect(result.requests).toBe(2)
    expect(result.stopped).toEqual({ reason: 'lead_limit_exhausted', message: "the Smartlead plan's lead limit is reached" })
    expect(result.batches.map((b) => b.outcome)).toEqual(['answered', 'answered', 'not_sent'])
    expect(result.leads.slice(0, 100).every((l) => l.code === 'added')).toBe(true)
    // 50 added and 50 stopped, but not which: all 100 unconfirmed.
    expect(result.leads.slice(100, 200).every((l) => l.status === 'unconfirmed')).toBe(true)
    expect(result.leads[250]).toMatchObject({ status: 'not_sent', reason: "Not sent: the push stopped before this lead's batch (the Smartlead plan's lead limit is reached)" })
  })

  it('asks before every batch and stops when told', async () => {
    const { client } = await world()
    const asked: unknown[] = []
    const result = await client.addLeads(DEMO, many(250), {
      beforeBatch: async (batch) => {
        asked.push(batch)
        return batch.index < 1 ? { proceed: true } : { proceed: false, reason: 'the Smartlead campaign is PAUSED' }
      },
    })
    expect(asked).toEqual([
      { index: 0, size: 100, sentSoFar: 0 },
      { index: 1, size: 100, sentSoFar: 100 },
    ])
    expect(result.stopped).toEqual({ reason: 'stopped_by_caller', message: 'the Smartlead campaign is PAUSED' })
    expect(result.requests).toBe(1)
    expect(result.leads[100]).toMatchObject({ status: 'not_sent', code: 'not_sent', reason: 'Not sent: the Smartlead campaign is PAUSED' })
    expect(result.leads[200]!.status).toBe('not_sent')
  })

  it('stops without losing what was pushed when the check before a batch cannot reach Smartlead', async () => {
    const { client } = await world({}, { retry: { maxAttempts: 1 } })
    const result = await client.addLeads(DEMO, many(150), {
      beforeBatch: async ({ index }) => {
        if (index === 1) {
          fake!.failNext(1, 503)
          const check = await client.getCampaign(DEMO)
          if (!check.ok) return { proceed: false, reason: check.message }
        }
        return { proceed: true }
      },
    })
    expect(result.stopped).toMatchObject({ reason: 'unavailable', message: `Smartlead answered campaign ${DEMO} with HTTP 503: Internal server error.` })
    expect(result.batches.map((b) => b.outcome)).toEqual(['answered', 'not_sent'])
    expect(result.leads[0]!.status).toBe('in_campaign')
    expect(result.leads[149]).toMatchObject({ status: 'not_sent', reason: `Not sent: Smartlead answered campaign ${DEMO} with HTTP 503: Internal server error.` })
    expect(result.requests).toBe(2)
  })

  it('lets any other error from the check before a batch through', async () => {
    const { client } = await world()
    await expect(client.addLeads(DEMO, many(1), { beforeBatch: () => Promise.reject(new Error('store down')) })).rejects.toThrow('store down')
  })

  it('stops on a refused key: nothing added, nothing retried', async () => {
    const { fake: f } = await world()
    const client = createSmartleadClient({ baseUrl: f.url, apiKey: 'wrong-key', clock: { now: () => new Date(T0) }, sleep: async () => {} })
    const result = await client.addLeads(DEMO, many(150))
    expect(result.requests).toBe(1)
    expect(result.stopped).toMatchObject({ reason: 'unauthorized' })
    expect(result.leads.every((l) => l.status === 'not_sent')).toBe(true)
    expect(result.leads[0]!.reason).toBe(`Not added: Smartlead refused the API key (HTTP 401) for adding 100 leads to campaign ${DEMO}: Invalid API Key.`)
  })

  it('retries a batch whose answer was lost; the retry finds the leads already there', async () => {
    const { client } = await world()
    fake!.failNext(1, 502, { afterApplying: true })
    const result = await client.addLeads(DEMO, many(2))
    expect(result.requests).toBe(2)
    expect(result.leads.map((l) => l.code)).toEqual(['already_in_campaign', 'already_in_campaign'])
    expect(fake!.leadsOf(DEMO)).toHaveLength(2)
  })

  it('when Smartlead stays down, the batch is unconfirmed, the rest not sent, and it says when to try again', async () => {
    const { client } = await world({}, { retry: { maxAttempts: 2 } })
    fake!.failNext(2, 503)
    const result = await client.addLeads(DEMO, many(150))
    expect(result.batches.map((b) => b.outcome)).toEqual(['failed', 'not_sent'])
    expect(result.stopped).toMatchObject({ reason: 'unavailable', retryAfterMs: null })
    expect(result.leads[0]).toMatchObject({
      status: 'unconfirmed',
      reason: `Smartlead answered adding 100 leads to campaign ${DEMO} with HTTP 503: Internal server error. The lead may or may not be in the campaign; pushing it again is safe.`,
    })
    expect(result.leads[120]!.status).toBe('not_sent')
  })
})

describe('createSmartleadClient: retries, backoff and the rate limit', () => {
  it('retries 5xx with exponential backoff and succeeds', async () => {
    const { client, sleep } = await world()
    fake!.failNext(2, 503)
    expect(await client.getCampaign(DEMO)).toMatchObject({ ok: true })
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([1_000, 2_000])
    expect(client.requestCount).toBe(3)
  })

  it('gives up after maxAttempts and throws a retryable error', async () => {
    const { client, sleep } = await world()
    fake!.failNext(5, 500)
    const err = await client.getCampaign(DEMO).then(
      () => expect.fail('expected a throw'),
      (e: unknown) => e as SmartleadUnavailableError,
    )
    expect(err).toBeInstanceOf(SmartleadUnavailableError)
    expect(err).toMatchObject({ reason: 'server_error', retryable: true, httpStatus: 500 })
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(client.requestCount).toBe(5)
  })

  it('caps the backoff and spreads it with jitter', async () => {
    const { client, sleep } = await world({}, { random: () => 0, retry: { maxAttempts: 4, baseDelayMs: 10_000, maxDelayMs: 15_000 } })
    fake!.failNext(3, 500)
    await client.getCampaign(DEMO)
    // Equal jitter with random 0: half of 10 s, then half of the 15 s cap twice.
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([5_000, 7_500, 7_500])
  })

  it('retries a dropped connection', async () => {
    const { client } = await world()
    fake!.failNext(1, 'network')
    expect(await client.listEmailAccounts(DEMO)).toMatchObject({ ok: true })
    expect(client.requestCount).toBe(2)
  })

  it('honours Retry-After on a 429, holding later requests too', async () => {
    const { client, state } = await world()
    fake!.failNext(1, 429, { retryAfterSeconds: 7 })
    expect(await client.getCampaign(DEMO)).toMatchObject({ ok: true })
    expect(state.t).toBe(T0 + 7_000)
    expect(fake!.requests.map((r) => [r.status, r.at - T0])).toEqual([
      [429, 0],
      [200, 7_000],
    ])
  })

  it('keeps to 60 a minute by default, so the fake never has to say 429', async () => {
    const { client, state } = await world()
    for (let i = 0; i < 61; i++) await client.getCampaign(DEMO)
    expect(fake!.requests.every((r) => r.status === 200)).toBe(true)
    expect(fake!.requests.at(-1)!.at).toBe(T0 + 60_000)
    expect(state.t).toBe(T0 + 60_000)
  })

  it('recovers when the server is stricter than the client’s limit', async () => {
    const { client } = await world({ ratePerMinute: 3 }, { rateLimit: [{ limit: 100, windowMs: 60_000 }] })
    for (let i = 0; i < 5; i++) expect(await client.getCampaign(DEMO)).toMatchObject({ ok: true })
    // 3 at once; the 4th is told to wait 20 s (one token per 20 s), the 5th another 20 s.
    expect(fake!.requests.map((r) => [r.status, r.at - T0])).toEqual([
      [200, 0],
      [200, 0],
      [200, 0],
      [429, 0],
      [200, 20_000],
      [429, 20_000],
      [200, 40_000],
    ])
  })

  it('does not sleep through a Retry-After longer than it may wait: it throws and says when', async () => {
    const { client, sleep } = await world({}, { retry: { maxRetryAfterMs: 60_000 } })
    fake!.failNext(1, 429, { retryAfterSeconds: 600 })
    await expect(client.getCampaign(DEMO)).rejects.toMatchObject({ name: 'SmartleadUnavailableError', reason: 'rate_limited', retryAfterMs: 600_000, httpStatus: 429 })
    expect(sleep).not.toHaveBeenCalled()
  })

  it('returns unauthorized as a value for a wrong key, at once', async () => {
    const { fake: f } = await world()
    const sleep = vi.fn(async () => {})
    const client = createSmartleadClient({ baseUrl: f.url, apiKey: 'wrong', clock: { now: () => new Date(T0) }, sleep })
    expect(await client.getCampaign(DEMO)).toEqual({ ok: false, reason: 'unauthorized', httpStatus: 401, message: `Smartlead refused the API key (HTTP 401) for campaign ${DEMO}: Invalid API Key.` })
    expect(client.requestCount).toBe(1)
    expect(sleep).not.toHaveBeenCalled()
  })
})

describe('createSmartleadClient: answers it cannot use (a stub fetch)', () => {
  type Reply = { status: number; body: string; headers?: Record<string, string> } | ((url: string, init: RequestInit | undefined) => Promise<Response>)
  function stub(...replies: Reply[]) {
    const state = { t: T0 }
    const sleep = vi.fn(async (ms: number) => void (state.t += ms))
    const urls: string[] = []
    const f: typeof fetch = async (input, init) => {
      urls.push(String(input))
      const reply = replies.length > 1 ? replies.shift()! : replies[0]!
      if (typeof reply === 'function') return reply(String(input), init)
      return new Response(reply.body, { status: reply.status, headers: reply.headers })
    }
    const client = (options: Partial<SmartleadClientOptions> = {}) =>
      createSmartleadClient({ baseUrl: 'https://smartlead.example.test/api/v1/', apiKey: KEY, clock: { now: () => new Date(state.t) }, sleep, fetch: f, random: () => 1, ...options })
    return { client, sleep, urls, state }
  }
  const campaign = JSON.stringify(fixture('campaign.get.response.json'))

  it('builds URLs under the base without doubling slashes, the key URL-encoded', async () => {
    const s = stub({ status: 200, body: campaign })
    await s.client().getCampaign('12/34')
    expect(s.urls[0]).toBe(`https://smartlead.example.test/api/v1/campaigns/12%2F34?api_key=${encodeURIComponent(KEY)}`)
  })

  it('reads Retry-After as an HTTP date, and from the body when the header is missing', async () => {
    const date = new Date(T0 + 5_000).toUTCString()
    const s = stub(
      { status: 429, body: '', headers: { 'retry-after': date } },
      { status: 429, body: JSON.stringify((fixture('error.429.rate-limit.json') as { body: unknown }).body) },
      { status: 200, body: campaign },
    )
    expect(await s.client().getCampaign(1)).toMatchObject({ ok: true })
    expect(s.sleep.mock.calls.map((c) => c[0])).toEqual([5_000, 30_000])
  })

  it('backs off on a 429 with no hint at all', async () => {
    const s = stub({ status: 429, body: 'slow down' }, { status: 200, body: campaign })
    await s.client().getCampaign(1)
    expect(s.sleep.mock.calls.map((c) => c[0])).toEqual([1_000])
  })

  it('retries a 2xx that is not JSON (a proxy page), then gives up with bad_response', async () => {
    const s = stub({ status: 200, body: '<html>Cloudflare</html>' })
    await expect(s.client({ retry: { maxAttempts: 2 } }).getCampaign(1)).rejects.toMatchObject({ reason: 'bad_response', httpStatus: 200 })
    expect(s.urls).toHaveLength(2)
  })

  it('does not retry JSON in the wrong shape', async () => {
    const s = stub({ status: 200, body: JSON.stringify({ hello: 'world' }) })
    await expect(s.client().getCampaign(1)).rejects.toMatchObject({ reason: 'bad_response', message: "Smartlead's answer to campaign 1 is not in the expected shape (HTTP 200)." })
    expect(s.urls).toHaveLength(1)
  })

  it('treats an acknowledgement with ok: false as a refusal', async () => {
    const s = stub({ status: 200, body: JSON.stringify({ ok: false, message: 'Campaign has no leads' }) })
    expect(await s.client().setCampaignStatus(1, 'START')).toEqual({ ok: false, reason: 'rejected', httpStatus: 200, message: 'Smartlead declined setting campaign 1 to START: Campaign has no leads.' })
  })

  it('times out a request that hangs', async () => {
    const hang = (_url: string, init: RequestInit | undefined) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
    const s = stub(hang)
    await expect(s.client({ timeoutMs: 20, retry: { maxAttempts: 1 } }).getCampaign(1)).rejects.toMatchObject({ reason: 'timeout', message: 'Smartlead did not answer campaign 1 within 20 ms.' })
  })

  it('never lets the key out: not in values, errors, or text the server or the network echoed', async () => {
    const echo = (url: string) => Promise.resolve(new Response(JSON.stringify({ message: `bad request to ${url}` }), { status: 400 }))
    const echo401 = (url: string) => Promise.resolve(new Response(`<html>denied ${url}</html>`, { status: 401 }))
    const refuse = (url: string) => Promise.reject(new TypeError(`fetch failed: ${url}`))
    const serverEcho = (url: string) => Promise.resolve(new Response(JSON.stringify({ message: `upstream ${decodeURIComponent(url)}` }), { status: 503 }))

    const rejected = await stub(echo).client().getCampaign(1)
    expect(rejected).toMatchObject({ ok: false, reason: 'rejected' })
    expect(JSON.stringify(rejected)).toContain('***')
    const unauthorized = await stub(echo401).client().addLeads(1, many(2))
    expect(unauthorized.stopped).toMatchObject({ reason: 'unauthorized' })
    const network = await stub(refuse).client({ retry: { maxAttempts: 1 } }).getCampaign(1).catch((e: unknown) => e)
    expect(network).toMatchObject({ reason: 'network' })
    expect((network as Error).cause).toBeUndefined()
    const server = await stub(serverEcho).client({ retry: { maxAttempts: 1 } }).listEmailAccounts(1).catch((e: unknown) => e)
    expect(server).toMatchObject({ reason: 'server_error' })
    const failedPush = await stub(serverEcho).client({ retry: { maxAttempts: 1 } }).addLeads(1, many(2))
    expectNoKey(rejected, unauthorized, network, server, failedPush)
  })

  it('quotes at most 200 characters of what the server said', async () => {
    const s = stub({ status: 400, body: JSON.stringify({ message: 'x'.repeat(1_000) }) })
    const result = await s.client().getCampaign(1)
    expect(!result.ok && result.message.length).toBeLessThan(300)
  })

  it('refuses an empty API key', () => {
    expect(() => createSmartleadClient({ baseUrl: 'https://x.test', apiKey: ' ', clock: { now: () => new Date(T0) } })).toThrow('The Smartlead API key is empty.')
  })
})
