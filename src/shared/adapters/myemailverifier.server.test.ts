import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createVerifier, VerifierConfigError, VerifierUnavailableError, type VerifierOptions } from './myemailverifier.server'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('myemailverifier')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'))
/** Error fixtures wrap the body with the HTTP status the contract expects: `{ _http: { status }, body }`. */
const errorFixture = (name: string) => fixture(name) as { _http: { status: number }; body: unknown }

const KEY = 'sk_live/SECRET+key=42'
const BASE = 'https://mev.example.test'
const T0 = Date.parse('2026-11-21T09:00:00Z')

type Reply = { status: number; body: unknown } | ((url: string, init: RequestInit | undefined) => Promise<Response>)

/** A fetch that answers each call with the next reply and records the URLs it was asked for. */
function fakeFetch(...replies: Reply[]) {
  const urls: string[] = []
  const fn = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    urls.push(url)
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!
    if (typeof reply === 'function') return reply(url, init)
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
    return new Response(text, { status: reply.status, headers: { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' } })
  })
  return { fetch: fn as unknown as typeof fetch, calls: fn, urls }
}

function clockAt(start = T0) {
  const state = { t: start }
  return { state, clock: { now: () => new Date(state.t) }, sleep: vi.fn(async (ms: number) => void (state.t += ms)) }
}

function verifier(f: { fetch: typeof fetch }, overrides: Partial<VerifierOptions> = {}) {
  const { clock, sleep } = clockAt()
  return createVerifier({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch, clock, sleep, ...overrides })
}

/** The thrown error, checked for the key in every place a log line might print it from. */
async function thrown(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => expect.fail('expected verify to throw'),
    (e: unknown) => e as Error,
  )
  for (const text of [err.message, String(err), err.stack ?? '', JSON.stringify(err), String(err.cause ?? '')]) {
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(encodeURIComponent(KEY))
    expect(text).not.toContain('SECRET')
  }
  return err
}

describe('createVerifier: answers', () => {
  const none = { catchAll: false, disposable: false, roleBased: false, freeDomain: false, greylisted: false }
  it.each([
    ['valid', 'valid', 'Valid', {}, 'Mailbox Exists and Active'],
    ['valid-role-free', 'valid', 'Valid', { roleBased: true, freeDomain: true }, 'Mailbox Exists and Active'],
    ['invalid', 'invalid', 'Invalid', {}, 'Mailbox does not exist'],
    ['invalid-disposable', 'invalid', 'Invalid', { disposable: true }, 'Disposable Email Domain'],
    ['catch-all', 'risky', 'Catch-all', { catchAll: true }, 'Catch All Domain'],
    ['catch-all.alt-spelling', 'risky', 'Catch All', { catchAll: true }, 'Catch All Domain'],
    ['unknown', 'risky', 'Unknown', {}, 'Mail server did not respond'],
    ['grey-listed', 'risky', 'Grey-listed', { greylisted: true }, 'Greylisted, retry later'],
  ])('%s.json → %s', async (name, verdict, status, flags, diagnosis) => {
    const body = fixture(name)
    const result = await verifier(fakeFetch({ status: 200, body })).verify('x@example.com')
    expect(result).toEqual({ verdict, status, flags: { ...none, ...flags }, diagnosis, raw: body })
  })

  const valid = fixture('valid') as Record<string, unknown>
  it.each([
    // Status spellings the contract says to expect, and ones it does not list.
    [{ Status: 'catch_all' }, 'risky'],
    [{ Status: 'CATCHALL' }, 'risky'],
    [{ Status: 'catch-All' }, 'risky'],
    [{ Status: 'Greylisted' }, 'risky'],
    [{ Status: 'Spamtrap' }, 'risky'],
    [{ Status: '' }, 'risky'],
    // Flags override a Valid status.
    [{ catch_all: 'true' }, 'risky'],
    [{ catch_all: 1 }, 'risky'],
    [{ catch_all: '1' }, 'risky'],
    [{ catch_all: true }, 'risky'],
    [{ Greylisted: 'true' }, 'risky'],
    [{ Disposable_Domain: 'true' }, 'invalid'],
    [{ Disposable_Domain: true }, 'invalid'],
    // Only "true" | true | 1 | "1" are true.
    [{ catch_all: 'false', Greylisted: 0, Disposable_Domain: 'no' }, 'valid'],
    [{ catch_all: 'yes', Disposable_Domain: null }, 'valid'],
    // A role-based address stays valid.
    [{ Role_Based: 'true' }, 'valid'],
    // Invalid wins over catch-all.
    [{ Status: 'Invalid', catch_all: 'true' }, 'invalid'],
  ])('%o → %s', async (patch, verdict) => {
    const result = await verifier(fakeFetch({ status: 200, body: { ...valid, ...patch } })).verify('x@example.com')
    expect(result.verdict).toBe(verdict)
  })

  it('parses the flags and keeps the status as sent', async () => {
    const body = { ...valid, Status: 'Catch All', catch_all: 1, Role_Based: '1', Free_Domain: true }
    const result = await verifier(fakeFetch({ status: 200, body })).verify('x@example.com')
    expect(result).toMatchObject({ status: 'Catch All', flags: { catchAll: true, roleBased: true, freeDomain: true, disposable: false, greylisted: false } })
  })

  it('accepts an answer with only a Status (missing flags are false, Diagnosis is empty)', async () => {
    const result = await verifier(fakeFetch({ status: 200, body: { Status: 'Valid' } })).verify('x@example.com')
    expect(result).toMatchObject({ verdict: 'valid', diagnosis: '', flags: { catchAll: false, roleBased: false } })
  })

  it('asks GET /api/validate_single.php with the key and the address URL-encoded', async () => {
    const f = fakeFetch({ status: 200, body: valid })
    await verifier(f, { baseUrl: `${BASE}/` }).verify('jane+q3 &x@acme.example.com')
    const url = new URL(f.urls[0]!)
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/api/validate_single.php`)
    expect(url.searchParams.get('apikey')).toBe(KEY)
    expect(url.searchParams.get('email')).toBe('jane+q3 &x@acme.example.com')
    expect(f.calls.mock.calls[0]![1]).toMatchObject({ method: 'GET' })
  })
})

describe('createVerifier: errors', () => {
  it.each([
    ['error.invalid-api-key', 'invalid_api_key'],
    ['error.insufficient-credits', 'insufficient_credits'],
  ])('%s.json → VerifierConfigError (%s), not retryable', async (name, reason) => {
    const { _http, body } = errorFixture(name)
    const err = await thrown(verifier(fakeFetch({ status: _http.status, body })).verify('x@example.com'))
    expect(err).toBeInstanceOf(VerifierConfigError)
    expect(err).toMatchObject({ name: 'VerifierConfigError', reason, retryable: false })
  })

  it.each([401, 402, 403])('the same codes with HTTP %i are still config errors', async (status) => {
    const err = await thrown(verifier(fakeFetch({ status, body: errorFixture('error.invalid-api-key').body })).verify('x@example.com'))
    expect(err).toMatchObject({ reason: 'invalid_api_key', retryable: false })
  })

  it.each([
    [401, 'invalid_api_key'],
    [403, 'invalid_api_key'],
    [402, 'insufficient_credits'],
  ])('HTTP %i without a code → config error %s', async (status, reason) => {
    const err = await thrown(verifier(fakeFetch({ status, body: 'Forbidden' })).verify('x@example.com'))
    expect(err).toBeInstanceOf(VerifierConfigError)
    expect(err).toMatchObject({ reason, httpStatus: status })
  })

  it('error.rate-limit.json (429) → VerifierUnavailableError, retryable', async () => {
    const { _http, body } = errorFixture('error.rate-limit')
    const err = await thrown(verifier(fakeFetch({ status: _http.status, body })).verify('x@example.com'))
    expect(err).toBeInstanceOf(VerifierUnavailableError)
    expect(err).toMatchObject({ name: 'VerifierUnavailableError', reason: 'rate_limited', retryable: true, httpStatus: 429 })
  })

  it('RATE_LIMIT_EXCEEDED with HTTP 200 is rate limited too', async () => {
    const err = await thrown(verifier(fakeFetch({ status: 200, body: errorFixture('error.rate-limit').body })).verify('x@example.com'))
    expect(err).toMatchObject({ reason: 'rate_limited', retryable: true })
  })

  it.each([
    ['HTTP 500 with a text body', { status: 500, body: 'Internal Server Error' }, 'server_error'],
    ['HTTP 503 with a JSON success body', { status: 503, body: fixture('valid') }, 'server_error'],
    ['HTTP 200 with a body that is not JSON', { status: 200, body: '<html>maintenance</html>' }, 'bad_response'],
    ['HTTP 200 with an empty body', { status: 200, body: '' }, 'bad_response'],
    ['HTTP 429 with a text body', { status: 429, body: 'Too Many Requests' }, 'rate_limited'],
    ['HTTP 404 with a JSON success body', { status: 404, body: fixture('valid') }, 'bad_response'],
    ['a JSON body without Status', { status: 200, body: { Address: 'x@example.com' } }, 'bad_response'],
    ['a JSON array', { status: 200, body: [1, 2] }, 'bad_response'],
    ['a Status that is not text', { status: 200, body: { Status: 1 } }, 'bad_response'],
    ['an error code it does not know', { status: 200, body: { status: false, error: 'SOMETHING_NEW' } }, 'bad_response'],
    ['an error key beside a Status', { status: 200, body: { ...(fixture('valid') as object), error: 'INTERNAL' } }, 'bad_response'],
  ])('%s → VerifierUnavailableError (%s)', async (_label, reply, reason) => {
    const err = await thrown(verifier(fakeFetch(reply)).verify('x@example.com'))
    expect(err).toBeInstanceOf(VerifierUnavailableError)
    expect(err).toMatchObject({ reason, retryable: true })
  })

  it('a request that outlives timeoutMs is aborted and throws a timeout', async () => {
    let signal: AbortSignal | undefined
    const hang = (_url: string, init: RequestInit | undefined) =>
      new Promise<Response>((_resolve, reject) => {
        signal = init?.signal ?? undefined
        signal?.addEventListener('abort', () => reject(signal!.reason))
      })
    const started = Date.now()
    const err = await thrown(verifier(fakeFetch(hang), { timeoutMs: 30 }).verify('x@example.com'))
    expect(err).toBeInstanceOf(VerifierUnavailableError)
    expect(err).toMatchObject({ reason: 'timeout', message: 'MyEmailVerifier did not answer within 30 ms.' })
    expect(signal?.aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a body that stalls after the headers is a timeout too', async () => {
    const stall = (_url: string, init: RequestInit | undefined) => {
      const body = new ReadableStream({
        start(controller) {
          init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason))
        },
      })
      return Promise.resolve(new Response(body, { status: 200 }))
    }
    const err = await thrown(verifier(fakeFetch(stall), { timeoutMs: 30 }).verify('x@example.com'))
    expect(err).toMatchObject({ reason: 'timeout' })
  })

  it('a network error is retryable and never carries the key, even when the underlying error quotes the URL', async () => {
    const refuse = (url: string) => Promise.reject(new TypeError(`fetch failed: ${url}`))
    const err = await thrown(verifier(fakeFetch(refuse)).verify('x@example.com'))
    expect(err).toMatchObject({ reason: 'network', retryable: true })
    expect(err.message).toContain('***')
    expect(err.cause).toBeUndefined()
  })

  it('names the cause code of a refused connection', async () => {
    const refuse = () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }))
    const err = await thrown(verifier(fakeFetch(refuse)).verify('x@example.com'))
    expect(err.message).toBe('MyEmailVerifier could not be reached: TypeError: ECONNREFUSED.')
  })
})

describe('createVerifier: client-side rate limit', () => {
  it('lets 30 requests through in a minute; the 31st waits until the oldest leaves the window', async () => {
    const { state, clock, sleep } = clockAt()
    const fetchedAt: number[] = []
    const f = fakeFetch(() => {
      fetchedAt.push(state.t)
      return Promise.resolve(new Response(JSON.stringify(fixture('valid')), { status: 200 }))
    })
    const v = createVerifier({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch, clock, sleep })
    // One a second: 0 s … 29 s.
    for (let i = 0; i < 30; i++) {
      await v.verify(`lead${i}@example.com`)
      state.t += 1_000
    }
    expect(sleep).not.toHaveBeenCalled()
    expect(state.t).toBe(T0 + 30_000)

    // The 31st, at 30 s, waits until the request made at 0 s is a minute old.
    await v.verify('lead30@example.com')
    expect(sleep).toHaveBeenCalledTimes(1)
    expect(sleep).toHaveBeenCalledWith(30_000)
    expect(fetchedAt[30]).toBe(T0 + 60_000)

    // The 32nd, at once: the window (0 s, 60 s] still holds 30 (1 s … 29 s and 60 s), so it waits for 61 s.
    await v.verify('lead31@example.com')
    expect(sleep).toHaveBeenLastCalledWith(1_000)
    expect(fetchedAt[31]).toBe(T0 + 61_000)
    expect(f.calls).toHaveBeenCalledTimes(32)
  })

  it('with 31 requests at one instant, the last waits a full minute', async () => {
    const { state, clock, sleep } = clockAt()
    const f = fakeFetch({ status: 200, body: fixture('valid') })
    const v = createVerifier({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch, clock, sleep, ratePerMinute: 30 })
    await Promise.all(Array.from({ length: 30 }, (_, i) => v.verify(`lead${i}@example.com`)))
    expect(f.calls).toHaveBeenCalledTimes(30)
    const last = v.verify('late@example.com')
    await Promise.resolve()
    expect(f.calls).toHaveBeenCalledTimes(30)
    await last
    expect(sleep).toHaveBeenCalledWith(60_000)
    expect(state.t).toBe(T0 + 60_000)
    expect(f.calls).toHaveBeenCalledTimes(31)
  })

  it('honours a custom rate', async () => {
    const { clock, sleep } = clockAt()
    const v = createVerifier({ baseUrl: BASE, apiKey: KEY, fetch: fakeFetch({ status: 200, body: fixture('valid') }).fetch, clock, sleep, ratePerMinute: 2 })
    await v.verify('a@example.com')
    await v.verify('b@example.com')
    expect(sleep).not.toHaveBeenCalled()
    await v.verify('c@example.com')
    expect(sleep).toHaveBeenCalledWith(60_000)
  })

  it('counts failed requests against the limit too (the vendor counts them)', async () => {
    const { clock, sleep } = clockAt()
    const f = fakeFetch({ status: 500, body: 'down' }, { status: 200, body: fixture('valid') })
    const v = createVerifier({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch, clock, sleep, ratePerMinute: 1 })
    await expect(v.verify('a@example.com')).rejects.toBeInstanceOf(VerifierUnavailableError)
    await expect(v.verify('a@example.com')).resolves.toMatchObject({ verdict: 'valid' })
    expect(sleep).toHaveBeenCalledWith(60_000)
  })
})
