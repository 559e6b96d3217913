import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { synth, type CfnResource, type CfnTemplate, type SynthResult } from '../../scripts/synth'
import { costTable } from './infra-cost'
import { arcName, onlyId, props, queries, referencedIds } from './infra-template'

/**
 * The production safety nets of the Pivotr spec (section 5.3), checked on the CloudFormation that
 * `arc deploy --production` would send, synthesized offline with the production-guards plugin running.
 * The expected numbers are written out here from the spec, independently of the plugin's policy.js, so
 * a change that drops or loosens a guard fails this test.
 */

const root = join(import.meta.dirname, '..', '..')
const IDENTITIES = ['example.com', 'founder@example.org']
const ALERT_EMAIL = 'ops@example.com'

// Spec 5.3.1 and 5.3.4 (timeout s, memory MB, reserved concurrency), per app.arc function. The spec's
// "verify-email" (3) has no function of its own: Drason verifies inside the send pulse. The scheduled
// functions and the brake are not in the spec's table; their numbers are ours (see their config.arc).
const FUNCTIONS: Record<string, { timeout: number; memory: number; concurrency: number }> = {
  'send-pulse': { timeout: 30, memory: 256, concurrency: 5 }, // send-email
  feedback: { timeout: 10, memory: 128, concurrency: 10 }, // process-feedback
  imports: { timeout: 60, memory: 512, concurrency: 2 }, // lead-import
  'get /healthz': { timeout: 10, memory: 256, concurrency: 10 }, // api-handlers
  'any /api/*': { timeout: 10, memory: 256, concurrency: 10 },
  'any /*': { timeout: 10, memory: 256, concurrency: 10 },
  health: { timeout: 60, memory: 256, concurrency: 1 },
  'gate-reevaluation': { timeout: 120, memory: 256, concurrency: 1 },
  'reputation-alarm': { timeout: 10, memory: 128, concurrency: 2 },
}
// Spec 5.3.5: max receive count and dead-letter retention (the spec's verification queue is imports).
const DAY = 24 * 60 * 60
const QUEUES: Record<string, { maxReceiveCount: number; retentionSeconds: number }> = {
  'send-pulse': { maxReceiveCount: 3, retentionSeconds: 14 * DAY },
  feedback: { maxReceiveCount: 5, retentionSeconds: 14 * DAY },
  imports: { maxReceiveCount: 2, retentionSeconds: 7 * DAY },
}
const TABLES = ['leads', 'routing', 'campaigns', 'mailboxes', 'domains', 'audit', 'metrics', 'suppression', 'settings', 'users', 'sessions', 'sendclaims', 'imports', 'feedback']
const SES_EVENTS = ['send', 'reject', 'bounce', 'complaint', 'delivery', 'deliveryDelay', 'renderingFailure']
// CloudFormation types that take tags, and how; the rest of the template's types cannot be tagged.
const TAGGABLE: Record<string, 'map' | 'list' | 'resourceTags'> = {
  'AWS::Serverless::Function': 'map',
  'AWS::Serverless::HttpApi': 'map',
  'AWS::SSM::Parameter': 'map',
  'AWS::IAM::Role': 'list',
  'AWS::DynamoDB::Table': 'list',
  'AWS::SQS::Queue': 'list',
  'AWS::SNS::Topic': 'list',
  'AWS::S3::Bucket': 'list',
  'AWS::Logs::LogGroup': 'list',
  'AWS::CloudWatch::Alarm': 'list',
  'AWS::SES::ConfigurationSet': 'list',
  'AWS::Budgets::Budget': 'resourceTags',
  'AWS::Budgets::BudgetsAction': 'resourceTags',
}
const NOT_TAGGABLE = [
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::SES::ConfigurationSetEventDestination',
  'AWS::Scheduler::Schedule',
]

let outDir: string
let result: SynthResult
let template: CfnTemplate
let q: ReturnType<typeof queries>

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'drason-infra-'))
  // No credentials of any kind: the run must not need them.
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) vi.stubEnv(name, undefined)
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(outDir, 'no-credentials'))
  vi.stubEnv('AWS_CONFIG_FILE', join(outDir, 'no-config'))
  try {
    result = await synth({
      cwd: root,
      production: true,
      outFile: join(outDir, 'template.json'),
      // What `arc env -e production` would hold for a configured stage.
      env: { DRASON_SES_IDENTITIES: IDENTITIES.join(','), DRASON_ALERT_EMAIL: ALERT_EMAIL },
    })
  } finally {
    vi.unstubAllEnvs()
  }
  template = result.template
  q = queries(template)
}, 30_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

const fn = (name: string) => q.get(q.functionId(name))!
const sqsEvent = (name: string) =>
  Object.values((props(fn(name)).Events ?? {}) as Record<string, { Type: string; Properties: Record<string, unknown> }>).find((e) => e.Type === 'SQS')!
const queueIdOf = (name: string) => onlyId(sqsEvent(name).Properties.Queue)!
const alarms = () => q.ofType('AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, p: props(r) }))
/** The alarms watching a metric, with the resource their dimension points at. */
const alarmsOn = (namespace: string, metric: string) =>
  alarms().filter(({ p }) => {
    const metrics = (p.Metrics ?? []) as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[]
    return (p.Namespace === namespace && p.MetricName === metric) || metrics.some((m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metric)
  })
const dimensionTargets = (p: Record<string, unknown>) => [...referencedIds(p.Dimensions ?? (p.Metrics as unknown[] | undefined)?.map((m) => (m as { MetricStat?: { Metric: unknown } }).MetricStat?.Metric))]
const alertTopicId = () => q.idViaParameter('production-guards', 'alertTopic')!
const brakeTopicId = () => onlyId(Object.values((props(fn('reputation-alarm')).Events ?? {}) as Record<string, { Properties: unknown }>)[0]!.Properties)!

interface Statement {
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
  Resource: unknown
  Principal?: unknown
  Condition?: Record<string, Record<string, unknown>>
}
const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v])
/** Every IAM policy statement in the template, with where it lives. */
function statements(): { where: string; s: Statement }[] {
  const found: { where: string; s: Statement }[] = []
  for (const [id, r] of q.resources()) {
    const docs: { name: string; doc: { Statement: Statement[] } }[] = []
    if (r.Type === 'AWS::IAM::Role') for (const pol of (props(r).Policies ?? []) as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]) docs.push({ name: pol.PolicyName, doc: pol.PolicyDocument })
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push({ name: id, doc: props(r).PolicyDocument as { Statement: Statement[] } })
    for (const { name, doc } of docs) for (const s of doc.Statement) found.push({ where: `${id}/${name}`, s })
  }
  return found
}
/** What the functions' role may do: action -> the resources it may do it on. */
function roleGrants(): Map<string, unknown[]> {
  const grants = new Map<string, unknown[]>()
  const rolePolicies = statements().filter(({ where }) => where.startsWith('Role/') || where.startsWith('ParameterStorePolicy/'))
  for (const { s } of rolePolicies.filter(({ s }) => s.Effect === 'Allow')) {
    for (const action of list(s.Action)) grants.set(action, [...(grants.get(action) ?? []), ...list(s.Resource)])
  }
  return grants
}

describe('production guards (Pivotr spec 5.3) in the synthesized production template', () => {
  it('was synthesized for production with the plugin, offline, without warnings', () => {
    expect(result.summary.stackName).toBe('DrasonProduction')
    expect(new Set(result.awsRequests)).toEqual(new Set(['CloudFormation.DescribeStackResources']))
    expect(result.output.filter((line) => line.includes('production-guards'))).toEqual([])
  })

  describe('functions (5.3.1, 5.3.4)', () => {
    it.each(Object.entries(FUNCTIONS))('%s has its timeout, memory and reserved concurrency', (name, want) => {
      const p = props(fn(name))
      expect({ timeout: p.Timeout, memory: p.MemorySize, concurrency: p.ReservedConcurrentExecutions }).toEqual(want)
    })

    it('every function is in the table above (a new one needs its limits decided)', () => {
      expect(q.functions().map(([, r]) => arcName(r)).sort()).toEqual(Object.keys(FUNCTIONS).sort())
    })

    it('every function writes to its own log group, kept 30 days', () => {
      const groups = q.ofType('AWS::Logs::LogGroup').map(([, r]) => props(r))
      for (const [id] of q.functions()) {
        const group = groups.find((g) => onlyId(g.LogGroupName) === id)
        expect(group, id).toBeDefined()
        expect(group!.LogGroupName, id).toEqual({ 'Fn::Sub': ['/aws/lambda/${fn}', { fn: { Ref: id } }] })
        expect(group!.RetentionInDays, id).toBe(30)
      }
      expect(groups).toHaveLength(q.functions().length)
    })
  })

  describe('queues (5.3.5)', () => {
    it.each(Object.entries(QUEUES))('%s dead-letters after its max receive count into a queue kept for its retention', (name, want) => {
      const queue = q.viaParameter('queues', name)!
      const redrive = props(queue).RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number }
      expect(redrive.maxReceiveCount).toBe(want.maxReceiveCount)
      const dlq = q.get(onlyId(redrive.deadLetterTargetArn))!
      expect(dlq.Type).toBe('AWS::SQS::Queue')
      expect(props(dlq).MessageRetentionPeriod).toBe(want.retentionSeconds)
      // Standard-queue messages keep their first enqueue time in the DLQ: it must outlive the source's 4 days.
      expect(props(queue).MessageRetentionPeriod ?? 4 * DAY).toBeLessThan(want.retentionSeconds)
      for (const r of [queue, dlq]) expect(props(r).SqsManagedSseEnabled).toBe(true)
    })

    it.each(Object.keys(QUEUES))('%s reports partial batch failures, and its pollers never outrun the function', (name) => {
      const event = sqsEvent(name).Properties
      expect(event.FunctionResponseTypes).toEqual(['ReportBatchItemFailures'])
      expect(event.ScalingConfig).toEqual({ MaximumConcurrency: props(fn(name)).ReservedConcurrentExecutions })
      // AWS: visibility timeout >= 6x the function timeout for Lambda on SQS.
      expect(props(q.get(queueIdOf(name))).VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(props(fn(name)).Timeout))
    })

    it('hands the send function one pulse at a time (one pulse can take most of its timeout)', () => {
      expect(sqsEvent('send-pulse').Properties.BatchSize).toBe(1)
    })

    it('has no other queues than the three and their dead-letter queues', () => {
      expect(q.ofType('AWS::SQS::Queue')).toHaveLength(2 * Object.keys(QUEUES).length)
    })
  })

  describe('SES feedback (5.3.6): configuration set -> SNS topic -> feedback queue', () => {
    const configurationSetId = () => q.idViaParameter('production-guards', 'configurationSet')!
    const eventsTopicId = () => q.idViaParameter('production-guards', 'sesEventsTopic')!

    it('has a configuration set named for the stage, with reputation metrics and suppression', () => {
      const set = q.get(configurationSetId())!
      expect(set.Type).toBe('AWS::SES::ConfigurationSet')
      expect(props(set)).toMatchObject({
        Name: 'drason-production',
        ReputationOptions: { ReputationMetricsEnabled: true },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      })
    })

    it('publishes every event Drason reads to the SES events topic', () => {
      const destinations = q.ofType('AWS::SES::ConfigurationSetEventDestination').map(([, r]) => props(r))
      expect(destinations).toHaveLength(1)
      const [d] = destinations as { ConfigurationSetName: unknown; EventDestination: { Enabled: boolean; MatchingEventTypes: string[]; SnsDestination: { TopicARN: unknown } } }[]
      expect(onlyId(d!.ConfigurationSetName)).toBe(configurationSetId())
      expect(d!.EventDestination.Enabled).toBe(true)
      expect([...d!.EventDestination.MatchingEventTypes].sort()).toEqual([...SES_EVENTS].sort())
      expect(onlyId(d!.EventDestination.SnsDestination.TopicARN)).toBe(eventsTopicId())
    })

    it('subscribes the feedback queue to the topic, enveloped (the SNS MessageId is the idempotency key)', () => {
      const subscriptions = q.ofType('AWS::SNS::Subscription').map(([, r]) => props(r)).filter((p) => onlyId(p.TopicArn) === eventsTopicId())
      expect(subscriptions).toEqual([{ TopicArn: { Ref: eventsTopicId() }, Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [queueIdOf('feedback'), 'Arn'] }, RawMessageDelivery: false }])
    })

    it("lets only that topic deliver into the feedback queue, and SES publish to the topic", () => {
      const policies = q.ofType('AWS::SQS::QueuePolicy').map(([, r]) => props(r)).filter((p) => onlyId(p.Queues) === queueIdOf('feedback'))
      expect(policies).toHaveLength(1)
      const [s] = (policies[0]!.PolicyDocument as { Statement: Statement[] }).Statement
      expect(s).toMatchObject({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { Ref: eventsTopicId() } } } })
      expect(onlyId(s!.Resource)).toBe(queueIdOf('feedback'))

      const topicPolicy = q.ofType('AWS::SNS::TopicPolicy').map(([, r]) => props(r)).find((p) => onlyId(p.Topics) === eventsTopicId())!
      expect((topicPolicy.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' }),
      ])
    })

    it('sends from every function with that configuration set', () => {
      for (const [id, r] of q.functions()) {
        expect((props(r).Environment as { Variables: Record<string, unknown> }).Variables.SES_CONFIGURATION_SET, id).toEqual({ Ref: configurationSetId() })
      }
    })
  })

  describe('least-privilege IAM (5.2)', () => {
    it('allows no wildcard action and no "*" resource anywhere', () => {
      for (const { where, s } of statements().filter(({ s }) => s.Effect === 'Allow')) {
        for (const action of list(s.Action)) expect(action, where).not.toMatch(/\*/)
        for (const resource of list(s.Resource)) expect(resource, where).not.toBe('*')
      }
    })

    it('gives the functions exactly these actions and nothing else (no S3, no SNS publish)', () => {
      expect([...roleGrants().keys()].sort()).toEqual(
        [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ses:SendEmail',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
          'ssm:GetParameter',
          'ssm:GetParametersByPath',
        ].sort(),
      )
    })

    it('limits DynamoDB to the app tables and their indexes', () => {
      const tableIds = TABLES.map((t) => q.idViaParameter('tables', t)!)
      const want = tableIds.flatMap((id) => [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Sub': `\${${id}.Arn}/index/*` }])
      for (const [action, resources] of roleGrants()) if (action.startsWith('dynamodb:')) expect(resources, action).toEqual(want)
    })

    it('limits SQS to the three app queues', () => {
      const want = Object.keys(QUEUES).map((name) => ({ 'Fn::GetAtt': [queueIdOf(name), 'Arn'] }))
      for (const [action, resources] of roleGrants()) if (action.startsWith('sqs:')) expect(resources, action).toEqual(want)
    })

    it('limits SES sending to the configured identities and the configuration set', () => {
      const resources = roleGrants().get('ses:SendEmail')!
      const identity = (name: string) => ({ 'Fn::Sub': ['arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identity}', { identity: name }] })
      expect(resources).toEqual([
        ...IDENTITIES.map(identity),
        { 'Fn::Sub': ['arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${set}', { set: { Ref: q.idViaParameter('production-guards', 'configurationSet') } }] },
      ])
    })

    it("limits SSM to the stack's own parameters and logs to the stack's function log groups", () => {
      const texts = (action: string) => roleGrants().get(action)!.map((r) => JSON.stringify(r))
      for (const action of ['ssm:GetParameter', 'ssm:GetParametersByPath']) {
        for (const text of texts(action)) expect(text, action).toMatch(/:parameter\/\$\{AWS::StackName\}(\/|")/)
      }
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        expect(texts(action), action).toEqual([JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-*:*' })])
      }
    })

    it('still forbids dropping a table', () => {
      const deny = statements().find(({ where, s }) => where.startsWith('Role/') && s.Effect === 'Deny' && s.Action === 'dynamodb:DeleteTable')
      expect(deny).toBeDefined()
      expect([...referencedIds(deny!.s.Resource)].sort()).toEqual(TABLES.map((t) => q.idViaParameter('tables', t)!).sort())
    })
  })

  describe('tables (5.2, 5.3.9)', () => {
    it.each(TABLES)('%s has deletion protection, point-in-time recovery and encryption, and outlives the stack', (name) => {
      const table = q.viaParameter('tables', name)!
      expect(props(table)).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      })
      expect(table.DeletionPolicy).toBe('Retain')
      expect(table.UpdateReplacePolicy).toBe('Retain')
    })
  })

  describe('tags (5.3.9)', () => {
    const tagsOf = (r: CfnResource): Record<string, unknown> => {
      const format = TAGGABLE[r.Type]
      if (format === 'map') return (props(r).Tags ?? {}) as Record<string, unknown>
      const pairs = (props(r)[format === 'list' ? 'Tags' : 'ResourceTags'] ?? []) as { Key: string; Value: unknown }[]
      return Object.fromEntries(pairs.map((t) => [t.Key, t.Value]))
    }

    it('puts Project and Environment on every resource that takes tags', () => {
      for (const [id, r] of q.resources().filter(([, r]) => r.Type in TAGGABLE)) {
        expect(tagsOf(r), id).toMatchObject({ Project: 'drason', Environment: 'production' })
      }
    })

    it('knows every resource type in the template (taggable or not)', () => {
      const types = new Set(q.resources().map(([, r]) => r.Type))
      expect([...types].filter((t) => !(t in TAGGABLE) && !NOT_TAGGABLE.includes(t))).toEqual([])
    })

    it('has SAM pass the tags on to what it generates', () => {
      for (const [id, r] of q.resources().filter(([, r]) => r.Type.startsWith('AWS::Serverless::'))) expect(props(r).PropagateTags, id).toBe(true)
    })
  })

  describe('alarms (5.3.7) to the alert topic', () => {
    it('every alarm notifies the alert topic', () => {
      expect(alarms().length).toBeGreaterThan(0)
      for (const { id, p } of alarms()) expect(p.AlarmActions, id).toContainEqual({ Ref: alertTopicId() })
    })

    it('Lambda errors: more than 10 in 5 minutes, per function', () => {
      const byFunction = alarmsOn('AWS/Lambda', 'Errors')
      expect(byFunction.flatMap(({ p }) => dimensionTargets(p)).sort()).toEqual(q.functions().map(([id]) => id).sort())
      for (const { id, p } of byFunction) expect(p, id).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' })
    })

    it('Lambda duration: average over 80% of the timeout, per function', () => {
      const byFunction = alarmsOn('AWS/Lambda', 'Duration')
      expect(byFunction).toHaveLength(q.functions().length)
      for (const { id, p } of byFunction) {
        const [target] = dimensionTargets(p)
        expect(p, id).toMatchObject({ Statistic: 'Average', Threshold: 0.8 * Number(props(q.get(target)).Timeout) * 1000, ComparisonOperator: 'GreaterThanThreshold' })
      }
    })

    it('DynamoDB throttles: any, on every table', () => {
      const reads = alarmsOn('AWS/DynamoDB', 'ReadThrottleEvents')
      expect(reads.map(({ id }) => id).sort()).toEqual(alarmsOn('AWS/DynamoDB', 'WriteThrottleEvents').map(({ id }) => id).sort())
      expect(reads.flatMap(({ p }) => dimensionTargets(p)).sort()).toEqual(TABLES.map((t) => q.idViaParameter('tables', t)!).sort())
      for (const { id, p } of reads) expect(p, id).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    })

    it('SQS: a message older than an hour in any queue; anything in a dead-letter queue', () => {
      const age = alarmsOn('AWS/SQS', 'ApproximateAgeOfOldestMessage')
      expect(age.flatMap(({ p }) => dimensionTargets(p)).sort()).toEqual(Object.keys(QUEUES).map(queueIdOf).sort())
      for (const { id, p } of age) expect(p, id).toMatchObject({ Statistic: 'Maximum', Threshold: 3600, ComparisonOperator: 'GreaterThanThreshold' })
      const dead = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible')
      const dlqs = Object.keys(QUEUES).map((name) => onlyId((props(q.get(queueIdOf(name))).RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn)!)
      expect(dead.flatMap(({ p }) => dimensionTargets(p)).sort()).toEqual(dlqs.sort())
      for (const { id, p } of dead) expect(p, id).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    })

    it.each([
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ])('SES %s at or over %s pauses all sending (the alarm notifies the brake too)', (metric, threshold) => {
      const found = alarmsOn('AWS/SES', metric)
      expect(found).toHaveLength(1)
      const { p } = found[0]!
      expect(p).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold' })
      expect(p.Dimensions ?? []).toEqual([]) // the account-wide number SES acts on
      expect(p.AlarmActions).toEqual([{ Ref: alertTopicId() }, { Ref: brakeTopicId() }])
    })

    it('the brake topic is the @events reputation-alarm function, and only CloudWatch publishes to it', () => {
      const topic = q.get(brakeTopicId())!
      expect(topic.Type).toBe('AWS::SNS::Topic')
      const policy = q.ofType('AWS::SNS::TopicPolicy').map(([, r]) => props(r)).find((p) => onlyId(p.Topics) === brakeTopicId())!
      expect((policy.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
      ])
      // Only the reputation alarms engage the brake.
      const toBrake = alarms().filter(({ p }) => (p.AlarmActions as unknown[]).some((a) => onlyId(a) === brakeTopicId()))
      expect(toBrake.map(({ p }) => p.MetricName).sort()).toEqual(['Reputation.BounceRate', 'Reputation.ComplaintRate'])
    })

    it('lets CloudWatch and Budgets publish to the alert topic, and subscribes the alert email', () => {
      const policy = q.ofType('AWS::SNS::TopicPolicy').map(([, r]) => props(r)).find((p) => onlyId(p.Topics) === alertTopicId())!
      const principals = (policy.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => (s.Principal as { Service: string }).Service).sort()
      expect(principals).toEqual(['budgets.amazonaws.com', 'cloudwatch.amazonaws.com'])
      const email = q.ofType('AWS::SNS::Subscription').map(([, r]) => props(r)).filter((p) => onlyId(p.TopicArn) === alertTopicId())
      expect(email).toEqual([{ TopicArn: { Ref: alertTopicId() }, Protocol: 'email', Endpoint: ALERT_EMAIL }])
    })
  })

  describe('budgets (5.3.2)', () => {
    const budgets = () => q.ofType('AWS::Budgets::Budget').map(([id, r]) => ({ id, p: props(r) as { Budget: Record<string, unknown>; NotificationsWithSubscribers: { Notification: Record<string, unknown>; Subscribers: unknown[] }[] } }))
    const byName = (name: string) => budgets().find(({ p }) => p.Budget.BudgetName === `drason-production-${name}`)!
    const thresholds = (b: ReturnType<typeof byName>) => b.p.NotificationsWithSubscribers.map((n) => n.Notification.Threshold)

    it('a $15 monthly cost budget alerts at 50%, 80% and 100% of actual spend', () => {
      const cost = byName('monthly-cost')
      expect(cost.p.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 15, Unit: 'USD' } })
      expect(thresholds(cost)).toEqual([50, 80, 100])
      for (const n of cost.p.NotificationsWithSubscribers) {
        expect(n.Notification).toMatchObject({ NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', ThresholdType: 'PERCENTAGE' })
        expect(n.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: { Ref: alertTopicId() } }])
      }
    })

    it.each([
      ['lambda-invocations', 50_000],
      ['dynamodb-writes', 100_000],
      ['ses-sends', 10_000],
    ])('a %s usage budget of %s a month alerts at 80%', (name, limit) => {
      const b = byName(name)
      expect(b.p.Budget).toMatchObject({ BudgetType: 'USAGE', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: limit } })
      expect((b.p.Budget.CostFilters as { UsageType: string[] }).UsageType.length).toBeGreaterThan(0)
      expect(thresholds(b)).toEqual([80])
    })

    it('at 150% of the cost budget, a budget action stops sending by attaching a deny policy to the function role', () => {
      const actions = q.ofType('AWS::Budgets::BudgetsAction')
      expect(actions).toHaveLength(1)
      const p = props(actions[0]![1])
      expect(onlyId(p.BudgetName)).toBe(byName('monthly-cost').id)
      expect(p).toMatchObject({ ActionType: 'APPLY_IAM_POLICY', ActionThreshold: { Type: 'PERCENTAGE', Value: 150 }, ApprovalModel: 'AUTOMATIC', NotificationType: 'ACTUAL' })
      const definition = (p.Definition as { IamActionDefinition: { PolicyArn: unknown; Roles: unknown[] } }).IamActionDefinition
      expect(definition.Roles).toEqual([{ Ref: 'Role' }])
      const stop = q.get(onlyId(definition.PolicyArn))!
      const denied = (props(stop).PolicyDocument as { Statement: Statement[] }).Statement
      expect(denied.every((s) => s.Effect === 'Deny')).toBe(true)
      expect(denied.flatMap((s) => list(s.Action)).sort()).toEqual(['dynamodb:PutItem', 'ses:SendEmail', 'ses:SendRawEmail'])
      expect(onlyId(denied.find((s) => s.Action === 'dynamodb:PutItem')!.Resource)).toBe(q.idViaParameter('tables', 'sendclaims'))
      // The role Budgets assumes may attach only that policy, only to the function role.
      const executionRole = q.get(onlyId(p.ExecutionRoleArn))!
      const [grant] = statements().filter(({ where }) => where.startsWith(`${onlyId(p.ExecutionRoleArn)}/`))
      expect(props(executionRole).AssumeRolePolicyDocument).toMatchObject({ Statement: [{ Principal: { Service: 'budgets.amazonaws.com' } }] })
      expect(grant!.s).toMatchObject({ Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Role', 'Arn'] }, Condition: { ArnEquals: { 'iam:PolicyARN': { Ref: onlyId(definition.PolicyArn) } } } })
    })
  })

  it('publishes the configuration set and the topics for `npm run doctor` (SSM /<stack>/production-guards/)', () => {
    expect(q.get(q.idViaParameter('production-guards', 'configurationSet'))?.Type).toBe('AWS::SES::ConfigurationSet')
    expect(q.get(q.idViaParameter('production-guards', 'sesEventsTopic'))?.Type).toBe('AWS::SNS::Topic')
    expect(q.get(q.idViaParameter('production-guards', 'alertTopic'))?.Type).toBe('AWS::SNS::Topic')
  })

  it('refuses a real deploy that names no SES identity', () => {
    const { applyGuards } = createRequire(import.meta.url)('../../src/plugins/production-guards/guards.js') as {
      applyGuards: (cfn: CfnTemplate, ctx: Record<string, unknown>) => unknown
    }
    const ctx = { app: 'drason', stage: 'production', region: 'us-east-1', env: {}, dryRun: false }
    expect(() => applyGuards(template, ctx)).toThrow(/no SES identities to allow sending from: set them with `npx arc env -e production -a DRASON_SES_IDENTITIES example.com`/)
  })

  it("the README's cost table is computed from this template", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const table = costTable(template)
    expect(readme.includes(table), `README.md should contain this table (npx tsx test/unit/infra-cost.ts):\n${table}`).toBe(true)
  })
})
