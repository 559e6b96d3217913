import {
  LOGIN_FAILED_MESSAGE,
  LOGIN_LOCKED_MESSAGE,
  isLockedOut,
  loginWindow,
  normaliseLoginEmail,
} from '../domain/auth'
import type { Actor } from '../domain/audit'
import type { Role, User } from '../domain/entities'
import type { Settings } from '../domain/settings'
import { recordAudit, type AuditDeps } from './audit-log'

/** Ports this service needs, named after their roles. */
export interface UserStore {
  get(email: string): Promise<User | null>
  create(user: User): Promise<void>
  /** Adds one to a window's failure count and answers the new count (one atomic write). */
  addFailure(key: string, windowId: string, expiresAt: Date): Promise<number>
  /** Takes one back: an attempt that did not fail (it signed in, or was refused unchecked). */
  releaseFailure(key: string, windowId: string): Promise<void>
}
export interface SessionStore {
  create(idHash: string, session: { email: string; role: Role; expiresAt: Date }): Promise<void>
  get(idHash: string): Promise<{ email: string; role: Role; expiresAt: Date } | null>
  delete(idHash: string): Promise<void>
}
export interface Secrets {
  hashPassword(password: string): Promise<string>
  verifyPassword(password: string, stored: string): Promise<boolean>
  /** A stored-format hash that never matches, costing as much as a real check. */
  dummyPasswordHash(): Promise<string>
  newToken(): string
  hashToken(token: string): string
}

export interface AuthDeps extends AuditDeps {
  users: UserStore
  sessions: SessionStore
  secrets: Secrets
  settings(): Promise<Settings>
  /** The first admin, from DRASON_ADMIN_EMAIL / DRASON_ADMIN_PASSWORD: created on first sign-in. */
  firstAdmin: { email: string; password: string }
}

export interface SessionUser {
  email: string
  role: Role
}

export type LoginResult =
  | { ok: true; sessionToken: string; user: SessionUser; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'locked'; message: string }

async function ensureFirstAdmin(deps: AuthDeps, email: string): Promise<void> {
  if (email !== normaliseLoginEmail(deps.firstAdmin.email)) return
  if (await deps.users.get(email)) return
  try {
    await deps.users.create({
      email,
      role: 'admin',
      passwordHash: await deps.secrets.hashPassword(deps.firstAdmin.password),
      createdAt: deps.clock.now().toISOString(),
    })
  } catch (err) {
    // Two first sign-ins at once: the other one created it, which is what we wanted.
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err
    return
  }
  await recordAudit(deps, {
    actor: { type: 'system', id: 'bootstrap' },
    entityType: 'user',
    entityId: email,
    action: 'user_created',
    sentence: `Created the first admin account ${email} from the environment.`,
  })
}

export async function login(deps: AuthDeps, input: { email: string; password: string; client: string }): Promise<LoginResult> {
  const email = normaliseLoginEmail(input.email)
  const { security } = await deps.settings()
  const window = loginWindow(deps.clock.now(), security.loginWindowMinutes)
  const counterKeys = [`email:${email}`, `client:${input.client}`]

  // Every attempt takes its place in the failure counts before its password is checked, in one atomic
  // write per count: attempts made at the same moment each get their own place, so a burst of parallel
  // guesses gets no more checks than the limit allows (reading the counts first would let them all
  // through). An attempt that does not fail gives its place back.
  const places = await Promise.all(counterKeys.map((k) => deps.users.addFailure(k, window.id, window.endsAt)))
  const giveBack = () => Promise.all(counterKeys.map((k) => deps.users.releaseFailure(k, window.id)))
  const [emailFailures = 0, clientFailures = 0] = places.map((place) => place - 1)
  if (isLockedOut(emailFailures, security.loginMaxFailures) || isLockedOut(clientFailures, security.loginMaxFailuresPerClient)) {
    await giveBack()
    await recordAudit(deps, {
      actor: { type: 'user', id: email },
      entityType: 'user',
      entityId: email,
      action: 'login_locked',
      value: isLockedOut(emailFailures, security.loginMaxFailures) ? emailFailures : clientFailures,
      threshold: isLockedOut(emailFailures, security.loginMaxFailures) ? security.loginMaxFailures : security.loginMaxFailuresPerClient,
      window: `${security.loginWindowMinutes} minutes`,
      sentence: `Refused a sign-in for ${email}: too many failed attempts in ${security.loginWindowMinutes} minutes.`,
      details: { client: input.client },
    })
    return { ok: false, reason: 'locked', message: LOGIN_LOCKED_MESSAGE }
  }

  await ensureFirstAdmin(deps, email)
  const user = await deps.users.get(email)
  // Verify against a dummy hash when there is no user, so timing does not reveal which emails exist.
  const matched = await deps.secrets.verifyPassword(input.password, user?.passwordHash ?? (await deps.secrets.dummyPasswordHash()))
  if (!user || !matched) {
    await recordAudit(deps, {
      actor: { type: 'user', id: email },
      entityType: 'user',
      entityId: email,
      action: 'login_failed',
      sentence: `A sign-in as ${email} failed.`,
      details: { client: input.client },
    })
    return { ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE }
  }

  await giveBack()
  const sessionToken = deps.secrets.newToken()
  const expiresAt = new Date(deps.clock.now().getTime() + security.sessionHours * 3_600_000)
  await deps.sessions.create(deps.secrets.hashToken(sessionToken), { email, role: user.role, expiresAt })
  await recordAudit(deps, {
    actor: { type: 'user', id: email },
    entityType: 'user',
    entityId: email,
    action: 'login',
    sentence: `${email} signed in.`,
    details: { client: input.client },
  })
  return { ok: true, sessionToken, user: { email, role: user.role }, expiresAt }
}

export async function sessionUser(deps: Pick<AuthDeps, 'sessions' | 'secrets' | 'clock'>, token: string | null | undefined): Promise<SessionUser | null> {
  if (!token) return null
  const session = await deps.sessions.get(deps.secrets.hashToken(token))
  if (!session || session.expiresAt.getTime() <= deps.clock.now().getTime()) return null
  return { email: session.email, role: session.role }
}

export async function logout(deps: AuthDeps, token: string, user: SessionUser): Promise<void> {
  await deps.sessions.delete(deps.secrets.hashToken(token))
  await recordAudit(deps, {
    actor: { type: 'user', id: user.email },
    entityType: 'user',
    entityId: user.email,
    action: 'logout',
    sentence: `${user.email} signed out.`,
  })
}

/** Adds a person (admin only; the handler checks the role). */
export async function addUser(
  deps: AuthDeps,
  actor: Actor,
  input: { email: string; role: Role; password: string },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const email = normaliseLoginEmail(input.email)
  if (await deps.users.get(email)) return { ok: false, message: `${email} already has an account.` }
  try {
    await deps.users.create({ email, role: input.role, passwordHash: await deps.secrets.hashPassword(input.password), createdAt: deps.clock.now().toISOString() })
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return { ok: false, message: `${email} already has an account.` }
    throw err
  }
  await recordAudit(deps, {
    actor,
    entityType: 'user',
    entityId: email,
    action: 'user_created',
    sentence: `${actor.id} added ${email} as ${input.role === 'admin' ? 'an admin' : 'a viewer'}.`,
    details: { role: input.role },
  })
  return { ok: true }
}

/**
 * Bearer tokens for /api/. The configured tokens are kept only as SHA-256 digests and compared in
 * constant time. The intake token is accepted only on webhook paths; the API token everywhere under /api/.
 */
export interface TokenHashes {
  api: string
  intake: string
}
export type BearerResult = { ok: true; actor: Actor; role: Role } | { ok: false }

export function authenticateBearer(
  hashes: TokenHashes,
  header: string | null | undefined,
  scope: 'api' | 'webhook',
  matches: (presented: string, storedHash: string) => boolean,
): BearerResult {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (!m?.[1]) return { ok: false }
  const presented = m[1]
  // Compare against both without short-circuiting, so timing does not reveal which one matched.
  const isApi = matches(presented, hashes.api)
  const isIntake = matches(presented, hashes.intake)
  if (isApi) return { ok: true, actor: { type: 'integration', id: 'api' }, role: 'admin' }
  if (isIntake && scope === 'webhook') return { ok: true, actor: { type: 'integration', id: 'intake' }, role: 'admin' }
  return { ok: false }
}
