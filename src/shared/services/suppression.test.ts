import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../domain/audit'
import { MAX_SUPPRESSION_LIST_ROWS } from '../domain/suppression-list'
import { suppressList, suppressManually, type SuppressionDeps, type SuppressionEntry } from './suppression'

/** The suppression port kept in a map, with the audit events its writes carried. */
function fakeDeps(options: { addedMeanwhile?: string[] } = {}) {
  const entries = new Map<string, SuppressionEntry>()
  const events: AuditEvent[] = []
  const writes: number[] = []
  let meanwhile = options.addedMeanwhile ?? []
  const put = (kind: 'address' | 'domain') => async (value: string, reason: string, event: AuditEvent) => {
    if (entries.has(`${kind}:${value}`)) return 'exists' as const
    entries.set(`${kind}:${value}`, { kind, value, reason, at: event.at })
    events.push(event)
    return 'added' as const
  }
  const deps: SuppressionDeps = {
    suppression: {
      add: put('address'),
      addDomain: put('domain'),
      list: async () => ({ items: [...entries.values()], nextCursor: null }),
      existing: async (targets) => new Set(targets.map((t) => `${t.kind}:${t.value}`).filter((k) => entries.has(k))),
      async addMany(targets, reason, event) {
        // Another writer adds these between the read and the write, once: the transaction is cancelled.
        for (const value of meanwhile) entries.set(`address:${value}`, { kind: 'address', value, reason: 'unsubscribe', at: event.at })
        if (meanwhile.length) {
          meanwhile = []
          if (targets.some((t) => entries.has(`${t.kind}:${t.value}`))) return 'conflict'
        }
        if (targets.some((t) => entries.has(`${t.kind}:${t.value}`))) throw new Error('addMany was handed an entry already stored')
        for (const t of targets) entries.set(`${t.kind}:${t.value}`, { ...t, reason, at: event.at })
        events.push(event)
        writes.push(targets.length)
        return 'added'
      },
    },
    clock: { now: () => new Date('2026-11-21T10:00:00Z') },
    ids: { next: () => `ev${events.length + 1}` },
  }
  return { deps, entries, events, writes }
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

const csv = (text: string) => new TextEncoder().encode(text)

describe('suppressList', () => {
  it('adds every new entry of an uploaded list 99 to a write with one audit event each, keeps what is there, and reports bad rows', async () => {
    const { deps, entries, events, writes } = fakeDeps()
    await suppressManually(deps, anita, { target: 'known@example.com' })
    const rows = Array.from({ length: 150 }, (_, i) => `lead${i}@example.com`)
    const file = csv(`Email\nknown@example.com\n${rows.join('\n')}\nrival.example\nnot an address\n\nLEAD0@EXAMPLE.COM\n`)
    const result = await suppressList(deps, anita, { name: 'crm-blocklist.csv', bytes: file })
    expect(result).toEqual({ ok: true, added: 151, already: 1, repeats: 1, blank: 1, refused: [{ row: 154, value: 'not an address', reason: 'the domain contains a space or line break' }] })
    expect(writes).toEqual([98, 53])
    expect(entries.get('domain:rival.example')?.reason).toBe('manual: list crm-blocklist.csv')
    expect(entries.get('address:known@example.com')?.reason).toBe('manual')
    expect(events.slice(1).map((e) => e.sentence)).toEqual([
      'anita@drason.test put 98 entries from crm-blocklist.csv on the suppression list; Drason will never email them.',
      'anita@drason.test put 53 entries from crm-blocklist.csv on the suppression list; Drason will never email them.',
    ])
    expect(events[1]!.details).toMatchObject({ file: 'crm-blocklist.csv', entries: expect.arrayContaining(['lead0@example.com']) })
  })

  it('reads the stored entries again when another writer added one meanwhile, and writes the rest', async () => {
    const { deps, entries, writes } = fakeDeps({ addedMeanwhile: ['b@example.com'] })
    const result = await suppressList(deps, anita, { name: 'list.csv', bytes: csv('a@example.com\nb@example.com\nc@example.com\n') })
    expect(result).toMatchObject({ ok: true, added: 2, already: 1 })
    expect(writes).toEqual([2])
    expect(entries.get('address:b@example.com')?.reason).toBe('unsubscribe')
  })

  it(`refuses a list longer than ${MAX_SUPPRESSION_LIST_ROWS.toLocaleString('en')} rows before writing anything`, async () => {
    const { deps, entries } = fakeDeps()
    const rows = Array.from({ length: MAX_SUPPRESSION_LIST_ROWS + 1 }, (_, i) => `r${i}@example.com`)
    const result = await suppressList(deps, anita, { name: 'big.csv', bytes: csv(`Email\n${rows.join('\n')}\n`) })
    expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringContaining(`more than ${MAX_SUPPRESSION_LIST_ROWS.toLocaleString('en')} data rows`) })
    expect(entries.size).toBe(0)
  })

  it('refuses a file it cannot read, writing nothing', async () => {
    const { deps, entries } = fakeDeps()
    expect(await suppressList(deps, anita, { name: 'empty.csv', bytes: new Uint8Array() })).toEqual({ ok: false, status: 400, message: 'The file is empty.' })
    expect(entries.size).toBe(0)
  })
})
