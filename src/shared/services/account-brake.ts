import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { AccountBrake } from '../domain/entities'
import type { Clock, IdSource } from './ports'

export interface AccountBrakeStore {
  brake(): Promise<AccountBrake | null>
  engage(brake: AccountBrake, event: AuditEvent): Promise<'engaged' | 'already_engaged'>
  release(brake: AccountBrake, event: AuditEvent): Promise<'released' | 'not_engaged'>
}
export interface AccountBrakeDeps {
  account: AccountBrakeStore
  clock: Clock
  ids: IdSource
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

/** A person lets sending start again; audited with what had stopped it. */
export async function releaseAccountBrake(deps: AccountBrakeDeps, actor: Actor): Promise<'released' | 'not_engaged'> {
  const current = await deps.account.brake()
  if (!current) return 'not_engaged'
  const now = deps.clock.now()
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
  return deps.account.release({ ...current, engaged: false, at: now.toISOString(), by: actor.id }, event)
}
