import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  DEPLOYED_SETTINGS,
  apiEventType,
  type DoctorAws,
  type EmailIdentityStatus,
  type EventDestination,
  type QueueAttributes,
  type SendingAccount,
  type TopicSubscription,
} from '../../scripts/doctor-checks'
import { REQUIRED_SECRETS } from '../../src/shared/config.server'

/**
 * A deployed Drason stage as `npm run doctor` sees it, and two ways to serve it:
 * - `memoryDoctorAws(stage)`: the doctor's port answered from memory (checker tests);
 * - `startFakeAws(stage)`: a local HTTP server answering the AWS API calls the SDK adapter makes
 *   (SSM GetParametersByPath/GetParameter, SES v2 GetEmailIdentity/GetAccount/
 *   GetConfigurationSetEventDestinations, SNS ListSubscriptionsByTopic, SQS GetQueueAttributes) in each
 *   service's wire protocol (JSON 1.1, REST-JSON, query/XML, JSON 1.0), so the adapter runs for real.
 * `healthyStage()` is a stage with nothing missing; tests break one thing at a time.
 */
export interface FakeStage {
  accountId: string
  region: string
  parameters: Record<string, { value: string; secure: boolean }>
  identities: Record<string, EmailIdentityStatus>
  account: SendingAccount
  configurationSets: Record<string, EventDestination[]>
  topics: Record<string, TopicSubscription[]>
  /** By queue URL. */
  queues: Record<string, QueueAttributes>
}

/** What SSM returns for a SecureString read without decryption. */
const CIPHERTEXT = 'AQICAHhEncryptedValueNotReadByTheDoctor=='

export interface HealthyOptions {
  app?: string
  stage?: 'staging' | 'production'
  stackName?: string
  region?: string
  identities?: string[]
}

export function healthyStage(options: HealthyOptions = {}): FakeStage {
  const { app = 'drason', stage = 'production', stackName = 'DrasonProduction', region = 'us-east-1', identities = ['example.com'] } = options
  const accountId = '123456789012'
  const queueUrl = (name: string) => `https://sqs.${region}.amazonaws.com/${accountId}/${stackName}-${name}-A1B2C3`
  const queueArn = (name: string) => `arn:aws:sqs:${region}:${accountId}:${stackName}-${name}-A1B2C3`
  const topicArn = (name: string) => `arn:aws:sns:${region}:${accountId}:${stackName}-${name}-D4E5F6`
  const eventsTopic = topicArn('SesEventsTopic')
  const alertTopic = topicArn('AlertTopic')
  const configurationSet = `${app}-${stage}`

  const parameters: FakeStage['parameters'] = {}
  for (const name of [...REQUIRED_SECRETS, ...Object.keys(DEPLOYED_SETTINGS)]) parameters[`/${app}/${stage}/${name}`] = { value: `value-of-${name}`, secure: true }
  parameters[`/${app}/${stage}/DRASON_SES_IDENTITIES`] = { value: identities.join(','), secure: true }
  const queues: FakeStage['queues'] = {}
  for (const [name, id] of [['send-pulse', 'SendPulseQueue'], ['feedback', 'FeedbackQueue'], ['imports', 'ImportsQueue']] as const) {
    parameters[`/${stackName}/queues/${name}`] = { value: queueUrl(id), secure: false }
    queues[queueUrl(id)] = {
      arn: queueArn(id),
      policy: null,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(id.replace(/Queue$/, 'DeadLetterQueue')), maxReceiveCount: 3 }),
    }
  }
  // As SQS returns the policy the stack wrote (intrinsics resolved).
  queues[queueUrl('FeedbackQueue')]!.policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SesEventsTopicDelivers',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn('FeedbackQueue'),
        Condition: { ArnEquals: { 'aws:SourceArn': eventsTopic } },
      },
    ],
  })
  parameters[`/${stackName}/tables/leads`] = { value: `${stackName}-LeadsTable-G7H8`, secure: false }
  parameters[`/${stackName}/production-guards/configurationSet`] = { value: configurationSet, secure: false }
  parameters[`/${stackName}/production-guards/sesEventsTopic`] = { value: eventsTopic, secure: false }
  parameters[`/${stackName}/production-guards/alertTopic`] = { value: alertTopic, secure: false }

  return {
    accountId,
    region,
    parameters,
    identities: Object.fromEntries(
      identities.map((identity) => [
        identity,
        identity.includes('@')
          ? { type: 'EMAIL_ADDRESS', verifiedForSending: true, dkimStatus: null, dkimSigningEnabled: false, mailFromDomain: null, mailFromStatus: null }
          : { type: 'DOMAIN', verifiedForSending: true, dkimStatus: 'SUCCESS', dkimSigningEnabled: true, mailFromDomain: `mail.${identity}`, mailFromStatus: 'SUCCESS' },
      ]),
    ),
    account: { productionAccess: true, sendingEnabled: true, enforcementStatus: 'HEALTHY' },
    configurationSets: {
      [configurationSet]: [
        {
          name: 'drason-feedback',
          enabled: true,
          eventTypes: ['send', 'reject', 'bounce', 'complaint', 'delivery', 'deliveryDelay', 'renderingFailure'].map(apiEventType),
          snsTopicArn: eventsTopic,
        },
      ],
    },
    topics: {
      [eventsTopic]: [{ protocol: 'sqs', endpoint: queueArn('FeedbackQueue'), confirmed: true }],
      [alertTopic]: [{ protocol: 'email', endpoint: 'ops@example.com', confirmed: true }],
    },
    queues,
  }
}

/** Where the healthy stage keeps things, for tests that break them. */
export function stageRefs(stage: FakeStage, stackName = 'DrasonProduction') {
  const param = (path: string) => stage.parameters[`/${stackName}/${path}`]!.value
  const feedbackUrl = param('queues/feedback')
  return { eventsTopic: param('production-guards/sesEventsTopic'), alertTopic: param('production-guards/alertTopic'), configurationSet: param('production-guards/configurationSet'), feedbackUrl, feedbackArn: stage.queues[feedbackUrl]!.arn }
}

function byPath(stage: FakeStage, path: string): [string, { value: string; secure: boolean }][] {
  const prefix = path.endsWith('/') ? path : `${path}/`
  return Object.entries(stage.parameters)
    .filter(([name]) => name.startsWith(prefix))
    .sort(([a], [b]) => a.localeCompare(b))
}

/** The port answered from memory, as AWS would answer the adapter. */
export function memoryDoctorAws(stage: FakeStage): DoctorAws {
  return {
    parametersByPath: async (path) => Object.fromEntries(byPath(stage, path).map(([name, p]) => [name, p.secure ? CIPHERTEXT : p.value])),
    parameter: async (name) => stage.parameters[name]?.value ?? null,
    emailIdentity: async (identity) => stage.identities[identity] ?? null,
    sendingAccount: async () => stage.account,
    eventDestinations: async (name) => stage.configurationSets[name] ?? null,
    topicSubscriptions: async (arn) => stage.topics[arn] ?? null,
    queueAttributes: async (url) => stage.queues[url] ?? null,
  }
}

// --- The HTTP fake -------------------------------------------------------------------------------

/** Small pages, so the adapter's pagination is exercised. */
const SSM_PAGE = 10
const SNS_PAGE = 2

export interface FakeAws {
  endpoint: string
  /** "Service.Operation" for every request, in order. */
  requests: string[]
  close(): Promise<void>
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': 'fake-request-id', ...headers })
  res.end(body)
}

function answerSsm(stage: FakeStage, operation: string, input: Record<string, unknown>, res: ServerResponse) {
  const type = 'application/x-amz-json-1.1'
  const parameter = (name: string, p: { value: string; secure: boolean }, decrypt: boolean) => ({
    Name: name,
    Type: p.secure ? 'SecureString' : 'String',
    Value: p.secure && !decrypt ? CIPHERTEXT : p.value,
    Version: 1,
    ARN: `arn:aws:ssm:${stage.region}:${stage.accountId}:parameter${name}`,
    DataType: 'text',
  })
  if (operation === 'GetParametersByPath') {
    const all = byPath(stage, String(input.Path))
    const start = Number(input.NextToken ?? 0)
    const page = all.slice(start, start + SSM_PAGE)
    const next = start + SSM_PAGE < all.length ? { NextToken: String(start + SSM_PAGE) } : {}
    return send(res, 200, type, JSON.stringify({ Parameters: page.map(([n, p]) => parameter(n, p, input.WithDecryption === true)), ...next }))
  }
  if (operation === 'GetParameter') {
    const name = String(input.Name)
    const p = stage.parameters[name]
    if (!p) return send(res, 400, type, JSON.stringify({ __type: 'ParameterNotFound', message: `Parameter ${name} not found.` }))
    return send(res, 200, type, JSON.stringify({ Parameter: parameter(name, p, input.WithDecryption === true) }))
  }
  return send(res, 400, type, JSON.stringify({ __type: 'InvalidAction', message: `fake SSM does not answer ${operation}` }))
}

function answerSqs(stage: FakeStage, operation: string, input: Record<string, unknown>, res: ServerResponse) {
  const type = 'application/x-amz-json-1.0'
  const queue = stage.queues[String(input.QueueUrl)]
  if (operation !== 'GetQueueAttributes') return send(res, 400, type, JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAction', message: operation }))
  if (!queue) {
    return send(res, 400, type, JSON.stringify({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }), {
      'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
    })
  }
  const attributes: Record<string, string> = { QueueArn: queue.arn }
  if (queue.policy) attributes.Policy = queue.policy
  if (queue.redrivePolicy) attributes.RedrivePolicy = queue.redrivePolicy
  return send(res, 200, type, JSON.stringify({ Attributes: attributes }))
}

function answerSes(stage: FakeStage, path: string, res: ServerResponse): string {
  const json = 'application/json'
  const notFound = (what: string) => send(res, 404, json, JSON.stringify({ message: `${what} does not exist.` }), { 'x-amzn-errortype': 'NotFoundException' })
  let m: RegExpExecArray | null
  if (path === '/v2/email/account') {
    const a = stage.account
    send(res, 200, json, JSON.stringify({ ProductionAccessEnabled: a.productionAccess, SendingEnabled: a.sendingEnabled, EnforcementStatus: a.enforcementStatus, DedicatedIpAutoWarmupEnabled: false, SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 120 } }))
    return 'GetAccount'
  }
  if ((m = /^\/v2\/email\/identities\/([^/]+)$/.exec(path))) {
    const identity = stage.identities[decodeURIComponent(m[1]!)]
    if (!identity) notFound('Identity')
    else {
      send(res, 200, json, JSON.stringify({
        IdentityType: identity.type,
        FeedbackForwardingStatus: true,
        VerifiedForSendingStatus: identity.verifiedForSending,
        VerificationStatus: identity.verifiedForSending ? 'SUCCESS' : 'PENDING',
        DkimAttributes: { SigningEnabled: identity.dkimSigningEnabled, ...(identity.dkimStatus ? { Status: identity.dkimStatus } : {}), Tokens: ['t1', 't2', 't3'], SigningAttributesOrigin: 'AWS_SES' },
        MailFromAttributes: { MailFromDomain: identity.mailFromDomain ?? '', MailFromDomainStatus: identity.mailFromStatus ?? 'FAILED', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
        Policies: {},
        Tags: [],
      }))
    }
    return 'GetEmailIdentity'
  }
  if ((m = /^\/v2\/email\/configuration-sets\/([^/]+)\/event-destinations$/.exec(path))) {
    const destinations = stage.configurationSets[decodeURIComponent(m[1]!)]
    if (!destinations) notFound('Configuration set')
    else {
      send(res, 200, json, JSON.stringify({
        EventDestinations: destinations.map((d) => ({ Name: d.name, Enabled: d.enabled, MatchingEventTypes: d.eventTypes, ...(d.snsTopicArn ? { SnsDestination: { TopicArn: d.snsTopicArn } } : {}) })),
      }))
    }
    return 'GetConfigurationSetEventDestinations'
  }
  notFound('Route')
  return `unknown ${path}`
}

function answerSns(stage: FakeStage, form: URLSearchParams, res: ServerResponse): string {
  const xml = 'text/xml'
  const ns = 'http://sns.amazonaws.com/doc/2010-03-31/'
  const action = form.get('Action') ?? ''
  if (action !== 'ListSubscriptionsByTopic') {
    send(res, 400, xml, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xmlEscape(action)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`)
    return action
  }
  const topicArn = form.get('TopicArn') ?? ''
  const subscriptions = stage.topics[topicArn]
  if (!subscriptions) {
    send(res, 404, xml, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>fake</RequestId></ErrorResponse>`)
    return action
  }
  const start = Number(form.get('NextToken') ?? 0)
  const page = subscriptions.slice(start, start + SNS_PAGE)
  const members = page
    .map((s, i) => {
      const arn = s.confirmed ? `${topicArn}:sub-${start + i}` : 'PendingConfirmation'
      return `<member><TopicArn>${xmlEscape(topicArn)}</TopicArn><Protocol>${xmlEscape(s.protocol)}</Protocol><SubscriptionArn>${xmlEscape(arn)}</SubscriptionArn><Owner>${stage.accountId}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`
    })
    .join('')
  const next = start + SNS_PAGE < subscriptions.length ? `<NextToken>${start + SNS_PAGE}</NextToken>` : ''
  send(res, 200, xml, `<ListSubscriptionsByTopicResponse xmlns="${ns}"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions>${next}</ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`)
  return action
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Serves `stage` (read live: a test may change it between calls) on 127.0.0.1 at a free port. */
export async function startFakeAws(stage: FakeStage): Promise<FakeAws> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const url = new URL(req.url ?? '/', 'http://localhost')
      const target = String(req.headers['x-amz-target'] ?? '')
      if (target.startsWith('AmazonSSM.')) {
        const operation = target.slice('AmazonSSM.'.length)
        requests.push(`SSM.${operation}`)
        return answerSsm(stage, operation, JSON.parse(body || '{}') as Record<string, unknown>, res)
      }
      if (target.startsWith('AmazonSQS.')) {
        const operation = target.slice('AmazonSQS.'.length)
        requests.push(`SQS.${operation}`)
        return answerSqs(stage, operation, JSON.parse(body || '{}') as Record<string, unknown>, res)
      }
      if (url.pathname.startsWith('/v2/email/')) {
        requests.push(`SESv2.${answerSes(stage, url.pathname, res)}`)
        return
      }
      requests.push(`SNS.${answerSns(stage, new URLSearchParams(body), res)}`)
    })().catch((err: unknown) => send(res, 500, 'text/plain', String(err)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  }
}

// --- Broken stages ---------------------------------------------------------------------------------

export interface Breakage {
  name: string
  break(stage: FakeStage): void
  /** The finding it must produce. */
  check: string
  status: 'missing' | 'warning'
  says: string
}

/** One thing wrong at a time, on top of healthyStage() (production, DrasonProduction, example.com). */
export const BREAKAGES: Breakage[] = [
  { name: 'a secret was never set', break: (s) => void delete s.parameters['/drason/production/DRASON_SESSION_SECRET'], check: 'settings', status: 'missing', says: 'DRASON_SESSION_SECRET' },
  { name: 'the unsubscribe URL was never set', break: (s) => void delete s.parameters['/drason/production/DRASON_PUBLIC_URL'], check: 'settings', status: 'missing', says: 'DRASON_PUBLIC_URL (Drason refuses to start without it)' },
  { name: 'the local SES endpoint reached AWS', break: (s) => void (s.parameters['/drason/production/SES_ENDPOINT'] = { value: 'http://127.0.0.1:8005', secure: true }), check: 'settings', status: 'missing', says: 'SES_ENDPOINT is set' },
  { name: 'the stack was never deployed', break: (s) => { for (const name of Object.keys(s.parameters)) if (name.startsWith('/DrasonProduction/')) delete s.parameters[name] }, check: 'stack', status: 'missing', says: 'no stack DrasonProduction' },
  { name: 'the stack was deployed without the guards', break: (s) => { for (const name of Object.keys(s.parameters)) if (name.startsWith('/DrasonProduction/production-guards/')) delete s.parameters[name] }, check: 'stack', status: 'missing', says: 'without the production guards' },
  { name: 'the identity list names nothing valid', break: (s) => void (s.parameters['/drason/production/DRASON_SES_IDENTITIES']!.value = 'not a domain'), check: 'identities', status: 'missing', says: 'not a domain or an address' },
  { name: 'the identity does not exist in SES', break: (s) => void delete s.identities['example.com'], check: 'identity example.com', status: 'missing', says: 'is not an SES identity' },
  { name: 'the identity is not verified', break: (s) => void (s.identities['example.com']!.verifiedForSending = false), check: 'identity example.com', status: 'missing', says: 'not verified' },
  { name: 'DKIM is pending', break: (s) => void (s.identities['example.com']!.dkimStatus = 'PENDING'), check: 'identity example.com', status: 'missing', says: 'DKIM is PENDING' },
  { name: 'there is no custom MAIL FROM domain', break: (s) => void Object.assign(s.identities['example.com']!, { mailFromDomain: null, mailFromStatus: null }), check: 'identity example.com', status: 'warning', says: 'no custom MAIL FROM' },
  { name: 'the account is in the SES sandbox', break: (s) => void (s.account.productionAccess = false), check: 'ses account', status: 'missing', says: 'sandbox' },
  { name: 'sending is disabled', break: (s) => void Object.assign(s.account, { sendingEnabled: false, enforcementStatus: 'SHUTDOWN' }), check: 'ses account', status: 'missing', says: 'sending is disabled' },
  { name: 'the account is under review', break: (s) => void (s.account.enforcementStatus = 'PROBATION'), check: 'ses account', status: 'warning', says: 'PROBATION' },
  { name: 'the configuration set is gone', break: (s) => void delete s.configurationSets['drason-production'], check: 'configuration set', status: 'missing', says: 'does not exist' },
  { name: 'events go to another topic', break: (s) => void (s.configurationSets['drason-production']![0]!.snsTopicArn = 'arn:aws:sns:us-east-1:123456789012:elsewhere'), check: 'configuration set', status: 'missing', says: 'publishes nothing' },
  { name: 'the event destination is disabled', break: (s) => void (s.configurationSets['drason-production']![0]!.enabled = false), check: 'configuration set', status: 'missing', says: 'publishes nothing' },
  { name: 'complaints are not published', break: (s) => { const d = s.configurationSets['drason-production']![0]!; d.eventTypes = d.eventTypes.filter((t) => t !== 'COMPLAINT') }, check: 'configuration set', status: 'missing', says: 'does not publish COMPLAINT' },
  { name: 'the feedback queue is not subscribed', break: (s) => void (s.topics[stageRefs(s).eventsTopic] = []), check: 'feedback topic', status: 'missing', says: 'not subscribed' },
  { name: 'the queue subscription is unconfirmed', break: (s) => void (s.topics[stageRefs(s).eventsTopic]![0]!.confirmed = false), check: 'feedback topic', status: 'missing', says: 'not confirmed' },
  { name: 'the feedback queue has no policy', break: (s) => void (s.queues[stageRefs(s).feedbackUrl]!.policy = null), check: 'feedback queue', status: 'missing', says: 'does not let' },
  {
    name: "the feedback queue's policy admits another topic",
    break: (s) => { const q = s.queues[stageRefs(s).feedbackUrl]!; q.policy = q.policy!.replace(stageRefs(s).eventsTopic, 'arn:aws:sns:us-east-1:123456789012:other') },
    check: 'feedback queue',
    status: 'missing',
    says: 'does not let',
  },
  { name: 'the send queue has no dead-letter queue', break: (s) => void (s.queues[s.parameters['/DrasonProduction/queues/send-pulse']!.value]!.redrivePolicy = null), check: 'dead letters', status: 'missing', says: 'send-pulse has no dead-letter queue' },
  { name: 'nobody is subscribed to the alerts', break: (s) => void (s.topics[stageRefs(s).alertTopic] = []), check: 'alerts', status: 'missing', says: 'no subscriber' },
  { name: 'the alert email was not confirmed', break: (s) => void (s.topics[stageRefs(s).alertTopic]![0]!.confirmed = false), check: 'alerts', status: 'missing', says: 'has not confirmed' },
]
