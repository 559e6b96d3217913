import { afterEach, beforeEach, vi } from 'vitest'

/**
 * Any console.error a test did not expect fails that test. A test that expects one calls
 * `expectConsoleError()` first.
 */
let unexpected: unknown[][] = []
let allowed = 0

export function expectConsoleError(count = 1): void {
  allowed += count
}

beforeEach(() => {
  unexpected = []
  allowed = 0
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (allowed > 0) {
      allowed--
      return
    }
    unexpected.push(args)
  })
})

afterEach(() => {
  vi.mocked(console.error).mockRestore()
  if (unexpected.length > 0) {
    const first = unexpected[0]!.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')
    throw new Error(`Unexpected console.error (${unexpected.length}): ${first}`)
  }
})
