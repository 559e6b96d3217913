import { createCookie, redirect } from '@remix-run/node'
import { canChange } from '../../src/shared/domain/auth'
import { appDeps, type AppDeps } from '../../src/shared/composition.server'
import { sessionUser, type SessionUser } from '../../src/shared/services/auth'
import type { Actor } from '../../src/shared/domain/audit'
import { recordAudit } from '../../src/shared/services/audit-log'

/**
 * The session cookie carries a random token (signed with DRASON_SESSION_SECRET); the sessions table keeps
 * only its SHA-256. HttpOnly (no script can read it), SameSite=Lax (other sites cannot post forms with it),
 * Secure everywhere but the plain-http sandbox.
 */
let cookie: ReturnType<typeof createCookie> | undefined
function sessionCookie(deps: AppDeps) {
  cookie ??= createCookie('__drason', {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    path: '/',
    secrets: [deps.config.DRASON_SESSION_SECRET],
  })
  return cookie
}

export async function readSessionToken(deps: AppDeps, request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie(deps).parse(request.headers.get('Cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}

export async function commitSession(deps: AppDeps, token: string, expiresAt: Date): Promise<string> {
  return sessionCookie(deps).serialize(token, { expires: expiresAt })
}

export async function destroySessionCookie(deps: AppDeps): Promise<string> {
  return sessionCookie(deps).serialize('', { maxAge: 0 })
}

export interface Viewer {
  deps: AppDeps
  user: SessionUser
  token: string
  /** What this user is called in audit events. */
  actor: Actor
  canChange: boolean
}

/** Loaders and actions start here: a signed-in user or a redirect to the login page. */
export async function requireUser(request: Request): Promise<Viewer> {
  const deps = await appDeps()
  const token = await readSessionToken(deps, request)
  const user = await sessionUser(deps, token)
  if (!user || !token) {
    const url = new URL(request.url)
    const back = url.pathname + url.search
    throw redirect(back === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`)
  }
  return { deps, user, token, actor: { type: 'user', id: user.email }, canChange: canChange(user.role) }
}

/** Every state-changing action calls this: a viewer sees everything and changes nothing. */
export async function requireAdmin(request: Request): Promise<Viewer> {
  const viewer = await requireUser(request)
  if (!viewer.canChange) {
    await recordAudit(viewer.deps, {
      actor: viewer.actor,
      entityType: 'user',
      entityId: viewer.user.email,
      action: 'change_refused',
      sentence: `Refused a change by ${viewer.user.email}: viewers can look but not change.`,
      details: { path: new URL(request.url).pathname },
    })
    throw new Response('Viewers cannot change anything.', { status: 403 })
  }
  return viewer
}

