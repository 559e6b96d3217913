import * as z from 'zod'

/**
 * CloudWatch alarm notifications as SNS hands them to a Lambda: each record's `Sns.Message` is the
 * alarm's state change as a JSON string (AlarmName, NewStateValue, NewStateReason, Trigger...). Parsed
 * tolerantly: only what Drason reads is checked, and AWS may add fields. Pure: no I/O, no clock.
 */
const triggerSchema = z.object({
  // Absent on metric-math alarms (they list Trigger.Metrics instead).
  MetricName: z.string().min(1).optional(),
  Namespace: z.string().optional(),
  ComparisonOperator: z.string().optional(),
  Threshold: z.number().optional(),
})
const notificationSchema = z.object({
  AlarmName: z.string().min(1),
  NewStateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().optional(),
  StateChangeTime: z.string().optional(),
  Trigger: triggerSchema.optional(),
})

export type AlarmState = z.infer<typeof notificationSchema>['NewStateValue']

export interface AlarmNotification {
  name: string
  state: AlarmState
  /** CloudWatch's own words, e.g. "Threshold Crossed: 1 out of the last 1 datapoints [0.052 (...)] ...". */
  reason: string
  metric: string | null
  namespace: string | null
  comparison: string | null
  threshold: number | null
  /** The datapoint that crossed the threshold, read from `reason`; null when CloudWatch did not say. */
  value: number | null
  changedAt: string | null
}

export function parseAlarmNotification(message: string): { ok: true; alarm: AlarmNotification } | { ok: false; reason: string } {
  let json: unknown
  try {
    json = JSON.parse(message)
  } catch {
    return { ok: false, reason: 'the SNS Message is not JSON' }
  }
  const parsed = notificationSchema.safeParse(json)
  if (!parsed.success) return { ok: false, reason: `not a CloudWatch alarm notification: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` }
  const n = parsed.data
  const reason = n.NewStateReason ?? ''
  return {
    ok: true,
    alarm: {
      name: n.AlarmName,
      state: n.NewStateValue,
      reason,
      metric: n.Trigger?.MetricName ?? null,
      namespace: n.Trigger?.Namespace ?? null,
      comparison: n.Trigger?.ComparisonOperator ?? null,
      threshold: n.Trigger?.Threshold ?? null,
      value: crossingValue(reason),
      changedAt: n.StateChangeTime ?? null,
    },
  }
}

/** The first datapoint CloudWatch lists in a state reason: "... datapoints [0.052 (21/11/26 07:20:00)] ...". */
export function crossingValue(reason: string): number | null {
  const match = /\[\s*(-?\d+(?:\.\d+)?(?:E[-+]?\d+)?)\s*\(/i.exec(reason)
  if (!match) return null
  const value = Number(match[1])
  return Number.isFinite(value) ? value : null
}

/** How a person reads the alarms Drason acts on; any other alarm is named by its AlarmName. */
const ALARM_LABELS: Record<string, string> = {
  'Reputation.BounceRate': 'the SES bounce rate alarm',
  'Reputation.ComplaintRate': 'the SES complaint rate alarm',
}
const COMPARISON_SYMBOLS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
}

/**
 * What the account brake records for an alarm that fired: the signal (the metric, or the alarm's name
 * when it has none), one plain sentence, and the alarm's details for the audit log.
 */
export function brakeRequest(alarm: AlarmNotification): { signal: string; sentence: string; details: Record<string, unknown> } {
  const signal = alarm.metric ?? alarm.name
  const label = (alarm.metric && ALARM_LABELS[alarm.metric]) ?? `the ${alarm.name} alarm`
  const symbol = alarm.comparison ? COMPARISON_SYMBOLS[alarm.comparison] : undefined
  const comparison = alarm.threshold !== null && symbol ? `${symbol} ${alarm.threshold}` : null
  const figures = [signal, alarm.value !== null ? String(alarm.value) : null, comparison].filter((part) => part !== null).join(' ')
  return {
    signal,
    sentence: `Paused all sending: ${label} fired (${figures}).`,
    details: {
      alarmName: alarm.name,
      metric: alarm.metric,
      namespace: alarm.namespace,
      value: alarm.value,
      threshold: alarm.threshold,
      comparison: alarm.comparison,
      reason: alarm.reason,
      changedAt: alarm.changedAt,
    },
  }
}
