/**
 * What a deployed Drason stage costs a month, from the synthesized template (which functions, how much
 * memory, how many queues, alarms, schedules and budgets) and per-email assumptions (what one email
 * makes the stack do). The README's cost table is this module's output: infra.test.ts fails when they
 * differ. Print it with `npx tsx test/unit/infra-cost.ts`.
 *
 * Prices: AWS list prices in us-east-1 (USD), on-demand, without the free tier, so the table is an
 * upper bound; with the Always Free tier, Lambda, SQS, SNS and the first 10 alarm metrics cost nothing
 * at these volumes. Verify against the AWS pricing pages before relying on a figure.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { synth, type CfnTemplate } from '../../scripts/synth'
import { isFunction, arcName, props } from './infra-template'

export const PRICES = {
  sesPerThousandEmails: 0.1,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  dynamoBackupPerGbMonth: 0.2,
  sqsPerMillionRequests: 0.4,
  snsPerMillionPublishes: 0.5,
  httpApiPerMillionRequests: 1.0,
  alarmPerMetricMonth: 0.1,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  schedulerPerMillionInvocations: 1.0,
  /** The first two budgets of an account are free; each further one costs this a day. */
  budgetPerDay: 0.02,
  freeBudgets: 2,
} as const

export const ASSUMPTIONS = {
  daysPerMonth: 30,
  // Measured by `npm run bench` (send-loop/units, 2026-11-21, decision 060): request units one sent email
  // costs, for a full-length email (~1,100 characters of text and the same as HTML); a short plain one, 27.0.
  writeUnitsPerEmail: 30,
  readUnitsPerEmail: 6,
  // SES publishes Send and Delivery for a delivered email (bounces and complaints are a few % more);
  // each event is assumed to be one feedback invocation (no batching), an upper bound.
  sesEventsPerEmail: 2,
  // Measured by `npm run bench` (feedback units, a mix of mostly deliveries and opens, health checks included).
  feedbackWriteUnitsPerEvent: 6.5,
  feedbackReadUnitsPerEvent: 5,
  // Billed durations assumed per invocation (a pulse waits on the verifier and SES).
  pulseSeconds: 0.6,
  feedbackSeconds: 0.15,
  scheduledSeconds: 0.3,
  gateReadUnitsPerRun: 10,
  // People using the UI and the API, independent of volume.
  httpRequestsPerDay: 500,
  httpSeconds: 0.2,
  httpReadUnitsPerRequest: 5,
  // Lambda keeps 5 long-polling (20 s) receives open on each queue it consumes, even when idle.
  pollersPerQueue: 5,
  longPollSeconds: 20,
  // Send, receive and delete for each message.
  sqsRequestsPerMessage: 3,
  // START/END/REPORT lines plus one JSON log line per invocation.
  logBytesPerInvocation: 600,
  // A lead, its send record, audit events and feedback records; storage grows by this each month.
  storedBytesPerEmail: 6000,
} as const

const GB = 1024 ** 3
const MILLION = 1_000_000
const SECONDS_PER_DAY = 24 * 60 * 60
const MB_PER_GB = 1024

/** What the cost depends on in the template. */
export function templateFacts(template: CfnTemplate) {
  const resources = Object.values(template.Resources)
  const memoryGb = (name: string) => {
    const fn = resources.find((r) => isFunction(r) && arcName(r) === name)
    if (!fn) throw new Error(`no function ${name} in the template`)
    return Number(props(fn).MemorySize) / MB_PER_GB
  }
  const schedules = resources.filter((r) => r.Type === 'AWS::Scheduler::Schedule')
  const runsPerDay = schedules.map((r) => {
    const m = /^rate\((\d+) minutes?\)$/.exec(String(props(r).ScheduleExpression))
    if (!m) throw new Error(`cannot price schedule ${String(props(r).ScheduleExpression)}`)
    return SECONDS_PER_DAY / (Number(m[1]) * 60)
  })
  const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
  // Alarms are billed per metric they watch; a metric-math expression itself is free.
  const alarmMetrics = alarms.reduce((n, r) => {
    const metrics = props(r).Metrics as { MetricStat?: unknown }[] | undefined
    return n + (metrics ? metrics.filter((m) => m.MetricStat).length : 1)
  }, 0)
  const polledQueues = resources.filter(isFunction).flatMap((r) => Object.values((props(r).Events ?? {}) as Record<string, { Type: string }>)).filter((e) => e.Type === 'SQS').length
  return {
    pulseGb: memoryGb('send-pulse'),
    feedbackGb: memoryGb('feedback'),
    httpGb: memoryGb('any /*'),
    scheduledGb: memoryGb('gate-reevaluation'),
    scheduledRunsPerDay: runsPerDay.reduce((a, b) => a + b, 0),
    alarms: alarms.length,
    alarmMetrics,
    polledQueues,
    budgets: resources.filter((r) => r.Type === 'AWS::Budgets::Budget').length,
    logRetentionDays: Math.max(...resources.filter((r) => r.Type === 'AWS::Logs::LogGroup').map((r) => Number(props(r).RetentionInDays))),
  }
}

export interface CostLine {
  service: string
  what: string
  usd: number
}

/** The monthly bill, line by line, for a number of emails sent a day. */
export function monthlyCost(template: CfnTemplate, emailsPerDay: number): CostLine[] {
  const f = templateFacts(template)
  const a = ASSUMPTIONS
  const p = PRICES
  const days = a.daysPerMonth
  const emails = emailsPerDay * days
  const events = emails * a.sesEventsPerEmail
  const scheduledRuns = f.scheduledRunsPerDay * days
  const httpRequests = a.httpRequestsPerDay * days
  const invocations = emails + events + scheduledRuns + httpRequests
  const gbSeconds =
    emails * a.pulseSeconds * f.pulseGb + events * a.feedbackSeconds * f.feedbackGb + scheduledRuns * a.scheduledSeconds * f.scheduledGb + httpRequests * a.httpSeconds * f.httpGb
  const writeUnits = emails * a.writeUnitsPerEmail + events * a.feedbackWriteUnitsPerEvent
  const readUnits = emails * a.readUnitsPerEmail + events * a.feedbackReadUnitsPerEvent + scheduledRuns * a.gateReadUnitsPerRun + httpRequests * a.httpReadUnitsPerRequest
  const storedGb = (emails * a.storedBytesPerEmail) / GB
  const idlePolls = f.polledQueues * a.pollersPerQueue * ((SECONDS_PER_DAY * days) / a.longPollSeconds)
  const sqsRequests = (emails + events) * a.sqsRequestsPerMessage + idlePolls
  const logGb = (invocations * a.logBytesPerInvocation) / GB
  const keptLogMonths = f.logRetentionDays / days
  return [
    { service: 'SES', what: `${fmt(emails)} emails`, usd: (emails / 1000) * p.sesPerThousandEmails },
    { service: 'Lambda (arm64)', what: `${fmt(invocations)} invocations, ${fmt(gbSeconds)} GB-s`, usd: (invocations / MILLION) * p.lambdaPerMillionRequests + gbSeconds * p.lambdaArmPerGbSecond },
    {
      service: 'DynamoDB (on demand, PITR)',
      what: `${fmt(writeUnits)} write + ${fmt(readUnits)} read units, ${storedGb.toFixed(2)} GB added`,
      usd: (writeUnits / MILLION) * p.dynamoPerMillionWriteUnits + (readUnits / MILLION) * p.dynamoPerMillionReadUnits + storedGb * (p.dynamoStoragePerGbMonth + p.dynamoBackupPerGbMonth),
    },
    { service: 'SQS', what: `${fmt(sqsRequests)} requests, ${fmt(idlePolls)} of them idle polling of ${f.polledQueues} queues`, usd: (sqsRequests / MILLION) * p.sqsPerMillionRequests },
    { service: 'SNS', what: `${fmt(events)} SES events published`, usd: (events / MILLION) * p.snsPerMillionPublishes },
    { service: 'API Gateway (HTTP API)', what: `${fmt(httpRequests)} requests`, usd: (httpRequests / MILLION) * p.httpApiPerMillionRequests },
    { service: 'CloudWatch alarms', what: `${f.alarms} alarms watching ${f.alarmMetrics} metrics`, usd: f.alarmMetrics * p.alarmPerMetricMonth },
    { service: 'CloudWatch Logs', what: `${(logGb * MB_PER_GB).toFixed(0)} MB, kept ${f.logRetentionDays} days`, usd: logGb * p.logsIngestPerGb + logGb * keptLogMonths * p.logsStoragePerGbMonth },
    { service: 'EventBridge Scheduler', what: `${fmt(scheduledRuns)} runs`, usd: (scheduledRuns / MILLION) * p.schedulerPerMillionInvocations },
    { service: 'AWS Budgets', what: `${f.budgets} budgets, ${p.freeBudgets} of them free`, usd: Math.max(0, f.budgets - p.freeBudgets) * p.budgetPerDay * days },
  ]
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const usd = (n: number) => `$${n.toFixed(2)}`

/** The README's table: one column per volume, one row per service, and the total. */
export function costTable(template: CfnTemplate, volumes: readonly number[] = [200, 10_000]): string {
  const bills = volumes.map((v) => monthlyCost(template, v))
  const header = `| per month | ${volumes.map((v) => `${fmt(v)} emails/day`).join(' | ')} |`
  const rule = `|---|${volumes.map(() => '---:').join('|')}|`
  const rows = bills[0]!.map((line, i) => `| ${line.service} | ${bills.map((b) => `${usd(b[i]!.usd)} (${b[i]!.what})`).join(' | ')} |`)
  const total = `| **Total** | ${bills.map((b) => `**${usd(b.reduce((s, l) => s + l.usd, 0))}**`).join(' | ')} |`
  return [header, rule, ...rows, total].join('\n')
}

// `npx tsx test/unit/infra-cost.ts`: the table for the production template, to paste into the README.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'drason-cost-'))
  synth({ production: true, outFile: join(dir, 'template.json'), env: { DRASON_SES_IDENTITIES: 'example.com' } })
    .then(({ template }) => console.log(costTable(template)))
    .finally(() => rmSync(dir, { recursive: true, force: true }))
    .catch((err: unknown) => {
      console.error(err)
      process.exitCode = 1
    })
}
