import type { AddressInfo, Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, VerifierConfigError, VerifierUnavailableError } from '../../src/shared/adapters/myemailverifier.server'
import { startFakeVerifier } from '../fakes/myemailverifier'
import { world } from '../support/world'

// The adapter over real HTTP against the local MyEmailVerifier (test/fakes/myemailverifier.ts), as the
// world runs it, with its key, but an instance of its own: the world's is shared by every system test, and
// the send-loop tests before this one can use up its 30-a-minute budget, so these answers would be 429s.
let server: Server
let baseUrl: string
beforeAll(async () => {
  server = await startFakeVerifier({ host: '127.0.0.1', port: 0, apiKey: world().env.MEV_API_KEY! })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function verifier(apiKey = world().env.MEV_API_KEY!) {
  return createVerifier({ baseUrl, apiKey, clock: { now: () => new Date() } })
}

describe('MyEmailVerifier adapter against the local verifier over HTTP', () => {
  it('a deliverable address is valid; a role address stays valid with its flag', async () => {
    const v = verifier()
    expect(await v.verify('jane@acme.example.com')).toMatchObject({
      verdict: 'valid',
      status: 'Valid',
      diagnosis: 'Mailbox Exists and Active',
      flags: { catchAll: false, disposable: false, roleBased: false, freeDomain: false, greylisted: false },
      raw: { Address: 'jane@acme.example.com' },
    })
    expect(await v.verify('info@acme.example.com')).toMatchObject({ verdict: 'valid', flags: { roleBased: true } })
  })

  it('*@invalid.test is invalid', async () => {
    expect(await verifier().verify('nobody@invalid.test')).toMatchObject({ verdict: 'invalid', status: 'Invalid', diagnosis: 'Mailbox does not exist' })
  })

  it('*@catchall.test is risky, with the catch-all flag', async () => {
    expect(await verifier().verify('anyone@catchall.test')).toMatchObject({ verdict: 'risky', status: 'Catch-all', flags: { catchAll: true } })
  })

  it('*@greylisted.test is risky, with the greylisted flag', async () => {
    expect(await verifier().verify('sales@greylisted.test')).toMatchObject({ verdict: 'risky', status: 'Grey-listed', flags: { greylisted: true } })
  })

  it('*@error.test (HTTP 500, not JSON) throws VerifierUnavailableError', async () => {
    const err = await verifier().verify('x@error.test').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerifierUnavailableError)
    expect(err).toMatchObject({ reason: 'server_error', retryable: true, httpStatus: 500 })
  })

  it('a wrong key throws VerifierConfigError, and the message does not carry the key', async () => {
    const wrong = 'wrong-key-do-not-log-0123'
    const err = await verifier(wrong).verify('jane@acme.example.com').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerifierConfigError)
    expect(err).toMatchObject({ reason: 'invalid_api_key', retryable: false })
    expect(String(err)).not.toContain(wrong)
  })
})
