import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createSnsTestKeys,
  signSnsMessage,
  snsCertificateFetch,
  snsConfirmation,
  snsNotification,
  snsTestKeys,
  TEST_SNS_CERT_URL,
  TEST_SNS_TOPIC_ARN,
  type SnsTestKeys,
} from '../../../test/support/sns-signing'
import { parseSnsMessage } from '../domain/sns-message'
import { createSnsVerifier, httpsFetchText, SnsUnavailableError, type FetchText, type SnsVerifierOptions, type VerifiedSnsMessage } from './sns-verifier.server'
import { fixturePath } from '../../../test/support/contracts'

const OTHER_ALLOWED_TOPIC = 'arn:aws:sns:us-east-1:123456789012:drason-ses-events-2'
const NOT_ALLOWED_TOPIC = 'arn:aws:sns:us-east-1:123456789012:someone-elses-topic'
const SES_BOUNCE = { eventType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'General' }, mail: { messageId: 'ses-1' } }

let keys: SnsTestKeys
let otherKeys: SnsTestKeys
// The test certificate is valid from the moment openssl made it, by the real clock; the fixed test
// clock is set a minute after that so every check below is about the message, not the certificate.
let now: Date

beforeAll(() => {
  keys = snsTestKeys()
  otherKeys = createSnsTestKeys()
  now = new Date(Date.now() + 60_000)
})

function setup(overrides: Partial<SnsVerifierOptions> = {}, served: Record<string, string> = {}) {
  const fake = snsCertificateFetch(keys, served)
  const fetchText = vi.fn(fake.fetchText)
  const verifier = createSnsVerifier({ allowedTopicArns: [TEST_SNS_TOPIC_ARN, OTHER_ALLOWED_TOPIC], clock: { now: () => now }, fetchText, ...overrides })
  return { verifier, fetchText }
}

const body = (message: object) => JSON.stringify(message)
const notification = (options: Parameters<typeof snsNotification>[1] = {}) => snsNotification(SES_BOUNCE, { at: new Date(now.getTime() - 2_000), ...options })

describe('verify: genuine messages', () => {
  it.each(['1', '2'] as const)('accepts a Notification signed with SignatureVersion %s and fetches only the allowed certificate URL', async (version) => {
    const { verifier, fetchText } = setup()
    const signed = signSnsMessage(notification(), { version })
    const result = await verifier.verify(body(signed))
    expect(result).toEqual({ ok: true, message: signed })
    expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL]])
  })

  it.each([
    ['SubscriptionConfirmation', '1'],
    ['SubscriptionConfirmation', '2'],
    ['UnsubscribeConfirmation', '1'],
    ['UnsubscribeConfirmation', '2'],
  ] as const)('accepts a %s signed with SignatureVersion %s', async (type, version) => {
    const { verifier } = setup()
    const signed = signSnsMessage(snsConfirmation(type, { at: now }), { version })
    expect(await verifier.verify(body(signed))).toMatchObject({ ok: true, message: { Type: type, Token: signed.Token } })
  })

  it('accepts a Notification with a Subject, which is signed too', async () => {
    const { verifier } = setup()
    const signed = signSnsMessage(notification({ subject: 'Amazon SES Email Event Notification' }), { version: '2' })
    expect((await verifier.verify(body(signed))).ok).toBe(true)
    const { Subject: _dropped, ...withoutSubject } = signed
    expect(await verifier.verify(body(withoutSubject))).toMatchObject({ ok: false, reason: 'bad_signature' })
  })

  it('ignores fields outside the signature (MessageAttributes, new fields)', async () => {
    const { verifier } = setup()
    const signed = signSnsMessage(notification())
    expect((await verifier.verify(body({ ...signed, MessageAttributes: { a: { Type: 'String', Value: 'b' } }, Later: 1 }))).ok).toBe(true)
  })
})

describe('verify: refusals', () => {
  const v1 = () => signSnsMessage(notification(), { version: '1' })
  const v2 = () => signSnsMessage(notification(), { version: '2' })

  // [what, body, reason, whether the certificate was fetched to decide]
  const cases: [string, () => string, string, boolean][] = [
    ['an altered Message (v1)', () => body({ ...v1(), Message: JSON.stringify({ ...SES_BOUNCE, mail: { messageId: 'ses-2' } }) }), 'bad_signature', true],
    ['an altered Message (v2)', () => body({ ...v2(), Message: '{}' }), 'bad_signature', true],
    ['an altered MessageId', () => body({ ...v1(), MessageId: 'f0f0f0f0-0000-4000-8000-000000000000' }), 'bad_signature', true],
    ['an altered Timestamp (still fresh)', () => body({ ...v1(), Timestamp: new Date(now.getTime() - 1_000).toISOString() }), 'bad_signature', true],
    ['an altered TopicArn (to another allowed topic)', () => body({ ...v2(), TopicArn: OTHER_ALLOWED_TOPIC }), 'bad_signature', true],
    ['an added Subject', () => body({ ...v1(), Subject: 'hello' }), 'bad_signature', true],
    ['a v1 signature labelled version 2', () => body({ ...v1(), SignatureVersion: '2' }), 'bad_signature', true],
    ['a signature by another key, under the allowed certificate URL', () => body(signSnsMessage(notification(), { keys: otherKeys })), 'bad_signature', true],
    ['a signature from another message', () => body({ ...v1(), Signature: signSnsMessage(notification()).Signature }), 'bad_signature', true],
    ['a truncated signature', () => body({ ...v1(), Signature: v1().Signature.slice(0, 100) }), 'bad_signature', true],
    ['a topic not on the allow-list', () => body(signSnsMessage(notification({ topicArn: NOT_ALLOWED_TOPIC }))), 'topic_not_allowed', false],
    ['a SigningCertURL on another host', () => body(signSnsMessage(notification(), { certUrl: 'https://evil.example.com/SimpleNotificationService-a.pem' })), 'certificate_url_not_allowed', false],
    ['a SigningCertURL with a look-alike host', () => body(signSnsMessage(notification(), { certUrl: 'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-a.pem' })), 'certificate_url_not_allowed', false],
    ['a SigningCertURL over http', () => body(signSnsMessage(notification(), { certUrl: TEST_SNS_CERT_URL.replace('https', 'http') })), 'certificate_url_not_allowed', false],
    ['a SigningCertURL with userinfo', () => body(signSnsMessage(notification(), { certUrl: 'https://sns.us-east-1.amazonaws.com@evil.com/a.pem' })), 'certificate_url_not_allowed', false],
    ['a SigningCertURL that is not a .pem', () => body(signSnsMessage(notification(), { certUrl: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription' })), 'certificate_url_not_allowed', false],
    ['a Signature that is not base64', () => body({ ...v1(), Signature: '!!not base64!!' }), 'bad_signature_encoding', false],
    ['a Signature with a line break', () => body({ ...v1(), Signature: `${v1().Signature.slice(0, 40)}\n${v1().Signature.slice(40)}` }), 'bad_signature_encoding', false],
    ['an empty Signature', () => body({ ...v1(), Signature: '' }), 'bad_signature_encoding', false],
    ['SignatureVersion 3', () => body({ ...v2(), SignatureVersion: '3' }), 'unknown_signature_version', false],
    ['no SignatureVersion', () => body({ ...v1(), SignatureVersion: undefined }), 'not_sns_message', false],
    ['a stale Timestamp (signed, 2 hours old)', () => body(signSnsMessage(notification({ at: new Date(now.getTime() - 7_200_000) }))), 'stale', false],
    ['a Timestamp an hour ahead (signed)', () => body(signSnsMessage(notification({ at: new Date(now.getTime() + 3_600_000) }))), 'from_the_future', false],
    ['a body that is not JSON', () => 'Type=Notification', 'not_json', false],
    ['JSON that is not an SNS message', () => body(SES_BOUNCE), 'not_sns_message', false],
  ]

  it.each(cases)('refuses %s', async (_what, make, reason, fetched) => {
    const { verifier, fetchText } = setup()
    const result = await verifier.verify(make())
    expect(result).toMatchObject({ ok: false, reason })
    expect(result.ok || result.detail.length > 0).toBe(true)
    if (fetched) expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL]])
    else expect(fetchText).not.toHaveBeenCalled()
  })

  it('gives each kind of problem its own reason', () => {
    expect([...new Set(cases.map(([, , reason]) => reason))].sort()).toEqual(
      ['bad_signature', 'bad_signature_encoding', 'certificate_url_not_allowed', 'from_the_future', 'not_json', 'not_sns_message', 'stale', 'topic_not_allowed', 'unknown_signature_version'].sort(),
    )
  })

  it('refuses the contract fixtures: their signatures are examples, not SNS signatures', async () => {
    const dir = fixturePath('ses', 'sns')
    const names = readdirSync(dir).filter((f) => f.endsWith('.body.json'))
    expect(names.length).toBeGreaterThanOrEqual(5)
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8')
      const parsed = parseSnsMessage(text)
      if (!parsed.ok) throw new Error(name)
      // The fixtures' own topic, time and certificate URL, with the test certificate served at that URL.
      const { verifier, fetchText } = setup(
        { allowedTopicArns: [parsed.message.TopicArn], clock: { now: () => new Date(Date.parse(parsed.message.Timestamp) + 1_000) } },
        { [parsed.message.SigningCertURL]: keys.certificatePem },
      )
      // The fixtures' time is before the test certificate existed, so it is refused as not yet valid;
      // a certificate valid then would still not match the example signature (next test).
      expect(await verifier.verify(text), name).toMatchObject({ ok: false, reason: 'certificate_expired' })
      expect(fetchText.mock.calls, name).toEqual([[parsed.message.SigningCertURL]])
    }
  })

  it('refuses a fixture made fresh, with the test certificate at its URL, as a bad signature', async () => {
    const text = readFileSync(fixturePath('ses', 'sns', 'notification-bounce.body.json'), 'utf8')
    const parsed = parseSnsMessage(text)
    if (!parsed.ok) throw new Error('fixture')
    // Its topic allowed, its Timestamp moved to now, its certificate URL serving a valid certificate:
    // only the signature is left to decide.
    const fresh = { ...(JSON.parse(text) as object), Timestamp: new Date(now.getTime() - 1_000).toISOString() }
    const { verifier, fetchText } = setup({ allowedTopicArns: [parsed.message.TopicArn] }, { [parsed.message.SigningCertURL]: keys.certificatePem })
    expect(await verifier.verify(body(fresh))).toMatchObject({ ok: false, reason: 'bad_signature' })
    expect(fetchText.mock.calls).toEqual([[parsed.message.SigningCertURL]])
  })
})

describe('verify: the certificate', () => {
  it('refuses an answer that is not a certificate', async () => {
    const { verifier } = setup({}, { [TEST_SNS_CERT_URL]: '<Error><Code>NoSuchKey</Code></Error>' })
    expect(await verifier.verify(body(signSnsMessage(notification())))).toMatchObject({ ok: false, reason: 'certificate_invalid' })
  })

  it('refuses a certificate that has expired by the clock', async () => {
    const later = new Date(now.getTime() + 3 * 86_400_000)
    const { verifier } = setup({ clock: { now: () => later } })
    const signed = signSnsMessage(notification({ at: new Date(later.getTime() - 1_000) }))
    expect(await verifier.verify(body(signed))).toMatchObject({ ok: false, reason: 'certificate_expired' })
  })

  it('throws SnsUnavailableError when the certificate cannot be fetched, and fetches again next time', async () => {
    let fail = true
    const fake = snsCertificateFetch(keys)
    const fetchText = vi.fn<FetchText>(async (url) => {
      if (fail) throw new Error('HTTP 503')
      return fake.fetchText(url)
    })
    const { verifier } = setup({ fetchText })
    const signed = body(signSnsMessage(notification()))
    const err = await verifier.verify(signed).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SnsUnavailableError)
    expect(err).toMatchObject({ reason: 'certificate_unavailable', retryable: true })
    fail = false
    expect((await verifier.verify(signed)).ok).toBe(true)
    expect(fetchText).toHaveBeenCalledTimes(2)
  })

  it('keeps a certificate by URL: many messages, concurrent ones included, cost one fetch', async () => {
    const { verifier, fetchText } = setup()
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => verifier.verify(body(signSnsMessage(notification(), { version: i % 2 ? '1' : '2' })))))
    expect(results.every((r) => r.ok)).toBe(true)
    expect((await verifier.verify(body(signSnsMessage(notification())))).ok).toBe(true)
    expect(fetchText).toHaveBeenCalledTimes(1)
  })

  it('keeps a bounded number of certificates, dropping the least recently used', async () => {
    const second = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-fedcba9876543210.pem'
    const { verifier, fetchText } = setup({ certificateCacheSize: 1 }, { [second]: otherKeys.certificatePem })
    const first = () => verifier.verify(body(signSnsMessage(notification())))
    const other = () => verifier.verify(body(signSnsMessage(notification(), { keys: otherKeys, certUrl: second })))
    for (const check of [first, first, other, first]) expect((await check()).ok).toBe(true)
    expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL], [second], [TEST_SNS_CERT_URL]])
  })
})

describe('confirmSubscription', () => {
  async function verified(verifier: ReturnType<typeof setup>['verifier'], message: object): Promise<VerifiedSnsMessage> {
    const result = await verifier.verify(body(message))
    if (!result.ok) throw new Error(`not verified: ${result.reason}`)
    return result.message
  }

  it('GETs the SubscribeURL of a verified SubscriptionConfirmation for an allowed topic, and nothing else', async () => {
    const { verifier, fetchText } = setup()
    const signed = signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now }), { version: '2' })
    expect(await verifier.confirmSubscription(await verified(verifier, signed))).toEqual({ ok: true })
    expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL], [signed.SubscribeURL]])
  })

  it('refuses a message it did not verify (parsed elsewhere, or a copy), without fetching', async () => {
    const { verifier, fetchText } = setup()
    const signed = signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now }))
    const parsed = parseSnsMessage(body(signed))
    if (!parsed.ok) throw new Error('parse')
    expect(await verifier.confirmSubscription(parsed.message as VerifiedSnsMessage)).toMatchObject({ ok: false, reason: 'not_verified' })
    const message = await verified(verifier, signed)
    expect(await verifier.confirmSubscription({ ...message })).toMatchObject({ ok: false, reason: 'not_verified' })
    // Another verifier's approval does not count either.
    expect(await setup().verifier.confirmSubscription(message)).toMatchObject({ ok: false, reason: 'not_verified' })
    expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL]])
  })

  it.each([
    ['an UnsubscribeConfirmation (visiting it would undo the unsubscribe)', () => signSnsMessage(snsConfirmation('UnsubscribeConfirmation', { at: now })), 'not_a_subscription_confirmation'],
    ['a Notification', () => signSnsMessage(notification()), 'not_a_subscription_confirmation'],
    [
      'a SubscribeURL on another host (even signed)',
      () => signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now, subscribeUrl: `https://evil.example.com/?Action=ConfirmSubscription&TopicArn=${TEST_SNS_TOPIC_ARN}` })),
      'subscribe_url_not_allowed',
    ],
    [
      'a SubscribeURL that is not a confirmation',
      () => signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now, subscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TEST_SNS_TOPIC_ARN}:1` })),
      'subscribe_url_not_allowed',
    ],
    [
      'a SubscribeURL for another topic',
      () => signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now, subscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${NOT_ALLOWED_TOPIC}&Token=x` })),
      'subscribe_url_other_topic',
    ],
  ])('refuses %s without fetching it', async (_what, make, reason) => {
    const { verifier, fetchText } = setup()
    expect(await verifier.confirmSubscription(await verified(verifier, make()))).toMatchObject({ ok: false, reason })
    expect(fetchText.mock.calls).toEqual([[TEST_SNS_CERT_URL]])
  })

  it('never reaches a topic that is not allowed: verification refuses it first', async () => {
    const { verifier, fetchText } = setup()
    const signed = signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now, topicArn: NOT_ALLOWED_TOPIC }))
    expect(await verifier.verify(body(signed))).toMatchObject({ ok: false, reason: 'topic_not_allowed' })
    expect(fetchText).not.toHaveBeenCalled()
  })

  it('throws SnsUnavailableError when the confirmation request fails, so SNS delivers it again', async () => {
    const fake = snsCertificateFetch(keys)
    const fetchText = vi.fn<FetchText>(async (url) => (url === TEST_SNS_CERT_URL ? fake.fetchText(url) : Promise.reject(new Error('HTTP 500'))))
    const { verifier } = setup({ fetchText })
    const message = await verified(verifier, signSnsMessage(snsConfirmation('SubscriptionConfirmation', { at: now })))
    await expect(verifier.confirmSubscription(message)).rejects.toMatchObject({ name: 'SnsUnavailableError', reason: 'confirmation_failed' })
  })
})

describe('createSnsVerifier: configuration', () => {
  it.each([
    ['a topic that is not an ARN', { allowedTopicArns: ['ses-events'] }],
    ['a wildcard topic', { allowedTopicArns: ['arn:aws:sns:us-east-1:123456789012:*'] }],
    ['a zero max age', { maxAgeSeconds: 0 }],
    ['an empty certificate cache', { certificateCacheSize: 0 }],
  ])('stops at startup on %s', (_what, overrides) => {
    expect(() => createSnsVerifier({ allowedTopicArns: [TEST_SNS_TOPIC_ARN], clock: { now: () => now }, ...overrides })).toThrow(/createSnsVerifier/)
  })

  it('takes the age limit as policy', async () => {
    const { verifier } = setup({ maxAgeSeconds: 60 })
    expect(await verifier.verify(body(signSnsMessage(notification({ at: new Date(now.getTime() - 120_000) }))))).toMatchObject({ ok: false, reason: 'stale' })
  })
})

describe('httpsFetchText', () => {
  function fakeFetch(respond: (url: string, init: RequestInit | undefined) => Promise<Response>) {
    return vi.fn(async (input: string | URL | Request, init?: RequestInit) => respond(String(input), init))
  }

  it('GETs without following redirects and answers the body as text', async () => {
    const f = fakeFetch(async () => new Response('-----BEGIN CERTIFICATE-----', { status: 200 }))
    expect(await httpsFetchText({ fetch: f as unknown as typeof fetch })(TEST_SNS_CERT_URL)).toBe('-----BEGIN CERTIFICATE-----')
    expect(f.mock.calls[0]?.[1]).toMatchObject({ method: 'GET', redirect: 'error' })
  })

  it('fetches nothing that is not https', async () => {
    const f = fakeFetch(async () => new Response('x'))
    await expect(httpsFetchText({ fetch: f as unknown as typeof fetch })('http://sns.us-east-1.amazonaws.com/a.pem')).rejects.toThrow(/https/)
    expect(f).not.toHaveBeenCalled()
  })

  it.each([
    ['a non-2xx answer', async () => new Response('nope', { status: 404 }), /HTTP 404/],
    ['a declared size over the cap', async () => new Response('x', { headers: { 'content-length': '100000' } }), /larger than/],
    ['a streamed size over the cap', async () => new Response(new Blob(['x'.repeat(70_000)]).stream()), /larger than/],
    [
      'no answer within the deadline',
      (_url: string, init: RequestInit | undefined) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
      /no answer within 20 ms/,
    ],
  ])('throws on %s', async (_what, respond, message) => {
    const f = fakeFetch(respond)
    await expect(httpsFetchText({ fetch: f as unknown as typeof fetch, timeoutMs: 20 })(TEST_SNS_CERT_URL)).rejects.toThrow(message)
  })
})
