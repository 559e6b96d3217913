import type * as z from 'zod'
import {
  emailKey,
  leadInputProblem,
  mapAddLeadsResponse,
  readSmartleadError,
  SMARTLEAD_MAX_BATCH,
  smartleadAckSchema,
  smartleadAddLeadsResponseSchema,
  smartleadCampaignSchema,
  smartleadEmailAccountsSchema,
  type LeadPushOutcome,
  type SmartleadAck,
  type SmartleadAddLeadsResponse,
  type SmartleadCampaign,
  type SmartleadEmailAccount,
  type SmartleadLeadInput,
} from '../domain/smartlead'
import type { Clock } from '../services/ports'
import { createRateLimiter, DEFAULT_WINDOWS, type RateLimiter, type RateWindow } from './rate-limiter'

/**
 * Smartlead API v1 (contract: shared/contracts/smartlead.md): add leads in batches, read a campaign and
 * its email accounts, pause and start a campaign, pause and resume a lead.
 *
 * - Answers Smartlead gives about the request are values: `unauthorized` (401: the caller pauses the
 *   integration), `not_found` (404), `rejected` (another 4xx: a person must look). Smartlead being unable
 *   to answer — 429, 5xx, network errors, timeouts, an unreadable answer — is retried here first; when the
 *   attempts run out, single calls throw `SmartleadUnavailableError` (retry later), and `addLeads` returns
 *   what it achieved, because earlier batches may already be in the campaign.
 * - Every request waits for the client-side rate limiter (60 a minute by default); a 429's Retry-After
 *   holds every later request of this client too, since the limit is per API key.
 * - Retrying is safe for every call: re-adding a lead is counted as already added (not added twice), and
 *   status changes and lead pause/resume set a state rather than toggle it.
 * - The API key travels in the query string (the contract: no header form), so no URL, underlying error or
 *   server text is ever put into an error, a returned message or a log line without redaction; this module
 *   logs nothing.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number
  /** Backoff before the second attempt; doubled each time, capped at `maxDelayMs`, with equal jitter. */
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is not waited for in-process: the call gives up and says when to retry. */
  maxRetryAfterMs: number
}

/**
 * 5 attempts with 1, 2, 4 and 8 s between them: ~15 s of waiting rides out a deploy or a brief outage
 * without holding a Lambda for long. A Retry-After of up to 2 minutes is waited for (Smartlead's own 429
 * example says 30 s); beyond that the caller reschedules instead of sleeping in a Lambda.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 }

export interface SmartleadClientOptions {
  /** e.g. `https://server.smartlead.ai/api/v1`, or the local fake's `url`. */
  baseUrl: string
  apiKey: string
  clock: Clock
  sleep?: (ms: number) => Promise<void>
  fetch?: typeof fetch
  /** The client-side limit; default 60 requests a minute. Ignored when `limiter` is given. */
  rateLimit?: readonly RateWindow[]
  /** A limiter shared by every client of the same API key in this process. */
  limiter?: RateLimiter
  /** Leads per add-leads request: default and most 100 (see SMARTLEAD_MAX_BATCH). */
  batchSize?: number
  retry?: Partial<RetryPolicy>
  /** 15 s per attempt: an add-leads request of 100 leads is a few KB and Smartlead answers in well under that. */
  timeoutMs?: number
  /** For backoff jitter; injectable so tests are exact. */
  random?: () => number
}

export type SmartleadFailure =
  | { ok: false; reason: 'unauthorized'; httpStatus: number; message: string }
  | { ok: false; reason: 'not_found'; httpStatus: number; message: string }
  | { ok: false; reason: 'rejected'; httpStatus: number; message: string }

export type SmartleadResult<T> = { ok: true; value: T } | SmartleadFailure

export type UnavailableReason = 'rate_limited' | 'server_error' | 'network' | 'timeout' | 'bad_response'

/** Smartlead could not answer, after every attempt: try again later (at `retryAfterMs` from now, when known). */
export class SmartleadUnavailableError extends Error {
  override name = 'SmartleadUnavailableError'
  readonly retryable = true
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    readonly httpStatus?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** The add-leads `settings`; Smartlead refuses unknown keys, so only these four exist. */
export interface AddLeadsSettings {
  ignore_global_block_list: boolean
  ignore_unsubscribe_list: boolean
  ignore_community_bounce_list: boolean
  ignore_duplicate_leads_in_other_campaign: boolean
}

/** Every list Smartlead keeps is honoured: a lead it has blocked, unsubscribed or seen bounce is not pushed. */
export const DEFAULT_ADD_LEADS_SETTINGS: AddLeadsSettings = {
  ignore_global_block_list: false,
  ignore_unsubscribe_list: false,
  ignore_community_bounce_list: false,
  ignore_duplicate_leads_in_other_campaign: false,
}

export type BeforeBatch = (batch: { index: number; size: number; sentSoFar: number }) => Promise<{ proceed: true } | { proceed: false; reason: string }>

export interface AddLeadsOptions {
  settings?: AddLeadsSettings
  /**
   * Called before each batch's request: the caller's cached gate check (campaign status, email accounts).
   * `proceed: false` stops the push; the leads not yet sent are `not_sent` with the reason given.
   */
  beforeBatch?: BeforeBatch
}

export type AddLeadsStop =
  | { reason: 'unauthorized' | 'not_found' | 'rejected'; message: string }
  | { reason: 'unavailable'; message: string; retryAfterMs: number | null }
  | { reason: 'lead_limit_exhausted'; message: string }
  | { reason: 'stopped_by_caller'; message: string }

export interface AddLeadsBatch {
  size: number
  outcome: 'answered' | 'failed' | 'not_sent'
  response: SmartleadAddLeadsResponse | null
  discrepancy: string | null
}

export interface AddLeadsResult {
  /** One per lead given, in the order given. */
  leads: LeadPushOutcome[]
  batches: AddLeadsBatch[]
  /** Why the push ended before its last batch; null when every batch was answered. */
  stopped: AddLeadsStop | null
  /** HTTP requests made during this call: retries, and a `beforeBatch` check's when it uses this client, included. */
  requests: number
}

export interface SmartleadClient {
  addLeads(campaignId: string | number, leads: readonly SmartleadLeadInput[], options?: AddLeadsOptions): Promise<AddLeadsResult>
  getCampaign(campaignId: string | number): Promise<SmartleadResult<SmartleadCampaign>>
  listEmailAccounts(campaignId: string | number): Promise<SmartleadResult<SmartleadEmailAccount[]>>
  setCampaignStatus(campaignId: string | number, status: 'PAUSED' | 'START'): Promise<SmartleadResult<SmartleadAck>>
  pauseLead(campaignId: string | number, leadId: string | number): Promise<SmartleadResult<SmartleadAck>>
  resumeLead(campaignId: string | number, leadId: string | number, options?: { delayDays?: number }): Promise<SmartleadResult<SmartleadAck>>
  /** HTTP requests made so far by this client (every attempt counts). */
  readonly requestCount: number
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Server text is quoted in messages at most this long: enough to read, too short to flood an audit event. */
const MAX_QUOTED = 200

type Raw = { kind: 'ok'; httpStatus: number; body: unknown } | SmartleadFailure

export function createSmartleadClient(options: SmartleadClientOptions): SmartleadClient {
  const { apiKey, clock } = options
  if (apiKey.trim() === '') throw new RangeError('The Smartlead API key is empty.')
  const batchSize = options.batchSize ?? SMARTLEAD_MAX_BATCH
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > SMARTLEAD_MAX_BATCH) {
    throw new RangeError(`The Smartlead batch size must be a whole number from 1 to ${SMARTLEAD_MAX_BATCH} (got ${batchSize}).`)
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry }
  const sleep = options.sleep ?? realSleep
  const doFetch = options.fetch ?? globalThis.fetch
  const random = options.random ?? Math.random
  const timeoutMs = options.timeoutMs ?? 15_000
  const limiter = options.limiter ?? createRateLimiter({ windows: options.rateLimit ?? DEFAULT_WINDOWS, clock, sleep })
  const base = options.baseUrl.replace(/\/+$/, '')
  let requestCount = 0

  // For text that did not come from here (an underlying error, a server's message), in case it quotes the URL.
  const secrets = [...new Set([apiKey, encodeURIComponent(apiKey), new URLSearchParams({ k: apiKey }).toString().slice(2)])].filter((s) => s.length > 0)
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text)
  const quote = (text: string) => {
    const clean = redact(text).replace(/\s+/g, ' ').trim()
    return clean.length > MAX_QUOTED ? `${clean.slice(0, MAX_QUOTED)}…` : clean
  }
  const seg = (id: string | number) => {
    const s = String(id).trim()
    if (s === '') throw new RangeError('A Smartlead id is empty.')
    return encodeURIComponent(s)
  }

  /** Exponential with equal jitter: half the step fixed, half random, so clients that failed together spread out. */
  const backoff = (attempt: number) => {
    const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1))
    return Math.round(step / 2 + (random() * step) / 2)
  }

  /** Retry-After as seconds or an HTTP date; else the body's `error.retry_after`; null when neither. */
  const retryAfterMs = (header: string | null, body: unknown): number | null => {
    if (header !== null && header.trim() !== '') {
      const seconds = Number(header)
      if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
      const at = Date.parse(header)
      if (Number.isFinite(at)) return Math.max(0, at - clock.now().getTime())
    }
    const fromBody = readSmartleadError(body).retryAfterSeconds
    return fromBody !== null && fromBody >= 0 ? fromBody * 1000 : null
  }

  /** One call, with its retries. Resolves with a 2xx body or a failure value; throws only SmartleadUnavailableError. */
  async function call(method: 'GET' | 'POST', path: string, what: string, body?: unknown): Promise<Raw> {
    const url = `${base}${path}?api_key=${encodeURIComponent(apiKey)}`
    let last: SmartleadUnavailableError | undefined
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      await limiter.take()
      requestCount++
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      let httpStatus: number
      let text: string
      let retryAfterHeader: string | null
      try {
        // The body is read under the same deadline: a server that sends headers and then stalls is a timeout too.
        const res = await doFetch(url, {
          method,
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        })
        httpStatus = res.status
        retryAfterHeader = res.headers.get('retry-after')
        text = await res.text()
      } catch (err) {
        last = controller.signal.aborted
          ? new SmartleadUnavailableError('timeout', `Smartlead did not answer ${what} within ${timeoutMs} ms.`)
          : new SmartleadUnavailableError('network', `Smartlead could not be reached for ${what}: ${quote(describeFetchError(err))}.`)
        if (attempt < retry.maxAttempts) await sleep(backoff(attempt))
        continue
      } finally {
        clearTimeout(timer)
      }

      let parsed: unknown
      let isJson = true
      try {
        parsed = text.trim() === '' ? null : JSON.parse(text)
      } catch {
        isJson = false
        parsed = text
      }

      if (httpStatus >= 200 && httpStatus < 300) {
        if (isJson) return { kind: 'ok', httpStatus, body: parsed }
        // A 2xx that is not JSON is a proxy's page, not Smartlead's answer: worth another attempt.
        last = new SmartleadUnavailableError('bad_response', `Smartlead answered ${what} with HTTP ${httpStatus} and a body that is not JSON.`, httpStatus)
        if (attempt < retry.maxAttempts) await sleep(backoff(attempt))
        continue
      }
      const said = readSmartleadError(parsed).message ?? (isJson ? null : text.trim() || null)
      const saying = said ? `: ${quote(said)}` : ''
      if (httpStatus === 401) return { ok: false, reason: 'unauthorized', httpStatus, message: `Smartlead refused the API key (HTTP 401) for ${what}${saying}.` }
      if (httpStatus === 404) return { ok: false, reason: 'not_found', httpStatus, message: `Smartlead found nothing for ${what} (HTTP 404)${saying}.` }
      if (httpStatus === 429) {
        const wait = retryAfterMs(retryAfterHeader, parsed)
        last = new SmartleadUnavailableError('rate_limited', `Smartlead's rate limit was exceeded for ${what} (HTTP 429).`, 429, wait ?? undefined)
        if (wait !== null && wait > retry.maxRetryAfterMs) throw last
        const pause = wait ?? backoff(attempt)
        limiter.holdUntil(clock.now().getTime() + pause)
        // The limiter waits for the hold at the next attempt's take(); no extra sleep here.
        continue
      }
      if (httpStatus >= 500 || httpStatus === 408) {
        last = new SmartleadUnavailableError('server_error', `Smartlead answered ${what} with HTTP ${httpStatus}${saying}.`, httpStatus)
        if (attempt < retry.maxAttempts) await sleep(backoff(attempt))
        continue
      }
      return { ok: false, reason: 'rejected', httpStatus, message: `Smartlead refused ${what} (HTTP ${httpStatus})${saying}.` }
    }
    throw last ?? new SmartleadUnavailableError('network', `Smartlead could not be reached for ${what}.`)
  }

  /** A 2xx body through its schema: a value, or bad_response (thrown: it is Smartlead's side that is wrong). */
  async function read<S extends z.ZodType>(method: 'GET' | 'POST', path: string, what: string, schema: S, body?: unknown): Promise<SmartleadResult<z.output<S>>> {
    const raw = await call(method, path, what, body)
    if (!('kind' in raw)) return raw
    const parsed = schema.safeParse(raw.body)
    if (!parsed.success) throw new SmartleadUnavailableError('bad_response', `Smartlead's answer to ${what} is not in the expected shape (HTTP ${raw.httpStatus}).`, raw.httpStatus)
    return { ok: true, value: parsed.data }
  }

  /** An acknowledgement; `{ok: false}` is Smartlead declining, so it is a `rejected` value. */
  async function ack(path: string, what: string, body?: unknown): Promise<SmartleadResult<SmartleadAck>> {
    const result = await read('POST', path, what, smartleadAckSchema, body)
    if (result.ok && !result.value.ok) {
      return { ok: false, reason: 'rejected', httpStatus: 200, message: `Smartlead declined ${what}${result.value.message ? `: ${quote(result.value.message)}` : ''}.` }
    }
    return result
  }

  async function addLeads(campaignId: string | number, input: readonly SmartleadLeadInput[], addOptions: AddLeadsOptions = {}): Promise<AddLeadsResult> {
    const path = `/campaigns/${seg(campaignId)}/leads`
    const settings = addOptions.settings ?? DEFAULT_ADD_LEADS_SETTINGS
    const startCount = requestCount
    const outcomes: (LeadPushOutcome | null)[] = input.map(() => null)

    // Refused here, never sent: a row Smartlead would refuse (it refuses the whole request for one), and a
    // repeated address (Smartlead's duplicate count would not say which).
    const toSend: number[] = []
    const seen = new Set<string>()
    input.forEach((lead, i) => {
      const problem = leadInputProblem(lead)
      if (problem) {
        outcomes[i] = { email: String(lead.email ?? ''), status: 'rejected', code: 'invalid_input', reason: `Not sent to Smartlead: ${problem}` }
        return
      }
      const key = emailKey(lead.email)
      if (seen.has(key)) {
        outcomes[i] = { email: lead.email, status: 'rejected', code: 'duplicate_in_request', reason: 'The same address is earlier in this push; only that one was sent.' }
        return
      }
      seen.add(key)
      toSend.push(i)
    })

    const chunks: number[][] = []
    for (let i = 0; i < toSend.length; i += batchSize) chunks.push(toSend.slice(i, i + batchSize))
    const batches: AddLeadsBatch[] = chunks.map((c) => ({ size: c.length, outcome: 'not_sent', response: null, discrepancy: null }))
    let stopped: AddLeadsStop | null = null
    let sentSoFar = 0

    const mark = (indexes: number[], status: 'unconfirmed' | 'not_sent', reason: string) => {
      for (const i of indexes) outcomes[i] = { email: input[i]!.email, status, code: status, reason }
    }

    for (const [b, chunk] of chunks.entries()) {
      if (stopped) {
        mark(chunk, 'not_sent', `Not sent: the push stopped before this lead's batch (${stopped.message})`)
        continue
      }
      if (addOptions.beforeBatch) {
        let go: Awaited<ReturnType<BeforeBatch>>
        try {
          go = await addOptions.beforeBatch({ index: b, size: chunk.length, sentSoFar })
        } catch (err) {
          // The caller's gate check could not reach Smartlead: stop without losing what was pushed.
          if (!(err instanceof SmartleadUnavailableError)) throw err
          stopped = { reason: 'unavailable', message: err.message, retryAfterMs: err.retryAfterMs ?? null }
          mark(chunk, 'not_sent', `Not sent: ${err.message}`)
          continue
        }
        if (!go.proceed) {
          stopped = { reason: 'stopped_by_caller', message: go.reason }
          mark(chunk, 'not_sent', `Not sent: ${go.reason}`)
          continue
        }
      }
      const what = `adding ${chunk.length} lead${chunk.length === 1 ? '' : 's'} to campaign ${String(campaignId)}`
      const leads = chunk.map((i) => input[i]!)
      let result: SmartleadResult<SmartleadAddLeadsResponse>
      try {
        result = await read('POST', path, what, smartleadAddLeadsResponseSchema, { lead_list: leads, settings })
      } catch (err) {
        if (!(err instanceof SmartleadUnavailableError)) throw err
        // Some attempt may have reached Smartlead before its answer was lost: these leads may be in the campaign.
        batches[b] = { ...batches[b]!, outcome: 'failed' }
        stopped = { reason: 'unavailable', message: err.message, retryAfterMs: err.retryAfterMs ?? null }
        mark(chunk, 'unconfirmed', `${err.message} The lead may or may not be in the campaign; pushing it again is safe.`)
        continue
      }
      sentSoFar += chunk.length
      if (!result.ok) {
        // A 4xx: Smartlead refused the whole request, so none of these leads was added.
        batches[b] = { ...batches[b]!, outcome: 'failed' }
        stopped = { reason: result.reason, message: result.message }
        mark(chunk, 'not_sent', `Not added: ${result.message}`)
        continue
      }
      const response = result.value
      if (!response.ok) {
        batches[b] = { ...batches[b]!, outcome: 'failed', response }
        stopped = { reason: 'rejected', message: `Smartlead answered ${what} with ok: false.` }
        mark(chunk, 'unconfirmed', `Smartlead answered with ok: false and no reason; the lead may or may not be in the campaign.`)
        continue
      }
      const mapping = mapAddLeadsResponse(leads, response)
      chunk.forEach((i, j) => (outcomes[i] = mapping.leads[j]!))
      batches[b] = { size: chunk.length, outcome: 'answered', response, discrepancy: mapping.discrepancy }
      if (mapping.leadLimitExhausted) stopped = { reason: 'lead_limit_exhausted', message: "the Smartlead plan's lead limit is reached" }
    }

    return { leads: outcomes as LeadPushOutcome[], batches, stopped, requests: requestCount - startCount }
  }

  return {
    addLeads,
    // async, so a bad id is a rejected promise like every other failure rather than a throw at the call.
    getCampaign: async (id) => read('GET', `/campaigns/${seg(id)}`, `campaign ${String(id)}`, smartleadCampaignSchema),
    listEmailAccounts: async (id) => read('GET', `/campaigns/${seg(id)}/email-accounts`, `the email accounts of campaign ${String(id)}`, smartleadEmailAccountsSchema),
    setCampaignStatus: async (id, status) => ack(`/campaigns/${seg(id)}/status`, `setting campaign ${String(id)} to ${status}`, { status }),
    pauseLead: async (campaignId, leadId) => ack(`/campaigns/${seg(campaignId)}/leads/${seg(leadId)}/pause`, `pausing lead ${String(leadId)} in campaign ${String(campaignId)}`),
    resumeLead: async (campaignId, leadId, resumeOptions = {}) => {
      const days = resumeOptions.delayDays ?? 0
      if (!Number.isInteger(days) || days < 0) throw new RangeError(`A resume delay is a whole number of days, 0 or more (got ${days}).`)
      return ack(`/campaigns/${seg(campaignId)}/leads/${seg(leadId)}/resume`, `resuming lead ${String(leadId)} in campaign ${String(campaignId)}`, {
        resume_lead_with_delay_days: days,
      })
    },
    get requestCount() {
      return requestCount
    },
  }
}

/** A short description of a fetch failure: its name and the underlying cause's code (ECONNREFUSED…). */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  return [err.name, code ?? err.message].filter(Boolean).join(': ')
}
