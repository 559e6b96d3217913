import { inject } from 'vitest'
import { createDb, sandboxTableNames } from '../../src/shared/adapters/dynamo/db.server'
import { buildDeps, type AppDeps } from '../../src/shared/composition.server'
import { parseConfig } from '../../src/shared/config.server'

export interface WorldInfo {
  baseUrl: string
  tablesEndpoint: string
  sesUrl: string
  verifierUrl: string
  smartleadUrl: string
  env: Record<string, string>
}

export const TEST_VIEWER = { email: 'viewer@drason.test', password: 'viewer-password-123' }

export function world(): WorldInfo {
  return inject('world')
}

export function admin(): { email: string; password: string } {
  const env = world().env
  return { email: env.DRASON_ADMIN_EMAIL!, password: env.DRASON_ADMIN_PASSWORD! }
}

/** Direct access to the same DynamoDB Local the sandbox uses, through the app's own adapters. */
export function directDeps(overrides: Parameters<typeof buildDeps>[2] = {}, env: Record<string, string> = {}): AppDeps {
  const w = world()
  const db = createDb({ endpoint: w.tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
  return buildDeps(db, parseConfig({ ...w.env, ARC_ENV: 'testing', ...env }), overrides)
}

/** A fetch that never follows redirects, so tests see them. */
export function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${world().baseUrl}${path}`, { redirect: 'manual', ...init })
}

export function postForm(path: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${world().baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  })
}

/** Signs in through the real login form; returns the cookie header to send back. */
export async function signIn(user: { email: string; password: string }): Promise<string> {
  const res = await postForm('/login', { email: user.email, password: user.password, redirectTo: '/' })
  if (res.status !== 302) throw new Error(`sign-in as ${user.email} answered ${res.status}`)
  const setCookie = res.headers.get('set-cookie') ?? ''
  return setCookie.split(';')[0]!
}

export function apiHeaders(token = world().env.DRASON_API_TOKEN!): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}
