import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTRACT_FIXTURES } from '../support/contracts'

// The shared contracts, where the workspace keeps them beside the clone.
const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'contracts', 'fixtures')

function files(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else out.push(relative(root, path))
    }
  }
  walk(root)
  return out.sort()
}

describe('the vendored contract fixtures', () => {
  it('hold every provider the tests read', () => {
    expect(readdirSync(CONTRACT_FIXTURES).sort()).toEqual(['myemailverifier', 'ses', 'smartlead'])
  })

  it('parse as JSON, and equal the shared contracts file for file whenever those are beside the clone', () => {
    const ours = files(CONTRACT_FIXTURES)
    for (const f of ours.filter((f) => f.endsWith('.json'))) expect(() => JSON.parse(readFileSync(join(CONTRACT_FIXTURES, f), 'utf8')), f).not.toThrow()
    if (!existsSync(SHARED)) return
    expect(ours).toEqual(files(SHARED))
    for (const f of ours) expect(readFileSync(join(CONTRACT_FIXTURES, f)).equals(readFileSync(join(SHARED, f))), f).toBe(true)
  })
})
