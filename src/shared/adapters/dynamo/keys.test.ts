import { describe, expect, it } from 'vitest'
import { keys } from './keys'

describe('keys.queuedAtOfCursor', () => {
  it('reads back the queue time a queue key was built with', () => {
    const { gsi2sk } = keys.leadByCampaign('c1', 'active', '2026-11-21T10:15:30.123Z', 'lead-abc')
    expect(keys.queuedAtOfCursor(gsi2sk)).toBe('2026-11-21T10:15:30.123Z')
  })

  it.each([null, '', 'no-separator', '2026-11-21T10:15:30.123Z', 'not-a-time#lead-abc', '#lead-abc'])('says nothing for %j', (cursor) => {
    expect(keys.queuedAtOfCursor(cursor)).toBeNull()
  })
})
