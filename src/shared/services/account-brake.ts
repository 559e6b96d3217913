import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { AccountBrake } from '../domain/entities'
import { dayOf, type Counters, type DayCounter } from '../domain/metrics'
import type { Clock, IdSource } from './ports'

export interface AccountBrakeStore {
  /** The brake when engaged, else null. */
  brake(): Promise<AccountBrake | null>
  /** The stored item whether engaged or released (a release carries its baseline), or null. */
  state(): Promise<AccountBrake | null>
  engage(brake: AccountBrake, event: AuditEvent): Promise<'engaged' | 'already_engaged'>
  release(brake: AccountBrake, event: AuditEvent): Promise<'released' | 'not_engaged'>
}
export interface AccountBrakeDeps {
  account: AccountBrakeStore
  clock: Clock
  ids: IdSource
}
export interface ReleaseDeps extends AccountBrakeDeps {
  metrics: { days(scope: 'overall', id: string, days: string[]): Promise<Counters<DayCounter>[]> }
}

/**
 * Pauses all sending: every pulse and every gate decision sees the brake and waits, whatever the
 * campaign. Campaigns keep their own status, so releasing the brake puts back exactly what was running.
 * Engaging twice is harmless (the first reason stays; the repeat is not audited again).
 */
export async function engageAccountBrake(
  deps: AccountBrakeDeps,
  input: { actor: Actor; signal: string; sentence: string; details?: Record<string, unknown>; value?: number; threshold?: number; window?: string },
): Promise<'engaged' | 'already_engaged'> {
  const now = deps.clock.now()
  const brake: AccountBrake = { engaged: true, signal: input.signal, sentence: input.sentence, at: now.toISOString(), by: input.actor.id }
  const event = stampAuditEvent(
    {
      actor: input.actor,
      entityType: 'account',
      entityId: 'all',
      action: 'sending_paused',
      signals: [input.signal],
      sentence: input.sentence,
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(input.threshold !== undefined ? { threshold: input.threshold } : {}),
      ...(input.window ? { window: input.window } : {}),
      ...(input.details ? { details: input.details } : {}),
    },
    deps.ids.next(),
    now,
  )
  return deps.account.engage(brake, event)
}

/**
 * A person lets sending start again; audited with what had stopped it. The account is judged afresh from
 * here: today's counts so far become the baseline, so the same bounces do not engage the brake again at
 * the next health run (the person saw them when they released it).
 */
export async function releaseAccountBrake(deps: ReleaseDeps, actor: Actor): Promise<'released' | 'not_engaged'> {
  const current = await deps.account.brake()
  if (!current) return 'not_engaged'
  const now = deps.clock.now()
  const day = dayOf(now)
  const [today] = await deps.metrics.days('overall', 'all', [day])
  const baseline = { day, sends: today?.sends ?? 0, hardBounces: today?.hard_bounces ?? 0, complaints: today?.complaints ?? 0 }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'account',
      entityId: 'all',
      action: 'sending_resumed',
      sentence: `${actor.id} resumed all sending (it had been paused: ${current.sentence.replace(/\.$/, '')}).`,
      details: { previous: current },
    },
    deps.ids.next(),
    now,
  )
  return deps.account.release({ ...current, engaged: false, at: now.toISOString(), by: actor.id, baseline }, event)
}
