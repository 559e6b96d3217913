import * as z from 'zod'
import type { Clock } from '../services/ports'

/**
 * MyEmailVerifier, one address at a time, just before a send (contract:
 * shared/contracts/myemailverifier.md). An answer about the address is a value (`VerifyResult`); a
 * verifier that cannot answer throws, so the caller retries later (`VerifierUnavailableError`) or pauses
 * and tells a person (`VerifierConfigError`: a wrong key or no credits will not fix itself).
 *
 * The API key travels in the query string, so no URL, request or underlying error is ever put into a
 * thrown message or `cause`: messages are built here, and anything taken from elsewhere is redacted.
 */

export type Verdict = 'valid' | 'invalid' | 'risky'

export interface VerifyFlags {
  catchAll: boolean
  disposable: boolean
  roleBased: boolean
  freeDomain: boolean
  greylisted: boolean
}

export interface VerifyResult {
  verdict: Verdict
  /** The vendor's `Status`, as sent. */
  status: string
  flags: VerifyFlags
  /** The vendor's free-text `Diagnosis` ('' when absent). */
  diagnosis: string
  /** The parsed body, kept for the audit trail. */
  raw: unknown
}

export interface Verifier {
  verify(email: string): Promise<VerifyResult>
}

/** What both verifier errors carry: a reason to branch on, and the HTTP status when there was one. */
abstract class VerifierError<Reason extends string> extends Error {
  abstract readonly retryable: boolean
  constructor(
    readonly reason: Reason,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message)
  }
}

export type UnavailableReason = 'rate_limited' | 'server_error' | 'bad_response' | 'timeout' | 'network'

/** The verifier could not answer now; try again later. */
export class VerifierUnavailableError extends VerifierError<UnavailableReason> {
  override name = 'VerifierUnavailableError'
  readonly retryable = true
}

export type ConfigReason = 'invalid_api_key' | 'insufficient_credits'

/** The account cannot verify (wrong key, no credits): retrying will not help; a person must act. */
export class VerifierConfigError extends VerifierError<ConfigReason> {
  override name = 'VerifierConfigError'
  readonly retryable = false
}

export interface VerifierOptions {
  baseUrl: string
  apiKey: string
  fetch?: typeof fetch
  clock: Clock
  sleep?: (ms: number) => Promise<void>
  /** The vendor's default account limit is 30 requests a minute; going over earns 429s. */
  ratePerMinute?: number
  /** 10 s: room for a slow SMTP check at the vendor without holding a send (and its Lambda) for long. */
  timeoutMs?: number
}

const WINDOW_MS = 60_000

// The contract's booleans are strings "true"/"false"; one client also saw numbers. Anything else is false.
const flag = z
  .unknown()
  .optional()
  .transform((v) => v === true || v === 'true' || v === 1 || v === '1')

const answerSchema = z.object({
  Status: z.string(),
  Diagnosis: z.string().nullish(),
  catch_all: flag,
  Disposable_Domain: flag,
  Role_Based: flag,
  Free_Domain: flag,
  Greylisted: flag,
})

const objectSchema = z.record(z.string(), z.unknown())

const CATCH_ALL = /^catch[\s_-]?all$/i
const GREY_LISTED = /^grey[\s_-]?listed$/i

/** Pure: the verdict for a parsed success answer, per the contract's mapping. */
export function verdictFor(status: string, flags: VerifyFlags): Verdict {
  const s = status.trim()
  if (/^invalid$/i.test(s) || flags.disposable) return 'invalid'
  // Catch-all and grey-listed say nothing about the mailbox, whatever the Status says.
  if (CATCH_ALL.test(s) || flags.catchAll) return 'risky'
  if (GREY_LISTED.test(s) || flags.greylisted) return 'risky'
  // Role-based addresses stay valid; the flag is recorded for policy to use.
  if (/^valid$/i.test(s)) return 'valid'
  // Unknown, and any Status the contract does not list.
  return 'risky'
}

/** Pure: the error a non-answer means. `code` is the body's `error`, when there is one. */
export function errorFor(code: string | undefined, httpStatus: number): VerifierUnavailableError | VerifierConfigError {
  const upper = code?.toUpperCase()
  if (upper === 'INVALID_API_KEY') return new VerifierConfigError('invalid_api_key', 'MyEmailVerifier refused the API key (INVALID_API_KEY).', httpStatus)
  if (upper === 'INSUFFICIENT_CREDITS') return new VerifierConfigError('insufficient_credits', 'MyEmailVerifier has no credits left (INSUFFICIENT_CREDITS).', httpStatus)
  if (upper === 'RATE_LIMIT_EXCEEDED' || httpStatus === 429) return new VerifierUnavailableError('rate_limited', `MyEmailVerifier rate limit exceeded (HTTP ${httpStatus}).`, httpStatus)
  // Without a code, the HTTP statuses clients have seen for these states (the contract leaves them undocumented).
  if (!code && (httpStatus === 401 || httpStatus === 403)) return new VerifierConfigError('invalid_api_key', `MyEmailVerifier refused the API key (HTTP ${httpStatus}).`, httpStatus)
  if (!code && httpStatus === 402) return new VerifierConfigError('insufficient_credits', 'MyEmailVerifier has no credits left (HTTP 402).', httpStatus)
  if (httpStatus >= 500) return new VerifierUnavailableError('server_error', `MyEmailVerifier answered HTTP ${httpStatus}.`, httpStatus)
  const what = code ? `error ${code.replace(/[^\w-]/g, '_').slice(0, 60)}` : 'an answer without a Status'
  return new VerifierUnavailableError('bad_response', `MyEmailVerifier answered ${what} (HTTP ${httpStatus}).`, httpStatus)
}

/**
 * At most `limit` starts in any `WINDOW_MS`: a log of the recent starts; when full, wait (with the
 * injected sleep, over the injected clock) until the oldest leaves the window.
 */
function slidingWindow(limit: number, clock: Clock, sleep: (ms: number) => Promise<void>) {
  const starts: number[] = []
  return async function take(): Promise<void> {
    for (;;) {
      const now = clock.now().getTime()
      while (starts.length > 0 && starts[0]! <= now - WINDOW_MS) starts.shift()
      if (starts.length < limit) {
        starts.push(now)
        return
      }
      await sleep(starts[0]! + WINDOW_MS - now)
    }
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function createVerifier(options: VerifierOptions): Verifier {
  const { baseUrl, apiKey, clock, ratePerMinute = 30, timeoutMs = 10_000 } = options
  const doFetch = options.fetch ?? globalThis.fetch
  const take = slidingWindow(ratePerMinute, clock, options.sleep ?? realSleep)
  const base = baseUrl.replace(/\/+$/, '')

  // For text that did not come from here (an underlying error's message), in case it quotes the URL.
  const secrets = [apiKey, encodeURIComponent(apiKey), new URLSearchParams({ k: apiKey }).toString().slice(2)].filter((s) => s.length > 0)
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text)

  return {
    async verify(email) {
      await take()
      const url = `${base}/api/validate_single.php?apikey=${encodeURIComponent(apiKey)}&email=${encodeURIComponent(email)}`
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      let httpStatus: number
      let text: string
      try {
        // The body is read under the same deadline: a server that sends headers and then stalls is a timeout too.
        const res = await doFetch(url, { method: 'GET', headers: { accept: 'application/json' }, signal: controller.signal })
        httpStatus = res.status
        text = await res.text()
      } catch (err) {
        if (controller.signal.aborted) throw new VerifierUnavailableError('timeout', `MyEmailVerifier did not answer within ${timeoutMs} ms.`)
        throw new VerifierUnavailableError('network', `MyEmailVerifier could not be reached: ${redact(describe(err))}.`)
      } finally {
        clearTimeout(timer)
      }

      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        if (httpStatus >= 200 && httpStatus < 300) throw new VerifierUnavailableError('bad_response', `MyEmailVerifier answered HTTP ${httpStatus} with a body that is not JSON.`, httpStatus)
        throw errorFor(undefined, httpStatus)
      }

      // Error iff an `error` key, no `Status`, a non-2xx status, or not JSON (above).
      const object = objectSchema.safeParse(body)
      const fields = object.success ? object.data : {}
      const code = 'error' in fields ? String(fields.error) : undefined
      if (code !== undefined || !('Status' in fields) || httpStatus < 200 || httpStatus >= 300) throw errorFor(code, httpStatus)

      const answer = answerSchema.safeParse(fields)
      if (!answer.success) throw new VerifierUnavailableError('bad_response', `MyEmailVerifier answered a Status that is not text (HTTP ${httpStatus}).`, httpStatus)
      const a = answer.data
      const flags: VerifyFlags = {
        catchAll: a.catch_all,
        disposable: a.Disposable_Domain,
        roleBased: a.Role_Based,
        freeDomain: a.Free_Domain,
        greylisted: a.Greylisted,
      }
      return { verdict: verdictFor(a.Status, flags), status: a.Status, flags, diagnosis: a.Diagnosis ?? '', raw: body }
    },
  }
}

/** A short description of a fetch failure: its name and the underlying cause's code (ECONNREFUSED…). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  return [err.name, code ?? err.message].filter(Boolean).join(': ')
}
