import { describe, expect, it } from 'vitest'
import { addUser } from '../../src/shared/services/auth'
import { handleApi } from '../../src/shared/http/api.server'
import { LOGIN_FAILED_MESSAGE, LOGIN_LOCKED_MESSAGE } from '../../src/shared/domain/auth'
import { TEST_VIEWER, admin, apiHeaders, directDeps, get, postForm, signIn, world } from '../support/world'

async function latestEvents(action: string, limit = 5) {
  const deps = directDeps()
  const page = await deps.audit.timeline({ action, limit }, new Date())
  return page.items
}

describe('the HTTP surface', () => {
  it('answers /healthz with 200 and no login', async () => {
    const res = await get('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true })
  })

  it('redirects pages to /login when not signed in, keeping where the person was going', async () => {
    const res = await get('/audit?entityType=lead')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/audit?entityType=lead')}`)
  })

  it('shows a 404 page for an unknown address, without internals', async () => {
    const res = await get('/no/such/page')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('Page not found')
    expect(html).not.toMatch(/at .*\.js:\d+/)
  })

  it('answers 401 JSON under /api/ without a token, and audits the refusal', async () => {
    const res = await get('/api/me')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ error: expect.stringContaining('Bearer') })
    const events = await latestEvents('api_auth_failed')
    expect(events[0]?.sentence).toContain('GET /api/me')
  })

  it('refuses a wrong bearer token and the intake token outside webhooks', async () => {
    expect((await get('/api/me', { headers: apiHeaders('not-the-token-at-all-123') })).status).toBe(401)
    expect((await get('/api/me', { headers: apiHeaders(world().env.DRASON_INTAKE_TOKEN) })).status).toBe(401)
    const ok = await get('/api/me', { headers: apiHeaders() })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ actor: { type: 'integration', id: 'api' } })
  })

  it('answers malformed JSON with 400 and a JSON error, never a stack trace', async () => {
    const res = await get('/api/settings', { method: 'PATCH', headers: { ...apiHeaders(), 'content-type': 'application/json' }, body: '{"settings": ' })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ error: 'The request body is not valid JSON.' })
    expect(text).not.toContain('SyntaxError')
  })

  it('answers unknown API routes with 404 JSON and wrong methods with 405', async () => {
    const missing = await get('/api/nothing-here', { headers: apiHeaders() })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining('/api/nothing-here') })
    const wrong = await get('/api/me', { method: 'DELETE', headers: apiHeaders() })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
  })

  it('answers a malformed percent-escape in an API path with 400 JSON, and decodes a good one', async () => {
    // Straight into the router the API function calls: the sandbox's own router stops such a path
    // before any function, API Gateway passes it on.
    const ask = (path: string) =>
      handleApi(directDeps(), { method: 'GET', path, headers: { authorization: `Bearer ${world().env.DRASON_API_TOKEN}` }, query: {}, body: '', rawBody: new Uint8Array(), client: '203.0.113.9' })
    const bad = await ask('/api/leads/%E0%A4')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: expect.stringContaining('malformed percent-escape') })
    const encoded = await ask('/api/campaigns/no%20such%20campaign')
    expect(encoded).toMatchObject({ status: 404, body: { error: 'No campaign with that id.' } })
    const demo = await ask('/api/campaigns/founders%2Dindia')
    expect(demo).toMatchObject({ status: 200, body: { campaign: { id: 'founders-india' } } })
  })

  it('refuses a change posted from another origin, a sibling subdomain included, and changes nothing', async () => {
    // SameSite=Lax lets a sibling subdomain's form carry the cookie; Remix compares Origin with Host
    // before any action runs (decision 003), so the action never sees the request.
    const cookie = await signIn(admin())
    const before = await directDeps().routing.get()
    const body = new URLSearchParams({ intent: 'disable', ruleId: before.rules[0]!.id, version: String(before.version) }).toString()
    for (const origin of ['https://blog.example.com', 'https://evil.example.com', 'null']) {
      const res = await get('/rules', { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body })
      expect(res.status, origin).toBeGreaterThanOrEqual(400)
    }
    expect(await directDeps().routing.get()).toEqual(before)
  })

  it('starts a listing from its first page when the cursor in the address is forged or stale', async () => {
    const cookie = await signIn(admin())
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
    for (const path of ['/leads?status=held', '/suppressions']) {
      const first = await get(path, { headers: { cookie } })
      expect(first.status).toBe(200)
      for (const cursor of [forged({ a: 'b' }), forged({ pk: 'x', sk: 'y', gsi1pk: 'OTHER#partition', gsi1sk: 'z' }), 'not-base64-json']) {
        const res = await get(`${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`, { headers: { cookie } })
        expect(res.status, `${path} with cursor ${cursor}`).toBe(200)
      }
    }
    // Cursors that carry a key inside: the audit timeline's (a month and a key) and a lead's history.
    const month = new Date().toISOString().slice(0, 7)
    const timeline = await get(`/audit?cursor=${forged({ month, key: { pk: 'x', sk: 'y', gsi1pk: 'MONTH#1999-01', gsi1sk: 'z' } })}`, { headers: { cookie } })
    expect(timeline.status).toBe(200)
    const [lead] = (await directDeps().leads.listByStatus('held', 1)).items
    const history = await get(`/leads/${lead!.id}?cursor=${forged({ pk: 'lead#someone-else', sk: '2026-01-01T00:00:00.000Z#x' })}`, { headers: { cookie } })
    expect(history.status).toBe(200)
  })

  it('changes settings through the API with validation and an audit event naming before and after', async () => {
    const bad = await get('/api/settings', {
      method: 'PATCH',
      headers: { ...apiHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { account: { pauseBounceRate: 2 } } }),
    })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error).toContain('account.pauseBounceRate')

    const current = await (await get('/api/settings', { headers: apiHeaders() })).json()
    const next = current.settings.sending.globalDailyCap + 1
    const ok = await get('/api/settings', {
      method: 'PATCH',
      headers: { ...apiHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ version: current.version, settings: { sending: { globalDailyCap: next } } }),
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ changed: ['sending.globalDailyCap'] })
    const [event] = await latestEvents('settings_updated', 1)
    expect(event).toMatchObject({ actor: { type: 'integration', id: 'api' }, details: { after: { 'sending.globalDailyCap': next } } })

    const stale = await get('/api/settings', {
      method: 'PATCH',
      headers: { ...apiHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ version: current.version, settings: { sending: { globalDailyCap: next + 1 } } }),
    })
    expect(stale.status).toBe(409)
  })
})

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure in the plain-http sandbox) and lets the person in', async () => {
    const res = await postForm('/login', { ...admin(), redirectTo: '/audit' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/audit')
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^__drason=/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(setCookie).not.toMatch(/Secure/i)
    const page = await get('/', { headers: { cookie: setCookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(admin().email)
  })

  it('never redirects off-site after sign-in', async () => {
    for (const redirectTo of ['//evil.example.com/', '/\t/evil.example.com/', '/\\evil.example.com/']) {
      const res = await postForm('/login', { ...admin(), redirectTo })
      expect(res.headers.get('location')).toBe('/')
    }
    const inside = await postForm('/login', { ...admin(), redirectTo: '/audit?entity=lead' })
    expect(inside.headers.get('location')).toBe('/audit?entity=lead')
  })

  it('gives the same answer for a wrong password and an unknown account, and audits both', async () => {
    const wrongPassword = await postForm('/login', { email: admin().email, password: 'not-the-password' })
    const unknown = await postForm('/login', { email: 'nobody-here@drason.test', password: 'whatever-password' })
    expect(wrongPassword.status).toBe(401)
    expect(unknown.status).toBe(401)
    const a = await wrongPassword.text()
    const b = await unknown.text()
    expect(a).toContain(LOGIN_FAILED_MESSAGE)
    expect(b).toContain(LOGIN_FAILED_MESSAGE)
    expect(a).not.toContain('not-the-password')
    const failures = await latestEvents('login_failed', 10)
    expect(failures.map((e) => e.entityId)).toEqual(expect.arrayContaining([admin().email, 'nobody-here@drason.test']))
  })

  it('locks an account after 5 failed attempts, even for the right password, and audits it', async () => {
    const deps = directDeps()
    const user = { email: `locked-${Date.now()}@drason.test`, password: 'correct-horse-battery' }
    await addUser(deps, { type: 'system', id: 'test' }, { ...user, role: 'viewer' })
    for (let i = 0; i < 5; i++) {
      expect((await postForm('/login', { email: user.email, password: `wrong-${i}` })).status).toBe(401)
    }
    const locked = await postForm('/login', user)
    expect(locked.status).toBe(429)
    expect(await locked.text()).toContain(LOGIN_LOCKED_MESSAGE)
    const [event] = await latestEvents('login_locked', 1)
    expect(event).toMatchObject({ entityId: user.email, value: 5, threshold: 5 })
  })

  it('signs out: the old cookie no longer works', async () => {
    const cookie = await signIn(admin())
    expect((await get('/', { headers: { cookie } })).status).toBe(200)
    const out = await postForm('/logout', {}, cookie)
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe('/login')
    expect((await get('/', { headers: { cookie } })).status).toBe(302)
  })

  it('refuses a forged cookie', async () => {
    const res = await get('/', { headers: { cookie: '__drason=InNvbWV0aGluZyI%3D.forged' } })
    expect(res.status).toBe(302)
  })
})

describe('roles', () => {
  it('lets a viewer see every page but change nothing', async () => {
    const cookie = await signIn(TEST_VIEWER)
    for (const path of ['/', '/leads', '/rules', '/campaigns', '/domains', '/suppressions', '/audit', '/settings']) {
      expect((await get(path, { headers: { cookie } })).status, path).toBe(200)
    }
    const before = (await directDeps().settingsStore.get()).version
    const res = await postForm('/settings', { intent: 'settings', version: String(before), 'sending.globalDailyCap': '1' }, cookie)
    expect(res.status).toBe(403)
    expect((await directDeps().settingsStore.get()).version).toBe(before)
    const addUserAttempt = await postForm('/settings', { intent: 'user', email: 'sneaky@drason.test', role: 'admin', password: 'sneaky-password-1' }, cookie)
    expect(addUserAttempt.status).toBe(403)
    expect(await directDeps().users.get('sneaky@drason.test')).toBeNull()
    const [event] = await latestEvents('change_refused', 1)
    expect(event).toMatchObject({ entityId: TEST_VIEWER.email })
  })

  it('lets an admin change settings through the form, audited', async () => {
    const cookie = await signIn(admin())
    const { settings, version } = await directDeps().settingsStore.get()
    const fields: Record<string, string> = { intent: 'settings', version: String(version) }
    for (const [section, values] of Object.entries(settings)) {
      for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
        if (typeof value === 'boolean') {
          if (value) fields[`${section}.${key}`] = 'on'
        } else fields[`${section}.${key}`] = String(value)
      }
    }
    fields['mailbox.pauseHardBounces'] = String(settings.mailbox.pauseHardBounces + 1)
    const res = await postForm('/settings', fields, cookie)
    expect(res.status).toBe(200)
    const after = await directDeps().settingsStore.get()
    expect(after.settings.mailbox.pauseHardBounces).toBe(settings.mailbox.pauseHardBounces + 1)
    expect(after.version).toBe(version + 1)
    const [event] = await latestEvents('settings_updated', 1)
    expect(event).toMatchObject({ actor: { type: 'user', id: admin().email } })
    expect(event!.sentence).toContain('mailbox.pauseHardBounces')
  })
})
