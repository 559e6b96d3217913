import { execFileSync } from 'node:child_process'
import { randomUUID, sign } from 'node:crypto'
import { stringToSign, type SnsMessage } from '../../src/shared/domain/sns-message'

/**
 * Signs SNS messages the way SNS does, with a key and self-signed certificate made at test time (no key
 * is ever committed). node:crypto cannot issue certificates, so Debian's `openssl` does: key and
 * certificate come back on stdout, so the private key never touches the disk.
 *
 * The certificate is served under an allowed SNS URL through the verifier's injected `fetchText`
 * (`snsCertificateFetch`); tests never widen the verifier's host rules. See decision 020.
 */

export interface SnsTestKeys {
  privateKeyPem: string
  certificatePem: string
}

/** A URL the verifier accepts (the form SNS sends); tests serve the test certificate under it. */
export const TEST_SNS_CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem'
export const TEST_SNS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:drason-ses-events'

/**
 * A new RSA key and a self-signed certificate for it, valid from now for `days` (openssl's clock: the
 * real one, so tests that check the certificate's dates use a clock near the real now).
 */
export function createSnsTestKeys(days = 2): SnsTestKeys {
  const pem = execFileSync(
    'openssl',
    // -keyout - : the key to stdout beside the certificate; -nodes: unencrypted; 2048 bits like SNS's own.
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '-', '-subj', '/CN=sns.amazonaws.com', '-days', String(days), '-sha256', '-batch'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const privateKeyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(pem)?.[0]
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(pem)?.[0]
  if (!privateKeyPem || !certificatePem) throw new Error('openssl did not print a key and a certificate')
  return { privateKeyPem, certificatePem }
}

let shared: SnsTestKeys | undefined
/** One key pair per test process (making one takes ~0.3 s). */
export function snsTestKeys(): SnsTestKeys {
  shared ??= createSnsTestKeys()
  return shared
}

type Unsigned<M> = M extends SnsMessage ? Omit<M, 'Signature' | 'SignatureVersion' | 'SigningCertURL'> : never
export type UnsignedSnsMessage = Unsigned<SnsMessage>

export interface SignOptions {
  /** '1' = SHA1withRSA (SNS's default), '2' = SHA256withRSA. */
  version?: '1' | '2'
  keys?: SnsTestKeys
  certUrl?: string
}

/** The message with SignatureVersion, Signature and SigningCertURL added, as SNS would send it. */
export function signSnsMessage<M extends UnsignedSnsMessage>(message: M, options: SignOptions = {}): M & { SignatureVersion: string; Signature: string; SigningCertURL: string } {
  const version = options.version ?? '1'
  const keys = options.keys ?? snsTestKeys()
  // Signature fields are not signed, so placeholders are fine while building the text to sign.
  const text = stringToSign({ ...message, SignatureVersion: version, Signature: '', SigningCertURL: '' } as SnsMessage)
  const signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(text, 'utf8'), keys.privateKeyPem).toString('base64')
  return { ...message, SignatureVersion: version, Signature: signature, SigningCertURL: options.certUrl ?? TEST_SNS_CERT_URL }
}

/** A fresh Notification for `topicArn`, published at `at`, whose Message is `message` (an SES event, as JSON text). */
export function snsNotification(message: unknown, options: { at?: Date; topicArn?: string; messageId?: string; subject?: string } = {}): Extract<UnsignedSnsMessage, { Type: 'Notification' }> {
  const topicArn = options.topicArn ?? TEST_SNS_TOPIC_ARN
  return {
    Type: 'Notification',
    MessageId: options.messageId ?? randomUUID(),
    TopicArn: topicArn,
    ...(options.subject === undefined ? {} : { Subject: options.subject }),
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: (options.at ?? new Date()).toISOString(),
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:8a21d249-4329-4871-acc6-7be709c6ea7f`,
  }
}

/** A fresh SubscriptionConfirmation (or UnsubscribeConfirmation) for `topicArn`, sent at `at`. */
export function snsConfirmation(
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
  options: { at?: Date; topicArn?: string; subscribeUrl?: string } = {},
): Extract<UnsignedSnsMessage, { Type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' }> {
  const topicArn = options.topicArn ?? TEST_SNS_TOPIC_ARN
  const token = randomUUID().replace(/-/g, '').repeat(4)
  return {
    Type: type,
    MessageId: randomUUID(),
    Token: token,
    TopicArn: topicArn,
    Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: options.subscribeUrl ?? `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`,
    Timestamp: (options.at ?? new Date()).toISOString(),
  }
}

/**
 * A `fetchText` for the verifier that serves the test certificate at `TEST_SNS_CERT_URL`, answers any
 * ConfirmSubscription URL as SNS does, refuses everything else, and records every URL it was asked for.
 */
export function snsCertificateFetch(keys: SnsTestKeys = snsTestKeys(), certificates: Record<string, string> = {}) {
  const calls: string[] = []
  const served: Record<string, string> = { [TEST_SNS_CERT_URL]: keys.certificatePem, ...certificates }
  async function fetchText(url: string): Promise<string> {
    calls.push(url)
    const pem = served[url]
    if (pem !== undefined) return pem
    if (new URL(url).searchParams.get('Action') === 'ConfirmSubscription') {
      return '<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:drason-ses-events:1</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>'
    }
    throw new Error(`test fetchText: nothing at ${url}`)
  }
  return { fetchText, calls }
}
