import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../domain/audit'
import { suppressManually, type SuppressionDeps, type SuppressionEntry } from './suppression'

/** The suppression port kept in a map, with the audit events its writes carried. */
function fakeDeps() {
  const entries = new Map<string, SuppressionEntry>()
  const events: AuditEvent[] = []
  const put = (kind: 'address' | 'domain') => async (value: string, reason: string, event: AuditEvent) => {
    if (entries.has(`${kind}:${value}`)) return 'exists' as const
    entries.set(`${kind}:${value}`, { kind, value, reason, at: event.at })
    events.push(event)
    return 'added' as const
  }
  const deps: SuppressionDeps = {
    suppression: { add: put('address'), addDomain: put('domain'), list: async () => ({ items: [...entries.values()], nextCursor: null }) },
    clock: { now: () => new Date('2026-11-21T10:00:00Z') },
    ids: { next: () => `ev${events.length + 1}` },
  }
  return { deps, entries, events }
}
const anita = { type: 'user' as const, id: 'anita@drason.test' }

describe('suppressManually', () => {
  it('suppresses an address, normalised, with the note as its reason and an audit event naming who', async () => {
    const { deps, entries, events } = fakeDeps()
    expect(await suppressManually(deps, anita, { target: ' Priya.Sharma@Example.COM ', note: 'asked by phone' })).toEqual({ ok: true, kind: 'address', value: 'priya.sharma@example.com', added: true })
    expect(entries.get('address:priya.sharma@example.com')).toMatchObject({ reason: 'manual: asked by phone' })
    expect(events[0]).toMatchObject({
      actor: anita,
      entityType: 'suppression',
      entityId: 'priya.sharma@example.com',
      action: 'suppressed',
      sentence: 'anita@drason.test put priya.sharma@example.com on the suppression list (asked by phone); Drason will never email this address.',
    })
  })

  it('takes anything without an @ before the domain, or with a leading @, as a whole domain', async () => {
    const { deps, entries, events } = fakeDeps()
    expect(await suppressManually(deps, anita, { target: '@Rival.Example' })).toMatchObject({ ok: true, kind: 'domain', value: 'rival.example' })
    expect(await suppressManually(deps, anita, { target: 'competitor.example.in' })).toMatchObject({ ok: true, kind: 'domain', value: 'competitor.example.in' })
    expect(entries.get('domain:rival.example')?.reason).toBe('manual')
    expect(events[0]?.sentence).toContain('the whole domain rival.example')
  })

  it('answers a repeat as already there, writing nothing more', async () => {
    const { deps, events } = fakeDeps()
    await suppressManually(deps, anita, { target: 'x@example.com' })
    expect(await suppressManually(deps, anita, { target: 'X@EXAMPLE.COM' })).toMatchObject({ ok: true, added: false })
    expect(events).toHaveLength(1)
  })

  it('refuses what is neither an address nor a domain, saying why, and writes nothing', async () => {
    const { deps, entries } = fakeDeps()
    expect(await suppressManually(deps, anita, { target: 'priya@' })).toEqual({ ok: false, status: 400, field: 'target', message: 'Not suppressed: the domain (after the @) is empty.' })
    expect(await suppressManually(deps, anita, { target: 'just words' })).toMatchObject({ ok: false, message: 'Not suppressed: the domain contains a space or line break.' })
    expect(entries.size).toBe(0)
  })
})
