import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from './settings'
import { SETTING_LABELS } from './settings-labels'

describe('SETTING_LABELS', () => {
  const labels = Object.entries(SETTING_LABELS).flatMap(([section, keys]) => Object.entries(keys).map(([key, label]) => ({ path: `${section}.${key}`, label })))

  it('names every setting and nothing else', () => {
    const settings = Object.entries(DEFAULT_SETTINGS).flatMap(([section, values]) => Object.keys(values).map((key) => `${section}.${key}`))
    expect(labels.map((l) => l.path).sort()).toEqual(settings.sort())
  })

  it('gives each setting its own words, so a form field (and a screen reader) can tell them apart', () => {
    const seen = new Map<string, string>()
    for (const { path, label } of labels) {
      expect(seen.get(label), `${path} and ${seen.get(label)} share "${label}"`).toBeUndefined()
      seen.set(label, path)
    }
  })
})
