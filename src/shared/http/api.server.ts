import * as z from 'zod'
import type { AppDeps } from '../composition.server'
import { auditFilterSchema, listAudit } from '../services/audit-log'
import { authenticateBearer } from '../services/auth'
import { recordAudit } from '../services/audit-log'
import { updateSettings } from '../services/settings'
import { ingestLead } from '../services/intake'
import { controlCampaign, type Control } from '../services/campaign-controls'
import { getCampaignMetrics } from '../services/campaign-metrics'
import { resumeCampaign, resumeDomain, resumeMailbox } from '../services/resume'
import { domainsWithHealth, mailboxesWithHealth } from '../services/sender-health'
import { sesWebhook } from './ses-webhook.server'
import { handleSmartleadWebhook } from '../services/smartlead-webhook'
import { createImport, startImport } from '../services/lead-import'
import { uploadTooLarge } from '../domain/lead-import'
import { LEAD_STATUSES } from '../domain/entities'
import { validateClayLead } from '../domain/lead-intake'
import { normaliseEmail } from '../domain/sanitise'
import { jsonError, parseJsonBody, type ApiRequest, type ApiResponse } from './json.server'

/**
 * The JSON API under /api/. Every request needs a bearer token; every failure answers JSON with a plain
 * message. Routes are matched here; each one validates its input with zod and calls one service.
 */
type Route = {
  method: string
  pattern: RegExp
  run: (deps: AppDeps, req: ApiRequest, actor: { type: 'integration'; id: string }, params: string[]) => Promise<ApiResponse>
}

const problemsOf = (issues: { path: PropertyKey[]; message: string }[]) => issues.map((i) => ({ field: i.path.join('.'), problem: i.message }))

// Clay sends one lead per request; 16 KB holds a richly enriched lead with room to spare and bounds
// what a misconfigured column can make us parse.
export const MAX_WEBHOOK_BYTES = 16 * 1024
// A reply webhook carries the reply's text and HTML: 256 KB is generous, and bounds what we parse.
const MAX_SMARTLEAD_WEBHOOK_BYTES = 256 * 1024

const importQuery = z.object({
  campaign: z.string().min(1).max(64).optional(),
  filename: z.string().min(1).max(200).regex(/\.(csv|xlsx)$/i, 'must end in .csv or .xlsx').optional(),
})

const leadQuery = z.object({
  email: z.string().max(320).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

const settingsPatch = z.object({ version: z.int().min(0).optional(), settings: z.record(z.string(), z.unknown()) })

const routes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/webhooks\/clay$/,
    run: async (deps, req, actor) => {
      // Every refusal is audited, whatever was wrong: a Clay table whose rows all bounce off shows in the log.
      const refused = async (status: number, reason: string, entityId = 'unknown', problems?: { field: string; problem: string }[]) => {
        await recordAudit(deps, {
          actor: { type: 'integration', id: 'clay' },
          entityType: 'lead',
          entityId,
          action: 'intake_rejected',
          sentence: `Refused a lead from Clay: ${problems ? problems.map((p) => `${p.field} ${p.problem}`).join('; ') : reason.replace(/\.$/, '')}.`,
          details: { status, ...(problems ? { problems } : { reason }) },
        })
      }
      if (Buffer.byteLength(req.body, 'utf8') > MAX_WEBHOOK_BYTES) {
        const reason = `The body is larger than ${MAX_WEBHOOK_BYTES / 1024} KB; send one lead per request.`
        await refused(413, reason)
        return jsonError(413, reason)
      }
      const body = parseJsonBody(req)
      if (!body.ok) {
        await refused(body.response.status, String((body.response.body as { error?: unknown }).error ?? 'the body was not accepted'))
        return body.response
      }
      const checked = validateClayLead(body.value)
      if (!checked.ok) {
        const email = typeof (body.value as { email?: unknown })?.email === 'string' ? String((body.value as { email: string }).email).slice(0, 254) : 'unknown'
        await refused(422, 'The lead was not stored: fix the fields listed.', email, checked.problems)
        return jsonError(422, 'The lead was not stored: fix the fields listed.', checked.problems)
      }
      const result = await ingestLead(deps, checked.lead, 'clay', { type: 'integration', id: actor.id === 'api' ? 'api' : 'clay' })
      const { created, ...answer } = result
      return { status: created ? 201 : 200, body: answer }
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/imports$/,
    run: async (deps, req, actor) => {
      const tooLarge = uploadTooLarge(req.rawBody.byteLength)
      if (tooLarge) return jsonError(413, tooLarge)
      const q = importQuery.safeParse(req.query)
      if (!q.success) return jsonError(400, 'Invalid query.', problemsOf(q.error.issues))
      const type = req.headers['content-type'] ?? ''
      const fileName = q.data.filename ?? (/spreadsheetml|xlsx/i.test(type) ? 'upload.xlsx' : 'upload.csv')
      const created = await createImport(deps, actor, { name: fileName, bytes: req.rawBody })
      if (!created.ok) return jsonError(400, created.reason)
      const started = await startImport(deps, actor, created.job.id, created.job.mapping, q.data.campaign ?? null)
      if (!started.ok) return jsonError(started.status, started.errors.join(' '), { id: created.job.id, headers: created.job.headers, mapping: created.job.mapping })
      return { status: 202, body: { id: created.job.id, totalRows: created.job.totalRows, mapping: created.job.mapping } }
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/imports\/([^/]+)$/,
    run: async (deps, _req, _actor, [id]) => {
      const job = await deps.imports.get(id!)
      if (!job) return jsonError(404, 'No import with that id.')
      const errors = await deps.imports.errors(job.id)
      return { status: 200, body: { id: job.id, fileName: job.fileName, status: job.status, totalRows: job.totalRows, counts: job.counts, errors } }
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/campaigns$/,
    run: async (deps) => ({ status: 200, body: { items: await deps.campaigns.list() } }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/campaigns\/([^/]+)$/,
    run: async (deps, _req, _actor, [id]) => {
      const found = await deps.campaigns.get(id!)
      if (!found) return jsonError(404, 'No campaign with that id.')
      const c = found.value
      // The campaign page's numbers (counters only, never a scan), for scripts.
      const [chain, m] = await Promise.all([deps.campaigns.chain(c.id), getCampaignMetrics(deps, c)])
      return {
        status: 200,
        body: {
          campaign: c,
          version: found.version,
          counts: {
            sentToday: m.today.sends,
            dailyCap: c.dailyCap,
            lastDays: m.rateWindowDays,
            sends: m.sends,
            hardBounces: m.hardBounces,
            complaints: m.complaints,
            deliveryFailures: m.deliveryFailures,
            verified: m.verification.whole,
            verifyPassed: m.verification.part,
          },
          chain: { running: chain.running, position: chain.cursor, waitingFor: chain.waitingFor, state: m.chain.kind, explained: m.chain.label },
        },
      }
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/campaigns\/([^/]+)\/(start|pause|resume|abort)$/,
    run: async (deps, _req, actor, [id, control]) => {
      if (control === 'resume') {
        // The same rule and audit as the screen: the warning says when the cause is still present.
        const resumed = await resumeCampaign(deps, actor, id!)
        return resumed.ok ? { status: 200, body: { status: 'active', warning: resumed.warning } } : jsonError(resumed.status, resumed.message)
      }
      const result = await controlCampaign(deps, actor, id!, control as Control)
      return result.ok ? { status: 200, body: { status: result.status } } : jsonError(result.status, result.message)
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/mailboxes$/,
    run: async (deps) => ({ status: 200, body: { items: await mailboxesWithHealth(deps) } }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/domains$/,
    run: async (deps) => ({ status: 200, body: { items: await domainsWithHealth(deps) } }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/(mailboxes|domains)\/([^/]+)\/resume$/,
    run: async (deps, _req, actor, [kind, id]) => {
      const result = kind === 'mailboxes' ? await resumeMailbox(deps, actor, id!) : await resumeDomain(deps, actor, id!)
      return result.ok ? { status: 200, body: { status: kind === 'mailboxes' ? 'active' : 'healthy', warning: result.warning } } : jsonError(result.status, result.message)
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/leads\/([^/]+)$/,
    run: async (deps, _req, _actor, [id]) => {
      const lead = await deps.leads.get(id!)
      return lead ? { status: 200, body: { lead } } : jsonError(404, 'No lead with that id.')
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/leads$/,
    run: async (deps, req) => {
      const q = leadQuery.safeParse(req.query)
      if (!q.success) return jsonError(400, 'Invalid query.', problemsOf(q.error.issues))
      if (q.data.email !== undefined) {
        const email = normaliseEmail(q.data.email)
        if (!email.ok) return jsonError(400, `email: ${email.reason}`)
        const id = await deps.leads.idForEmail(email.email)
        const lead = id ? await deps.leads.get(id) : null
        return { status: 200, body: { items: lead ? [lead] : [], nextCursor: null } }
      }
      const page = await deps.leads.listByStatus(q.data.status ?? 'held', q.data.limit, q.data.cursor)
      return { status: 200, body: page }
    },
  },
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
      if (!filter.success) return jsonError(400, 'Invalid filter.', problemsOf(filter.error.issues))
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
        return jsonError(400, 'Send {"settings": {...}} with the values to change.', problemsOf(input.error.issues))
      }
      const result = await updateSettings(deps, actor, input.data.settings, input.data.version)
      if (!result.ok) return jsonError(result.status, result.errors.join(' '), result.errors)
      return { status: 200, body: { settings: result.settings, changed: result.changed } }
    },
  },
]

export async function handleApi(deps: AppDeps, req: ApiRequest): Promise<ApiResponse> {
  // SNS cannot send a bearer token: the SES webhook authenticates each message by its SNS signature.
  if (req.path === '/api/webhooks/ses') {
    if (req.method !== 'POST') return { ...jsonError(405, `${req.method} is not allowed on ${req.path}.`), headers: { allow: 'POST' } }
    return sesWebhook(deps, req)
  }
  // Smartlead puts a secret in the body instead of a header: checked (in constant time) by the service.
  if (req.path === '/api/webhooks/smartlead') {
    if (req.method !== 'POST') return { ...jsonError(405, `${req.method} is not allowed on ${req.path}.`), headers: { allow: 'POST' } }
    if (Buffer.byteLength(req.body, 'utf8') > MAX_SMARTLEAD_WEBHOOK_BYTES) return jsonError(413, 'The body is larger than a Smartlead webhook can be.')
    const body = parseJsonBody(req)
    if (!body.ok) return body.response
    const result = await handleSmartleadWebhook(deps, body.value)
    return result.ok ? { status: 200, body: { outcome: result.outcome, type: result.type } } : jsonError(result.status, result.message)
  }
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
  // Path parameters arrive percent-encoded; decoded once here, and a malformed escape is the client's error.
  let params: string[]
  try {
    params = route.pattern
      .exec(req.path)!
      .slice(1)
      .map((p) => (p === undefined ? p : decodeURIComponent(p)))
  } catch {
    return jsonError(400, `The path ${req.path} has a malformed percent-escape.`)
  }
  return route.run(deps, req, auth.actor as { type: 'integration'; id: string }, params)
}
