import { stampAuditEvent, type Actor } from '../domain/audit'
import { changedSettings, mergeSettings, type Settings } from '../domain/settings'
import type { AuditEvent } from '../domain/audit'
import type { Clock, IdSource } from './ports'

export interface SettingsStore {
  get(): Promise<{ settings: Settings; version: number }>
  save(settings: Settings, expectedVersion: number, event: AuditEvent): Promise<'saved' | 'conflict'>
}

export interface SettingsDeps {
  settingsStore: SettingsStore
  clock: Clock
  ids: IdSource
}

export type UpdateSettingsResult =
  | { ok: true; settings: Settings; changed: string[] }
  | { ok: false; status: 400 | 409; errors: string[] }

/**
 * Applies a partial change. `expectedVersion` (from the form or API) makes a stale edit fail with 409
 * instead of overwriting a colleague's change. The audit event lists every changed value, before and after.
 */
export async function updateSettings(deps: SettingsDeps, actor: Actor, patch: unknown, expectedVersion?: number): Promise<UpdateSettingsResult> {
  const current = await deps.settingsStore.get()
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    return { ok: false, status: 409, errors: ['Someone else changed the settings since you loaded them. Reload and try again.'] }
  }
  const merged = mergeSettings(current.settings, patch)
  if (!merged.ok) return { ok: false, status: 400, errors: merged.errors }
  const changed = changedSettings(current.settings, merged.settings)
  if (changed.length === 0) return { ok: true, settings: current.settings, changed }

  const before: Record<string, unknown> = {}
  const after: Record<string, unknown> = {}
  for (const path of changed) {
    const [section, key] = path.split('.') as [keyof Settings, string]
    before[path] = (current.settings[section] as Record<string, unknown>)[key]
    after[path] = (merged.settings[section] as Record<string, unknown>)[key]
  }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'setting',
      entityId: 'settings',
      action: 'settings_updated',
      sentence: `${actor.id} changed ${changed.map((p) => `${p} from ${String(before[p])} to ${String(after[p])}`).join(', ')}.`,
      details: { before, after },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const saved = await deps.settingsStore.save(merged.settings, current.version, event)
  if (saved === 'conflict') {
    return { ok: false, status: 409, errors: ['Someone else changed the settings at the same moment. Reload and try again.'] }
  }
  return { ok: true, settings: merged.settings, changed }
}
