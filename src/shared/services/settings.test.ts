import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type Settings } from '../domain/settings'
import { fixedClock, memorySettingsStore, sequentialIds } from '../../../test/support/memory'
import { updateSettings } from './settings'

const actor = { type: 'user', id: 'admin@drason.test' } as const

function world(initial: Settings = DEFAULT_SETTINGS, version = 3) {
  const settingsStore = memorySettingsStore(initial, version)
  return { settingsStore, deps: { settingsStore, clock: fixedClock('2026-11-21T09:00:00.000Z'), ids: sequentialIds('ev') } }
}

describe('updateSettings', () => {
  it('saves the change with an audit event holding exactly the changed values, before and after', async () => {
    const w = world()
    const result = await updateSettings(w.deps, actor, { sending: { globalDailyCap: 150, delayMeanSeconds: 120 }, account: { pauseBounceRate: 0.02 } }, 3)

    const expected = structuredClone(DEFAULT_SETTINGS)
    expected.sending.globalDailyCap = 150
    expected.account.pauseBounceRate = 0.02
    expect(result).toEqual({ ok: true, settings: expected, changed: ['account.pauseBounceRate', 'sending.globalDailyCap'] })
    expect(await w.settingsStore.get()).toEqual({ settings: expected, version: 4 })
    expect(w.settingsStore.events).toEqual([
      {
        id: 'ev-1',
        at: '2026-11-21T09:00:00.000Z',
        actor,
        entityType: 'setting',
        entityId: 'settings',
        action: 'settings_updated',
        sentence: 'admin@drason.test changed account.pauseBounceRate from 0.04 to 0.02, sending.globalDailyCap from 300 to 150.',
        // delayMeanSeconds was sent unchanged, so it is not in the event.
        details: { before: { 'account.pauseBounceRate': 0.04, 'sending.globalDailyCap': 300 }, after: { 'account.pauseBounceRate': 0.02, 'sending.globalDailyCap': 150 } },
      },
    ])
  })

  it('names a boolean change in the sentence', async () => {
    const w = world()
    await updateSettings(w.deps, actor, { sending: { sendToRiskyAddresses: true } })
    expect(w.settingsStore.events[0]!.sentence).toBe('admin@drason.test changed sending.sendToRiskyAddresses from false to true.')
  })

  it('saves without an expected version (an API client that does not send one)', async () => {
    const w = world()
    expect(await updateSettings(w.deps, actor, { security: { sessionHours: 8 } })).toMatchObject({ ok: true, changed: ['security.sessionHours'] })
    expect((await w.settingsStore.get()).version).toBe(4)
  })

  it.each([
    ['an empty change', {}],
    ['values equal to the current ones', { sending: { globalDailyCap: DEFAULT_SETTINGS.sending.globalDailyCap } }],
  ])('writes nothing for %s', async (_label, patch) => {
    const w = world()
    expect(await updateSettings(w.deps, actor, patch, 3)).toEqual({ ok: true, settings: DEFAULT_SETTINGS, changed: [] })
    expect(w.settingsStore.saves).toBe(0)
    expect(w.settingsStore.events).toEqual([])
    expect((await w.settingsStore.get()).version).toBe(3)
  })

  it.each([
    ['an older version', 2],
    ['a newer version', 4],
  ])('refuses an edit made from %s with 409 and writes nothing', async (_label, expectedVersion) => {
    const w = world()
    const result = await updateSettings(w.deps, actor, { sending: { globalDailyCap: 10 } }, expectedVersion)
    expect(result).toMatchObject({ ok: false, status: 409 })
    expect(!result.ok && result.errors[0]).toMatch(/Someone else changed the settings/)
    expect(w.settingsStore.saves).toBe(0)
    expect((await w.settingsStore.get()).settings).toEqual(DEFAULT_SETTINGS)
  })

  it('answers 409 when another save lands between reading and writing', async () => {
    const w = world()
    w.settingsStore.loseNextSave()
    const result = await updateSettings(w.deps, actor, { sending: { globalDailyCap: 10 } }, 3)
    expect(result).toEqual({ ok: false, status: 409, errors: ['Someone else changed the settings at the same moment. Reload and try again.'] })
    expect(w.settingsStore.events).toEqual([])
  })

  it.each([
    ['an out-of-range rate', { account: { pauseBounceRate: 2 } }, ['account.pauseBounceRate']],
    ['a negative cap and a zero window', { sending: { globalDailyCap: -1 }, security: { loginWindowMinutes: 0 } }, ['sending.globalDailyCap', 'security.loginWindowMinutes']],
    ['an unknown setting', { sending: { turbo: true } }, ['sending.turbo']],
    ['an unknown section', { marketing: {} }, ['marketing']],
    ['something that is not an object', 'globalDailyCap=10', ['settings must be a JSON object']],
  ])('refuses %s with 400, naming each problem, and writes nothing', async (_label, patch, mentioned) => {
    const w = world()
    const result = await updateSettings(w.deps, actor, patch, 3)
    expect(result).toMatchObject({ ok: false, status: 400 })
    if (result.ok) return
    expect(result.errors).toHaveLength(mentioned.length)
    mentioned.forEach((m, i) => expect(result.errors[i]).toContain(m))
    expect(w.settingsStore.saves).toBe(0)
  })

  it('checks the version before the values: a stale invalid edit is a 409', async () => {
    const w = world()
    expect(await updateSettings(w.deps, actor, { account: { pauseBounceRate: 2 } }, 1)).toMatchObject({ ok: false, status: 409 })
  })

  it('applies two edits in turn when each sends the version it read', async () => {
    const w = world()
    await updateSettings(w.deps, actor, { sending: { globalDailyCap: 200 } }, 3)
    const second = await updateSettings(w.deps, actor, { sending: { globalDailyCap: 100 } }, 4)
    expect(second).toMatchObject({ ok: true, changed: ['sending.globalDailyCap'] })
    expect(w.settingsStore.events.map((e) => [e.id, e.details])).toEqual([
      ['ev-1', { before: { 'sending.globalDailyCap': 300 }, after: { 'sending.globalDailyCap': 200 } }],
      ['ev-2', { before: { 'sending.globalDailyCap': 200 }, after: { 'sending.globalDailyCap': 100 } }],
    ])
  })
})
