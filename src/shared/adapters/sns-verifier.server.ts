import { X509Certificate, verify as verifySignature } from 'node:crypto'
import * as z from 'zod'
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
  type SnsConfirmRefusal,
  type SnsFreshnessRefusal,
  type SnsMessage,
  type SnsParseRefusal,
} from '../domain/sns-message'
import type { Clock } from '../services/ports'

/**
 * Verifies SNS messages posted over HTTPS and confirms subscriptions (decision 020). Every check that
 * needs no I/O runs first, so a message for another topic, a stale one or one naming a certificate
 * anywhere but `https://sns.<region>.amazonaws.com/` never causes a fetch; the certificate is fetched
 * only from such a URL, then kept by URL. A refusal is a value with a reason to branch on and a sentence
 * for the audit log; only a fetch that failed (worth SNS retrying the delivery) throws.
 */

/** Fetches a URL's body as text: throws on a network error, a timeout, a non-2xx answer or an oversized body. */
export type FetchText = (url: string) => Promise<string>

export type SnsRefusal =
  | SnsParseRefusal
  | 'unknown_signature_version'
  | 'bad_signature_encoding'
  | 'topic_not_allowed'
  | SnsFreshnessRefusal
  | 'certificate_url_not_allowed'
  | 'certificate_invalid'
  | 'certificate_expired'
  | 'bad_signature'

declare const verifiedBrand: unique symbol
/** A message this verifier checked; `confirmSubscription` takes nothing else. */
export type VerifiedSnsMessage = SnsMessage & { readonly [verifiedBrand]: true }

export type SnsVerifyResult = { ok: true; message: VerifiedSnsMessage } | { ok: false; reason: SnsRefusal; detail: string }
export type SnsConfirmResult = { ok: true } | { ok: false; reason: SnsConfirmRefusal | 'not_verified'; detail: string }

export interface SnsVerifier {
  /** The POST body as received (JSON as text/plain). */
  verify(body: string): Promise<SnsVerifyResult>
  /** GETs the SubscribeURL of a SubscriptionConfirmation this verifier accepted, for an allowed topic. */
  confirmSubscription(message: VerifiedSnsMessage): Promise<SnsConfirmResult>
}

/** A fetch failed (certificate or confirmation): nothing was decided; answer 5xx so SNS delivers again. */
export class SnsUnavailableError extends Error {
  override name = 'SnsUnavailableError'
  readonly retryable = true
  constructor(
    readonly reason: 'certificate_unavailable' | 'confirmation_failed',
    message: string,
  ) {
    super(message)
  }
}

export interface SnsVerifierOptions {
  /** Exact topic ARNs whose messages are accepted and whose subscriptions are confirmed. */
  allowedTopicArns: readonly string[]
  clock: Clock
  /** Injectable for tests and the sandbox; default `httpsFetchText()`. Only ever called with URLs `isAllowedSnsUrl` accepts. */
  fetchText?: FetchText
  maxAgeSeconds?: number
  maxFutureSeconds?: number
  /**
   * SNS signs with one certificate per region and names each by its hash, so a handful of URLs covers
   * every rotation a process will see; 16 is room for that and bounds the memory a flood of distinct
   * (allowed) URLs can take.
   */
  certificateCacheSize?: number
}

const optionsSchema = z.object({
  allowedTopicArns: z.array(topicArnSchema).readonly(),
  maxAgeSeconds: z.int().positive().default(SNS_POLICY.maxAgeSeconds),
  maxFutureSeconds: z.int().nonnegative().default(SNS_POLICY.maxFutureSeconds),
  certificateCacheSize: z.int().positive().default(16),
})

export function createSnsVerifier(options: SnsVerifierOptions): SnsVerifier {
  // A wrong allow-list is a configuration error: stop at startup rather than refuse every message.
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) throw new Error(`createSnsVerifier: ${z.prettifyError(parsed.error)}`)
  const { allowedTopicArns, maxAgeSeconds, maxFutureSeconds, certificateCacheSize } = parsed.data
  const { clock } = options
  const fetchText = options.fetchText ?? httpsFetchText()

  // Least recently used first (a Map keeps insertion order; a hit is moved to the end).
  const certificates = new Map<string, X509Certificate>()
  // Concurrent deliveries naming the same new certificate share one fetch.
  const inFlight = new Map<string, Promise<string>>()
  // Runtime proof of verification: the brand above is only a type, and a cast could fake it.
  const verified = new WeakSet<object>()

  async function certificateAt(url: string): Promise<{ ok: true; certificate: X509Certificate } | { ok: false; detail: string }> {
    const cached = certificates.get(url)
    if (cached) {
      certificates.delete(url)
      certificates.set(url, cached)
      return { ok: true, certificate: cached }
    }
    let pending = inFlight.get(url)
    if (!pending) {
      pending = fetchText(url).finally(() => inFlight.delete(url))
      inFlight.set(url, pending)
    }
    let pem: string
    try {
      pem = await pending
    } catch (err) {
      throw new SnsUnavailableError('certificate_unavailable', `The SNS signing certificate could not be fetched from ${url}: ${describe(err)}.`)
    }
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(pem)
    } catch {
      return { ok: false, detail: `${url} did not answer with an X.509 certificate.` }
    }
    // SignatureVersion 1 and 2 are both RSA; any other key type cannot have made the signature.
    if (certificate.publicKey.asymmetricKeyType !== 'rsa') return { ok: false, detail: `The certificate at ${url} does not hold an RSA key.` }
    certificates.set(url, certificate)
    while (certificates.size > certificateCacheSize) certificates.delete(certificates.keys().next().value!)
    return { ok: true, certificate }
  }

  return {
    async verify(body) {
      const parsedMessage = parseSnsMessage(body)
      if (!parsedMessage.ok) return parsedMessage
      const message = parsedMessage.message

      const digest = signatureDigest(message.SignatureVersion)
      if (!digest) return refuse('unknown_signature_version', `SignatureVersion ${quote(message.SignatureVersion)} is not one SNS defines (1 or 2).`)
      const signature = decodeSignature(message.Signature)
      if (!signature) return refuse('bad_signature_encoding', 'The Signature is not base64.')
      if (!isAllowedTopic(message.TopicArn, allowedTopicArns)) return refuse('topic_not_allowed', `Topic ${quote(message.TopicArn)} is not on the allow-list.`)
      const fresh = checkFreshness(message.Timestamp, clock.now(), { maxAgeSeconds, maxFutureSeconds })
      if (!fresh.ok) return fresh
      if (!isAllowedSnsUrl(message.SigningCertURL, 'certificate')) {
        return refuse('certificate_url_not_allowed', `SigningCertURL ${quote(message.SigningCertURL)} is not a .pem file on https://sns.<region>.amazonaws.com/; it was not fetched.`)
      }

      const found = await certificateAt(message.SigningCertURL)
      if (!found.ok) return refuse('certificate_invalid', found.detail)
      const now = clock.now().getTime()
      const validFrom = Date.parse(found.certificate.validFrom)
      const validTo = Date.parse(found.certificate.validTo)
      if (!(validFrom <= now && now <= validTo)) {
        return refuse('certificate_expired', `The signing certificate is valid from ${found.certificate.validFrom} to ${found.certificate.validTo}, not now.`)
      }

      const good = verifySignature(digest, Buffer.from(stringToSign(message), 'utf8'), found.certificate.publicKey, signature)
      if (!good) return refuse('bad_signature', `The signature does not match the message and the certificate at ${message.SigningCertURL}.`)
      verified.add(message)
      return { ok: true, message: message as VerifiedSnsMessage }
    },

    async confirmSubscription(message) {
      if (!verified.has(message)) return { ok: false, reason: 'not_verified', detail: 'Only a message this verifier accepted (the same object) is confirmed.' }
      const target = confirmationUrl(message, allowedTopicArns)
      if (!target.ok) return target
      try {
        // The body (a ConfirmSubscriptionResponse) says nothing the 2xx does not.
        await fetchText(target.url)
      } catch (err) {
        throw new SnsUnavailableError('confirmation_failed', `Confirming the subscription to ${message.TopicArn} failed: ${describe(err)}.`)
      }
      return { ok: true }
    },
  }
}

export interface HttpsFetchTextOptions {
  fetch?: typeof fetch
  /** 5 s: a certificate is ~2 KB from a regional AWS endpoint; slower is trouble at AWS, and the 5xx that follows makes SNS deliver again later. */
  timeoutMs?: number
  /** 64 KB: an SNS certificate is ~2 KB of PEM and a confirmation answer under 1 KB; more is not what was asked for. */
  maxBytes?: number
}

/** The production `fetchText`: https only, no redirects (they could lead anywhere), a deadline and a size cap. */
export function httpsFetchText(options: HttpsFetchTextOptions = {}): FetchText {
  const { timeoutMs = 5_000, maxBytes = 64 * 1024 } = options
  const doFetch = options.fetch ?? globalThis.fetch
  return async (url) => {
    if (!url.startsWith('https://')) throw new Error('only https URLs are fetched')
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    try {
      // The body is read under the same deadline: a server that sends headers and then stalls is a timeout too.
      const res = await doFetch(url, { method: 'GET', redirect: 'error', signal: controller.signal })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const declared = Number(res.headers.get('content-length') ?? '0')
      if (declared > maxBytes) throw new Error(`the answer is larger than ${maxBytes} bytes`)
      const chunks: Uint8Array[] = []
      let size = 0
      if (res.body) {
        const reader = res.body.getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          size += value.byteLength
          if (size > maxBytes) {
            await reader.cancel()
            throw new Error(`the answer is larger than ${maxBytes} bytes`)
          }
          chunks.push(value)
        }
      }
      return Buffer.concat(chunks).toString('utf8')
    } catch (err) {
      if (controller.signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`)
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}

function refuse(reason: SnsRefusal, detail: string): { ok: false; reason: SnsRefusal; detail: string } {
  return { ok: false, reason, detail }
}

/** Untrusted text for a sentence: quoted, and short enough for an audit line. */
function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
}

/** A short description of a fetch failure: its message and the underlying cause's code (ECONNREFUSED…). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause as { code?: unknown } | undefined
  return typeof cause?.code === 'string' ? `${err.message} (${cause.code})` : err.message
}
