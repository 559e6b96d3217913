import { describe, expect, it } from 'vitest'
import { brakeRequest, crossingValue, parseAlarmNotification, type AlarmNotification } from './cloudwatch-alarm'

// The shape CloudWatch publishes to SNS on a state change (fields Drason does not read included, as AWS sends them).
const bounceAlarm = {
  AlarmName: 'DrasonProduction-ses-bounce-rate',
  AlarmDescription: "SES Reputation.BounceRate reached 0.05 (SES's review level).",
  AWSAccountId: '123456789012',
  AlarmConfigurationUpdatedTimestamp: '2026-11-20T09:00:00.000+0000',
  NewStateValue: 'ALARM',
  NewStateReason:
    'Threshold Crossed: 1 out of the last 1 datapoints [0.052 (21/11/26 07:20:00)] was greater than or equal to the threshold (0.05) (minimum 1 datapoint for OK -> ALARM transition).',
  StateChangeTime: '2026-11-21T07:25:12.345+0000',
  Region: 'US East (N. Virginia)',
  AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:DrasonProduction-ses-bounce-rate',
  OldStateValue: 'OK',
  OKActions: [],
  AlarmActions: ['arn:aws:sns:us-east-1:123456789012:DrasonProduction-AlertTopic-1'],
  InsufficientDataActions: [],
  Trigger: {
    MetricName: 'Reputation.BounceRate',
    Namespace: 'AWS/SES',
    StatisticType: 'Statistic',
    Statistic: 'MAXIMUM',
    Unit: null,
    Dimensions: [],
    Period: 300,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Threshold: 0.05,
    TreatMissingData: 'missing',
    EvaluateLowSampleCountPercentile: '',
  },
}
const message = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...bounceAlarm, ...overrides })

describe('parseAlarmNotification', () => {
  it('reads the alarm, its state, metric, threshold and the datapoint that crossed it', () => {
    expect(parseAlarmNotification(message())).toEqual({
      ok: true,
      alarm: {
        name: 'DrasonProduction-ses-bounce-rate',
        state: 'ALARM',
        reason: bounceAlarm.NewStateReason,
        metric: 'Reputation.BounceRate',
        namespace: 'AWS/SES',
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: 0.05,
        value: 0.052,
        changedAt: '2026-11-21T07:25:12.345+0000',
      },
    })
  })

  it.each(['OK', 'INSUFFICIENT_DATA'])('reads the %s state too (the handler decides what it means)', (state) => {
    const parsed = parseAlarmNotification(message({ NewStateValue: state }))
    expect(parsed.ok && parsed.alarm.state).toBe(state)
  })

  it('reads a metric-math alarm, which has no MetricName', () => {
    const parsed = parseAlarmNotification(message({ Trigger: { Metrics: [{ Id: 'm1' }], ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 } }))
    expect(parsed).toMatchObject({ ok: true, alarm: { metric: null, threshold: 0 } })
  })

  it.each([
    ['not json', 'the SNS Message is not JSON'],
    [JSON.stringify({ hello: 'world' }), 'not a CloudWatch alarm notification'],
    [message({ NewStateValue: 'ON_FIRE' }), 'not a CloudWatch alarm notification'],
    [message({ AlarmName: '' }), 'not a CloudWatch alarm notification'],
  ])('refuses %s', (body, reason) => {
    const parsed = parseAlarmNotification(body)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason).toContain(reason)
  })
})

describe('crossingValue', () => {
  it.each([
    ['Threshold Crossed: 1 out of the last 1 datapoints [0.052 (21/11/26 07:20:00)] was greater than ...', 0.052],
    ['Threshold Crossed: 2 out of the last 3 datapoints [0.0012 (21/11/26 07:20:00), 0.0011 (21/11/26 07:15:00)] were ...', 0.0012],
    ['Threshold Crossed: 1 datapoint [5.2E-4 (21/11/26 07:20:00)] was ...', 0.00052],
    ['Threshold Crossed: 1 datapoint [12.0 (21/11/26 07:20:00)] was ...', 12],
    ['Insufficient Data: 1 datapoint was unknown.', null],
    ['', null],
  ])('%s -> %s', (reason, value) => {
    expect(crossingValue(reason)).toBe(value)
  })
})

describe('brakeRequest', () => {
  const alarm = (overrides: Partial<AlarmNotification> = {}): AlarmNotification => {
    const parsed = parseAlarmNotification(message())
    if (!parsed.ok) throw new Error('fixture does not parse')
    return { ...parsed.alarm, ...overrides }
  }

  it.each([
    [{}, 'Reputation.BounceRate', 'Paused all sending: the SES bounce rate alarm fired (Reputation.BounceRate 0.052 ≥ 0.05).'],
    [
      { name: 'DrasonProduction-ses-complaint-rate', metric: 'Reputation.ComplaintRate', threshold: 0.001, value: 0.0013 },
      'Reputation.ComplaintRate',
      'Paused all sending: the SES complaint rate alarm fired (Reputation.ComplaintRate 0.0013 ≥ 0.001).',
    ],
    [{ value: null }, 'Reputation.BounceRate', 'Paused all sending: the SES bounce rate alarm fired (Reputation.BounceRate ≥ 0.05).'],
    [{ comparison: 'GreaterThanThreshold' }, 'Reputation.BounceRate', 'Paused all sending: the SES bounce rate alarm fired (Reputation.BounceRate 0.052 > 0.05).'],
    [{ comparison: null, threshold: null }, 'Reputation.BounceRate', 'Paused all sending: the SES bounce rate alarm fired (Reputation.BounceRate 0.052).'],
    [
      { name: 'custom-alarm', metric: null, value: null },
      'custom-alarm',
      'Paused all sending: the custom-alarm alarm fired (custom-alarm ≥ 0.05).',
    ],
    [
      { name: 'queue-age', metric: 'ApproximateAgeOfOldestMessage', threshold: 3600, value: 4000, comparison: 'GreaterThanThreshold' },
      'ApproximateAgeOfOldestMessage',
      'Paused all sending: the queue-age alarm fired (ApproximateAgeOfOldestMessage 4000 > 3600).',
    ],
  ])('%o -> %s: %s', (overrides, signal, sentence) => {
    const request = brakeRequest(alarm(overrides))
    expect(request.signal).toBe(signal)
    expect(request.sentence).toBe(sentence)
  })

  it('keeps the alarm in the details for the audit log', () => {
    expect(brakeRequest(alarm()).details).toEqual({
      alarmName: 'DrasonProduction-ses-bounce-rate',
      metric: 'Reputation.BounceRate',
      namespace: 'AWS/SES',
      value: 0.052,
      threshold: 0.05,
      comparison: 'GreaterThanOrEqualToThreshold',
      reason: bounceAlarm.NewStateReason,
      changedAt: '2026-11-21T07:25:12.345+0000',
    })
  })
})
