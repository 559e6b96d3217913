import type { SNSEvent } from 'aws-lambda'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// The handler's wiring only: parsing and the sentence are tested in cloudwatch-alarm.test.ts, the brake
// in account-brake.test.ts. Neither the database nor the configuration is needed here.
const deps = { marker: 'deps' }
vi.mock('../../shared/composition.server', () => ({ appDeps: vi.fn(async () => deps) }))
vi.mock('../../shared/services/account-brake', () => ({ engageAccountBrake: vi.fn(async () => 'engaged') }))

const { engageAccountBrake } = await import('../../shared/services/account-brake')
const { handler } = await import('./index')

const alarm = (state: string) =>
  JSON.stringify({
    AlarmName: 'DrasonProduction-ses-complaint-rate',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [0.0013 (21/11/26 07:20:00)] was greater than or equal to the threshold (0.001).',
    StateChangeTime: '2026-11-21T07:25:12.345+0000',
    Trigger: { MetricName: 'Reputation.ComplaintRate', Namespace: 'AWS/SES', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 0.001 },
  })
const snsEvent = (...messages: string[]): SNSEvent =>
  ({ Records: messages.map((Message, i) => ({ EventSource: 'aws:sns', Sns: { MessageId: `sns-${i}`, Message } })) }) as unknown as SNSEvent

describe('reputation-alarm handler', () => {
  beforeEach(() => {
    vi.mocked(engageAccountBrake).mockClear()
    vi.spyOn(console, 'log').mockImplementation(() => undefined)
  })

  it('engages the account brake as CloudWatch when the alarm fires', async () => {
    await handler(snsEvent(alarm('ALARM')))
    expect(engageAccountBrake).toHaveBeenCalledTimes(1)
    expect(engageAccountBrake).toHaveBeenCalledWith(deps, {
      actor: { type: 'integration', id: 'cloudwatch' },
      signal: 'Reputation.ComplaintRate',
      sentence: 'Paused all sending: the SES complaint rate alarm fired (Reputation.ComplaintRate 0.0013 ≥ 0.001).',
      details: expect.objectContaining({ alarmName: 'DrasonProduction-ses-complaint-rate', value: 0.0013, threshold: 0.001 }),
    })
  })

  it('leaves the brake alone when the alarm recovers or lacks data, and ignores what is not an alarm', async () => {
    await handler(snsEvent(alarm('OK'), alarm('INSUFFICIENT_DATA'), 'not json'))
    expect(engageAccountBrake).not.toHaveBeenCalled()
  })
})
