import * as z from 'zod'

/**
 * SNS messages delivered over HTTPS (contract: shared/contracts/ses-sns-events.md, "SNS → HTTP(S)
 * envelope"): their shape, the text SNS signs, and the checks that need no I/O. The signature itself
 * and the certificate fetch are the adapter's (`adapters/sns-verifier.server.ts`); every URL it may
 * fetch is judged here first. Decision 020 says why each rule is as strict as it is.
 */

/**
 * Policy as data. SNS stops retrying an HTTP/S delivery within 3,600 s of the first attempt (a hard
 * limit of its delivery policies), and a retry carries the original Timestamp; 5 more minutes cover the
 * wait before the first attempt and clock differences, so a genuine retry is never refused as stale while
 * a captured message cannot be replayed hours later. 5 minutes into the future is clock skew; more is
 * a forged or broken Timestamp.
 */
export const SNS_POLICY = {
  maxAgeSeconds: 3_900,
  maxFutureSeconds: 300,
} as const

export interface SnsFreshnessPolicy {
  maxAgeSeconds: number
  maxFutureSeconds: number
}

// `arn:aws:sns:<region>:<12-digit account>:<topic>`; topic names are 1–256 of [A-Za-z0-9_-] (plus
// `.fifo`). Only the commercial `aws` partition: decision 020.
export const topicArnSchema = z.string().regex(/^arn:aws:sns:[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/, 'not an SNS topic ARN')

// What SNS sends; anything else in the body (MessageAttributes, fields AWS adds later) is ignored and
// never signed. SignatureVersion stays free text here so an unknown version has its own refusal.
const common = {
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
  Timestamp: z.iso.datetime(),
  SignatureVersion: z.string(),
  Signature: z.string(),
  SigningCertURL: z.string(),
}

const notificationSchema = z.object({
  ...common,
  Type: z.literal('Notification'),
  // Absent when the publisher gave no subject; a null (seen in some SQS copies) means the same.
  Subject: z.preprocess((s) => s ?? undefined, z.string().optional()),
  UnsubscribeURL: z.string().optional(),
})

const confirmation = {
  ...common,
  Token: z.string().min(1),
  SubscribeURL: z.string(),
}

const subscriptionConfirmationSchema = z.object({ ...confirmation, Type: z.literal('SubscriptionConfirmation') })
const unsubscribeConfirmationSchema = z.object({ ...confirmation, Type: z.literal('UnsubscribeConfirmation') })

export const snsMessageSchema = z.discriminatedUnion('Type', [notificationSchema, subscriptionConfirmationSchema, unsubscribeConfirmationSchema])

export type SnsMessage = z.infer<typeof snsMessageSchema>
export type SnsNotification = z.infer<typeof notificationSchema>
export type SnsConfirmation = z.infer<typeof subscriptionConfirmationSchema> | z.infer<typeof unsubscribeConfirmationSchema>

export type SnsParseRefusal = 'not_json' | 'not_sns_message'

/** Pure: the body of an SNS POST (JSON sent as text/plain), as a message, or why it is not one. */
export function parseSnsMessage(body: string): { ok: true; message: SnsMessage } | { ok: false; reason: SnsParseRefusal; detail: string } {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return { ok: false, reason: 'not_json', detail: 'The body is not JSON.' }
  }
  const parsed = snsMessageSchema.safeParse(json)
  if (!parsed.success) {
    // Field names only: values are untrusted and may be large.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))].slice(0, 5)
    return { ok: false, reason: 'not_sns_message', detail: `Not an SNS message (problem with ${fields.join(', ')}).` }
  }
  return { ok: true, message: parsed.data }
}

/**
 * Pure: the text SNS signs. `Name\nvalue\n` for each field, in byte order of the names: Notification —
 * Message, MessageId, Subject (only if present), Timestamp, TopicArn, Type; the two confirmations —
 * Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 */
export function stringToSign(message: SnsMessage): string {
  const fields: [string, string | undefined][] =
    message.Type === 'Notification'
      ? [
          ['Message', message.Message],
          ['MessageId', message.MessageId],
          ['Subject', message.Subject],
          ['Timestamp', message.Timestamp],
          ['TopicArn', message.TopicArn],
          ['Type', message.Type],
        ]
      : [
          ['Message', message.Message],
          ['MessageId', message.MessageId],
          ['SubscribeURL', message.SubscribeURL],
          ['Timestamp', message.Timestamp],
          ['Token', message.Token],
          ['TopicArn', message.TopicArn],
          ['Type', message.Type],
        ]
  return fields.map(([name, value]) => (value === undefined ? '' : `${name}\n${value}\n`)).join('')
}

/** Pure: the digest for a SignatureVersion (both RSA PKCS#1 v1.5), or null for a version SNS does not define. */
export function signatureDigest(version: string): 'sha1' | 'sha256' | null {
  if (version === '1') return 'sha1'
  if (version === '2') return 'sha256'
  return null
}

/**
 * Pure: the signature's bytes, or null unless it is canonical, padded base64 (what SNS sends). Node's
 * decoder skips characters it does not know and ignores stray bits, so only text that encodes back to
 * itself is taken: one signature has one spelling.
 */
export function decodeSignature(signature: string): Uint8Array | null {
  if (signature === '') return null
  const bytes = Buffer.from(signature, 'base64')
  if (bytes.toString('base64') !== signature) return null
  return new Uint8Array(bytes)
}

export type SnsUrlPurpose = 'certificate' | 'subscribe'

// Exactly what SNS sends, in its own spelling: lower-case `sns.<region>.amazonaws.com`, https, no
// userinfo, no port (not even :443), nothing URL parsing would rewrite. Regions look like `us-east-1`,
// `ap-southeast-2`, `us-gov-west-1`; the China (`amazonaws.com.cn`) and other partitions are refused.
const SNS_ORIGIN = /^https:\/\/sns\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com\//
// A certificate is one file at the root: `SimpleNotificationService-<hash>.pem`, no query, no fragment.
const CERT_PATH = /^\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.pem$/
// Printable ASCII only: no spaces, controls or raw Unicode (look-alike hosts) for a parser to reinterpret.
const URL_CHARS = /^[\x21-\x7e]+$/

/**
 * Pure: whether a URL from an SNS message may be fetched — `certificate`: the SigningCertURL;
 * `subscribe`: the SubscribeURL of a confirmation. The raw text must already be in the form SNS sends
 * and the parsed URL must agree with it, so nothing a URL parser or a fetch library would normalise
 * differently (case, ports, userinfo, backslashes, dots, percent-escapes, IDNs) can move the request to
 * another host.
 */
export function isAllowedSnsUrl(url: string, purpose: SnsUrlPurpose): boolean {
  // 2,048 characters is far above a real SubscribeURL (~400) and bounds the work on hostile input.
  if (url.length > 2048 || !URL_CHARS.test(url) || url.includes('\\') || !SNS_ORIGIN.test(url)) return false
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  const host = url.slice('https://'.length, url.indexOf('/', 'https://'.length))
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '' || parsed.hostname !== host || parsed.hash !== '' || url.includes('#')) return false
  if (purpose === 'certificate') return parsed.search === '' && !url.includes('?') && CERT_PATH.test(parsed.pathname) && url === `https://${host}${parsed.pathname}`
  // A confirmation is the root with a query: `/?Action=ConfirmSubscription&TopicArn=…&Token=…`.
  return parsed.pathname === '/' && url.startsWith(`https://${host}/?`) && parsed.searchParams.get('Action') === 'ConfirmSubscription'
}

/** Pure: whether a topic is on the configured allow-list (exact ARNs; no wildcards). */
export function isAllowedTopic(topicArn: string, allowedTopicArns: readonly string[]): boolean {
  return allowedTopicArns.includes(topicArn)
}

export type SnsFreshnessRefusal = 'stale' | 'from_the_future'

/** Pure: whether a message's Timestamp is recent enough to act on (limits replays of captured messages). */
export function checkFreshness(timestamp: string, now: Date, policy: SnsFreshnessPolicy = SNS_POLICY): { ok: true } | { ok: false; reason: SnsFreshnessRefusal; detail: string } {
  const at = Date.parse(timestamp)
  if (Number.isNaN(at)) return { ok: false, reason: 'stale', detail: `The Timestamp ${JSON.stringify(timestamp.slice(0, 40))} is not a time.` }
  const ageSeconds = (now.getTime() - at) / 1000
  if (ageSeconds > policy.maxAgeSeconds) {
    return { ok: false, reason: 'stale', detail: `Published ${duration(ageSeconds)} ago; messages older than ${duration(policy.maxAgeSeconds)} are refused, since SNS has stopped retrying by then.` }
  }
  if (-ageSeconds > policy.maxFutureSeconds) {
    return { ok: false, reason: 'from_the_future', detail: `Timestamped ${duration(-ageSeconds)} in the future; more than ${duration(policy.maxFutureSeconds)} of clock difference is refused.` }
  }
  return { ok: true }
}

export type SnsConfirmRefusal = 'not_a_subscription_confirmation' | 'topic_not_allowed' | 'subscribe_url_not_allowed' | 'subscribe_url_other_topic'

/**
 * Pure: the one URL a subscription confirmation may GET, or why none. Only a SubscriptionConfirmation:
 * visiting the SubscribeURL of an UnsubscribeConfirmation would undo someone's unsubscribe. Only an
 * allowed topic, only an SNS host, and only for the message's own topic.
 */
export function confirmationUrl(message: SnsMessage, allowedTopicArns: readonly string[]): { ok: true; url: string } | { ok: false; reason: SnsConfirmRefusal; detail: string } {
  if (message.Type !== 'SubscriptionConfirmation') return { ok: false, reason: 'not_a_subscription_confirmation', detail: `A ${message.Type} is not confirmed; only a SubscriptionConfirmation is.` }
  if (!isAllowedTopic(message.TopicArn, allowedTopicArns)) return { ok: false, reason: 'topic_not_allowed', detail: `Topic ${message.TopicArn} is not on the allow-list.` }
  if (!isAllowedSnsUrl(message.SubscribeURL, 'subscribe')) return { ok: false, reason: 'subscribe_url_not_allowed', detail: 'The SubscribeURL is not a ConfirmSubscription URL on sns.<region>.amazonaws.com over https.' }
  if (new URL(message.SubscribeURL).searchParams.get('TopicArn') !== message.TopicArn) return { ok: false, reason: 'subscribe_url_other_topic', detail: 'The SubscribeURL confirms a different topic than the message names.' }
  return { ok: true, url: message.SubscribeURL }
}

function duration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 120) return `${s} s`
  if (s < 7_200) return `${Math.round(s / 60)} min`
  return `${Math.round(s / 3_600)} h`
}
