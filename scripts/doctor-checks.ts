/**
 * `npm run doctor`'s checks: is a deployed stage able to send, hear back and warn a person? Pure over a
 * small port (DoctorAws, read-only AWS calls): the adapter is doctor-aws.server.ts, the tests use
 * fakes. Each finding says what is wrong and how to fix it; the CLI is scripts/doctor.ts.
 */
import { createRequire } from 'node:module'
import * as z from 'zod'
import { REQUIRED_SECRETS } from '../src/shared/config.server'

export interface EmailIdentityStatus {
  type: 'DOMAIN' | 'EMAIL_ADDRESS' | 'MANAGED_DOMAIN' | string
  verifiedForSending: boolean
  /** SUCCESS once SES sees the DKIM records; PENDING, FAILED, TEMPORARY_FAILURE or NOT_STARTED before. */
  dkimStatus: string | null
  dkimSigningEnabled: boolean
  /** The custom MAIL FROM domain, which is what SPF aligns with; null when SES's default is used. */
  mailFromDomain: string | null
  mailFromStatus: string | null
}
export interface SendingAccount {
  /** False while the account is in the SES sandbox (it may only send to verified addresses). */
  productionAccess: boolean
  sendingEnabled: boolean
  enforcementStatus: string | null
}
export interface EventDestination {
  name: string
  enabled: boolean
  /** As the SES v2 API spells them: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, DELIVERY_DELAY, RENDERING_FAILURE... */
  eventTypes: string[]
  snsTopicArn: string | null
}
export interface TopicSubscription {
  protocol: string
  endpoint: string
  /** False while SNS waits for the subscriber to confirm (an email link not yet clicked). */
  confirmed: boolean
}
export interface QueueAttributes {
  arn: string
  policy: string | null
  redrivePolicy: string | null
}

/** The read-only AWS calls the doctor makes. Null means "does not exist". */
export interface DoctorAws {
  /** Every parameter under a path, recursively: name -> value (SecureString values stay encrypted). */
  parametersByPath(path: string): Promise<Record<string, string>>
  /** One parameter, decrypted. */
  parameter(name: string): Promise<string | null>
  emailIdentity(identity: string): Promise<EmailIdentityStatus | null>
  sendingAccount(): Promise<SendingAccount>
  eventDestinations(configurationSet: string): Promise<EventDestination[] | null>
  topicSubscriptions(topicArn: string): Promise<TopicSubscription[] | null>
  queueAttributes(queueUrl: string): Promise<QueueAttributes | null>
}

export interface Stage {
  app: string
  stage: 'staging' | 'production'
  /** CloudFormation stack, as `arc deploy` names it: DrasonStaging, DrasonProduction. */
  stackName: string
  region: string
}

export type Status = 'ok' | 'missing' | 'warning'
export interface Finding {
  check: string
  status: Status
  summary: string
  /** What to do, one command or step per line. */
  fix?: string
}

// The plugin's policy is the one source for the names it deploys (CommonJS, loaded as Architect loads it).
interface GuardsPolicy {
  ses: { eventTypes: string[]; identitiesVariable: string; feedbackQueue: string }
  alertEmailVariable: string
  discovery: { path: string; configurationSet: string; sesEventsTopic: string; alertTopic: string }
}
const requireHere = createRequire(import.meta.url)
const policy = requireHere('../src/plugins/production-guards/policy.js') as GuardsPolicy
const { parseIdentities } = requireHere('../src/plugins/production-guards/guards.js') as { parseIdentities: (value: string) => string[] }

/**
 * Settings a deployed stage needs beyond the ones the app refuses to start without, and why. All are
 * set with `arc env` (SSM) and reach the functions at the next deploy.
 */
export const DEPLOYED_SETTINGS: Record<string, string> = {
  MEV_API_KEY: 'without it every verification fails and no lead is sent',
  [policy.ses.identitiesVariable]: 'the functions may send only from these SES identities',
}
/** Local-only settings that must not reach AWS. */
const LOCAL_ONLY = { SES_ENDPOINT: 'sends would go to a local SES instead of AWS' }

/** deliveryDelay -> DELIVERY_DELAY: CloudFormation's spelling to the SES v2 API's. */
export const apiEventType = (cfn: string) => cfn.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()

export async function checkStage(aws: DoctorAws, stage: Stage): Promise<Finding[]> {
  const findings: Finding[] = []
  const envPath = `/${stage.app}/${stage.stage}`
  const arcEnv = (name: string, value = '<value>') => `npx arc env -e ${stage.stage} -a ${name} ${value}`
  const redeploy = `then deploy again (${stage.stage === 'production' ? 'npx arc deploy --production' : 'npx arc deploy'}): functions read these at deploy`

  // 1. Settings in SSM, where `arc env` keeps them and `arc deploy` reads them.
  const settings = await aws.parametersByPath(envPath)
  const present = new Set(Object.keys(settings).map((name) => name.slice(envPath.length + 1)))
  const needed: Record<string, string> = {
    ...Object.fromEntries(REQUIRED_SECRETS.map((name) => [name, 'Drason refuses to start without it'])),
    ...DEPLOYED_SETTINGS,
  }
  const missingSettings = Object.keys(needed).filter((name) => !present.has(name))
  findings.push(
    missingSettings.length === 0
      ? { check: 'settings', status: 'ok', summary: `all ${Object.keys(needed).length} settings are in SSM under ${envPath}` }
      : {
          check: 'settings',
          status: 'missing',
          summary: `not in SSM under ${envPath}: ${missingSettings.map((name) => `${name} (${needed[name]})`).join('; ')}`,
          fix: [...missingSettings.map((name) => arcEnv(name)), redeploy].join('\n'),
        },
  )
  for (const [name, why] of Object.entries(LOCAL_ONLY)) {
    if (present.has(name)) {
      findings.push({ check: 'settings', status: 'missing', summary: `${name} is set for ${stage.stage}: ${why}`, fix: `npx arc env -e ${stage.stage} -r ${name}\n${redeploy}` })
    }
  }

  // 2. The stack, through what it published for service discovery.
  const stackPath = `/${stage.stackName}`
  const discovered = await aws.parametersByPath(stackPath)
  const find = (path: string) => discovered[`${stackPath}/${path}`] ?? null
  const d = policy.discovery
  const configurationSet = find(`${d.path}/${d.configurationSet}`)
  const eventsTopic = find(`${d.path}/${d.sesEventsTopic}`)
  const alertTopic = find(`${d.path}/${d.alertTopic}`)
  const feedbackQueueUrl = find(`queues/${policy.ses.feedbackQueue}`)
  if (!configurationSet || !eventsTopic || !alertTopic || !feedbackQueueUrl) {
    findings.push({
      check: 'stack',
      status: 'missing',
      summary:
        Object.keys(discovered).length === 0
          ? `no stack ${stage.stackName} in ${stage.region} (nothing under ${stackPath} in SSM)`
          : `stack ${stage.stackName} was deployed without the production guards (nothing under ${stackPath}/${d.path})`,
      fix: `${stage.stage === 'production' ? 'npx arc deploy --production' : 'npx arc deploy'} (the production-guards plugin is in app.arc @plugins)`,
    })
  }

  // 3. SES: the identities the functions may send from, and the account itself.
  if (present.has(policy.ses.identitiesVariable)) {
    const identities = readIdentities((await aws.parameter(`${envPath}/${policy.ses.identitiesVariable}`)) ?? '')
    if (identities.ok) for (const identity of identities.list) findings.push(await checkIdentity(aws, identity, stage))
    else findings.push({ check: 'identities', status: 'missing', summary: identities.reason, fix: `${arcEnv(policy.ses.identitiesVariable, 'example.com')}\n${redeploy}` })
  }
  findings.push(await checkAccount(aws, stage))

  if (!configurationSet || !eventsTopic || !alertTopic || !feedbackQueueUrl) return findings

  // 4. Feedback: configuration set -> SNS topic -> feedback queue, and the queue lets the topic in.
  findings.push(await checkEventDestination(aws, configurationSet, eventsTopic))
  const feedbackQueue = await aws.queueAttributes(feedbackQueueUrl)
  if (!feedbackQueue) {
    findings.push({ check: 'feedback queue', status: 'missing', summary: `the feedback queue ${feedbackQueueUrl} does not exist`, fix: 'deploy again' })
  } else {
    findings.push(await checkSubscription(aws, eventsTopic, feedbackQueue.arn))
    findings.push(
      queueAdmits(feedbackQueue.policy, feedbackQueue.arn, eventsTopic)
        ? { check: 'feedback queue', status: 'ok', summary: `the feedback queue's policy lets ${eventsTopic} deliver` }
        : {
            check: 'feedback queue',
            status: 'missing',
            summary: `the feedback queue's policy does not let ${eventsTopic} send messages to it, so SNS drops every SES event`,
            fix: `deploy again (the stack sets the policy), or allow sns.amazonaws.com sqs:SendMessage on ${feedbackQueue.arn} with aws:SourceArn ${eventsTopic}`,
          },
    )
  }

  // 5. Every queue dead-letters what keeps failing.
  for (const [name, url] of Object.entries(discovered).filter(([name]) => name.startsWith(`${stackPath}/queues/`))) {
    const queue = name.slice(`${stackPath}/queues/`.length)
    const attributes = await aws.queueAttributes(url)
    const redrive = attributes?.redrivePolicy ? safeJson(attributes.redrivePolicy) : null
    const target = redrive && typeof redrive === 'object' && 'deadLetterTargetArn' in redrive ? String(redrive.deadLetterTargetArn) : null
    findings.push(
      target
        ? { check: 'dead letters', status: 'ok', summary: `${queue} moves failing messages to ${target.split(':').pop()}` }
        : { check: 'dead letters', status: 'missing', summary: `${queue} has no dead-letter queue: a failing message is retried until it expires`, fix: 'deploy again (the stack sets the redrive policy)' },
    )
  }

  // 6. Someone hears the alarms and budgets.
  const alerts = await aws.topicSubscriptions(alertTopic)
  const confirmed = (alerts ?? []).filter((s) => s.confirmed)
  const pending = (alerts ?? []).filter((s) => !s.confirmed)
  findings.push(
    confirmed.length > 0
      ? { check: 'alerts', status: 'ok', summary: `alarms and budgets reach ${confirmed.map((s) => `${s.protocol}:${s.endpoint}`).join(', ')}` }
      : {
          check: 'alerts',
          status: 'missing',
          summary:
            pending.length > 0
              ? `alarms and budgets reach nobody yet: ${pending.map((s) => s.endpoint).join(', ')} has not confirmed the subscription`
              : 'alarms and budgets reach nobody: the alert topic has no subscriber',
          fix:
            pending.length > 0
              ? 'click the confirmation link in the email from AWS Notifications'
              : [arcEnv(policy.alertEmailVariable, 'you@example.com'), `${redeploy}; then click the link in the confirmation email`].join('\n'),
        },
  )
  return findings
}

function readIdentities(value: string): { ok: true; list: string[] } | { ok: false; reason: string } {
  try {
    const list = parseIdentities(value)
    return list.length > 0 ? { ok: true, list } : { ok: false, reason: `${policy.ses.identitiesVariable} names no SES identity` }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) }
  }
}

async function checkIdentity(aws: DoctorAws, identity: string, stage: Stage): Promise<Finding> {
  const check = `identity ${identity}`
  const status = await aws.emailIdentity(identity)
  const dnsHelp = `aws sesv2 get-email-identity --region ${stage.region} --email-identity ${identity} (DkimAttributes.Tokens: three CNAMEs <token>._domainkey.${identity} -> <token>.dkim.amazonses.com)`
  if (!status) {
    return {
      check,
      status: 'missing',
      summary: `${identity} is not an SES identity in ${stage.region}`,
      fix: `aws sesv2 create-email-identity --region ${stage.region} --email-identity ${identity}\nthen publish its DNS records: ${dnsHelp}`,
    }
  }
  if (!status.verifiedForSending) {
    return { check, status: 'missing', summary: `${identity} is not verified for sending yet`, fix: `publish its DNS records (or click the verification email): ${dnsHelp}` }
  }
  if (status.type !== 'EMAIL_ADDRESS' && (status.dkimStatus !== 'SUCCESS' || !status.dkimSigningEnabled)) {
    return {
      check,
      status: 'missing',
      summary: `${identity}'s DKIM is ${status.dkimSigningEnabled ? (status.dkimStatus ?? 'not set up') : 'not signing'}: receivers will not trust its mail`,
      fix: `publish the DKIM CNAMEs: ${dnsHelp}`,
    }
  }
  if (status.type !== 'EMAIL_ADDRESS' && (!status.mailFromDomain || status.mailFromStatus !== 'SUCCESS')) {
    return {
      check,
      status: 'warning',
      summary: status.mailFromDomain
        ? `${identity}'s MAIL FROM domain ${status.mailFromDomain} is ${status.mailFromStatus ?? 'not verified'}`
        : `${identity} verified with DKIM; it has no custom MAIL FROM domain, so SPF aligns with amazonses.com, not ${identity} (DMARC still passes on DKIM)`,
      fix: `aws sesv2 put-email-identity-mail-from-attributes --region ${stage.region} --email-identity ${identity} --mail-from-domain mail.${identity}\nthen publish MX "10 feedback-smtp.${stage.region}.amazonses.com" and TXT "v=spf1 include:amazonses.com ~all" on mail.${identity}`,
    }
  }
  return { check, status: 'ok', summary: `${identity} is verified${status.type === 'EMAIL_ADDRESS' ? '' : ' and signs with DKIM'}` }
}

async function checkAccount(aws: DoctorAws, stage: Stage): Promise<Finding> {
  const account = await aws.sendingAccount()
  if (!account.sendingEnabled) {
    return { check: 'ses account', status: 'missing', summary: `sending is disabled for the SES account in ${stage.region} (${account.enforcementStatus ?? 'no enforcement status'})`, fix: 'read the SES account dashboard (reputation and enforcement), fix the cause, then ask AWS support to re-enable sending' }
  }
  if (!account.productionAccess) {
    return {
      check: 'ses account',
      status: stage.stage === 'production' ? 'missing' : 'warning',
      summary: `the SES account in ${stage.region} is in the sandbox: it may send only to verified addresses, 200 a day`,
      fix: 'SES console -> Account dashboard -> Request production access (README: Deploy to AWS, leaving the SES sandbox)',
    }
  }
  if (account.enforcementStatus && account.enforcementStatus !== 'HEALTHY') {
    return { check: 'ses account', status: 'warning', summary: `the SES account's enforcement status is ${account.enforcementStatus}`, fix: 'read the SES account dashboard: bounce and complaint rates, and any review notice' }
  }
  return { check: 'ses account', status: 'ok', summary: `the SES account in ${stage.region} has production access and may send` }
}

async function checkEventDestination(aws: DoctorAws, configurationSet: string, topicArn: string): Promise<Finding> {
  const check = 'configuration set'
  const destinations = await aws.eventDestinations(configurationSet)
  if (!destinations) return { check, status: 'missing', summary: `the configuration set ${configurationSet} does not exist`, fix: 'deploy again (the stack creates it)' }
  const wanted = policy.ses.eventTypes.map(apiEventType)
  const toTopic = destinations.filter((dest) => dest.enabled && dest.snsTopicArn === topicArn)
  const published = new Set(toTopic.flatMap((dest) => dest.eventTypes))
  const missing = wanted.filter((type) => !published.has(type))
  if (toTopic.length === 0) {
    return { check, status: 'missing', summary: `${configurationSet} publishes nothing to ${topicArn}: no bounce or complaint reaches Drason`, fix: 'deploy again (the stack creates the event destination)' }
  }
  if (missing.length > 0) {
    return { check, status: 'missing', summary: `${configurationSet} does not publish ${missing.join(', ')} to the feedback topic`, fix: 'deploy again (the stack sets the event types)' }
  }
  return { check, status: 'ok', summary: `${configurationSet} publishes ${wanted.join(', ')} to the feedback topic` }
}

async function checkSubscription(aws: DoctorAws, topicArn: string, queueArn: string): Promise<Finding> {
  const check = 'feedback topic'
  const subscriptions = await aws.topicSubscriptions(topicArn)
  if (!subscriptions) return { check, status: 'missing', summary: `the topic ${topicArn} does not exist`, fix: 'deploy again' }
  const toQueue = subscriptions.find((s) => s.protocol === 'sqs' && s.endpoint === queueArn)
  if (!toQueue) {
    return { check, status: 'missing', summary: `the feedback queue is not subscribed to ${topicArn}`, fix: `deploy again, or: aws sns subscribe --topic-arn ${topicArn} --protocol sqs --notification-endpoint ${queueArn}` }
  }
  if (!toQueue.confirmed) return { check, status: 'missing', summary: `the feedback queue's subscription to ${topicArn} is not confirmed`, fix: 'delete the subscription and deploy again' }
  return { check, status: 'ok', summary: 'the feedback queue is subscribed to the SES events topic' }
}

// An SQS queue policy, as far as the doctor reads one.
const listOf = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]))
const statementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Principal: z.union([z.literal('*'), z.object({ Service: listOf.optional(), AWS: listOf.optional() })]).optional(),
  Action: listOf,
  Resource: listOf.optional(),
  Condition: z.record(z.string(), z.record(z.string(), listOf)).optional(),
})
const policySchema = z.object({ Statement: z.union([statementSchema, z.array(statementSchema)]).transform((s) => (Array.isArray(s) ? s : [s])) })

const wildcard = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value)

/**
 * Whether a queue policy lets SNS deliver from this topic: an Allow for sns.amazonaws.com (or anyone)
 * of sqs:SendMessage on the queue, whose conditions (if any) name this topic or its account, and no
 * Deny of the same. Conditions the doctor cannot evaluate count as "no": it cannot confirm delivery.
 */
export function queueAdmits(policyJson: string | null, queueArn: string, topicArn: string): boolean {
  if (!policyJson) return false
  const parsed = policySchema.safeParse(safeJson(policyJson))
  if (!parsed.success) return false
  const account = topicArn.split(':')[4] ?? ''
  const matches = (s: z.infer<typeof statementSchema>) => {
    const principal =
      s.Principal === '*' || (s.Principal?.AWS ?? []).includes('*') || (s.Principal?.Service ?? []).includes('sns.amazonaws.com')
    const action = s.Action.some((a) => wildcard(a, 'sqs:SendMessage'))
    const resource = !s.Resource || s.Resource.some((r) => wildcard(r, queueArn))
    const conditions = Object.entries(s.Condition ?? {}).every(([operator, entries]) =>
      Object.entries(entries).every(([key, values]) => {
        const k = key.toLowerCase()
        if (k === 'aws:sourcearn' && /^(ArnEquals|ArnLike|StringEquals|StringLike)$/.test(operator)) return values.some((v) => wildcard(v, topicArn))
        if (k === 'aws:sourceaccount' && /^(StringEquals|StringLike)$/.test(operator)) return values.some((v) => wildcard(v, account))
        return false
      }),
    )
    return principal && action && resource && conditions
  }
  const statements = parsed.data.Statement
  return statements.some((s) => s.Effect === 'Allow' && matches(s)) && !statements.some((s) => s.Effect === 'Deny' && matches(s))
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

const MARK: Record<Status, string> = { ok: '✓', missing: '✗', warning: '!' }

/** The report a person reads: one line per finding, its fix indented under it, then a verdict. */
export function formatReport(stage: Stage, findings: Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length))
  const lines = [`Drason doctor: ${stage.stackName} (${stage.stage}) in ${stage.region}`]
  for (const f of findings) {
    lines.push(`  ${MARK[f.status]} ${f.check.padEnd(width)}  ${f.summary}`)
    if (f.fix && f.status !== 'ok') for (const step of f.fix.split('\n')) lines.push(`      fix: ${step}`)
  }
  const problems = findings.filter((f) => f.status === 'missing').length
  const warnings = findings.filter((f) => f.status === 'warning').length
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  lines.push(
    problems === 0
      ? `Ready: nothing missing${warnings > 0 ? ` (${count(warnings, 'warning')})` : ''}.`
      : `${count(problems, 'problem')}${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''}: fix them, then run npm run doctor again.`,
  )
  return lines.join('\n')
}

/** Non-zero when anything is missing; warnings alone pass. */
export const exitCode = (findings: Finding[]) => (findings.some((f) => f.status === 'missing') ? 1 : 0)
