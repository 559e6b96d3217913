import { beforeAll, describe, expect, it } from 'vitest'
import { fixedClock, memoryAuditLog, sequentialIds } from '../../../test/support/memory'
import { auditFilterSchema, listAudit, recordAudit, toAuditQuery } from './audit-log'

describe('auditFilterSchema', () => {
  it('treats empty strings as "any" and defaults the page size', () => {
    expect(auditFilterSchema.parse({ entityType: '', action: '', from: '', to: '', cursor: '' })).toEqual({ limit: 25 })
    expect(auditFilterSchema.parse({})).toEqual({ limit: 25 })
  })

  it('accepts a full filter, trimming text and reading the limit from a query string', () => {
    expect(auditFilterSchema.parse({ entityType: 'mailbox', action: ' login_failed ', from: '2026-11-01', to: '2026-11-21T10:00:00Z', cursor: 'abc', limit: '50' })).toEqual({
      entityType: 'mailbox',
      action: 'login_failed',
      from: '2026-11-01',
      to: '2026-11-21T10:00:00Z',
      cursor: 'abc',
      limit: 50,
    })
  })

  it.each([
    ['an unknown entity type', { entityType: 'planet' }, 'entityType'],
    ['an action with capitals', { action: 'Login' }, 'action'],
    ['an action with a hyphen', { action: 'login-failed' }, 'action'],
    ['an action with spaces inside', { action: 'login failed' }, 'action'],
    ['an action over 64 characters', { action: 'a'.repeat(65) }, 'action'],
    ['a date in another format', { from: '21/11/2026' }, 'from'],
    ['a date with text after it', { to: '2026-11-21; drop' }, 'to'],
    ['a limit of 0', { limit: '0' }, 'limit'],
    ['a limit over 100', { limit: 101 }, 'limit'],
    ['a fractional limit', { limit: '2.5' }, 'limit'],
    ['a limit that is not a number', { limit: 'all' }, 'limit'],
    ['a cursor over 2048 characters', { cursor: 'c'.repeat(2049) }, 'cursor'],
    ['an entity id without its type', { entityId: 'mb-1' }, 'entityId'],
    ['an entity id with spaces inside', { entityType: 'mailbox', entityId: 'mb 1' }, 'entityId'],
    ['an entity id over 254 characters', { entityType: 'mailbox', entityId: 'm'.repeat(255) }, 'entityId'],
  ])('refuses %s', (_label, input, field) => {
    const result = auditFilterSchema.safeParse(input)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field])
  })

  it.each([
    ['the smallest limit', { limit: '1' }],
    ['the largest limit', { limit: '100' }],
    ['an action of 64 characters', { action: 'a'.repeat(64) }],
    ['a date-time with fractions', { from: '2026-11-21T10:00:00.123Z' }],
    ['an entity id with its type', { entityType: 'user', entityId: 'anita@example.com' }],
    ['an empty entity id without a type', { entityId: '' }],
  ])('accepts %s', (_label, input) => {
    expect(auditFilterSchema.safeParse(input).success).toBe(true)
  })
})

describe('toAuditQuery', () => {
  it.each([
    // A bare date covers the whole of that day, both ends inclusive.
    [{ from: '2026-11-01', to: '2026-11-21' }, { from: '2026-11-01T00:00:00.000Z', to: '2026-11-21T23:59:59.999Z' }],
    [{ to: '2026-12-31' }, { to: '2026-12-31T23:59:59.999Z' }],
    [{ from: '2026-02-28' }, { from: '2026-02-28T00:00:00.000Z' }],
    // A full time is kept as given.
    [{ from: '2026-11-01T08:00:00Z', to: '2026-11-21T10:30:00.000Z' }, { from: '2026-11-01T08:00:00Z', to: '2026-11-21T10:30:00.000Z' }],
    [{}, {}],
  ])('turns %j into %j', (dates, expected) => {
    expect(toAuditQuery(auditFilterSchema.parse(dates))).toEqual({ limit: 25, ...expected })
  })

  it('carries entity type, action, cursor and limit, and leaves out what is unset', () => {
    expect(toAuditQuery(auditFilterSchema.parse({ entityType: 'user', action: 'login', cursor: 'next', limit: '10' }))).toEqual({
      entityType: 'user',
      action: 'login',
      cursor: 'next',
      limit: 10,
    })
    expect(Object.keys(toAuditQuery(auditFilterSchema.parse({ entityType: '', action: '' })))).toEqual(['limit'])
  })
})

describe('recordAudit / listAudit', () => {
  it('stamps and appends an event, then finds it with a bare-date filter for that day', async () => {
    const clock = fixedClock('2026-11-21T23:59:59.500Z')
    const audit = memoryAuditLog()
    const deps = { audit, clock, ids: sequentialIds('ev') }
    const event = await recordAudit(deps, { actor: { type: 'system', id: 'health' }, entityType: 'mailbox', entityId: 'mb-1', action: 'paused', sentence: 'Paused mb-1.' })

    expect(event).toMatchObject({ id: 'ev-1', at: '2026-11-21T23:59:59.500Z' })
    expect(audit.events).toEqual([event])
    clock.advance(3_600_000)
    // Late on the 21st is still inside a filter that ends on the 21st.
    expect((await listAudit(deps, auditFilterSchema.parse({ to: '2026-11-21' }))).items).toEqual([event])
    expect((await listAudit(deps, auditFilterSchema.parse({ from: '2026-11-22' }))).items).toEqual([])
  })
})

describe('listAudit by one entity', () => {
  const clock = fixedClock('2026-11-21T12:00:00.000Z')
  const audit = memoryAuditLog()
  const deps = { audit, clock, ids: sequentialIds('ev') }

  // mb-1: paused, resumed, paused, resumed over four days; mb-2 and a domain with the same id in between.
  const script: [string, 'mailbox' | 'domain', string, string][] = [
    ['2026-11-17T10:00:00.000Z', 'mailbox', 'mb-1', 'paused'],
    ['2026-11-18T10:00:00.000Z', 'mailbox', 'mb-1', 'resumed'],
    ['2026-11-18T11:00:00.000Z', 'mailbox', 'mb-2', 'resumed'],
    ['2026-11-18T12:00:00.000Z', 'domain', 'mb-1', 'resumed'],
    ['2026-11-19T10:00:00.000Z', 'mailbox', 'mb-1', 'paused'],
    ['2026-11-20T10:00:00.000Z', 'mailbox', 'mb-1', 'resumed'],
  ]
  const list = (filter: Record<string, string>) => listAudit(deps, auditFilterSchema.parse(filter))
  const summary = (events: { at: string; action: string }[]) => events.map((e) => `${e.at.slice(0, 10)} ${e.action}`)

  beforeAll(async () => {
    for (const [at, entityType, entityId, action] of script) {
      await audit.append({ id: `${entityType}-${entityId}-${at}`, at, actor: { type: 'system', id: 'health' }, entityType, entityId, action, sentence: `${action} ${entityId}.` })
    }
  })

  it('finds only that entity, newest first, with the action and time filters applied', async () => {
    expect(summary((await list({ entityType: 'mailbox', entityId: 'mb-1' })).items)).toEqual(['2026-11-20 resumed', '2026-11-19 paused', '2026-11-18 resumed', '2026-11-17 paused'])
    expect(summary((await list({ entityType: 'mailbox', entityId: 'mb-1', action: 'resumed' })).items)).toEqual(['2026-11-20 resumed', '2026-11-18 resumed'])
    expect(summary((await list({ entityType: 'mailbox', entityId: 'mb-1', from: '2026-11-18', to: '2026-11-19' })).items)).toEqual(['2026-11-19 paused', '2026-11-18 resumed'])
    expect((await list({ entityType: 'mailbox', entityId: 'mb-3' })).items).toEqual([])
  })

  it('pages through the matches with a cursor, each page at most the limit', async () => {
    const first = await list({ entityType: 'mailbox', entityId: 'mb-1', action: 'resumed', limit: '1' })
    expect(summary(first.items)).toEqual(['2026-11-20 resumed'])
    expect(first.nextCursor).not.toBeNull()
    const second = await list({ entityType: 'mailbox', entityId: 'mb-1', action: 'resumed', limit: '1', cursor: first.nextCursor! })
    expect(summary(second.items)).toEqual(['2026-11-18 resumed'])
  })

  it('stops reading at the first event older than the range', async () => {
    const reads: (string | null | undefined)[] = []
    const counting = { ...audit, forEntity: (...args: Parameters<typeof audit.forEntity>) => (reads.push(args[3]), audit.forEntity(...args)) }
    const page = await listAudit({ audit: counting, clock }, auditFilterSchema.parse({ entityType: 'mailbox', entityId: 'mb-1', from: '2026-11-19', limit: '1' }))
    // The page of 1 is full after the first read; the cursor leads on to the next event, which is in range.
    expect(summary(page.items)).toEqual(['2026-11-20 resumed'])
    const next = await listAudit({ audit: counting, clock }, auditFilterSchema.parse({ entityType: 'mailbox', entityId: 'mb-1', from: '2026-11-19', limit: '5', cursor: page.nextCursor! }))
    expect(summary(next.items)).toEqual(['2026-11-19 paused'])
    expect(next.nextCursor).toBeNull()
    expect(reads).toHaveLength(2)
  })
})
