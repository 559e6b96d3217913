import { describe, expect, it } from 'vitest'
import { dummyPasswordHash, hashPassword, hashToken, newToken, tokenMatches, verifyPassword } from '../adapters/crypto.server'
import { LOGIN_FAILED_MESSAGE, LOGIN_LOCKED_MESSAGE, loginWindow } from '../domain/auth'
import type { User } from '../domain/entities'
import { DEFAULT_SETTINGS, type Settings } from '../domain/settings'
import { fixedClock, memoryAuditLog, memorySessions, memoryUsers, sequentialIds } from '../../../test/support/memory'
import { addUser, authenticateBearer, login, logout, sessionUser, type AuthDeps } from './auth'

// Real scrypt (~50-100 ms a hash): users are hashed once here and shared; each test keeps its attempts few.
const ADMIN = { email: 'admin@drason.test', password: 'first-admin-password' }
const VIEWER = { email: 'viewer@drason.test', password: 'viewer-password-123' }
const viewerHash = hashPassword(VIEWER.password)

async function world(options: { settings?: Settings; users?: User[] } = {}) {
  const clock = fixedClock('2026-11-21T09:00:00.000Z')
  const users = memoryUsers(options.users ?? [{ email: VIEWER.email, role: 'viewer', passwordHash: await viewerHash, createdAt: '2026-11-01T00:00:00.000Z' }])
  const sessions = memorySessions()
  const audit = memoryAuditLog()
  const deps: AuthDeps = {
    users,
    sessions,
    audit,
    clock,
    ids: sequentialIds('ev'),
    secrets: { hashPassword, verifyPassword, dummyPasswordHash, newToken, hashToken },
    settings: async () => options.settings ?? DEFAULT_SETTINGS,
    firstAdmin: ADMIN,
  }
  return { deps, clock, users, sessions, audit, actions: () => audit.events.map((e) => e.action) }
}

const CLIENT = '203.0.113.7'
const security = DEFAULT_SETTINGS.security

describe('login', () => {
  it('creates the first admin from the environment on the first sign-in, audited', async () => {
    const w = await world()
    const result = await login(w.deps, { email: ' Admin@Drason.TEST ', password: ADMIN.password, client: CLIENT })

    expect(result).toMatchObject({ ok: true, user: { email: ADMIN.email, role: 'admin' } })
    expect(w.users.users.get(ADMIN.email)).toMatchObject({ role: 'admin', createdAt: '2026-11-21T09:00:00.000Z' })
    expect(w.users.users.get(ADMIN.email)!.passwordHash).not.toContain(ADMIN.password)
    expect(w.actions()).toEqual(['user_created', 'login'])
    expect(w.audit.events[0]).toMatchObject({ actor: { type: 'system', id: 'bootstrap' }, entityType: 'user', entityId: ADMIN.email })
  })

  it('does not create the first admin twice', async () => {
    const w = await world()
    await login(w.deps, { email: ADMIN.email, password: ADMIN.password, client: CLIENT })
    const createdAt = w.users.users.get(ADMIN.email)!.createdAt
    w.clock.advance(60_000)
    await login(w.deps, { email: ADMIN.email, password: ADMIN.password, client: CLIENT })
    expect(w.users.users.get(ADMIN.email)!.createdAt).toBe(createdAt)
    expect(w.actions().filter((a) => a === 'user_created')).toHaveLength(1)
  })

  it('creates a session stored under the hash of its token, never the token, and audits the login', async () => {
    const w = await world()
    const result = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    if (!result.ok) throw new Error(`login failed: ${result.message}`)

    const expiresAt = new Date(Date.parse('2026-11-21T09:00:00.000Z') + security.sessionHours * 3_600_000)
    expect(result.user).toEqual({ email: VIEWER.email, role: 'viewer' })
    expect(result.expiresAt).toEqual(expiresAt)
    expect([...w.sessions.sessions.keys()]).toEqual([hashToken(result.sessionToken)])
    expect(w.sessions.sessions.has(result.sessionToken)).toBe(false)
    expect(w.sessions.sessions.get(hashToken(result.sessionToken))).toEqual({ email: VIEWER.email, role: 'viewer', expiresAt })
    expect(w.audit.events).toEqual([
      {
        id: 'ev-1',
        at: '2026-11-21T09:00:00.000Z',
        actor: { type: 'user', id: VIEWER.email },
        entityType: 'user',
        entityId: VIEWER.email,
        action: 'login',
        sentence: `${VIEWER.email} signed in.`,
        details: { client: CLIENT },
      },
    ])
  })

  it('answers a wrong password and an unknown email with the same message, and audits both', async () => {
    const w = await world()
    const wrongPassword = await login(w.deps, { email: VIEWER.email, password: 'not-the-password', client: CLIENT })
    const unknownEmail = await login(w.deps, { email: 'nobody@drason.test', password: VIEWER.password, client: CLIENT })

    expect(wrongPassword).toEqual({ ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE })
    expect(unknownEmail).toEqual(wrongPassword)
    expect(w.sessions.sessions.size).toBe(0)
    expect(w.audit.events.map((e) => [e.action, e.entityId, e.details])).toEqual([
      ['login_failed', VIEWER.email, { client: CLIENT }],
      ['login_failed', 'nobody@drason.test', { client: CLIENT }],
    ])
    // An unknown email must not create an account on the way.
    expect(w.users.users.has('nobody@drason.test')).toBe(false)
  })

  it('locks one email after loginMaxFailures failures, even for the right password, and audits value and threshold', async () => {
    const w = await world()
    for (let i = 0; i < security.loginMaxFailures; i++) {
      expect(await login(w.deps, { email: VIEWER.email, password: `wrong-${i}`, client: CLIENT })).toMatchObject({ reason: 'invalid' })
    }
    const locked = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })

    expect(locked).toEqual({ ok: false, reason: 'locked', message: LOGIN_LOCKED_MESSAGE })
    expect(w.sessions.sessions.size).toBe(0)
    expect(w.audit.events.at(-1)).toMatchObject({
      action: 'login_locked',
      entityId: VIEWER.email,
      value: security.loginMaxFailures,
      threshold: security.loginMaxFailures,
      window: `${security.loginWindowMinutes} minutes`,
      details: { client: CLIENT },
    })
    // A locked attempt is refused before the password is checked, so it does not add a failure.
    expect(w.actions()).toEqual([...Array<string>(security.loginMaxFailures).fill('login_failed'), 'login_locked'])
  })

  it('lets a burst of parallel attempts check no more passwords than the limit allows', async () => {
    const w = await world()
    for (let i = 0; i < security.loginMaxFailures - 1; i++) await login(w.deps, { email: VIEWER.email, password: `wrong-${i}`, client: CLIENT })
    // One attempt left: six at the same moment get one check between them, the others are refused unchecked.
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => login(w.deps, { email: VIEWER.email, password: `burst-${i}`, client: `198.51.100.${i}` })))
    expect(burst.map((r) => (r.ok ? 'ok' : r.reason)).sort()).toEqual(['invalid', 'locked', 'locked', 'locked', 'locked', 'locked'])
    // The refused ones gave their places back: the count is the failures, no more.
    const windowId = loginWindow(w.clock.now(), security.loginWindowMinutes).id
    expect(w.users.counters.get(`email:${VIEWER.email}|${windowId}`)).toBe(security.loginMaxFailures)
  })

  it('does not count a successful sign-in as a failure', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailures = 2
    const w = await world({ settings })
    await login(w.deps, { email: VIEWER.email, password: 'wrong', client: CLIENT })
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ ok: true })
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ ok: true })
    expect([...w.users.counters.values()]).toEqual([1, 1])
  })

  it('keeps the lockout to the locked email: another account from the same client still signs in', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailures = 2
    const w = await world({ settings })
    await login(w.deps, { email: VIEWER.email, password: 'wrong', client: CLIENT })
    await login(w.deps, { email: VIEWER.email, password: 'wrong', client: CLIENT })
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ reason: 'locked' })
    expect(await login(w.deps, { email: ADMIN.email, password: ADMIN.password, client: CLIENT })).toMatchObject({ ok: true })
  })

  it('counts an email in any spelling towards the same lockout', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailures = 2
    const w = await world({ settings })
    await login(w.deps, { email: VIEWER.email.toUpperCase(), password: 'wrong', client: CLIENT })
    await login(w.deps, { email: ` ${VIEWER.email} `, password: 'wrong', client: '198.51.100.1' })
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: '192.0.2.9' })).toMatchObject({ reason: 'locked' })
  })

  it('unlocks in the next window', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailures = 2
    const w = await world({ settings })
    await login(w.deps, { email: VIEWER.email, password: 'wrong', client: CLIENT })
    await login(w.deps, { email: VIEWER.email, password: 'wrong', client: CLIENT })
    // Still inside the window: locked.
    w.clock.advance(security.loginWindowMinutes * 60_000 - 1)
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ reason: 'locked' })
    // The clock starts at a window boundary, so one more millisecond starts the next window.
    w.clock.advance(1)
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ ok: true })
  })

  it('stops one client guessing across many accounts at loginMaxFailuresPerClient', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailures = 5
    settings.security.loginMaxFailuresPerClient = 3
    const w = await world({ settings })
    for (const name of ['a', 'b', 'c']) {
      expect(await login(w.deps, { email: `${name}@drason.test`, password: 'guess', client: CLIENT })).toMatchObject({ reason: 'invalid' })
    }
    // A fourth account, never tried before, is refused for this client, even with the right password.
    const locked = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    expect(locked).toEqual({ ok: false, reason: 'locked', message: LOGIN_LOCKED_MESSAGE })
    expect(w.audit.events.at(-1)).toMatchObject({ action: 'login_locked', entityId: VIEWER.email, value: 3, threshold: 3, details: { client: CLIENT } })
    // The same account from another client is not affected.
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: '198.51.100.1' })).toMatchObject({ ok: true })
  })

  it('does not lock a client below loginMaxFailuresPerClient', async () => {
    const settings = structuredClone(DEFAULT_SETTINGS)
    settings.security.loginMaxFailuresPerClient = 3
    const w = await world({ settings })
    await login(w.deps, { email: 'a@drason.test', password: 'guess', client: CLIENT })
    await login(w.deps, { email: 'b@drason.test', password: 'guess', client: CLIENT })
    expect(await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })).toMatchObject({ ok: true })
  })
})

describe('sessionUser', () => {
  async function signedIn() {
    const w = await world()
    const result = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    if (!result.ok) throw new Error('login failed')
    return { ...w, token: result.sessionToken, expiresAt: result.expiresAt }
  }

  it('finds the user of a live session', async () => {
    const s = await signedIn()
    expect(await sessionUser(s.deps, s.token)).toEqual({ email: VIEWER.email, role: 'viewer' })
    s.clock.set(new Date(s.expiresAt.getTime() - 1))
    expect(await sessionUser(s.deps, s.token)).toEqual({ email: VIEWER.email, role: 'viewer' })
  })

  it.each([
    ['at the moment it expires', 0],
    ['after it expired', 60_000],
  ])('rejects a session %s', async (_label, afterMs) => {
    const s = await signedIn()
    s.clock.set(new Date(s.expiresAt.getTime() + afterMs))
    expect(await sessionUser(s.deps, s.token)).toBeNull()
  })

  it.each([
    ['an unknown token', 'not-a-session-token'],
    ['the stored hash presented as the token', 'HASH'],
    ['an empty token', ''],
    ['no token', null],
    ['an undefined token', undefined],
  ])('rejects %s', async (_label, token) => {
    const s = await signedIn()
    expect(await sessionUser(s.deps, token === 'HASH' ? hashToken(s.token) : token)).toBeNull()
  })
})

describe('logout', () => {
  it('deletes the session and audits the logout', async () => {
    const w = await world()
    const result = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    if (!result.ok) throw new Error('login failed')
    await logout(w.deps, result.sessionToken, result.user)

    expect(w.sessions.sessions.size).toBe(0)
    expect(await sessionUser(w.deps, result.sessionToken)).toBeNull()
    expect(w.audit.events.at(-1)).toMatchObject({
      actor: { type: 'user', id: VIEWER.email },
      entityType: 'user',
      entityId: VIEWER.email,
      action: 'logout',
      sentence: `${VIEWER.email} signed out.`,
    })
  })

  it('ends only its own session', async () => {
    const w = await world()
    const first = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    const second = await login(w.deps, { email: VIEWER.email, password: VIEWER.password, client: CLIENT })
    if (!first.ok || !second.ok) throw new Error('login failed')
    await logout(w.deps, first.sessionToken, first.user)
    expect(await sessionUser(w.deps, second.sessionToken)).toEqual(second.user)
  })
})

describe('addUser', () => {
  const actor = { type: 'user', id: ADMIN.email } as const

  it.each([
    ['viewer', 'a viewer'],
    ['admin', 'an admin'],
  ] as const)('adds a %s with a hashed password, audited', async (role, phrase) => {
    const w = await world({ users: [] })
    expect(await addUser(w.deps, actor, { email: ' New@Drason.TEST ', role, password: 'new-person-password' })).toEqual({ ok: true })

    const stored = w.users.users.get('new@drason.test')
    expect(stored).toMatchObject({ email: 'new@drason.test', role, createdAt: '2026-11-21T09:00:00.000Z' })
    expect(await verifyPassword('new-person-password', stored!.passwordHash)).toBe(true)
    expect(w.audit.events).toEqual([
      expect.objectContaining({
        actor,
        entityType: 'user',
        entityId: 'new@drason.test',
        action: 'user_created',
        sentence: `${ADMIN.email} added new@drason.test as ${phrase}.`,
        details: { role },
      }),
    ])
  })

  it('refuses an email that already has an account, in any spelling, and changes nothing', async () => {
    const w = await world()
    const before = structuredClone(w.users.users.get(VIEWER.email))
    expect(await addUser(w.deps, actor, { email: VIEWER.email.toUpperCase(), role: 'admin', password: 'another-password' })).toEqual({
      ok: false,
      message: `${VIEWER.email} already has an account.`,
    })
    expect(w.users.users.get(VIEWER.email)).toEqual(before)
    expect(w.audit.events).toEqual([])
  })

  it('refuses a duplicate created at the same moment by someone else (the store refuses it)', async () => {
    const w = await world({ users: [] })
    // The store says "no such user" on the check, then someone else creates it before our write.
    const realGet = w.users.get
    w.users.get = async () => null
    await w.users.create({ email: 'race@drason.test', role: 'viewer', passwordHash: 'x', createdAt: 'then' })
    expect(await addUser(w.deps, actor, { email: 'race@drason.test', role: 'admin', password: 'race-password-1' })).toEqual({
      ok: false,
      message: 'race@drason.test already has an account.',
    })
    w.users.get = realGet
    expect(w.users.users.get('race@drason.test')).toMatchObject({ role: 'viewer' })
    expect(w.audit.events).toEqual([])
  })
})

describe('authenticateBearer', () => {
  const API = 'api-token-0123456789abcdef'
  const INTAKE = 'intake-token-0123456789abcdef'
  const hashes = { api: hashToken(API), intake: hashToken(INTAKE) }
  const apiActor = { ok: true, actor: { type: 'integration', id: 'api' }, role: 'admin' }
  const intakeActor = { ok: true, actor: { type: 'integration', id: 'intake' }, role: 'admin' }

  it.each([
    ['the API token on the API', `Bearer ${API}`, 'api', apiActor],
    ['the API token on a webhook', `Bearer ${API}`, 'webhook', apiActor],
    ['the intake token on a webhook', `Bearer ${INTAKE}`, 'webhook', intakeActor],
    ['the intake token on the API', `Bearer ${INTAKE}`, 'api', { ok: false }],
    ['a lower-case scheme', `bearer ${API}`, 'api', apiActor],
    ['extra spaces around the token', `Bearer   ${API}  `, 'api', apiActor],
    ['an unknown token', 'Bearer not-a-known-token-000000', 'api', { ok: false }],
    ['the stored hash presented as the token', `Bearer ${hashToken(API)}`, 'api', { ok: false }],
    ['no header', undefined, 'api', { ok: false }],
    ['a null header', null, 'webhook', { ok: false }],
    ['an empty header', '', 'api', { ok: false }],
    ['the scheme alone', 'Bearer', 'api', { ok: false }],
    ['the scheme and a space', 'Bearer ', 'api', { ok: false }],
    ['the token without a scheme', API, 'api', { ok: false }],
    ['another scheme', `Basic ${API}`, 'api', { ok: false }],
    ['two words after the scheme', `Bearer ${API} ${API}`, 'api', { ok: false }],
    ['the token glued to the scheme', `Bearer${API}`, 'api', { ok: false }],
  ] as const)('%s', (_label, header, scope, expected) => {
    expect(authenticateBearer(hashes, header, scope, tokenMatches)).toEqual(expected)
  })
})
