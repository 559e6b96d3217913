'use strict'
/**
 * The guards themselves: pure functions from the CloudFormation Architect generated (plus the stage's
 * settings) to the CloudFormation that gets deployed. No AWS calls, no clock: `npm run synth` and the
 * infra test run exactly what `arc deploy` runs.
 *
 * Resources Architect made are found the way the app finds them at runtime (the SSM service-discovery
 * parameters) or through ArcMetadata, never by guessing logical IDs.
 */
const { basename } = require('node:path')
const policy = require('./policy')

const DAY_SECONDS = 24 * 60 * 60
const MS_PER_SECOND = 1000
/** SQS event sources cannot be held below 2 concurrent invocations (Lambda ScalingConfig minimum). */
const MIN_SQS_MAXIMUM_CONCURRENCY = 2

/** The current IAM policy language (the default, 2008-10-17, lacks features nobody should miss). */
const IAM_VERSION = '2012-10-17'

const ROLE = 'Role'
const ALERT_TOPIC = 'AlertTopic'
const SES_CONFIGURATION_SET = 'SesConfigurationSet'
const SES_EVENTS_TOPIC = 'SesEventsTopic'
const STOP_POLICY = 'BudgetStopSendingPolicy'
const STOP_ROLE = 'BudgetActionRole'

const ref = (id) => ({ Ref: id })
const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] })
const sub = (text, vars) => (vars ? { 'Fn::Sub': [text, vars] } : { 'Fn::Sub': text })
const allow = (Action, Resource, extra = {}) => ({ Effect: 'Allow', Action, Resource, ...extra })
const SOURCE_ACCOUNT = { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } }

class GuardError extends Error {
  constructor(message) {
    super(`production-guards: ${message}`)
    this.name = 'GuardError'
  }
}

/** Architect's functions: logical ID, resource, pragma and app.arc name. */
function functions(template) {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.ArcMetadata)
    .map(([id, r]) => ({ id, resource: r, pragma: r.ArcMetadata.pragma, name: r.ArcMetadata.name }))
}

/** A short, stable name for alarms: the function's folder (send-pulse, any-catchall, ...). */
function functionSlug(fn) {
  const uri = fn.resource.Properties.CodeUri
  return typeof uri === 'string' ? basename(uri) : fn.id
}

/** Logical IDs of what Architect publishes under /<stack>/<kind>/<name> (tables, queues). */
function discovered(template, kind) {
  const found = {}
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::SSM::Parameter') continue
    const name = r.Properties?.Name?.['Fn::Sub']
    if (!Array.isArray(name) || typeof name[0] !== 'string') continue
    const path = name[0].replace(/\$\{(\w+)\}/g, (whole, v) => (name[1] ?? {})[v] ?? whole)
    const prefix = `/\${AWS::StackName}/${kind}/`
    const target = r.Properties.Value?.Ref
    if (path.startsWith(prefix) && typeof target === 'string') found[path.slice(prefix.length)] = target
  }
  return found
}

function sqsEvent(fn) {
  const events = Object.values(fn.resource.Properties.Events ?? {}).filter((e) => e.Type === 'SQS')
  if (events.length !== 1) throw new GuardError(`queue function ${fn.name} should have exactly one SQS event, found ${events.length}`)
  return events[0]
}

/** Comma- or space-separated SES identities (domains or addresses) from `arc env`. */
function parseIdentities(value) {
  const identities = String(value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  const bad = identities.filter((i) => !/^([^@\s]+@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(i))
  if (bad.length > 0) throw new GuardError(`${policy.ses.identitiesVariable} has what is not a domain or an address: ${bad.join(', ')}`)
  return [...new Set(identities)]
}

/**
 * Every function must have a reserved concurrency (from its config.arc): the spec's bound on runaway
 * scaling, and the number the SQS pollers are held to.
 */
function checkFunctionLimits(fns) {
  const unbounded = fns.filter((fn) => !Number.isInteger(fn.resource.Properties.ReservedConcurrentExecutions))
  if (unbounded.length > 0) {
    throw new GuardError(`every function needs "concurrency" in its config.arc; missing for: ${unbounded.map((f) => f.name).join(', ')}`)
  }
}

/** Dead-letter queues, redrive, partial batch failures, visibility timeouts and poller limits. */
function guardQueues(template, fns) {
  const queues = {}
  for (const fn of fns.filter((f) => f.pragma === 'queues')) {
    const rules = policy.queues[fn.name]
    if (!rules) throw new GuardError(`no dead-letter policy for queue ${fn.name}; add it to policy.queues`)
    const event = sqsEvent(fn)
    const queueId = event.Properties.Queue['Fn::GetAtt'][0]
    const queue = template.Resources[queueId]
    const dlqId = `${queueId.replace(/Queue$/, '')}DeadLetterQueue`
    const timeout = fn.resource.Properties.Timeout
    const concurrency = fn.resource.Properties.ReservedConcurrentExecutions
    if (concurrency < MIN_SQS_MAXIMUM_CONCURRENCY) {
      throw new GuardError(`queue function ${fn.name} needs a concurrency of at least ${MIN_SQS_MAXIMUM_CONCURRENCY} (the SQS poller minimum)`)
    }

    template.Resources[dlqId] = {
      Type: 'AWS::SQS::Queue',
      Properties: { MessageRetentionPeriod: rules.deadLetterRetentionDays * DAY_SECONDS, SqsManagedSseEnabled: true },
    }
    Object.assign(queue.Properties, {
      VisibilityTimeout: timeout * policy.visibilityTimeoutPerFunctionTimeout,
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: rules.maxReceiveCount },
      SqsManagedSseEnabled: true,
    })
    Object.assign(event.Properties, {
      BatchSize: rules.batchSize,
      // The handler answers {batchItemFailures}: only the messages that failed are retried.
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // Pollers never hand over more batches than the function may run at once (see policy).
      ScalingConfig: { MaximumConcurrency: concurrency },
    })
    queues[fn.name] = { queueId, dlqId, fn }
  }
  return queues
}

/** SES configuration set -> event destination -> SNS topic -> the feedback queue, with the policies. */
function guardSes(template, ctx, queues, fns) {
  const feedback = queues[policy.ses.feedbackQueue]
  if (!feedback) throw new GuardError(`the SES events need the ${policy.ses.feedbackQueue} queue declared in app.arc @queues`)
  const configurationSetName = policy.ses.configurationSetName(ctx.app, ctx.stage)
  const configurationSetArn = sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${set}', {
    set: ref(SES_CONFIGURATION_SET),
  })

  Object.assign(template.Resources, {
    [SES_CONFIGURATION_SET]: {
      Type: 'AWS::SES::ConfigurationSet',
      Properties: {
        Name: configurationSetName,
        // Per-set reputation numbers next to the account-wide ones the alarms watch.
        ReputationOptions: { ReputationMetricsEnabled: true },
        SuppressionOptions: { SuppressedReasons: policy.ses.suppressedReasons },
      },
    },
    SesEventDestination: {
      Type: 'AWS::SES::ConfigurationSetEventDestination',
      Properties: {
        ConfigurationSetName: ref(SES_CONFIGURATION_SET),
        EventDestination: {
          Name: 'drason-feedback',
          Enabled: true,
          MatchingEventTypes: policy.ses.eventTypes,
          SnsDestination: { TopicARN: ref(SES_EVENTS_TOPIC) },
        },
      },
    },
    [SES_EVENTS_TOPIC]: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `${ctx.app} ${ctx.stage} SES events` } },
    SesEventsTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [ref(SES_EVENTS_TOPIC)],
        PolicyDocument: {
          Version: IAM_VERSION,
          Statement: [
            allow('sns:Publish', ref(SES_EVENTS_TOPIC), { Sid: 'SesPublishesEvents', Principal: { Service: 'ses.amazonaws.com' }, Condition: SOURCE_ACCOUNT }),
          ],
        },
      },
    },
    // Enveloped (not raw) delivery: the SNS MessageId is feedback's idempotency key.
    SesEventsSubscription: {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: ref(SES_EVENTS_TOPIC), Protocol: 'sqs', Endpoint: arnOf(feedback.queueId), RawMessageDelivery: false },
    },
    [`${feedback.queueId}Policy`]: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [ref(feedback.queueId)],
        PolicyDocument: {
          Version: IAM_VERSION,
          Statement: [
            allow('sqs:SendMessage', arnOf(feedback.queueId), {
              Sid: 'SesEventsTopicDelivers',
              Principal: { Service: 'sns.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': ref(SES_EVENTS_TOPIC) } },
            }),
          ],
        },
      },
    },
  })

  // The app sends with the stack's configuration set whatever `arc env` says, so events always flow.
  for (const fn of fns) {
    const env = (fn.resource.Properties.Environment ??= { Variables: {} })
    env.Variables = { ...env.Variables, [policy.ses.configurationSetVariable]: ref(SES_CONFIGURATION_SET) }
  }
  return { configurationSetArn, configurationSetName }
}

/** The topic every alarm and budget notifies; people subscribe to it (email, chat, pager). */
function guardAlertTopic(template, ctx) {
  Object.assign(template.Resources, {
    [ALERT_TOPIC]: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `${ctx.app} ${ctx.stage} alerts` } },
    AlertTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [ref(ALERT_TOPIC)],
        PolicyDocument: {
          Version: IAM_VERSION,
          Statement: [
            allow('sns:Publish', ref(ALERT_TOPIC), { Sid: 'AlarmsPublish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: SOURCE_ACCOUNT }),
            allow('sns:Publish', ref(ALERT_TOPIC), { Sid: 'BudgetsPublish', Principal: { Service: 'budgets.amazonaws.com' }, Condition: SOURCE_ACCOUNT }),
          ],
        },
      },
    },
  })
  const email = ctx.env[policy.alertEmailVariable]
  if (email) {
    template.Resources.AlertEmailSubscription = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: ref(ALERT_TOPIC), Protocol: 'email', Endpoint: String(email).trim() },
    }
  }
}

/** The @events topic whose function engages the account brake; CloudWatch must be let in to publish. */
function brakeTopic(template, fns) {
  const name = policy.alarms.reputation.brakeEvent
  const fn = fns.find((f) => f.pragma === 'events' && f.name === name)
  if (!fn) throw new GuardError(`the reputation alarms need the @events function ${name} declared in app.arc`)
  const topicId = Object.values(fn.resource.Properties.Events ?? {}).find((e) => e.Type === 'SNS')?.Properties?.Topic?.Ref
  if (!topicId) throw new GuardError(`@events ${name} has no SNS topic`)
  template.Resources[`${topicId}Policy`] = {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [ref(topicId)],
      PolicyDocument: {
        Version: IAM_VERSION,
        Statement: [allow('sns:Publish', ref(topicId), { Sid: 'ReputationAlarmsPublish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: SOURCE_ACCOUNT })],
      },
    },
  }
  return topicId
}

/**
 * Least privilege for the one role Architect gives every function: only the calls the app makes, on
 * only this stack's tables, queues, log groups, parameters and SES identities.
 */
function guardIam(template, ctx, tables, queues, ses) {
  const role = template.Resources[ROLE]
  if (!role || role.Type !== 'AWS::IAM::Role') throw new GuardError('Architect\'s function role "Role" was not found')
  const tableIds = Object.values(tables)
  const identities = parseIdentities(ctx.env[policy.ses.identitiesVariable])
  if (identities.length === 0) {
    const fix = `npx arc env -e ${ctx.stage} -a ${policy.ses.identitiesVariable} example.com`
    // A dry run (npm run synth) still shows the rest; a real deploy would give a stack that cannot send.
    if (!ctx.dryRun) throw new GuardError(`no SES identities to allow sending from: set them with \`${fix}\``)
    ctx.warnings.push(`no ${policy.ses.identitiesVariable} for ${ctx.stage}: the functions may send from no identity (set it with \`${fix}\`)`)
  }
  const identityArns = identities.map((identity) =>
    sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identity}', { identity }),
  )

  role.Properties.Policies = [
    {
      PolicyName: 'DrasonLogs',
      PolicyDocument: {
        Version: IAM_VERSION,
        Statement: [
          // Lambda's log groups are /aws/lambda/<function name>, and CloudFormation names functions
          // <stack>-<logical id>-<suffix>. The groups themselves are created by the stack (retention).
          allow(policy.iam.logs, sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-*:*')),
        ],
      },
    },
    {
      PolicyName: 'DrasonTables',
      PolicyDocument: {
        Version: IAM_VERSION,
        Statement: [
          allow(policy.iam.dynamodb, tableIds.flatMap((id) => [arnOf(id), sub(`\${${id}.Arn}/index/*`)])),
          // Kept from Architect: no code path may drop a table.
          { Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: tableIds.map((id) => arnOf(id)) },
        ],
      },
    },
    {
      PolicyName: 'DrasonQueues',
      PolicyDocument: { Version: IAM_VERSION, Statement: [allow(policy.iam.sqs, Object.values(queues).map((q) => arnOf(q.queueId)))] },
    },
    {
      PolicyName: 'DrasonSesSend',
      PolicyDocument: {
        Version: IAM_VERSION,
        // SES checks both the identity sent from and the configuration set sent with.
        Statement: [allow(policy.iam.ses, [...identityArns, ses.configurationSetArn])],
      },
    },
  ]
  // Dropped from Architect's defaults on purpose: static assets are served by API Gateway straight
  // from S3 (no function reads or writes the bucket), and no function publishes to SNS.
  return identities
}

/** Tables: deletion protection, point-in-time recovery, encryption with the AWS-managed key, retained. */
function guardTables(template, tables) {
  for (const id of Object.values(tables)) {
    const table = template.Resources[id]
    Object.assign(table.Properties, {
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    })
    // Removing a table from app.arc or deleting the stack leaves the data in place (spec 5.3.9).
    table.DeletionPolicy = 'Retain'
    table.UpdateReplacePolicy = 'Retain'
  }
}

/** One log group per function, owned by the stack so its retention is code. */
function guardLogs(template, fns) {
  for (const fn of fns) {
    template.Resources[`${fn.id}LogGroup`] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: sub('/aws/lambda/${fn}', { fn: ref(fn.id) }), RetentionInDays: policy.logRetentionDays },
    }
  }
}

function alarm(name, description, properties, actions) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: sub(`\${AWS::StackName}-${name}`),
      AlarmDescription: description,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: actions,
      OKActions: [ref(ALERT_TOPIC)],
      ...properties,
    },
  }
}

/** The properties of an alarm on one metric over one period. */
function onMetric(namespace, metricName, dimensions, statistic, threshold, comparison = 'GreaterThanThreshold') {
  const period = policy.alarms.periodSeconds
  return { Namespace: namespace, MetricName: metricName, Dimensions: dimensions, Statistic: statistic, Period: period, Threshold: threshold, ComparisonOperator: comparison }
}

/** Spec 5.3.7's alarms, all to the alert topic; the reputation ones also engage the account brake. */
function guardAlarms(template, fns, tables, queues, brakeTopicId) {
  const a = policy.alarms
  const minutes = a.periodSeconds / 60
  const toAlerts = [ref(ALERT_TOPIC)]
  for (const fn of fns) {
    const slug = functionSlug(fn)
    const dimensions = [{ Name: 'FunctionName', Value: ref(fn.id) }]
    const timeoutSeconds = fn.resource.Properties.Timeout
    template.Resources[`${fn.id}ErrorsAlarm`] = alarm(
      `${slug}-errors`,
      `${slug} failed more than ${a.lambdaErrors.threshold} times in ${minutes} minutes. Read its log group for the errors.`,
      onMetric('AWS/Lambda', 'Errors', dimensions, 'Sum', a.lambdaErrors.threshold),
      toAlerts,
    )
    template.Resources[`${fn.id}DurationAlarm`] = alarm(
      `${slug}-duration`,
      `${slug} ran on average over ${a.lambdaDuration.shareOfTimeout * 100}% of its ${timeoutSeconds} s timeout: it will soon time out.`,
      onMetric('AWS/Lambda', 'Duration', dimensions, 'Average', timeoutSeconds * MS_PER_SECOND * a.lambdaDuration.shareOfTimeout),
      toAlerts,
    )
  }
  for (const [name, id] of Object.entries(tables)) {
    // ThrottledRequests is only published per operation; the table-level read and write throttle
    // events together count the same throttles in one alarm per table.
    const metric = (metricId, metricName) => ({
      Id: metricId,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: [{ Name: 'TableName', Value: ref(id) }] },
        Period: a.periodSeconds,
        Stat: 'Sum',
      },
    })
    template.Resources[`${id}ThrottlesAlarm`] = alarm(
      `${name}-throttles`,
      `DynamoDB throttled requests on the ${name} table: a hot key or a runaway loop.`,
      {
        Metrics: [
          metric('reads', 'ReadThrottleEvents'),
          metric('writes', 'WriteThrottleEvents'),
          { Id: 'throttles', Expression: 'FILL(reads, 0) + FILL(writes, 0)', Label: 'throttled requests', ReturnData: true },
        ],
        Threshold: a.tableThrottles.threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      toAlerts,
    )
  }
  for (const [name, q] of Object.entries(queues)) {
    const queueName = (id) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]
    template.Resources[`${q.queueId}AgeAlarm`] = alarm(
      `${name}-queue-age`,
      `A message has waited over ${a.queueAgeSeconds.threshold / 60} minutes in the ${name} queue: its consumer is failing or throttled.`,
      onMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage', queueName(q.queueId), 'Maximum', a.queueAgeSeconds.threshold),
      toAlerts,
    )
    template.Resources[`${q.dlqId}Alarm`] = alarm(
      `${name}-dead-letters`,
      `Messages of the ${name} queue gave up and are in its dead-letter queue: read them, fix the cause, then redrive.`,
      onMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queueName(q.dlqId), 'Maximum', a.deadLetters.threshold),
      toAlerts,
    )
  }
  for (const m of a.reputation.metrics) {
    template.Resources[`${m.id}Alarm`] = alarm(
      m.name,
      `SES ${m.metric} reached ${m.threshold} (SES's review level). Drason paused all sending; release the brake only after this alarm is OK again.`,
      {
        // Account-wide (no dimensions): the number SES itself acts on.
        ...onMetric('AWS/SES', m.metric, [], 'Maximum', m.threshold, 'GreaterThanOrEqualToThreshold'),
        // Missing data (SES publishes these now and then) leaves the alarm without data rather than OK,
        // so each new reading at or over the threshold fires again and re-engages a released brake.
        TreatMissingData: 'missing',
      },
      [ref(ALERT_TOPIC), ref(brakeTopicId)],
    )
  }
}

/** Spec 5.3.2: a monthly cost budget with alerts and a 150% stop, and the usage budgets. */
function guardBudgets(template, ctx, tables) {
  const b = policy.budgets
  const code = b.billingRegionCodes[ctx.region]
  if (!code) throw new GuardError(`no billing region code for ${ctx.region}; add it to policy.budgets.billingRegionCodes`)
  const toAlerts = [{ SubscriptionType: 'SNS', Address: ref(ALERT_TOPIC) }]
  const notification = (percent) => ({
    Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: percent, ThresholdType: 'PERCENTAGE' },
    Subscribers: toAlerts,
  })
  const budgetName = (name) => `${ctx.app}-${ctx.stage}-${name}`
  const cost = b.monthlyCost
  const costId = `${cost.id}Budget`
  template.Resources[costId] = {
    Type: 'AWS::Budgets::Budget',
    Properties: {
      Budget: { BudgetName: budgetName(cost.name), BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: cost.usd, Unit: 'USD' } },
      NotificationsWithSubscribers: cost.notifyAtPercent.map(notification),
    },
  }
  for (const u of b.usage) {
    template.Resources[`${u.id}Budget`] = {
      Type: 'AWS::Budgets::Budget',
      Properties: {
        Budget: {
          BudgetName: budgetName(u.name),
          BudgetType: 'USAGE',
          TimeUnit: 'MONTHLY',
          BudgetLimit: { Amount: u.limit, Unit: u.unit },
          CostFilters: { UsageType: u.usageTypes.flatMap((t) => [t, `${code}-${t}`]) },
        },
        NotificationsWithSubscribers: [notification(u.notifyAtPercent)],
      },
    }
  }

  const claims = tables[b.stop.claimsTable]
  if (!claims) throw new GuardError(`the budget stop needs the ${b.stop.claimsTable} table`)
  Object.assign(template.Resources, {
    [STOP_POLICY]: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        Description: `Attached to ${ctx.app}'s function role by the ${cost.stopAtPercent}% budget action: no send is claimed and no email leaves. Detach it (reverse the budget action) to send again.`,
        PolicyDocument: {
          Version: IAM_VERSION,
          Statement: [
            { Effect: 'Deny', Action: b.stop.claimAction, Resource: arnOf(claims) },
            { Effect: 'Deny', Action: b.stop.sendActions, Resource: '*' },
          ],
        },
      },
    },
    [STOP_ROLE]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: IAM_VERSION,
          Statement: [{ Effect: 'Allow', Principal: { Service: 'budgets.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: SOURCE_ACCOUNT }],
        },
        Policies: [
          {
            PolicyName: 'AttachOnlyTheStopPolicy',
            PolicyDocument: {
              Version: IAM_VERSION,
              Statement: [
                allow(['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], arnOf(ROLE), { Condition: { ArnEquals: { 'iam:PolicyARN': ref(STOP_POLICY) } } }),
              ],
            },
          },
        ],
      },
    },
    [`${cost.id}StopAction`]: {
      Type: 'AWS::Budgets::BudgetsAction',
      Properties: {
        BudgetName: ref(costId),
        NotificationType: 'ACTUAL',
        ActionType: 'APPLY_IAM_POLICY',
        ActionThreshold: { Type: 'PERCENTAGE', Value: cost.stopAtPercent },
        ApprovalModel: 'AUTOMATIC',
        ExecutionRoleArn: arnOf(STOP_ROLE),
        Definition: { IamActionDefinition: { PolicyArn: ref(STOP_POLICY), Roles: [ref(ROLE)] } },
        Subscribers: [{ Type: 'SNS', Address: ref(ALERT_TOPIC) }],
      },
    },
  })
}

/** Project and Environment on every resource that takes tags; an unknown type stops the deploy. */
function guardTags(template, ctx) {
  const pairs = { [policy.tags.project]: ctx.app, [policy.tags.environment]: ctx.stage }
  const list = Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }))
  const merge = (existing) => [...(existing ?? []).filter((t) => !(t.Key in pairs)), ...list]
  const unknown = new Set()
  for (const r of Object.values(template.Resources)) {
    const format = policy.tagFormats[r.Type]
    if (!format) {
      if (!policy.notTaggable.includes(r.Type)) unknown.add(r.Type)
      continue
    }
    r.Properties ??= {}
    if (format === 'map') {
      r.Properties.Tags = { ...r.Properties.Tags, ...pairs }
      // SAM passes the tags on to what it generates (event source mappings, permissions, stages).
      if (r.Type.startsWith('AWS::Serverless::')) r.Properties.PropagateTags = true
    } else if (format === 'list') r.Properties.Tags = merge(r.Properties.Tags)
    else r.Properties.ResourceTags = merge(r.Properties.ResourceTags)
  }
  if (unknown.size > 0) {
    throw new GuardError(`cannot tell whether these resource types take tags: ${[...unknown].join(', ')}; add them to policy.tagFormats or policy.notTaggable`)
  }
}

/**
 * Applies every guard to a copy of the template. ctx: { app, stage, region, env (the stage's `arc env`
 * values), dryRun }. Returns the new template and warnings for the person deploying.
 */
function applyGuards(cloudformation, options) {
  const template = structuredClone(cloudformation)
  const ctx = { ...options, env: options.env ?? {}, warnings: [] }
  const fns = functions(template)
  checkFunctionLimits(fns)
  const tables = discovered(template, 'tables')
  const queues = guardQueues(template, fns)
  const ses = guardSes(template, ctx, queues, fns)
  guardAlertTopic(template, ctx)
  const brakeTopicId = brakeTopic(template, fns)
  const identities = guardIam(template, ctx, tables, queues, ses)
  guardTables(template, tables)
  guardLogs(template, fns)
  guardAlarms(template, fns, tables, queues, brakeTopicId)
  guardBudgets(template, ctx, tables)
  guardDiscovery(template)
  guardTags(template, ctx)
  return { template, warnings: ctx.warnings, identities, configurationSetName: ses.configurationSetName }
}

/**
 * What the doctor and operators look up in SSM, next to Architect's own service discovery
 * (/<stack>/tables/..., /<stack>/queues/...). Made here rather than with deploy.services so that they
 * are tagged like everything else (services parameters are added after deploy.start).
 */
function guardDiscovery(template) {
  const d = policy.discovery
  const entries = { [d.configurationSet]: SES_CONFIGURATION_SET, [d.sesEventsTopic]: SES_EVENTS_TOPIC, [d.alertTopic]: ALERT_TOPIC }
  for (const [key, id] of Object.entries(entries)) {
    template.Resources[`${id}Param`] = {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Name: sub('/${AWS::StackName}/${path}/${key}', { path: d.path, key }), Value: ref(id) },
    }
  }
}

module.exports = { applyGuards, parseIdentities, GuardError }
