import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2'
import * as z from 'zod'

/**
 * Sends one cold email through SES v2 `SendEmail` (contract: shared/contracts/ses-sendemail.md). Every
 * outcome is a value: the caller decides what a throttle, a pause or an unknown outcome means for the
 * send, the mailbox and the campaign. Nothing here retries.
 */

export interface OutgoingMessage {
  from: { name: string; address: string }
  to: string
  subject: string
  text: string
  html?: string
  /** Become SES EmailTags, so every later SES event (`mail.tags`) names the lead, campaign, mailbox and send. */
  tags: { lead: string; campaign: string; mailbox: string; send: string } & Record<string, string>
  /** The one-click unsubscribe URL (RFC 8058); an https URL in production. */
  unsubscribeUrl: string
}

export type SendOutcome =
  | { kind: 'sent'; messageId: string }
  /**
   * Not sent. `TooManyRequestsException`: the per-second send rate; try again in seconds.
   * `LimitExceededException`: the 24-hour sending quota is used up; wait until the quota window rolls
   * (SES counts a rolling 24 hours), not seconds.
   */
  | { kind: 'throttled'; retryAfterSeconds?: number; code: 'TooManyRequestsException' | 'LimitExceededException' }
  /** Not sent. The account or the configuration set is paused; only a person can resume it. */
  | { kind: 'paused'; code: 'SendingPausedException' }
  /** Not sent. The account may no longer send. */
  | { kind: 'suspended'; code: 'AccountSuspendedException' }
  /**
   * Not sent, and sending this message again unchanged will not help (`MessageRejected`,
   * `BadRequestException`, any 4xx not known to be about the setup). `InvalidMessage` is found here
   * before anything is sent (a subject with a control character, a recipient that is not an address).
   */
  | { kind: 'rejected'; code: string; message: string }
  /**
   * Not sent, because of how the account or Drason is set up, not because of this message: every other
   * message would fail the same way until a person fixes it (a configuration set that is gone, a MAIL FROM
   * domain not verified, no permission or no credentials, a mailbox address or unsubscribe URL SES cannot
   * take). `explanation` says it in plain words for the audit log.
   */
  | { kind: 'misconfigured'; code: string; message: string; explanation: string }
  /** Maybe sent (timeout, network error, 5xx): never send again without finding out first. */
  | { kind: 'unknown'; reason: string }

export interface EmailSender {
  send(message: OutgoingMessage): Promise<SendOutcome>
}

export interface SesSenderOptions {
  /** A local SES in development and tests; unset in AWS (the regional endpoint). */
  endpoint?: string
  region: string
  configurationSet: string
  /** Only for a local SES; in AWS the Lambda role's credentials are used. */
  credentials?: { accessKeyId: string; secretAccessKey: string }
  /** 10 s: long enough for a slow moment at SES, and well inside a Lambda's timeout. */
  timeoutMs?: number
}

const responseSchema = z.object({ MessageId: z.string().min(1) })

// SES tag names and values: ASCII letters, digits, `_` and `-`, at most 256 characters (the SES v1
// MessageTag rules, which SES v2 applies to EmailTags). Drason's ids are UUIDs, already inside that set.
const TAG_MAX = 256
/** Pure: a tag name or value SES accepts. Other characters become `_`; an empty value becomes `none`. */
export function sanitiseTag(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, TAG_MAX)
  return clean === '' ? 'none' : clean
}

const CONTROL = /[\x00-\x1f\x7f]/
const LINE_BREAK = /[\r\n]/
// RFC 5322 atext and dots, then an ASCII (punycode) domain: nothing that could end the address, start
// another (`,` `;` `<` `>` `"` space) or a new header line.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/
// SES MessageHeader values: 1–870 printable ASCII characters.
const HEADER_VALUE_MAX = 870

/** Pure: why a text cannot go into a header, or null. Line breaks would let it add headers of its own. */
function headerProblem(field: string, value: string): string | null {
  if (LINE_BREAK.test(value)) return `${field} contains a line break`
  if (CONTROL.test(value)) return `${field} contains a control character`
  return null
}

/**
 * Pure: `"Name" <address>`. An ASCII name is a quoted string (`\` and `"` escaped); any other name is
 * RFC 2047 encoded words (SES requires that for non-ASCII sender names), each at most 75 characters.
 */
export function formatFrom(name: string, address: string): string {
  const trimmed = name.trim()
  if (trimmed === '') return address
  if (/^[ -~]*$/.test(trimmed)) return `"${trimmed.replace(/(["\\])/g, '\\$1')}" <${address}>`
  return `${encodedWords(trimmed)} <${address}>`
}

// 45 bytes of UTF-8 is 60 base64 characters: with `=?UTF-8?B?` and `?=`, 72 ≤ 75 (RFC 2047 §2).
const WORD_BYTES = 45
function encodedWords(text: string): string {
  const words: string[] = []
  let chunk = ''
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, 'utf8') > WORD_BYTES) {
      words.push(chunk)
      chunk = ''
    }
    chunk += char
  }
  if (chunk) words.push(chunk)
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ')
}

/**
 * Pure: the problem that keeps a message from being sent, or null. `setup`: the problem is in the mailbox
 * (its name or address) or the unsubscribe URL (built from DRASON_PUBLIC_URL), which every message of the
 * campaign shares; otherwise it is this message's own (its subject, its recipient).
 */
export function messageProblem(m: OutgoingMessage): { problem: string; setup: boolean } | null {
  const setup =
    headerProblem('The sender name', m.from.name) ??
    (ADDRESS.test(m.from.address) ? null : 'The sender address is not a valid address') ??
    unsubscribeUrlProblem(m.unsubscribeUrl)
  if (setup) return { problem: setup, setup: true }
  const own = headerProblem('The subject', m.subject) ?? (ADDRESS.test(m.to) ? null : 'The recipient address is not a valid address')
  return own ? { problem: own, setup: false } : null
}

function unsubscribeUrlProblem(url: string): string | null {
  if (!/^[!-~]+$/.test(url) || /[<>]/.test(url) || !/^https?:$/.test(safeProtocol(url))) return 'The unsubscribe URL is not an absolute http(s) URL of printable ASCII'
  if (url.length + 2 > HEADER_VALUE_MAX) return `The unsubscribe URL is longer than ${HEADER_VALUE_MAX - 2} characters`
  return null
}

function safeProtocol(url: string): string {
  return URL.canParse(url) ? new URL(url).protocol : ''
}

/** Pure: the SendEmail request for a message (checked first with `messageProblem`). */
export function sendEmailInput(m: OutgoingMessage, configurationSet: string) {
  return {
    FromEmailAddress: formatFrom(m.from.name, m.from.address),
    Destination: { ToAddresses: [m.to] },
    Content: {
      Simple: {
        Subject: { Data: m.subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: m.text, Charset: 'UTF-8' },
          ...(m.html !== undefined ? { Html: { Data: m.html, Charset: 'UTF-8' } } : {}),
        },
        // RFC 8058 one-click unsubscribe: mailbox providers POST `List-Unsubscribe=One-Click` to the URL.
        Headers: [
          { Name: 'List-Unsubscribe', Value: `<${m.unsubscribeUrl}>` },
          { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        ],
      },
    },
    EmailTags: Object.entries(m.tags).map(([name, value]) => ({ Name: sanitiseTag(name), Value: sanitiseTag(value) })),
    ConfigurationSetName: configurationSet,
  }
}

type SdkError = {
  name?: unknown
  message?: unknown
  code?: unknown
  $metadata?: { httpStatusCode?: number }
  $response?: { headers?: Record<string, string | undefined> }
}

/**
 * SES errors that are about the setup, not the message, in plain words (policy as data). Each would fail
 * every message of the campaign, so the send loop pauses the campaign instead of failing lead after lead.
 */
const SETUP_ERRORS: Record<string, string> = {
  NotFoundException: 'SES cannot find something the send names, most likely the configuration set (deleted or renamed)',
  MailFromDomainNotVerifiedException: "the sending domain's custom MAIL FROM domain is not verified at SES (its MX record cannot be read)",
  AccessDeniedException: 'the AWS role Drason sends with is not allowed to send (it lacks the ses:SendEmail permission for this identity or configuration set)',
  AccessDenied: 'the AWS role Drason sends with is not allowed to send (it lacks the ses:SendEmail permission for this identity or configuration set)',
  UnrecognizedClientException: "SES does not accept Drason's AWS credentials (invalid or from another account)",
  InvalidClientTokenId: "SES does not accept Drason's AWS credentials (invalid or from another account)",
  InvalidSignatureException: "SES does not accept the signature of Drason's requests (wrong secret key or clock)",
  SignatureDoesNotMatch: "SES does not accept the signature of Drason's requests (wrong secret key or clock)",
  ExpiredTokenException: "Drason's AWS credentials have expired",
  ExpiredToken: "Drason's AWS credentials have expired",
  MissingAuthenticationTokenException: 'Drason sent no AWS credentials',
  CredentialsProviderError: 'Drason has no AWS credentials to send with',
}
// 401 and 403 are always about who is asking, never about the message.
const AUTH_STATUSES = new Set([401, 403])

/** Pure: what a failed SendEmail means, from the error's `name` and HTTP status (contract table). */
export function classifySendError(err: unknown): Exclude<SendOutcome, { kind: 'sent' }> {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError
  const name = typeof e.name === 'string' ? e.name : 'Error'
  const message = typeof e.message === 'string' ? e.message : String(err)
  const status = e.$metadata?.httpStatusCode
  if (name === 'LimitExceededException') return { kind: 'throttled', code: 'LimitExceededException' }
  if (name === 'TooManyRequestsException' || status === 429) {
    const retryAfter = Number(e.$response?.headers?.['retry-after'])
    return { kind: 'throttled', code: 'TooManyRequestsException', ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) }
  }
  if (name === 'SendingPausedException') return { kind: 'paused', code: 'SendingPausedException' }
  if (name === 'AccountSuspendedException') return { kind: 'suspended', code: 'AccountSuspendedException' }
  // A setup error (no credentials at all: the request was never made) or a 4xx: SES refused the request,
  // nothing went out. Only what is known to concern the message is the message's fault.
  const setup = SETUP_ERRORS[name] ?? (status !== undefined && AUTH_STATUSES.has(status) ? SETUP_ERRORS.AccessDenied! : undefined)
  if (setup && (status === undefined || status < 500)) return { kind: 'misconfigured', code: name, message, explanation: setup }
  if (status !== undefined && status >= 400 && status < 500) return { kind: 'rejected', code: name, message }
  if (status !== undefined && status >= 500) return { kind: 'unknown', reason: `SES answered HTTP ${status} (${name}): ${message}` }
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'unknown', reason: `SES did not answer in time: ${message}` }
  const code = typeof e.code === 'string' ? ` ${e.code}` : ''
  return { kind: 'unknown', reason: `SES could not be reached or its answer could not be read (${name}${code}): ${message}` }
}

export function createSesSender(options: SesSenderOptions): EmailSender & { destroy(): void } {
  const timeoutMs = options.timeoutMs ?? 10_000
  const client = new SESv2Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // One attempt, never more. The SDK would retry a timeout, a 5xx or a throttle, but after a timeout or
    // a 5xx SES may already have accepted the message, and a retry could send it twice. The caller
    // decides what to do with each outcome instead.
    maxAttempts: 1,
    requestHandler: {
      // Without throwOnRequestTimeout this SDK only logs a warning when requestTimeout passes.
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
  })

  return {
    async send(message) {
      const found = messageProblem(message)
      if (found?.setup) return { kind: 'misconfigured', code: 'InvalidSetup', message: `${found.problem}; nothing was sent.`, explanation: found.problem.replace(/^The /, 'the ') }
      if (found) return { kind: 'rejected', code: 'InvalidMessage', message: `${found.problem}; nothing was sent.` }
      let output: unknown
      try {
        output = await client.send(new SendEmailCommand(sendEmailInput(message, options.configurationSet)))
      } catch (err) {
        return classifySendError(err)
      }
      const parsed = responseSchema.safeParse(output)
      // A 2xx without a MessageId: SES probably accepted the message, but there is no id to follow it by.
      if (!parsed.success) return { kind: 'unknown', reason: 'SES answered without a MessageId.' }
      return { kind: 'sent', messageId: parsed.data.MessageId }
    },
    destroy: () => client.destroy(),
  }
}
