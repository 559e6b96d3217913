import { describe, expect, it } from 'vitest'
import { releaseAccountBrake } from '../../src/shared/services/account-brake'
import { directDeps } from '../support/world'

// The sandbox's events port (test/support/global-setup.ts): `@events` are published there locally, as SNS
// delivers them in AWS (the production-guards plugin points the SES reputation alarms at this topic).
const EVENTS_PORT = 4499
const deps = directDeps()

async function publishAlarm(state: 'ALARM' | 'OK'): Promise<void> {
  const payload = {
    AlarmName: 'DrasonStaging-ses-bounce-rate',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [0.052 (21/11/26 08:00:00)] was greater than or equal to the threshold (0.05).',
    StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
    Trigger: { MetricName: 'Reputation.BounceRate', Namespace: 'AWS/SES', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 0.05 },
  }
  const res = await fetch(`http://localhost:${EVENTS_PORT}/events`, { method: 'POST', body: JSON.stringify({ name: 'reputation-alarm', payload }) })
  expect(res.ok).toBe(true)
}

describe('the reputation-alarm event in the sandbox', () => {
  it('an SES bounce-rate alarm pauses all sending (the account brake), with the alarm in the sentence; OK changes nothing', async () => {
    try {
      await publishAlarm('ALARM')
      await expect.poll(async () => (await deps.account.brake())?.signal, { timeout: 20_000 }).toBe('Reputation.BounceRate')
      const brake = (await deps.account.brake())!
      expect(brake).toMatchObject({ engaged: true, by: 'cloudwatch', sentence: expect.stringContaining('Reputation.BounceRate 0.052') })
      const [event] = (await deps.audit.forEntity('account', 'all', 1)).items
      expect(event).toMatchObject({ action: 'sending_paused', actor: { type: 'integration', id: 'cloudwatch' }, signals: ['Reputation.BounceRate'] })
      await publishAlarm('OK')
      // The OK notification is logged and ignored: only a person releases the brake.
      await new Promise((r) => setTimeout(r, 1500))
      expect((await deps.account.brake())?.engaged).toBe(true)
    } finally {
      await releaseAccountBrake(deps, { type: 'user', id: 'tester@drason.test' })
    }
    expect(await deps.account.brake()).toBeNull()
  })
})
