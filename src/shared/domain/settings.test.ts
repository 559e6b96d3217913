import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, changedSettings, mergeSettings, settingsSchema, type Settings } from './settings'

describe('DEFAULT_SETTINGS', () => {
  // The documented policy (product brief and the comments in settings.ts).
  const documented = [
    ['mailbox', 'warnHardBounces', 3],
    ['mailbox', 'warnWindowSends', 60],
    ['mailbox', 'pauseHardBounces', 5],
    ['mailbox', 'pauseWindowSends', 100],
    ['mailbox', 'pauseHardBounceRate', 0.03],
    ['mailbox', 'pauseRateMinSends', 60],
    ['mailbox', 'pauseDeliveryFailures', 5],
    ['mailbox', 'deliveryFailureWindowSends', 50],
    ['campaign', 'pauseDegradedMailboxShare', 0.5],
    ['campaign', 'pauseMinDegradedMailboxes', 2],
    ['domain', 'warnUnhealthyMailboxShare', 0.3],
    ['domain', 'pauseUnhealthyMailboxShare', 0.5],
    ['domain', 'pauseHardBounceRate', 0.03],
    ['domain', 'pauseRateMinSends', 100],
    ['domain', 'rateWindowDays', 7],
    ['account', 'pauseBounceRate', 0.04],
    ['account', 'pauseBounceMinSends', 100],
    ['account', 'pauseComplaintRate', 0.0008],
    ['account', 'pauseComplaintMinSends', 1000],
    ['account', 'pauseComplaintsSmallVolume', 2],
    ['account', 'smallVolumeWindowDays', 7],
    ['account', 'rateWindowDays', 7],
    ['sending', 'globalDailyCap', 300],
    ['sending', 'delayMeanSeconds', 120],
    ['sending', 'delaySdSeconds', 30],
    ['sending', 'delayMinSeconds', 60],
    ['sending', 'delayMaxSeconds', 180],
    ['sending', 'sendToRiskyAddresses', false],
    ['security', 'loginMaxFailures', 5],
    ['security', 'loginMaxFailuresPerClient', 20],
    ['security', 'loginWindowMinutes', 15],
    ['security', 'sessionHours', 12],
  ] as const

  it.each(documented)('%s.%s defaults to %s', (section, key, value) => {
    expect((DEFAULT_SETTINGS[section] as Record<string, unknown>)[key]).toBe(value)
  })

  it('has no setting without a documented default above', () => {
    const actual = Object.entries(DEFAULT_SETTINGS).flatMap(([section, values]) => Object.keys(values).map((key) => `${section}.${key}`))
    expect(actual.sort()).toEqual(documented.map(([section, key]) => `${section}.${key}`).sort())
  })

  it('pauses strictly below the SES review levels of 5% bounce and 0.1% complaint', () => {
    expect(DEFAULT_SETTINGS.account.pauseBounceRate).toBeLessThan(0.05)
    expect(DEFAULT_SETTINGS.account.pauseComplaintRate).toBeLessThan(0.001)
    expect(DEFAULT_SETTINGS.mailbox.pauseHardBounceRate).toBeLessThan(0.05)
    expect(DEFAULT_SETTINGS.domain.pauseHardBounceRate).toBeLessThan(0.05)
  })

  it('keeps the Gaussian delay mean inside its clamp', () => {
    const { delayMinSeconds, delayMeanSeconds, delayMaxSeconds } = DEFAULT_SETTINGS.sending
    expect(delayMinSeconds).toBeLessThanOrEqual(delayMeanSeconds)
    expect(delayMeanSeconds).toBeLessThanOrEqual(delayMaxSeconds)
  })

  it('fills a partly stored object with the defaults for everything missing', () => {
    const parsed = settingsSchema.parse({ sending: { globalDailyCap: 50 } })
    expect(parsed.sending.globalDailyCap).toBe(50)
    expect(parsed.sending.delayMeanSeconds).toBe(DEFAULT_SETTINGS.sending.delayMeanSeconds)
    expect(parsed.account).toEqual(DEFAULT_SETTINGS.account)
  })
})

describe('mergeSettings', () => {
  it('applies a partial change and keeps every untouched value', () => {
    const result = mergeSettings(DEFAULT_SETTINGS, { sending: { globalDailyCap: 150 }, account: { pauseBounceRate: 0.02 } })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const expected: Settings = structuredClone(DEFAULT_SETTINGS)
    expected.sending.globalDailyCap = 150
    expected.account.pauseBounceRate = 0.02
    expect(result.settings).toEqual(expected)
  })

  it('merges over the current settings, not over the defaults', () => {
    const current = structuredClone(DEFAULT_SETTINGS)
    current.mailbox.warnHardBounces = 7
    const result = mergeSettings(current, { mailbox: { pauseHardBounces: 9 } })
    expect(result.ok && result.settings.mailbox).toMatchObject({ warnHardBounces: 7, pauseHardBounces: 9 })
  })

  it('does not change the settings object it was given', () => {
    const current = structuredClone(DEFAULT_SETTINGS)
    mergeSettings(current, { sending: { globalDailyCap: 1 } })
    expect(current).toEqual(DEFAULT_SETTINGS)
  })

  it('accepts an empty change as the same settings', () => {
    expect(mergeSettings(DEFAULT_SETTINGS, {})).toEqual({ ok: true, settings: DEFAULT_SETTINGS })
  })

  it.each([
    ['a rate of 2', { account: { pauseBounceRate: 2 } }, 'account.pauseBounceRate'],
    ['a negative rate', { mailbox: { pauseHardBounceRate: -0.01 } }, 'mailbox.pauseHardBounceRate'],
    ['a negative cap', { sending: { globalDailyCap: -1 } }, 'sending.globalDailyCap'],
    ['a fractional count', { mailbox: { warnHardBounces: 2.5 } }, 'mailbox.warnHardBounces'],
    ['zero failures before lockout', { security: { loginMaxFailures: 0 } }, 'security.loginMaxFailures'],
    ['a number given as text', { sending: { globalDailyCap: '300' } }, 'sending.globalDailyCap'],
    ['a boolean given as text', { sending: { sendToRiskyAddresses: 'yes' } }, 'sending.sendToRiskyAddresses'],
    ['a zero delay mean', { sending: { delayMeanSeconds: 0 } }, 'sending.delayMeanSeconds'],
  ])('refuses %s and names the setting', (_label, patch, path) => {
    const result = mergeSettings(DEFAULT_SETTINGS, patch)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(new RegExp(`^${path.replace('.', '\\.')}: `))
  })

  it('lists every invalid value, not just the first', () => {
    const result = mergeSettings(DEFAULT_SETTINGS, { account: { pauseBounceRate: 2 }, sending: { globalDailyCap: -5 } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.map((e) => e.split(':')[0]).sort()).toEqual(['account.pauseBounceRate', 'sending.globalDailyCap'])
  })

  it('accepts the edges of a range (a rate of 0 or 1, a cap of 0)', () => {
    const result = mergeSettings(DEFAULT_SETTINGS, { domain: { pauseHardBounceRate: 1 }, account: { pauseComplaintRate: 0 }, sending: { globalDailyCap: 0 } })
    expect(result.ok && [result.settings.domain.pauseHardBounceRate, result.settings.account.pauseComplaintRate, result.settings.sending.globalDailyCap]).toEqual([1, 0, 0])
  })

  it.each([
    ['a mailbox warning at or past its pause', { mailbox: { warnHardBounces: 5 } }, 'mailbox.warnHardBounces: a warning must come before the pause; use fewer than mailbox.pauseHardBounces (5).'],
    ['a domain warning share at or past its pause', { domain: { warnUnhealthyMailboxShare: 0.6 } }, 'domain.warnUnhealthyMailboxShare: a warning must come before the pause; use less than domain.pauseUnhealthyMailboxShare (0.5).'],
    ['a shortest delay longer than the longest', { sending: { delayMinSeconds: 200 } }, 'sending.delayMinSeconds: the shortest delay (200 s) is longer than the longest (180 s).'],
    ['an average delay below the shortest', { sending: { delayMeanSeconds: 30 } }, 'sending.delayMeanSeconds: the average delay must lie between the shortest (60 s) and the longest (180 s).'],
    ['an average delay above the longest', { sending: { delayMeanSeconds: 181 } }, 'sending.delayMeanSeconds: the average delay must lie between the shortest (60 s) and the longest (180 s).'],
    ['a bounce brake at the SES review level', { account: { pauseBounceRate: 0.05 } }, "account.pauseBounceRate: must stay below SES's review level of 5%, so sending stops before SES reviews the account."],
    ['a complaint brake past the SES review level', { account: { pauseComplaintRate: 0.002 } }, "account.pauseComplaintRate: must stay below SES's review level of 0.1%, so sending stops before SES reviews the account."],
  ])('refuses settings that are each valid but contradict each other: %s', (_label, patch, message) => {
    expect(mergeSettings(DEFAULT_SETTINGS, patch)).toEqual({ ok: false, errors: [message] })
  })

  it('accepts the closest values that still make sense together', () => {
    const result = mergeSettings(DEFAULT_SETTINGS, {
      mailbox: { warnHardBounces: 4 },
      domain: { warnUnhealthyMailboxShare: 0.49 },
      sending: { delayMinSeconds: 120, delayMeanSeconds: 120, delayMaxSeconds: 120 },
      account: { pauseBounceRate: 0.0499, pauseComplaintRate: 0.00099 },
    })
    expect(result.ok).toBe(true)
  })

  it.each([
    ['an unknown section', { marketing: { x: 1 } }, 'marketing: unknown settings section'],
    ['an unknown key', { sending: { turbo: true } }, 'sending.turbo: unknown setting'],
    // Names every object inherits must not pass for settings.
    ['an inherited name as a section', { toString: {} }, 'toString: unknown settings section'],
    ['constructor as a section', { constructor: { name: 'x' } }, 'constructor: unknown settings section'],
    ['an inherited name as a key', { mailbox: { toString: 1 } }, 'mailbox.toString: unknown setting'],
    ['a section that is a number', { sending: 300 }, 'sending: must be an object'],
    ['a section that is null', { sending: null }, 'sending: must be an object'],
    ['a section that is an array', { sending: [1] }, 'sending: must be an object'],
  ])('refuses %s', (_label, patch, message) => {
    expect(mergeSettings(DEFAULT_SETTINGS, patch)).toEqual({ ok: false, errors: [message] })
  })

  it('refuses a __proto__ section from JSON and leaves Object.prototype alone', () => {
    const patch: unknown = JSON.parse('{"__proto__": {"valueOf": "polluted"}}')
    expect(mergeSettings(DEFAULT_SETTINGS, patch)).toEqual({ ok: false, errors: ['__proto__: unknown settings section'] })
    expect(typeof ({} as { valueOf: unknown }).valueOf).toBe('function')
  })

  it.each([
    ['null', null],
    ['an array', [{ sending: { globalDailyCap: 1 } }]],
    ['a string', '{"sending":{}}'],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s as the change', (_label, patch) => {
    expect(mergeSettings(DEFAULT_SETTINGS, patch)).toEqual({ ok: false, errors: ['settings must be a JSON object'] })
  })
})

describe('changedSettings', () => {
  const change = (edit: (s: Settings) => void): Settings => {
    const s = structuredClone(DEFAULT_SETTINGS)
    edit(s)
    return s
  }

  it.each([
    ['nothing', () => {}, []],
    ['one number', (s: Settings) => void (s.sending.globalDailyCap = 10), ['sending.globalDailyCap']],
    ['one boolean', (s: Settings) => void (s.sending.sendToRiskyAddresses = true), ['sending.sendToRiskyAddresses']],
    [
      'values in two sections',
      (s: Settings) => {
        s.mailbox.pauseHardBounces = 6
        s.security.sessionHours = 8
      },
      ['mailbox.pauseHardBounces', 'security.sessionHours'],
    ],
    // Same key name in two sections: the path tells them apart.
    ['a key that also exists in another section', (s: Settings) => void (s.domain.pauseHardBounceRate = 0.02), ['domain.pauseHardBounceRate']],
  ])('lists exactly the changed paths when %s changed', (_label, edit, paths) => {
    expect(changedSettings(DEFAULT_SETTINGS, change(edit))).toEqual(paths)
  })

  it('does not count a value set to what it already was', () => {
    const after = change((s) => void (s.sending.globalDailyCap = DEFAULT_SETTINGS.sending.globalDailyCap))
    expect(changedSettings(DEFAULT_SETTINGS, after)).toEqual([])
  })
})
