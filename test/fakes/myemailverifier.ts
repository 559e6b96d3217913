import { createServer, type Server } from 'node:http'

/**
 * A local MyEmailVerifier that follows ../shared/contracts/myemailverifier.md. Answers are chosen by the
 * address, so tests and demos are deterministic:
 *
 * | address                         | Status       | notes                                   |
 * |---------------------------------|--------------|-----------------------------------------|
 * | *@invalid.test                  | Invalid      | Diagnosis "Mailbox does not exist"      |
 * | *@disposable.test               | Invalid      | Disposable_Domain "true"                |
 * | *@catchall.test                 | Catch-all    | catch_all "true"                        |
 * | *@catchall-alt.test             | Catch All    | the other spelling seen in clients      |
 * | *@unknown.test                  | Unknown      |                                         |
 * | *@greylisted.test               | Grey-listed  | Greylisted "true"                       |
 * | info@, sales@, support@ any     | Valid        | Role_Based "true"                       |
 * | *@slow.test                     | Valid        | answers after MEV_FAKE_SLOW_MS (2000)   |
 * | *@error.test                    | HTTP 500 with a non-JSON body                           |
 * | anything else                   | Valid        |                                         |
 *
 * A wrong API key answers `{"status":false,"error":"INVALID_API_KEY"}`; more than `ratePerMinute` requests
 * in a minute answer 429 `RATE_LIMIT_EXCEEDED`, as the contract describes.
 */
export type FakeAnswer = { status: number; body: unknown; delayMs?: number }

const ROLE_LOCAL_PARTS = new Set(['info', 'sales', 'support', 'admin', 'contact', 'hello'])

function result(address: string, status: string, flags: Partial<Record<'catch_all' | 'Disposable_Domain' | 'Role_Based' | 'Free_Domain' | 'Greylisted', boolean>>, diagnosis: string) {
  const s = (b?: boolean) => (b ? 'true' : 'false')
  return {
    Address: address,
    catch_all: s(flags.catch_all),
    Status: status,
    Disposable_Domain: s(flags.Disposable_Domain),
    Role_Based: s(flags.Role_Based),
    Free_Domain: s(flags.Free_Domain),
    Greylisted: s(flags.Greylisted),
    Diagnosis: diagnosis,
  }
}

/** Pure: the answer for one address. */
export function answerFor(address: string, slowMs = 2000): FakeAnswer {
  const at = address.lastIndexOf('@')
  const local = address.slice(0, at).toLowerCase()
  const domain = address.slice(at + 1).toLowerCase()
  switch (domain) {
    case 'invalid.test':
      return { status: 200, body: result(address, 'Invalid', {}, 'Mailbox does not exist') }
    case 'disposable.test':
      return { status: 200, body: result(address, 'Invalid', { Disposable_Domain: true }, 'Disposable Email Domain') }
    case 'catchall.test':
      return { status: 200, body: result(address, 'Catch-all', { catch_all: true }, 'Catch All Domain') }
    case 'catchall-alt.test':
      return { status: 200, body: result(address, 'Catch All', { catch_all: true }, 'Catch All Domain') }
    case 'unknown.test':
      return { status: 200, body: result(address, 'Unknown', {}, 'Mail server did not respond') }
    case 'greylisted.test':
      return { status: 200, body: result(address, 'Grey-listed', { Greylisted: true }, 'Greylisted, retry later') }
    case 'error.test':
      return { status: 500, body: 'Internal Server Error' }
    case 'slow.test':
      return { status: 200, body: result(address, 'Valid', {}, 'Mailbox Exists and Active'), delayMs: slowMs }
  }
  if (at < 1) return { status: 200, body: result(address, 'Invalid', {}, 'Invalid syntax') }
  return { status: 200, body: result(address, 'Valid', { Role_Based: ROLE_LOCAL_PARTS.has(local) }, 'Mailbox Exists and Active') }
}

export interface FakeVerifierOptions {
  host?: string
  port: number
  apiKey: string
  /** The vendor's default is 30 requests a minute. */
  ratePerMinute?: number
  slowMs?: number
}

export function startFakeVerifier(options: FakeVerifierOptions): Promise<Server & { requests: string[] }> {
  const limit = options.ratePerMinute ?? 30
  let windowStart = 0
  let count = 0
  const requests: string[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
    let key: string | null = null
    let email: string | null = null
    let credits = false
    const legacy = /^\/verifier\/validate_single\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    const creditsPath = /^\/verifier\/getcredits\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && url.pathname === '/api/validate_single.php') {
      key = url.searchParams.get('apikey')
      email = url.searchParams.get('email')
    } else if (req.method === 'GET' && legacy) {
      email = decodeURIComponent(legacy[1]!)
      key = decodeURIComponent(legacy[2]!)
    } else if (req.method === 'GET' && creditsPath) {
      key = decodeURIComponent(creditsPath[1]!)
      credits = true
    } else if (req.method === 'GET' && url.pathname === '/health') {
      return send(200, { ok: true })
    } else {
      return send(404, 'Not Found')
    }
    if (key !== options.apiKey) return send(200, { status: false, error: 'INVALID_API_KEY' })
    if (credits) return send(200, { credits: '7800' })
    const now = Date.now()
    if (now - windowStart >= 60_000) {
      windowStart = now
      count = 0
    }
    count += 1
    if (count > limit) return send(429, { status: false, error: 'RATE_LIMIT_EXCEEDED' })
    requests.push(email ?? '')
    const answer = answerFor(email ?? '', options.slowMs)
    if (answer.delayMs) setTimeout(() => send(answer.status, answer.body), answer.delayMs)
    else send(answer.status, answer.body)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(Object.assign(server, { requests })))
  })
}
