import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local Smartlead API v1 that follows ../shared/contracts/smartlead.md, for tests, benchmarks and
 * `npm start`. It keeps state: campaigns with their status, email accounts, leads per campaign (one lead per
 * address, across campaigns, as Smartlead keeps them) and each lead's paused state in a campaign.
 *
 * Every request needs `?api_key=` (401 `{"message":"Invalid API Key"}` otherwise, not counted against the
 * limit). Authorised requests draw from a token bucket (default 60 a minute, starting full): an empty
 * bucket answers 429 with `Retry-After` and the contract's RATE_LIMIT_EXCEEDED body. The clock is
 * injectable, so a benchmark's fake clock drives the bucket too.
 *
 * Add-leads answers are chosen by address, so tests and demos are deterministic:
 *
 * | address                       | counted as                                  |
 * |-------------------------------|---------------------------------------------|
 * | not `local@domain.tld`        | `invalid_emails` / `invalid_email_count`    |
 * | repeated inside one request   | `duplicate_count`                           |
 * | *@unsubscribed.test, or `unsubscribe()`d | `unsubscribed_leads`             |
 * | *@blocked.test, or `block()`ed (address or domain) | `block_count`          |
 * | *@bounced.test                | `bounce_count` (the community bounce list)  |
 * | already in the campaign       | `already_added_to_campaign` (data updated)  |
 * | over `leadLimit` leads in all | `lead_import_stopped_count`, `is_lead_limit_exhausted` |
 * | anything else                 | added (`total_leads`)                       |
 *
 * Settings `ignore_unsubscribe_list`, `ignore_global_block_list` and `ignore_community_bounce_list` switch
 * the matching rows off. Unknown settings keys, more than `maxLeadsPerRequest` leads, a lead without an
 * email, or more than 20 / non-text custom fields answer 400, as the contract says the real API does.
 *
 * Controls for tests: `failNext(n, status)` (or `'network'` to drop the connection; `afterApplying` to
 * fail after the change was made, as a lost answer), `setCampaignStatus`, `setEmailAccount`, `addCampaign`,
 * `block`, `unsubscribe`, the `requests` log, and `leadsOf` / `campaign` to read the state.
 */

export type FakeCampaignStatus = 'DRAFTED' | 'ACTIVE' | 'COMPLETED' | 'STOPPED' | 'PAUSED'

export interface FakeEmailAccount {
  id: number
  from_name: string
  from_email: string
  message_per_day: number
  daily_sent_count: number
  is_smtp_success: boolean
  is_imap_success: boolean
  smtp_failure_error: string | null
  imap_failure_error: string | null
  type: 'SMTP' | 'GMAIL' | 'ZOHO' | 'OUTLOOK'
  warmup_status: 'ACTIVE' | 'INACTIVE' | 'PAUSED'
}

export interface FakeCampaignSeed {
  id: number
  name: string
  status?: FakeCampaignStatus
  maxLeadsPerDay?: number
  emailAccounts?: FakeEmailAccount[]
}

export interface FakeLead {
  id: number
  email: string
  /** The lead's fields as last pushed (first_name, company_name, custom_fields…). */
  data: Record<string, unknown>
  /** In this campaign. */
  status: 'ACTIVE' | 'PAUSED'
}

export interface FakeRequest {
  method: string
  /** The path without the query string, e.g. `/api/v1/campaigns/3001/leads`. */
  path: string
  /** Query parameters other than `api_key`. */
  query: Record<string, string>
  auth: 'ok' | 'wrong' | 'missing'
  body: unknown
  status: number
  /** Epoch ms on the fake's clock. */
  at: number
}

export interface FailOptions {
  body?: unknown
  /** For a 429: the Retry-After header, in seconds (default 1). */
  retryAfterSeconds?: number
  /** Make the change, then answer the failure: an answer lost on the way back. */
  afterApplying?: boolean
}

export interface FakeSmartleadOptions {
  host?: string
  /** 0 picks a free port. */
  port: number
  apiKey: string
  /** The token bucket's size and refill per minute: Smartlead's documented 60. */
  ratePerMinute?: number
  /** The contract's sources say 100, 350 and 400 leads per request; the fake enforces 100 unless told. */
  maxLeadsPerRequest?: number
  /** The plan's lead quota across all campaigns (default: none). */
  leadLimit?: number
  clock?: { now(): Date }
  /** Seed the demo campaign and its two email accounts (default true). */
  seedDemo?: boolean
  campaigns?: FakeCampaignSeed[]
}

export interface FakeSmartlead {
  /** The base URL the adapter takes: `http://127.0.0.1:<port>/api/v1`. */
  url: string
  port: number
  server: Server
  requests: FakeRequest[]
  close(): Promise<void>
  failNext(n: number, status: number | 'network', options?: FailOptions): void
  setCampaignStatus(id: number, status: FakeCampaignStatus): void
  setEmailAccount(id: number, patch: Partial<Omit<FakeEmailAccount, 'id'>>): void
  addCampaign(seed: FakeCampaignSeed): void
  block(addressOrDomain: string): void
  unsubscribe(address: string): void
  campaign(id: number): { id: number; name: string; status: FakeCampaignStatus; emailAccountIds: number[] } | null
  leadsOf(campaignId: number): FakeLead[]
}

export const DEMO_SMARTLEAD_CAMPAIGN_ID = 3001
export const DEMO_SMARTLEAD_ACCOUNT_IDS = [5001, 5002] as const

export function account(id: number, from_email: string, patch: Partial<Omit<FakeEmailAccount, 'id' | 'from_email'>> = {}): FakeEmailAccount {
  return {
    id,
    from_name: 'Drason Demo',
    from_email,
    message_per_day: 40,
    daily_sent_count: 0,
    is_smtp_success: true,
    is_imap_success: true,
    smtp_failure_error: null,
    imap_failure_error: null,
    type: 'SMTP',
    warmup_status: 'ACTIVE',
    ...patch,
  }
}

/** One Smartlead campaign for the demo workspace, with two working email accounts. */
export const DEMO_SMARTLEAD_CAMPAIGN: FakeCampaignSeed = {
  id: DEMO_SMARTLEAD_CAMPAIGN_ID,
  name: 'Founders — Smartlead demo',
  status: 'ACTIVE',
  maxLeadsPerDay: 100,
  emailAccounts: [
    account(DEMO_SMARTLEAD_ACCOUNT_IDS[0], 'maya@outreach.drason-demo.test', { from_name: 'Maya Iyer', message_per_day: 40, daily_sent_count: 12 }),
    account(DEMO_SMARTLEAD_ACCOUNT_IDS[1], 'arjun@outreach.drason-demo.test', { from_name: 'Arjun Rao', message_per_day: 30, daily_sent_count: 0 }),
  ],
}

const SETTINGS = ['ignore_global_block_list', 'ignore_unsubscribe_list', 'ignore_community_bounce_list', 'ignore_duplicate_leads_in_other_campaign'] as const
const LEAD_FIELDS = ['first_name', 'last_name', 'phone_number', 'company_name', 'website', 'location', 'linkedin_profile', 'company_url', 'custom_fields'] as const
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const CREATED = '2026-11-01T09:00:00.000Z'

interface CampaignState {
  id: number
  name: string
  status: FakeCampaignStatus
  maxLeadsPerDay: number
  accountIds: number[]
  /** lead id → state in this campaign */
  leads: Map<number, { status: 'ACTIVE' | 'PAUSED' }>
}

class BadRequest extends Error {}

export async function startFakeSmartlead(options: FakeSmartleadOptions): Promise<FakeSmartlead> {
  const clock = options.clock ?? { now: () => new Date() }
  const capacity = options.ratePerMinute ?? 60
  const maxLeads = options.maxLeadsPerRequest ?? 100
  const leadLimit = options.leadLimit ?? Number.POSITIVE_INFINITY

  const campaigns = new Map<number, CampaignState>()
  const accounts = new Map<number, FakeEmailAccount>()
  /** Leads are the account's, not a campaign's: one per address. */
  const leadsByEmail = new Map<string, { id: number; email: string; data: Record<string, unknown> }>()
  const leadsById = new Map<number, { id: number; email: string; data: Record<string, unknown> }>()
  const blocked = new Set<string>()
  const unsubscribed = new Set<string>()
  const requests: FakeRequest[] = []
  const failures: { status: number | 'network'; options: FailOptions }[] = []
  let nextLeadId = 90_000_001
  let tokens = capacity
  let refilledAt = clock.now().getTime()

  function addCampaign(seed: FakeCampaignSeed) {
    for (const a of seed.emailAccounts ?? []) accounts.set(a.id, { ...a })
    campaigns.set(seed.id, {
      id: seed.id,
      name: seed.name,
      status: seed.status ?? 'ACTIVE',
      maxLeadsPerDay: seed.maxLeadsPerDay ?? 100,
      accountIds: (seed.emailAccounts ?? []).map((a) => a.id),
      leads: new Map(),
    })
  }
  if (options.seedDemo ?? true) addCampaign(DEMO_SMARTLEAD_CAMPAIGN)
  for (const seed of options.campaigns ?? []) addCampaign(seed)

  /** Refill by elapsed time, then take one token; or the seconds until one is there. */
  function draw(now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const perMs = capacity / 60_000
    tokens = Math.min(capacity, tokens + (now - refilledAt) * perMs)
    refilledAt = now
    if (tokens >= 1) {
      tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) }
  }

  function campaignJson(c: CampaignState) {
    return {
      id: c.id,
      user_id: 98765,
      created_at: CREATED,
      updated_at: CREATED,
      status: c.status,
      name: c.name,
      track_settings: ['DONT_TRACK_EMAIL_OPEN'],
      scheduler_cron_value: { tz: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], startHour: '09:00', endHour: '17:00' },
      min_time_btwn_emails: 10,
      max_leads_per_day: c.maxLeadsPerDay,
      stop_lead_settings: 'REPLY_TO_AN_EMAIL',
      unsubscribe_text: '',
      client_id: null,
      enable_ai_esp_matching: false,
      send_as_plain_text: false,
      follow_up_percentage: 40,
      parent_campaign_id: null,
    }
  }

  function accountJson(a: FakeEmailAccount) {
    const host = a.from_email.slice(a.from_email.indexOf('@') + 1)
    return {
      id: a.id,
      created_at: CREATED,
      updated_at: CREATED,
      user_id: 98765,
      from_name: a.from_name,
      from_email: a.from_email,
      username: a.from_email,
      password: '********',
      imap_password: '********',
      smtp_host: `smtp.${host}`,
      smtp_port: 587,
      smtp_port_type: 'TLS',
      message_per_day: a.message_per_day,
      different_reply_to_address: '',
      is_different_imap_account: false,
      imap_username: a.from_email,
      imap_host: `imap.${host}`,
      imap_port: 993,
      imap_port_type: 'SSL',
      signature: '',
      custom_tracking_domain: '',
      bcc_email: '',
      is_smtp_success: a.is_smtp_success,
      is_imap_success: a.is_imap_success,
      smtp_failure_error: a.smtp_failure_error,
      imap_failure_error: a.imap_failure_error,
      type: a.type,
      daily_sent_count: a.daily_sent_count,
      client_id: null,
      campaign_count: 1,
      minTimeToWaitInMins: 8,
      warmup_details: {
        id: a.id + 70_000,
        status: a.warmup_status,
        total_sent_count: 600,
        total_spam_count: 3,
        warmup_reputation: '98%',
        warmup_key_id: 'demo-key',
        warmup_created_at: CREATED,
        reply_rate: 35,
        blocked_reason: null,
      },
    }
  }

  function addLeads(c: CampaignState, body: unknown) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('"value" must be of type object')
    const { lead_list, settings = {} } = body as { lead_list?: unknown; settings?: unknown }
    if (!Array.isArray(lead_list)) throw new BadRequest('"lead_list" is required')
    if (lead_list.length === 0) throw new BadRequest('"lead_list" must contain at least 1 items')
    if (lead_list.length > maxLeads) throw new BadRequest(`"lead_list" must contain less than or equal to ${maxLeads} items`)
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) throw new BadRequest('"settings" must be of type object')
    for (const [k, v] of Object.entries(settings)) {
      if (!(SETTINGS as readonly string[]).includes(k)) throw new BadRequest(`"settings.${k}" is not allowed`)
      if (typeof v !== 'boolean') throw new BadRequest(`"settings.${k}" must be a boolean`)
    }
    const s = settings as Partial<Record<(typeof SETTINGS)[number], boolean>>
    lead_list.forEach((lead: unknown, i) => {
      if (!lead || typeof lead !== 'object' || typeof (lead as { email?: unknown }).email !== 'string') throw new BadRequest(`"lead_list[${i}].email" is required`)
      const custom = (lead as { custom_fields?: unknown }).custom_fields
      if (custom !== undefined) {
        if (!custom || typeof custom !== 'object' || Array.isArray(custom)) throw new BadRequest(`"lead_list[${i}].custom_fields" must be of type object`)
        const entries = Object.entries(custom)
        if (entries.length > 20) throw new BadRequest(`"lead_list[${i}].custom_fields" must have less than or equal to 20 keys`)
        const bad = entries.find(([, v]) => typeof v !== 'string')
        if (bad) throw new BadRequest(`"lead_list[${i}].custom_fields.${bad[0]}" must be a string`)
      }
    })

    const answer = {
      ok: true,
      upload_count: lead_list.length,
      total_leads: 0,
      block_count: 0,
      duplicate_count: 0,
      invalid_email_count: 0,
      invalid_emails: [] as string[],
      already_added_to_campaign: 0,
      unsubscribed_leads: [] as string[],
      is_lead_limit_exhausted: false,
      lead_import_stopped_count: 0,
      bounce_count: 0,
    }
    const seen = new Set<string>()
    for (const raw of lead_list as ({ email: string } & Record<string, unknown>)[]) {
      const email = raw.email.trim()
      const key = email.toLowerCase()
      const domain = key.slice(key.lastIndexOf('@') + 1)
      if (!EMAIL.test(email)) {
        answer.invalid_email_count++
        answer.invalid_emails.push(email)
        continue
      }
      if (seen.has(key)) {
        answer.duplicate_count++
        continue
      }
      seen.add(key)
      if (!s.ignore_unsubscribe_list && (unsubscribed.has(key) || domain === 'unsubscribed.test')) {
        answer.unsubscribed_leads.push(email)
        continue
      }
      if (!s.ignore_global_block_list && (blocked.has(key) || blocked.has(domain) || domain === 'blocked.test')) {
        answer.block_count++
        continue
      }
      if (!s.ignore_community_bounce_list && domain === 'bounced.test') {
        answer.bounce_count++
        continue
      }
      const data = Object.fromEntries(LEAD_FIELDS.filter((f) => raw[f] !== undefined).map((f) => [f, raw[f]]))
      const known = leadsByEmail.get(key)
      if (known && c.leads.has(known.id)) {
        // Re-adding updates the lead's data at platform level; a paused lead stays paused.
        known.data = { ...known.data, ...data }
        answer.already_added_to_campaign++
        continue
      }
      if (!known && leadsByEmail.size >= leadLimit) {
        answer.is_lead_limit_exhausted = true
        answer.lead_import_stopped_count++
        continue
      }
      const lead = known ?? { id: nextLeadId++, email, data }
      if (known) known.data = { ...known.data, ...data }
      leadsByEmail.set(key, lead)
      leadsById.set(lead.id, lead)
      c.leads.set(lead.id, { status: 'ACTIVE' })
      answer.total_leads++
    }
    return answer
  }

  type Answer = { status: number; body: unknown; headers?: Record<string, string> }

  function route(method: string, parts: string[], body: unknown): Answer {
    const notFound = (what: string): Answer => ({ status: 404, body: { message: `${what} not found` } })
    // parts: after /api/v1, e.g. ['campaigns', '3001', 'leads']
    if (parts[0] !== 'campaigns') return notFound('Route')
    if (parts.length === 1) {
      if (method !== 'GET') return notFound('Route')
      return { status: 200, body: [...campaigns.values()].map(campaignJson) }
    }
    const c = campaigns.get(Number(parts[1]))
    if (!c) return notFound('Campaign')
    const rest = parts.slice(2)
    if (method === 'GET' && rest.length === 0) return { status: 200, body: campaignJson(c) }
    if (method === 'GET' && rest.length === 1 && rest[0] === 'email-accounts') {
      return { status: 200, body: c.accountIds.map((id) => accounts.get(id)).filter((a): a is FakeEmailAccount => !!a).map(accountJson) }
    }
    // Some docs list PATCH for the status change; clients use POST. Both work here.
    if ((method === 'POST' || method === 'PATCH') && rest.length === 1 && rest[0] === 'status') {
      const status = (body as { status?: unknown } | null)?.status
      if (status !== 'PAUSED' && status !== 'STOPPED' && status !== 'START') throw new BadRequest('"status" must be one of [PAUSED, STOPPED, START]')
      // STOPPED is terminal in Smartlead's UI; the fake refuses to start it again.
      if (c.status === 'STOPPED' && status !== 'STOPPED') throw new BadRequest('A stopped campaign cannot be changed')
      c.status = status === 'START' ? 'ACTIVE' : status
      return { status: 200, body: { ok: true } }
    }
    if (method === 'POST' && rest.length === 1 && rest[0] === 'leads') return { status: 200, body: addLeads(c, body) }
    if (method === 'POST' && rest.length === 3 && rest[0] === 'leads' && (rest[2] === 'pause' || rest[2] === 'resume')) {
      const member = c.leads.get(Number(rest[1]))
      if (!member) return notFound('Lead')
      if (rest[2] === 'resume' && body !== undefined) {
        const delay = (body as { resume_lead_with_delay_days?: unknown } | null)?.resume_lead_with_delay_days
        if (delay !== undefined && !(Number.isInteger(delay) && (delay as number) >= 0)) throw new BadRequest('"resume_lead_with_delay_days" must be a whole number of 0 or more')
      }
      member.status = rest[2] === 'pause' ? 'PAUSED' : 'ACTIVE'
      return { status: 200, body: { ok: true, data: rest[2] === 'pause' ? 'Lead paused successfully' : 'Lead resumed successfully' } }
    }
    return notFound('Route')
  }

  async function readBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false }> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    if (text.trim() === '') return { ok: true, body: undefined }
    try {
      return { ok: true, body: JSON.parse(text) as unknown }
    } catch {
      return { ok: false }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    const send = (a: Answer) => {
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers })
      res.end(JSON.stringify(a.body))
    }
    if (method === 'GET' && url.pathname === '/health') return send({ status: 200, body: { ok: true } })

    const key = url.searchParams.get('api_key')
    const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key'))
    const parsed = await readBody(req)
    const now = clock.now().getTime()
    const entry: FakeRequest = { method, path: url.pathname, query, auth: key === null ? 'missing' : key === options.apiKey ? 'ok' : 'wrong', body: parsed.ok ? parsed.body : '(not JSON)', status: 0, at: now }
    requests.push(entry)
    const reply = (a: Answer) => {
      entry.status = a.status
      send(a)
    }

    if (entry.auth !== 'ok') return reply({ status: 401, body: { message: 'Invalid API Key' } })
    const token = draw(now)
    if (!token.ok) {
      return reply({
        status: 429,
        headers: {
          'retry-after': String(token.retryAfterSeconds),
          'x-ratelimit-limit': String(capacity),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(now / 1000) + token.retryAfterSeconds),
        },
        body: { error: { code: 'RATE_LIMIT_EXCEEDED', message: `Too many requests. Please retry after ${token.retryAfterSeconds} seconds.`, retry_after: token.retryAfterSeconds } },
      })
    }

    const failure = failures.shift()
    const fail = () => {
      if (!failure) return false
      if (failure.status === 'network') {
        entry.status = -1
        req.socket.destroy()
        return true
      }
      const retryAfter = failure.options.retryAfterSeconds ?? 1
      const headers: Record<string, string> = failure.status === 429 ? { 'retry-after': String(retryAfter) } : {}
      const body =
        failure.options.body ??
        (failure.status === 429
          ? { error: { code: 'RATE_LIMIT_EXCEEDED', message: `Too many requests. Please retry after ${retryAfter} seconds.`, retry_after: retryAfter } }
          : { message: failure.status >= 500 ? 'Internal server error' : 'Request failed' })
      reply({ status: failure.status, headers, body })
      return true
    }
    if (failure && !failure.options.afterApplying) return void fail()

    let answer: Answer
    if (!parsed.ok) {
      answer = { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Invalid JSON body' } }
    } else {
      const parts = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean)
      if (parts[0] !== 'api' || parts[1] !== 'v1') answer = { status: 404, body: { message: 'Route not found' } }
      else {
        try {
          answer = route(method, parts.slice(2), parsed.body)
        } catch (err) {
          if (!(err instanceof BadRequest)) throw err
          answer = { status: 400, body: { statusCode: 400, error: 'Bad Request', message: err.message } }
        }
      }
    }
    if (failure) return void fail()
    reply(answer)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: err instanceof Error ? err.message : 'Internal server error' }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const host = options.host ?? '127.0.0.1'

  const mustCampaign = (id: number) => {
    const c = campaigns.get(id)
    if (!c) throw new Error(`The fake Smartlead has no campaign ${id}`)
    return c
  }

  return {
    url: `http://${host}:${port}/api/v1`,
    port,
    server,
    requests,
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
    failNext(n, status, failOptions = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, options: failOptions })
    },
    setCampaignStatus(id, status) {
      mustCampaign(id).status = status
    },
    setEmailAccount(id, patch) {
      const a = accounts.get(id)
      if (!a) throw new Error(`The fake Smartlead has no email account ${id}`)
      Object.assign(a, patch)
    },
    addCampaign,
    block(addressOrDomain) {
      blocked.add(addressOrDomain.trim().toLowerCase())
    },
    unsubscribe(address) {
      unsubscribed.add(address.trim().toLowerCase())
    },
    campaign(id) {
      const c = campaigns.get(id)
      return c ? { id: c.id, name: c.name, status: c.status, emailAccountIds: [...c.accountIds] } : null
    },
    leadsOf(campaignId) {
      const c = mustCampaign(campaignId)
      return [...c.leads].map(([id, m]) => {
        const lead = leadsById.get(id)!
        return { id, email: lead.email, data: lead.data, status: m.status }
      })
    },
  }
}
