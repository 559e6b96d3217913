import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { classifySendError, createSesSender, formatFrom, sanitiseTag, type OutgoingMessage, type SendOutcome } from './ses-sender.server'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('ses', 'sendemail')
type Fixture = { _http: { status: number; headers: Record<string, string> }; body: unknown }
const fixture = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Fixture

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }

/** A stand-in for SES: records every request and answers with whatever the test set. */
type Recorded = { method: string; url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }
let server: Server
let endpoint: string
const requests: Recorded[] = []
let answer: (res: ServerResponse) => void

function replay(f: Fixture, extraHeaders: Record<string, string> = {}) {
  return (res: ServerResponse) => {
    res.writeHead(f._http.status, { ...f._http.headers, ...extraHeaders })
    res.end(JSON.stringify(f.body))
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} })
      answer(res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  requests.length = 0
  answer = replay(fixture('response.200.json'))
})

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: { name: 'Anita Rao', address: 'anita@mail.example.com' },
    to: 'jane.doe@acme-corp.example.com',
    subject: 'Quick question about Acme',
    text: 'Hi Jane,\n\nQuick question…\n\nAnita',
    html: '<p>Hi Jane,</p><p>Quick question…</p>',
    tags: { lead: 'lead-42', campaign: 'c-q3', mailbox: 'mb-1', send: 'send-7' },
    unsubscribeUrl: 'https://drason.example.com/u/abc123?s=sig',
    ...overrides,
  }
}

async function withSender<T>(fn: (send: (m: OutgoingMessage) => Promise<SendOutcome>) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const sender = createSesSender({ endpoint, region: 'us-east-1', configurationSet: 'drason-test', credentials: CREDENTIALS, timeoutMs })
  try {
    return await fn((m) => sender.send(m))
  } finally {
    sender.destroy()
  }
}

describe('createSesSender: the request', () => {
  it('sends one SendEmail with the configuration set, tags, both unsubscribe headers and the bodies; answers the MessageId', async () => {
    const outcome = await withSender((send) => send(message()))
    expect(outcome).toEqual({ kind: 'sent', messageId: (fixture('response.200.json').body as { MessageId: string }).MessageId })
    expect(requests).toHaveLength(1)
    const req = requests[0]!
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/v2/email/outbound-emails')
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.body).toEqual({
      FromEmailAddress: '"Anita Rao" <anita@mail.example.com>',
      Destination: { ToAddresses: ['jane.doe@acme-corp.example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Quick question about Acme', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Hi Jane,\n\nQuick question…\n\nAnita', Charset: 'UTF-8' },
            Html: { Data: '<p>Hi Jane,</p><p>Quick question…</p>', Charset: 'UTF-8' },
          },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://drason.example.com/u/abc123?s=sig>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
      EmailTags: [
        { Name: 'lead', Value: 'lead-42' },
        { Name: 'campaign', Value: 'c-q3' },
        { Name: 'mailbox', Value: 'mb-1' },
        { Name: 'send', Value: 'send-7' },
      ],
      ConfigurationSetName: 'drason-test',
    })
  })

  it('leaves the HTML body out when there is none', async () => {
    await withSender((send) => send(message({ html: undefined })))
    const simple = (requests[0]!.body.Content as { Simple: { Body: Record<string, unknown> } }).Simple
    expect(Object.keys(simple.Body)).toEqual(['Text'])
  })

  it('sanitises tag names and values to what SES accepts', async () => {
    await withSender((send) => send(message({ tags: { lead: 'lead 42/α', campaign: 'Q3: founders!', mailbox: 'anita@mail.example.com', send: '', 'x.extra': 'ok' } })))
    expect(requests[0]!.body.EmailTags).toEqual([
      { Name: 'lead', Value: 'lead_42__' },
      { Name: 'campaign', Value: 'Q3__founders_' },
      { Name: 'mailbox', Value: 'anita_mail_example_com' },
      { Name: 'send', Value: 'none' },
      { Name: 'x_extra', Value: 'ok' },
    ])
  })

  // The message's own problems: this lead's email fails, the campaign goes on.
  it.each([
    ['a line break in the subject', { subject: 'Hello\r\nBcc: victim@example.com' }, 'The subject contains a line break'],
    ['a bare LF in the subject', { subject: 'Hello\nX-Evil: 1' }, 'The subject contains a line break'],
    ['a control character in the subject', { subject: 'Hello\x00' }, 'The subject contains a control character'],
    ['a recipient with a line break', { to: 'jane@acme.example.com\r\nBcc: x@example.com' }, 'The recipient address is not a valid address'],
    ['two recipients', { to: 'jane@acme.example.com, x@example.com' }, 'The recipient address is not a valid address'],
    ['a recipient with a display name', { to: 'Jane <jane@acme.example.com>' }, 'The recipient address is not a valid address'],
  ])('refuses %s before sending anything', async (_label, overrides, problem) => {
    const outcome = await withSender((send) => send(message(overrides as Partial<OutgoingMessage>)))
    expect(outcome).toEqual({ kind: 'rejected', code: 'InvalidMessage', message: `${problem}; nothing was sent.` })
    expect(requests).toHaveLength(0)
  })

  // The setup's problems (the mailbox, the unsubscribe URL every message carries): every message would fail.
  it.each([
    ['a line break in the sender name', { from: { name: 'Anita\r\nBcc: x@example.com', address: 'anita@mail.example.com' } }, 'The sender name contains a line break'],
    ['a sender address with a display name', { from: { name: 'A', address: 'A <a@mail.example.com>' } }, 'The sender address is not a valid address'],
    ['a sender name problem before a recipient problem', { from: { name: 'A\x01', address: 'a@mail.example.com' }, to: 'not an address' }, 'The sender name contains a control character'],
    ['an unsubscribe URL with a line break', { unsubscribeUrl: 'https://drason.example.com/u/1\r\nBcc: x' }, 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'],
    ['an unsubscribe URL with >', { unsubscribeUrl: 'https://drason.example.com/u/1>, <mailto:x@example.com' }, 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'],
    ['a relative unsubscribe URL', { unsubscribeUrl: '/u/1' }, 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'],
    ['a javascript: unsubscribe URL', { unsubscribeUrl: 'javascript:alert(1)' }, 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'],
    ['a non-ASCII unsubscribe URL', { unsubscribeUrl: 'https://drason.example.com/u/é' }, 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'],
    ['an unsubscribe URL too long for a header', { unsubscribeUrl: `https://drason.example.com/u/${'a'.repeat(900)}` }, 'The unsubscribe URL is longer than 868 characters'],
  ])('refuses %s before sending anything, as a setup problem', async (_label, overrides, problem) => {
    const outcome = await withSender((send) => send(message(overrides as Partial<OutgoingMessage>)))
    expect(outcome).toEqual({ kind: 'misconfigured', code: 'InvalidSetup', message: `${problem}; nothing was sent.`, explanation: problem.replace(/^The /, 'the ') })
    expect(requests).toHaveLength(0)
  })

  it('accepts a plain http unsubscribe URL (the local sandbox)', async () => {
    expect(await withSender((send) => send(message({ unsubscribeUrl: 'http://localhost:3333/u/abc' })))).toMatchObject({ kind: 'sent' })
  })
})

describe('formatFrom', () => {
  it.each([
    ['Anita Rao', '"Anita Rao" <a@mail.example.com>'],
    ['Rao, Anita', '"Rao, Anita" <a@mail.example.com>'],
    ['Anita "AR" Rao', '"Anita \\"AR\\" Rao" <a@mail.example.com>'],
    ['Back\\slash', '"Back\\\\slash" <a@mail.example.com>'],
    ['Eve <eve@evil.example.com>', '"Eve <eve@evil.example.com>" <a@mail.example.com>'],
    ['  Anita  ', '"Anita" <a@mail.example.com>'],
    ['', 'a@mail.example.com'],
    ['Zoë', '=?UTF-8?B?Wm/Dqw==?= <a@mail.example.com>'],
  ])('%j → %s', (name, expected) => {
    expect(formatFrom(name, 'a@mail.example.com')).toBe(expected)
  })

  it('splits a long non-ASCII name into encoded words of at most 75 characters that decode back', () => {
    const name = 'Ананья Кришнамурти Венкатараман — отдел продаж'
    const out = formatFrom(name, 'a@mail.example.com')
    const words = out.replace(/ <a@mail\.example\.com>$/, '').split(' ')
    expect(words.length).toBeGreaterThan(1)
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75)
    const decoded = words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64').toString('utf8')).join('')
    expect(decoded).toBe(name)
  })
})

describe('sanitiseTag', () => {
  it.each([
    ['0b6c9a3e-2f1d-4c5b-9a8e-7d6c5b4a3f21', '0b6c9a3e-2f1d-4c5b-9a8e-7d6c5b4a3f21'],
    ['a_b-C9', 'a_b-C9'],
    ['a.b c', 'a_b_c'],
    ['', 'none'],
    ['x'.repeat(300), 'x'.repeat(256)],
  ])('%s → %s', (input, expected) => {
    expect(sanitiseTag(input)).toBe(expected)
  })
})

describe('createSesSender: errors (contract fixtures replayed over HTTP)', () => {
  const cases: Record<string, SendOutcome> = {
    'account-suspended.json': { kind: 'suspended', code: 'AccountSuspendedException' },
    'bad-request.json': { kind: 'rejected', code: 'BadRequestException', message: "1 validation error detected: Value at 'content.simple.headers.1.member.name' failed to satisfy constraint" },
    'internal-error.json': { kind: 'unknown', reason: 'SES answered HTTP 500 (InternalServiceErrorException): Internal service error.' },
    'limit-exceeded-daily-quota.json': { kind: 'throttled', code: 'LimitExceededException' },
    'mail-from-not-verified.json': {
      kind: 'misconfigured',
      code: 'MailFromDomainNotVerifiedException',
      message: 'Mail FROM domain is not verified.',
      explanation: "the sending domain's custom MAIL FROM domain is not verified at SES (its MX record cannot be read)",
    },
    'message-rejected-content.json': { kind: 'rejected', code: 'MessageRejected', message: "Message rejected: Illegal header 'X-SES-TEST'" },
    'message-rejected-unverified.json': {
      kind: 'rejected',
      code: 'MessageRejected',
      message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: jane.doe@acme-corp.example.com',
    },
    'not-found-config-set.json': {
      kind: 'misconfigured',
      code: 'NotFoundException',
      message: 'Configuration set <outbound-prod> does not exist.',
      explanation: 'SES cannot find something the send names, most likely the configuration set (deleted or renamed)',
    },
    'sending-paused.json': { kind: 'paused', code: 'SendingPausedException' },
    'too-many-requests.json': { kind: 'throttled', code: 'TooManyRequestsException' },
  }

  it('covers every error fixture', () => {
    expect(readdirSync(join(FIXTURES, 'errors')).sort()).toEqual(Object.keys(cases).sort())
  })

  it.each(Object.entries(cases))('%s → %o, in exactly one request', async (file, expected) => {
    answer = replay(fixture(`errors/${file}`))
    const outcome = await withSender((send) => send(message()))
    expect(outcome).toEqual(expected)
    // maxAttempts 1: the SDK must not retry, not even a 500 or a 429 it would normally retry.
    expect(requests).toHaveLength(1)
  })

  it('passes on Retry-After from a 429', async () => {
    answer = replay(fixture('errors/too-many-requests.json'), { 'Retry-After': '2' })
    expect(await withSender((send) => send(message()))).toEqual({ kind: 'throttled', code: 'TooManyRequestsException', retryAfterSeconds: 2 })
  })

  it.each([502, 503, 504])('HTTP %i without an error type → unknown, one request', async (status) => {
    answer = (res) => {
      res.writeHead(status, { 'content-type': 'text/html' })
      res.end('<html>Bad gateway</html>')
    }
    const outcome = await withSender((send) => send(message()))
    expect(outcome.kind).toBe('unknown')
    expect(outcome).toMatchObject({ reason: expect.stringContaining(`HTTP ${status}`) })
    expect(requests).toHaveLength(1)
  })

  it('HTTP 403 (refused credentials) → misconfigured: nothing went out, and no message would', async () => {
    answer = (res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'UnrecognizedClientException' })
      res.end(JSON.stringify({ message: 'The security token included in the request is invalid.' }))
    }
    expect(await withSender((send) => send(message()))).toEqual({
      kind: 'misconfigured',
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      explanation: "SES does not accept Drason's AWS credentials (invalid or from another account)",
    })
  })

  it('a 200 without a MessageId → unknown (probably accepted, but nothing to follow)', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    }
    expect(await withSender((send) => send(message()))).toEqual({ kind: 'unknown', reason: 'SES answered without a MessageId.' })
  })

  it('a 200 whose body is not JSON → unknown', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('<html>')
    }
    expect((await withSender((send) => send(message()))).kind).toBe('unknown')
    expect(requests).toHaveLength(1)
  })

  it('a server that never answers → unknown within the timeout, after one request', async () => {
    answer = () => undefined
    const started = Date.now()
    const outcome = await withSender((send) => send(message()), 300)
    const elapsed = Date.now() - started
    expect(outcome.kind).toBe('unknown')
    expect(outcome).toMatchObject({ reason: expect.stringContaining('did not answer in time') })
    expect(elapsed).toBeGreaterThanOrEqual(250)
    expect(elapsed).toBeLessThan(3_000)
    expect(requests).toHaveLength(1)
  })

  it('a refused connection → unknown (network errors are never retried here)', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const sender = createSesSender({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', configurationSet: 'drason-test', credentials: CREDENTIALS })
    const outcome = await sender.send(message())
    sender.destroy()
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('ECONNREFUSED') })
  })
})

describe('classifySendError', () => {
  const sdkError = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) })
  it.each([
    [sdkError('TooManyRequestsException', 429), { kind: 'throttled', code: 'TooManyRequestsException' }],
    [sdkError('ThrottlingException', 429), { kind: 'throttled', code: 'TooManyRequestsException' }],
    [sdkError('LimitExceededException', 400), { kind: 'throttled', code: 'LimitExceededException' }],
    [sdkError('SendingPausedException', 400), { kind: 'paused', code: 'SendingPausedException' }],
    [sdkError('AccountSuspendedException', 400), { kind: 'suspended', code: 'AccountSuspendedException' }],
    [sdkError('MessageRejected', 400), { kind: 'rejected', code: 'MessageRejected', message: 'MessageRejected happened' }],
    [sdkError('BadRequestException', 400), { kind: 'rejected', code: 'BadRequestException', message: 'BadRequestException happened' }],
    [sdkError('NotFoundException', 404), { kind: 'misconfigured', code: 'NotFoundException', message: 'NotFoundException happened', explanation: expect.stringContaining('configuration set') }],
    [sdkError('MailFromDomainNotVerifiedException', 400), { kind: 'misconfigured', code: 'MailFromDomainNotVerifiedException', message: expect.any(String), explanation: expect.stringContaining('MAIL FROM') }],
    [sdkError('AccessDeniedException', 403), { kind: 'misconfigured', code: 'AccessDeniedException', message: expect.any(String), explanation: expect.stringContaining('ses:SendEmail') }],
    // A 403 of a name not in the table is still about who is asking.
    [sdkError('SomethingForbidden', 403), { kind: 'misconfigured', code: 'SomethingForbidden', message: expect.any(String), explanation: expect.stringContaining('ses:SendEmail') }],
    [sdkError('ExpiredTokenException', 400), { kind: 'misconfigured', code: 'ExpiredTokenException', message: expect.any(String), explanation: "Drason's AWS credentials have expired" }],
    [sdkError('CredentialsProviderError'), { kind: 'misconfigured', code: 'CredentialsProviderError', message: 'CredentialsProviderError happened', explanation: 'Drason has no AWS credentials to send with' }],
    [sdkError('InternalFailure', 503), { kind: 'unknown', reason: 'SES answered HTTP 503 (InternalFailure): InternalFailure happened' }],
    [sdkError('TimeoutError'), { kind: 'unknown', reason: 'SES did not answer in time: TimeoutError happened' }],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { kind: 'unknown', reason: 'SES could not be reached or its answer could not be read (Error ECONNRESET): socket hang up' }],
    ['a string', { kind: 'unknown', reason: 'SES could not be reached or its answer could not be read (Error): a string' }],
  ])('%o → %o', (err, expected) => {
    expect(classifySendError(err)).toEqual(expected)
  })
})
