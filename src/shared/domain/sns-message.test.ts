import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkFreshness,
  confirmationUrl,
  decodeSignature,
  isAllowedSnsUrl,
  isAllowedTopic,
  parseSnsMessage,
  signatureDigest,
  SNS_POLICY,
  stringToSign,
  topicArnSchema,
  type SnsMessage,
} from './sns-message'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('ses', 'sns')
const bodies = readdirSync(FIXTURES).filter((f) => f.endsWith('.body.json'))
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')
function fixture(name: string): SnsMessage {
  const parsed = parseSnsMessage(read(name))
  if (!parsed.ok) throw new Error(`${name}: ${parsed.detail}`)
  return parsed.message
}

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-events-prod'
const CERT = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem'
const SUBSCRIBE = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`

describe('parseSnsMessage', () => {
  it('has fixtures to read', () => expect(bodies.length).toBeGreaterThanOrEqual(5))

  it.each(bodies)('reads %s', (name) => {
    const raw = JSON.parse(read(name)) as Record<string, unknown>
    const parsed = parseSnsMessage(read(name))
    expect(parsed).toMatchObject({ ok: true, message: { Type: raw.Type, MessageId: raw.MessageId, TopicArn: raw.TopicArn, SignatureVersion: raw.SignatureVersion } })
  })

  it('ignores fields it does not know (AWS may add some)', () => {
    const body = { ...JSON.parse(read('notification-bounce.body.json')), MessageAttributes: { a: { Type: 'String', Value: 'b' } }, NewField: 1 }
    expect(parseSnsMessage(JSON.stringify(body)).ok).toBe(true)
  })

  it('treats a null Subject as no Subject', () => {
    const body = { ...JSON.parse(read('notification-bounce.body.json')), Subject: null }
    const parsed = parseSnsMessage(JSON.stringify(body))
    expect(parsed.ok && parsed.message.Type === 'Notification' && parsed.message.Subject).toBeUndefined()
  })

  const bounce = JSON.parse(read('notification-bounce.body.json')) as Record<string, unknown>
  const confirmation = JSON.parse(read('subscription-confirmation.body.json')) as Record<string, unknown>
  const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key))
  it.each([
    ['not JSON', '{"Type":', 'not_json'],
    ['a JSON string', '"hello"', 'not_sns_message'],
    ['an SES event without envelope', read('../events/bounce-permanent-general.json'), 'not_sns_message'],
    ['an unknown Type', JSON.stringify({ ...bounce, Type: 'Notice' }), 'not_sns_message'],
    ['no Signature', JSON.stringify(without(bounce, 'Signature')), 'not_sns_message'],
    ['no SigningCertURL', JSON.stringify(without(bounce, 'SigningCertURL')), 'not_sns_message'],
    ['no Timestamp', JSON.stringify(without(bounce, 'Timestamp')), 'not_sns_message'],
    ['a Timestamp that is not ISO 8601', JSON.stringify({ ...bounce, Timestamp: 'Mon, 10 Mar 2025 14:00:03 GMT' }), 'not_sns_message'],
    ['a Message that is not text', JSON.stringify({ ...bounce, Message: { eventType: 'Bounce' } }), 'not_sns_message'],
    ['a confirmation without Token', JSON.stringify(without(confirmation, 'Token')), 'not_sns_message'],
    ['a confirmation without SubscribeURL', JSON.stringify(without(confirmation, 'SubscribeURL')), 'not_sns_message'],
  ])('refuses %s', (_what, body, reason) => {
    expect(parseSnsMessage(body)).toMatchObject({ ok: false, reason })
  })
})

describe('stringToSign', () => {
  it('signs a Notification without Subject as Message, MessageId, Timestamp, TopicArn, Type', () => {
    const m = fixture('notification-bounce.body.json') as Extract<SnsMessage, { Type: 'Notification' }>
    expect(stringToSign(m)).toBe(`Message\n${m.Message}\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nTimestamp\n2025-03-10T14:00:03.650Z\nTopicArn\n${TOPIC}\nType\nNotification\n`)
  })

  it('puts a present Subject (even an empty one) between MessageId and Timestamp', () => {
    const m = fixture('notification-bounce.body.json') as Extract<SnsMessage, { Type: 'Notification' }>
    expect(stringToSign({ ...m, Subject: 'Amazon SES Email Event Notification' })).toContain('MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nAmazon SES Email Event Notification\nTimestamp\n')
    expect(stringToSign({ ...m, Subject: '' })).toContain('\nSubject\n\nTimestamp\n')
  })

  it.each(['subscription-confirmation.body.json', 'unsubscribe-confirmation.body.json'])('signs %s as Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', (name) => {
    const m = fixture(name) as Extract<SnsMessage, { Type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' }>
    expect(stringToSign(m)).toBe(`Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\nTimestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${TOPIC}\nType\n${m.Type}\n`)
  })

  it('leaves out what SNS does not sign (signature fields, UnsubscribeURL, unknown fields)', () => {
    const m = fixture('notification-complaint.body.json')
    const text = stringToSign(m)
    for (const name of ['Signature', 'SignatureVersion', 'SigningCertURL', 'UnsubscribeURL']) expect(text).not.toContain(`\n${name}\n`)
    expect(stringToSign({ ...m, Signature: 'other', SignatureVersion: '2', SigningCertURL: 'x' })).toBe(text)
  })

  it.each(bodies)('is defined for %s and ends with its Type', (name) => {
    const m = fixture(name)
    expect(stringToSign(m).endsWith(`Type\n${m.Type}\n`)).toBe(true)
  })
})

describe('signatureDigest', () => {
  it.each([
    ['1', 'sha1'],
    ['2', 'sha256'],
    ['3', null],
    ['', null],
    [' 1', null],
    ['1.0', null],
    ['v2', null],
  ])('%j → %s', (version, digest) => expect(signatureDigest(version)).toBe(digest))
})

describe('decodeSignature', () => {
  it.each(bodies)('decodes the Signature of %s', (name) => {
    expect(decodeSignature(fixture(name).Signature)?.length).toBe(128)
  })
  it.each([
    ['empty', ''],
    ['not base64', 'not base64!'],
    ['unpadded', 'QUJD' + 'QQ'],
    ['base64url alphabet', 'ab-_'],
    ['whitespace inside', 'QUJD QUJD'],
    ['a line break', 'QUJD\nQUJD'],
    ['stray bits in the last character', 'QR=='],
    ['padding in the middle', 'QQ==QUJD'],
  ])('refuses %s', (_what, text) => expect(decodeSignature(text)).toBeNull())
})

describe('isAllowedSnsUrl', () => {
  it.each([
    ['the fixture certificate', CERT],
    ['another region', 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem'],
    ['a three-part region', 'https://sns.ap-southeast-2.amazonaws.com/SimpleNotificationService-a.pem'],
    ['GovCloud, which is under amazonaws.com too', 'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-a.pem'],
  ])('certificate: accepts %s', (_what, url) => expect(isAllowedSnsUrl(url, 'certificate')).toBe(true))

  it.each([
    ['http', 'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['no scheme', '//sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['another scheme', 'file://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a suffix after the host', 'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-a.pem'],
    ['the host in the path', 'https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['the host as userinfo', 'https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-a.pem'],
    ['userinfo before the host', 'https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['user and password', 'https://a:b@sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a backslash', 'https://sns.us-east-1.amazonaws.com\\@evil.com/SimpleNotificationService-a.pem'],
    ['a port', 'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-a.pem'],
    ['the default port spelled out', 'https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-a.pem'],
    ['an upper-case host', 'https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-a.pem'],
    ['an upper-case scheme', 'HTTPS://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['an IPv4 address', 'https://54.239.98.1/SimpleNotificationService-a.pem'],
    ['an IPv6 address', 'https://[2600:1f18::1]/SimpleNotificationService-a.pem'],
    ['a punycode host', 'https://xn--sns-ooa.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a Unicode look-alike host (Cyrillic ѕ)', 'https://\u0455ns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a trailing dot on the host', 'https://sns.us-east-1.amazonaws.com./SimpleNotificationService-a.pem'],
    ['no region', 'https://sns.amazonaws.com/SimpleNotificationService-a.pem'],
    ['another service', 'https://sqs.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a subdomain before sns', 'https://evil.sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a region that is not one', 'https://sns.evil.amazonaws.com/SimpleNotificationService-a.pem'],
    ['a host-like region', 'https://sns.s3-website-us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['the China partition', 'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem'],
    ['not .pem', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.txt'],
    ['.pem then more', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem.txt'],
    ['.pem only in the query', 'https://sns.us-east-1.amazonaws.com/x?file=a.pem'],
    ['a query after .pem', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem?x=1'],
    ['a fragment after .pem', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem#x'],
    ['a sub-path', 'https://sns.us-east-1.amazonaws.com/a/SimpleNotificationService-a.pem'],
    ['dot segments', 'https://sns.us-east-1.amazonaws.com/../SimpleNotificationService-a.pem'],
    ['percent-escaped dot segments', 'https://sns.us-east-1.amazonaws.com/%2e%2e/SimpleNotificationService-a.pem'],
    ['percent escapes', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService%2Da.pem'],
    ['a tab the URL parser would drop', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a\t.pem'],
    ['a trailing newline', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem\n'],
    ['leading space', ' https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem'],
    ['just .pem', 'https://sns.us-east-1.amazonaws.com/.pem'],
    ['the root', 'https://sns.us-east-1.amazonaws.com/'],
    ['a SubscribeURL', SUBSCRIBE],
    ['empty', ''],
    ['not a URL', 'SimpleNotificationService-a.pem'],
    ['very long', `https://sns.us-east-1.amazonaws.com/${'a'.repeat(3000)}.pem`],
  ])('certificate: refuses %s', (_what, url) => expect(isAllowedSnsUrl(url, 'certificate')).toBe(false))

  it.each([
    ['the fixture SubscribeURL', (JSON.parse(read('subscription-confirmation.body.json')) as { SubscribeURL: string }).SubscribeURL],
    ['another region', 'https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-central-1:123456789012:t&Token=abc'],
  ])('subscribe: accepts %s', (_what, url) => expect(isAllowedSnsUrl(url, 'subscribe')).toBe(true))

  it.each([
    ['http', SUBSCRIBE.replace('https:', 'http:')],
    ['a suffix after the host', SUBSCRIBE.replace('amazonaws.com/', 'amazonaws.com.evil.com/')],
    ['the host in the path', `https://evil.com/sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
    ['userinfo', SUBSCRIBE.replace('https://', 'https://user@')],
    ['a port', SUBSCRIBE.replace('amazonaws.com/', 'amazonaws.com:443/')],
    ['an upper-case host', SUBSCRIBE.replace('sns.us-east-1.amazonaws.com', 'SNS.US-EAST-1.AMAZONAWS.COM')],
    ['an IP address', `https://54.239.98.1/?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
    ['a punycode host', SUBSCRIBE.replace('sns.', 'xn--sns-ooa.')],
    ['another action', `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:1`],
    ['no action', `https://sns.us-east-1.amazonaws.com/?TopicArn=${TOPIC}`],
    ['another path', `https://sns.us-east-1.amazonaws.com/confirm?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
    ['dot segments', `https://sns.us-east-1.amazonaws.com/./?Action=ConfirmSubscription&TopicArn=${TOPIC}`],
    ['a fragment', `${SUBSCRIBE}#x`],
    ['a space', `${SUBSCRIBE} `],
    ['a certificate URL', CERT],
  ])('subscribe: refuses %s', (_what, url) => expect(isAllowedSnsUrl(url, 'subscribe')).toBe(false))
})

describe('topics', () => {
  it.each([
    [TOPIC, [TOPIC], true],
    [TOPIC, [], false],
    [TOPIC, ['arn:aws:sns:us-east-1:123456789012:ses-events-staging'], false],
    [`${TOPIC}-evil`, [TOPIC], false],
    [TOPIC.toUpperCase(), [TOPIC], false],
    [TOPIC.replace('123456789012', '999999999999'), [TOPIC], false],
  ])('isAllowedTopic(%s, %j) → %s', (arn, allowed, expected) => expect(isAllowedTopic(arn, allowed)).toBe(expected))

  it.each([
    [TOPIC, true],
    ['arn:aws:sns:eu-west-1:123456789012:events.fifo', true],
    ['arn:aws-cn:sns:cn-north-1:123456789012:events', false],
    ['arn:aws:sqs:us-east-1:123456789012:events', false],
    ['arn:aws:sns:us-east-1:1234:events', false],
    ['arn:aws:sns:us-east-1:123456789012:', false],
    ['arn:aws:sns:us-east-1:123456789012:*', false],
    ['ses-events-prod', false],
  ])('topicArnSchema: %s → %s', (arn, ok) => expect(topicArnSchema.safeParse(arn).success).toBe(ok))
})

describe('checkFreshness', () => {
  const now = new Date('2025-03-10T15:00:00.000Z')
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString()
  it('defaults to 65 minutes old and 5 minutes ahead', () => expect(SNS_POLICY).toEqual({ maxAgeSeconds: 3900, maxFutureSeconds: 300 }))
  it.each([
    ['just now', 0, { ok: true }],
    ['an hour ago (the last SNS retry)', 3600, { ok: true }],
    ['exactly at the limit', 3900, { ok: true }],
    ['a second past the limit', 3901, { ok: false, reason: 'stale' }],
    ['a day ago', 86_400, { ok: false, reason: 'stale' }],
    ['5 minutes ahead', -300, { ok: true }],
    ['6 minutes ahead', -360, { ok: false, reason: 'from_the_future' }],
  ])('%s', (_what, secondsAgo, expected) => expect(checkFreshness(at(secondsAgo), now)).toMatchObject(expected))

  it('takes its limits as policy data and says why in a sentence', () => {
    const result = checkFreshness(at(120), now, { maxAgeSeconds: 60, maxFutureSeconds: 0 })
    expect(result).toEqual({ ok: false, reason: 'stale', detail: 'Published 2 min ago; messages older than 60 s are refused, since SNS has stopped retrying by then.' })
  })

  it('refuses a Timestamp that is not a time', () => expect(checkFreshness('yesterday', now)).toMatchObject({ ok: false, reason: 'stale' }))

  it.each(bodies)('judges the fixture %s by the clock it is given', (name) => {
    const m = fixture(name)
    expect(checkFreshness(m.Timestamp, new Date(Date.parse(m.Timestamp) + 1000)).ok).toBe(true)
    expect(checkFreshness(m.Timestamp, new Date('2026-01-01T00:00:00Z')).ok).toBe(false)
  })
})

describe('confirmationUrl', () => {
  const confirmation = fixture('subscription-confirmation.body.json') as Extract<SnsMessage, { Type: 'SubscriptionConfirmation' }>
  it('gives the SubscribeURL of a SubscriptionConfirmation for an allowed topic', () => {
    expect(confirmationUrl(confirmation, [TOPIC])).toEqual({ ok: true, url: confirmation.SubscribeURL })
  })
  it.each([
    ['an UnsubscribeConfirmation (visiting it would undo the unsubscribe)', fixture('unsubscribe-confirmation.body.json'), [TOPIC], 'not_a_subscription_confirmation'],
    ['a Notification', fixture('notification-bounce.body.json'), [TOPIC], 'not_a_subscription_confirmation'],
    ['a topic not on the allow-list', confirmation, ['arn:aws:sns:us-east-1:123456789012:other'], 'topic_not_allowed'],
    ['a SubscribeURL on another host', { ...confirmation, SubscribeURL: 'https://evil.com/?Action=ConfirmSubscription' }, [TOPIC], 'subscribe_url_not_allowed'],
    ['a SubscribeURL over http', { ...confirmation, SubscribeURL: confirmation.SubscribeURL.replace('https', 'http') }, [TOPIC], 'subscribe_url_not_allowed'],
    [
      'a SubscribeURL for another topic',
      { ...confirmation, SubscribeURL: confirmation.SubscribeURL.replace('ses-events-prod', 'someone-elses') },
      [TOPIC],
      'subscribe_url_other_topic',
    ],
  ])('refuses %s', (_what, message, allowed, reason) => expect(confirmationUrl(message as SnsMessage, allowed)).toMatchObject({ ok: false, reason }))
})
