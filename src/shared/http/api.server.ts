import * as z from 'zod'
import type { AppDeps } from '../composition.server'
import { auditFilterSchema, listAudit } from '../services/audit-log'
import { authenticateBearer } from '../services/auth'
import { recordAudit } from '../services/audit-log'
import { updateSettings } from '../services/settings'
import { jsonError, parseJsonBody, type ApiRequest, type ApiResponse } from './json.server'

/**
 * The JSON API under /api/. Every request needs a bearer token; every failure answers JSON with a plain
 * message. Routes are matched here; each one validates its input with zod and calls one service.
 */
type Route = {
  method: string
  pattern: RegExp
  run: (deps: AppDeps, req: ApiRequest, actor: { type: 'integration'; id: string }) => Promise<ApiResponse>
}

const settingsPatch = z.object({ version: z.int().min(0).optional(), settings: z.record(z.string(), z.unknown()) })

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/me$/,
    run: async (_deps, _req, actor) => ({ status: 200, body: { actor } }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/audit$/,
    run: async (deps, req) => {
      const filter = auditFilterSchema.safeParse(req.query)
      if (!filter.success) return jsonError(400, 'Invalid filter.', filter.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })))
      const page = await listAudit(deps, filter.data)
      return { status: 200, body: page }
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/settings$/,
    run: async (deps) => {
      const { settings, version } = await deps.settingsStore.get()
      return { status: 200, body: { settings, version } }
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/api\/settings$/,
    run: async (deps, req, actor) => {
      const body = parseJsonBody(req)
      if (!body.ok) return body.response
      const input = settingsPatch.safeParse(body.value)
      if (!input.success) {
        return jsonError(400, 'Send {"settings": {...}} with the values to change.', input.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })))
      }
      const result = await updateSettings(deps, actor, input.data.settings, input.data.version)
      if (!result.ok) return jsonError(result.status, result.errors.join(' '), result.errors)
      return { status: 200, body: { settings: result.settings, changed: result.changed } }
    },
  },
]

export async function handleApi(deps: AppDeps, req: ApiRequest): Promise<ApiResponse> {
  const scope = req.path.startsWith('/api/webhooks/') ? 'webhook' : 'api'
  const auth = authenticateBearer(deps.tokenHashes, req.headers.authorization, scope, deps.tokenMatches)
  if (!auth.ok) {
    await recordAudit(deps, {
      actor: { type: 'integration', id: 'unknown' },
      entityType: 'user',
      entityId: 'api',
      action: 'api_auth_failed',
      sentence: `Refused an API request to ${req.method} ${req.path}: missing or wrong bearer token.`,
      details: { client: req.client },
    })
    return { status: 401, body: { error: 'Authentication required: send Authorization: Bearer <token>.' }, headers: { 'www-authenticate': 'Bearer' } }
  }
  const matching = routes.filter((r) => r.pattern.test(req.path))
  if (matching.length === 0) return jsonError(404, `No API route ${req.path}.`)
  const route = matching.find((r) => r.method === req.method)
  if (!route) return { ...jsonError(405, `${req.method} is not allowed on ${req.path}.`), headers: { allow: matching.map((r) => r.method).join(', ') } }
  return route.run(deps, req, auth.actor as { type: 'integration'; id: string })
}
