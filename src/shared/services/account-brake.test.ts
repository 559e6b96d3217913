import { describe, expect, it } from 'vitest'
import { fixedClock, memoryAccount, sequentialIds } from '../../../test/support/memory'
import { DAY_COUNTERS, emptyCounters } from '../domain/metrics'
import { engageAccountBrake, releaseAccountBrake } from './account-brake'

const ALARM = { actor: { type: 'integration', id: 'cloudwatch' } as const, signal: 'Reputation.BounceRate', sentence: 'Paused all sending: the SES bounce rate alarm fired (0.052 ≥ 0.05).', value: 0.052, threshold: 0.05 }

describe('the account-wide brake', () => {
  it('engages once with an audit event naming the signal, value and threshold; a repeat changes nothing', async () => {
    const account = memoryAccount()
    const deps = { account, clock: fixedClock('2026-11-21T10:00:00.000Z'), ids: sequentialIds('e') }
    expect(await engageAccountBrake(deps, ALARM)).toBe('engaged')
    expect(await engageAccountBrake(deps, { ...ALARM, signal: 'Reputation.ComplaintRate', sentence: 'another' })).toBe('already_engaged')
    expect(await account.brake()).toEqual({ engaged: true, signal: 'Reputation.BounceRate', sentence: ALARM.sentence, at: '2026-11-21T10:00:00.000Z', by: 'cloudwatch' })
    expect(account.events).toEqual([
      {
        id: 'e-1',
        at: '2026-11-21T10:00:00.000Z',
        actor: ALARM.actor,
        entityType: 'account',
        entityId: 'all',
        action: 'sending_paused',
        signals: ['Reputation.BounceRate'],
        value: 0.052,
        threshold: 0.05,
        sentence: ALARM.sentence,
      },
    ])
  })

  it('is released by a person, audited with what had stopped sending; releasing twice is a no-op', async () => {
    const account = memoryAccount()
    // Today so far: 120 sends, 6 hard bounces, 1 complaint; the release keeps them as its baseline.
    const today = { ...emptyCounters(DAY_COUNTERS), sends: 120, hard_bounces: 6, complaints: 1 }
    const deps = { account, clock: fixedClock('2026-11-21T10:00:00.000Z'), ids: sequentialIds('e'), metrics: { days: async () => [today] } }
    await engageAccountBrake(deps, ALARM)
    const person = { type: 'user', id: 'ops@drason.test' } as const
    expect(await releaseAccountBrake(deps, person)).toBe('released')
    expect(await account.brake()).toBeNull()
    expect(await account.state()).toMatchObject({ engaged: false, by: 'ops@drason.test', baseline: { day: '2026-11-21', sends: 120, hardBounces: 6, complaints: 1 } })
    expect(await releaseAccountBrake(deps, person)).toBe('not_engaged')
    expect(account.events).toHaveLength(2)
    expect(account.events[1]).toMatchObject({
      action: 'sending_resumed',
      actor: person,
      sentence: 'ops@drason.test resumed all sending (it had been paused: Paused all sending: the SES bounce rate alarm fired (0.052 ≥ 0.05)).',
    })
    // Engaging again after a release works (the brake is not a one-shot).
    expect(await engageAccountBrake(deps, ALARM)).toBe('engaged')
  })
})
