'use strict'
/**
 * The production guards' policy: every number the plugin writes into the CloudFormation, with its
 * reason. Most come from the Pivotr spec, section 5.3 ("mandatory before production").
 *
 * Not here: each function's timeout, memory and reserved concurrency. Architect reads those natively
 * from the function's own config.arc (src/<pragma>/<name>/config.arc), which is where they are set and
 * explained; the plugin refuses to deploy a function that has no reserved concurrency.
 */

module.exports = {
  /** Cost-allocation tags on every resource CloudFormation can tag (spec 5.3.9). */
  tags: { project: 'Project', environment: 'Environment' },

  /**
   * Dead-letter queues and retry limits (spec 5.3.5; the spec's "verification-queue" is our imports
   * queue: Drason verifies inside the send pulse, so the bulk queue is the one that gets 2 tries).
   * batchSize: send-pulse takes one pulse per invocation because one pulse can take most of its 30 s
   * (verifier and SES each wait up to 10 s); feedback events and import chunks are short, so 10 (the
   * SQS default) lets one invocation drain a burst.
   */
  queues: {
    'send-pulse': { maxReceiveCount: 3, deadLetterRetentionDays: 14, batchSize: 1 },
    feedback: { maxReceiveCount: 5, deadLetterRetentionDays: 14, batchSize: 10 },
    imports: { maxReceiveCount: 2, deadLetterRetentionDays: 7, batchSize: 10 },
  },
  /**
   * AWS's guidance for Lambda on SQS: a visibility timeout of at least 6x the function timeout, so a
   * batch that waits for a throttled (reserved-concurrency-limited) function is not received again and
   * counted toward maxReceiveCount before it ever ran. Architect sets it to 1x.
   */
  visibilityTimeoutPerFunctionTimeout: 6,

  ses: {
    /** One configuration set per stage, named by convention so the doctor and the README can say it. */
    configurationSetName: (app, stage) => `${app}-${stage}`,
    /** Every event Drason reads (PRODUCT "Feedback, health and escalation"); Open/Click are not tracked. */
    eventTypes: ['send', 'reject', 'bounce', 'complaint', 'delivery', 'deliveryDelay', 'renderingFailure'],
    /** Spec 5.3.6: an address that bounced hard or complained is never sent to again by SES either. */
    suppressedReasons: ['BOUNCE', 'COMPLAINT'],
    /** `arc env` variable (comma-separated domains or addresses) that the send permission is limited to. */
    identitiesVariable: 'DRASON_SES_IDENTITIES',
    /** The app reads the configuration set's name from this variable (src/shared/config.server.ts). */
    configurationSetVariable: 'SES_CONFIGURATION_SET',
    /** The queue the SES events reach through SNS (src/queues/feedback). */
    feedbackQueue: 'feedback',
  },

  /**
   * SSM parameters /<stack>/<path>/<key>, next to Architect's own /<stack>/tables and /<stack>/queues:
   * `npm run doctor` and operators find the stage's configuration set and topics there.
   */
  discovery: { path: 'production-guards', configurationSet: 'configurationSet', sesEventsTopic: 'sesEventsTopic', alertTopic: 'alertTopic' },

  /** `arc env` variable: an address subscribed to the alert topic (alarms and budgets). Optional. */
  alertEmailVariable: 'DRASON_ALERT_EMAIL',

  /** Spec 5.3.7. Periods of 5 minutes: CloudWatch's standard resolution for these AWS metrics. */
  alarms: {
    periodSeconds: 300,
    // "> 10 errors / 5 min": a few errors are retries doing their job; ten in five minutes is a fault.
    lambdaErrors: { threshold: 10 },
    // "Duration avg > 80% of timeout": a function that routinely nears its timeout will soon hit it.
    lambdaDuration: { shareOfTimeout: 0.8 },
    // "> 0": on-demand tables should never throttle; any throttle means a hot key or a runaway loop.
    tableThrottles: { threshold: 0 },
    // "> 1 hour": the longest planned wait is a 15-minute pulse hop, so an hour-old message is stuck.
    queueAgeSeconds: { threshold: 60 * 60 },
    // Not in the spec's table: any message in a dead-letter queue is work that gave up and needs a person.
    deadLetters: { threshold: 0 },
    // "Bounce > 5%", "complaint > 0.1%": SES's own review levels, as fractions (AWS/SES publishes 0.05
    // for 5%). Drason's own account brake (settings: 4% and 0.08% over its own counts) acts earlier;
    // these alarms are the backstop on SES's number. Firing pauses all sending through brakeEvent.
    reputation: {
      brakeEvent: 'reputation-alarm',
      metrics: [
        { id: 'SesBounceRate', name: 'ses-bounce-rate', metric: 'Reputation.BounceRate', threshold: 0.05 },
        { id: 'SesComplaintRate', name: 'ses-complaint-rate', metric: 'Reputation.ComplaintRate', threshold: 0.001 },
      ],
    },
  },

  /** "30-day log retention": long enough to investigate a month's incident, short enough to cost little. */
  logRetentionDays: 30,

  /** Spec 5.3.2: sized for its target of 200 emails a day; raise them with the volume (README cost table). */
  budgets: {
    monthlyCost: { id: 'MonthlyCost', name: 'monthly-cost', usd: 15, notifyAtPercent: [50, 80, 100], stopAtPercent: 150 },
    usage: [
      { id: 'LambdaInvocations', name: 'lambda-invocations', limit: 50000, unit: 'Requests', usageTypes: ['Request', 'Request-ARM'], notifyAtPercent: 80 },
      { id: 'DynamoWrites', name: 'dynamodb-writes', limit: 100000, unit: 'WriteRequestUnits', usageTypes: ['WriteRequestUnits'], notifyAtPercent: 80 },
      { id: 'SesSends', name: 'ses-sends', limit: 10000, unit: 'Recipients', usageTypes: ['Recipients'], notifyAtPercent: 80 },
    ],
    /**
     * Usage types carry a billing region prefix (USE2-Request) except, for older services, in us-east-1
     * where some are unprefixed; the budgets match both spellings. A region not listed here stops the
     * deploy rather than create usage budgets that silently match nothing.
     */
    billingRegionCodes: {
      'us-east-1': 'USE1',
      'us-east-2': 'USE2',
      'us-west-1': 'USW1',
      'us-west-2': 'USW2',
      'ca-central-1': 'CAN1',
      'eu-west-1': 'EU',
      'eu-west-2': 'EUW2',
      'eu-central-1': 'EUC1',
      'ap-south-1': 'APS3',
      'ap-southeast-1': 'APS1',
      'ap-southeast-2': 'APS2',
      'ap-northeast-1': 'APN1',
    },
    /**
     * What the 150% budget action denies the app's role. Claiming a send is the write every pulse makes
     * before SES, and it throws on a denial, so pulses stop and retry into the dead-letter queue with
     * nothing marked failed; denying SES alone would have each pulse mark its lead rejected and move on.
     */
    stop: { claimsTable: 'sendclaims', claimAction: 'dynamodb:PutItem', sendActions: ['ses:SendEmail', 'ses:SendRawEmail'] },
  },

  /**
   * How each resource type takes tags in CloudFormation (SAM and SSM take a map, most a list, budgets a
   * ResourceTags list), and the types that cannot be tagged at all. A type in neither list stops the
   * deploy, so a resource Architect adds one day is tagged or consciously left out, never forgotten.
   */
  tagFormats: {
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
  },
  notTaggable: [
    'AWS::IAM::Policy',
    'AWS::IAM::ManagedPolicy',
    'AWS::S3::BucketPolicy',
    'AWS::SQS::QueuePolicy',
    'AWS::SNS::TopicPolicy',
    'AWS::SNS::Subscription',
    'AWS::SES::ConfigurationSetEventDestination',
    'AWS::Scheduler::Schedule',
  ],

  /** The only calls the app makes (see src/shared/adapters): nothing else is allowed. */
  iam: {
    // Transactions are authorised per item as Put/Update/Delete/ConditionCheck, so there is no
    // TransactWriteItems action to grant.
    dynamodb: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
    ],
    // Publishing (arc.queues.publish) and the Lambda pollers' receive/delete.
    sqs: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    // SES v2 SendEmail (simple content) is authorised as ses:SendEmail.
    ses: ['ses:SendEmail'],
    logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  },
}
