import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { answerFor, startFakeVerifier } from '../fakes/myemailverifier'

/** The fields every success answer has, exactly as the contract spells them. */
const FIELDS = ['Address', 'catch_all', 'Status', 'Disposable_Domain', 'Role_Based', 'Free_Domain', 'Greylisted', 'Diagnosis']

describe('answerFor (the table in the fake header)', () => {
  it.each([
    // address, Status, flags that are "true", Diagnosis
    ['x@invalid.test', 'Invalid', [], 'Mailbox does not exist'],
    ['x@disposable.test', 'Invalid', ['Disposable_Domain'], 'Disposable Email Domain'],
    ['x@catchall.test', 'Catch-all', ['catch_all'], 'Catch All Domain'],
    ['x@catchall-alt.test', 'Catch All', ['catch_all'], 'Catch All Domain'],
    ['x@unknown.test', 'Unknown', [], 'Mail server did not respond'],
    ['x@greylisted.test', 'Grey-listed', ['Greylisted'], 'Greylisted, retry later'],
    ['info@example.com', 'Valid', ['Role_Based'], 'Mailbox Exists and Active'],
    ['sales@example.com', 'Valid', ['Role_Based'], 'Mailbox Exists and Active'],
    ['support@example.com', 'Valid', ['Role_Based'], 'Mailbox Exists and Active'],
    ['Info@Example.com', 'Valid', ['Role_Based'], 'Mailbox Exists and Active'],
    ['anita@example.com', 'Valid', [], 'Mailbox Exists and Active'],
    // The domain is matched case-insensitively.
    ['X@INVALID.TEST', 'Invalid', [], 'Mailbox does not exist'],
    ['no-at-sign', 'Invalid', [], 'Invalid syntax'],
  ])('%s → %s', (address, status, trueFlags, diagnosis) => {
    const answer = answerFor(address)
    expect(answer.status).toBe(200)
    expect(answer.delayMs).toBeUndefined()
    const body = answer.body as Record<string, string>
    expect(Object.keys(body)).toEqual(FIELDS)
    expect(body).toMatchObject({ Address: address, Status: status, Diagnosis: diagnosis })
    // Every flag is the string "true" or "false", never a boolean (a quirk of the real API).
    for (const flag of ['catch_all', 'Disposable_Domain', 'Role_Based', 'Free_Domain', 'Greylisted']) {
      expect(body[flag]).toBe(trueFlags.includes(flag) ? 'true' : 'false')
    }
  })

  it('answers a slow address as Valid after the given delay (2000 ms by default)', () => {
    expect(answerFor('x@slow.test')).toMatchObject({ status: 200, delayMs: 2000, body: { Status: 'Valid' } })
    expect(answerFor('x@slow.test', 50).delayMs).toBe(50)
  })

  it('answers error.test with HTTP 500 and a body that is not JSON', () => {
    const answer = answerFor('x@error.test')
    expect(answer.status).toBe(500)
    expect(typeof answer.body).toBe('string')
    expect(() => JSON.parse(answer.body as string)).toThrow()
  })
})

describe('startFakeVerifier', () => {
  const KEY = 'test-key'
  let server: Awaited<ReturnType<typeof startFakeVerifier>> | undefined

  afterEach(async () => {
    const s = server
    server = undefined
    if (s) await new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())))
  })

  async function start(ratePerMinute?: number): Promise<string> {
    // Port 0: the system picks a free port.
    server = await startFakeVerifier({ port: 0, apiKey: KEY, ratePerMinute, slowMs: 20 })
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async function get(url: string): Promise<{ status: number; type: string | null; body: unknown }> {
    const res = await fetch(url)
    const text = await res.text()
    const type = res.headers.get('content-type')
    return { status: res.status, type, body: type === 'application/json' ? JSON.parse(text) : text }
  }

  it('verifies through the query-string endpoint', async () => {
    const base = await start()
    const res = await get(`${base}/api/validate_single.php?apikey=${KEY}&email=${encodeURIComponent('x@invalid.test')}`)
    expect(res).toEqual({ status: 200, type: 'application/json', body: answerFor('x@invalid.test').body })
    expect(server!.requests).toEqual(['x@invalid.test'])
  })

  it('verifies through the legacy path endpoint, decoding the address', async () => {
    const base = await start()
    const res = await get(`${base}/verifier/validate_single/${encodeURIComponent('info@example.com')}/${KEY}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ Address: 'info@example.com', Status: 'Valid', Role_Based: 'true' })
    expect(server!.requests).toEqual(['info@example.com'])
  })

  it('answers the credits balance as a string', async () => {
    const base = await start()
    expect(await get(`${base}/verifier/getcredits/${KEY}`)).toEqual({ status: 200, type: 'application/json', body: { credits: '7800' } })
  })

  it('answers health and unknown paths', async () => {
    const base = await start()
    expect(await get(`${base}/health`)).toMatchObject({ status: 200, body: { ok: true } })
    expect(await get(`${base}/nope`)).toMatchObject({ status: 404, body: 'Not Found' })
  })

  it('answers a 500 with a text body for error.test, and a slow answer after its delay', async () => {
    const base = await start()
    expect(await get(`${base}/api/validate_single.php?apikey=${KEY}&email=x@error.test`)).toEqual({ status: 500, type: 'text/plain', body: 'Internal Server Error' })
    const started = Date.now()
    expect(await get(`${base}/api/validate_single.php?apikey=${KEY}&email=x@slow.test`)).toMatchObject({ status: 200, body: { Status: 'Valid' } })
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
  })

  it.each([
    ['query-string', (base: string) => `${base}/api/validate_single.php?apikey=wrong&email=x@example.com`],
    ['query-string without a key', (base: string) => `${base}/api/validate_single.php?email=x@example.com`],
    ['legacy path', (base: string) => `${base}/verifier/validate_single/x@example.com/wrong`],
    ['credits', (base: string) => `${base}/verifier/getcredits/wrong`],
  ])('answers INVALID_API_KEY with HTTP 200 on the %s endpoint for a wrong key', async (_label, url) => {
    const base = await start()
    expect(await get(url(base))).toEqual({ status: 200, type: 'application/json', body: { status: false, error: 'INVALID_API_KEY' } })
    expect(server!.requests).toEqual([])
  })

  it('answers 429 RATE_LIMIT_EXCEEDED once more than ratePerMinute verifications arrive in a minute', async () => {
    const base = await start(3)
    const verify = (n: number) => get(`${base}/api/validate_single.php?apikey=${KEY}&email=p${n}@example.com`)
    for (let n = 1; n <= 3; n++) expect((await verify(n)).status).toBe(200)
    expect(await verify(4)).toEqual({ status: 429, type: 'application/json', body: { status: false, error: 'RATE_LIMIT_EXCEEDED' } })
    expect((await verify(5)).status).toBe(429)
    // Refused requests are not recorded as verifications.
    expect(server!.requests).toEqual(['p1@example.com', 'p2@example.com', 'p3@example.com'])
    // Credits and wrong keys do not count against the limit, and are not limited by it.
    expect((await get(`${base}/verifier/getcredits/${KEY}`)).status).toBe(200)
  })

  it('does not count wrong-key requests against the limit', async () => {
    const base = await start(3)
    for (let n = 0; n < 5; n++) await get(`${base}/api/validate_single.php?apikey=wrong&email=x@example.com`)
    expect((await get(`${base}/api/validate_single.php?apikey=${KEY}&email=ok@example.com`)).status).toBe(200)
  })
})
