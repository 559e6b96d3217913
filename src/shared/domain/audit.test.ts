import { describe, expect, it } from 'vitest'
import { auditEventKey, monthOf, previousMonth, stampAuditEvent, type NewAuditEvent } from './audit'

const input: NewAuditEvent = {
  actor: { type: 'system', id: 'health' },
  entityType: 'mailbox',
  entityId: 'mb-1',
  action: 'paused',
  signals: ['hard_bounce_rate'],
  value: 0.05,
  threshold: 0.03,
  window: 'last 100 sends',
  sentence: 'Paused mb-1: hard-bounce rate 5% over the last 100 sends (pause at 3%).',
  details: { sends: 100 },
}

describe('stampAuditEvent', () => {
  it('adds the id and the given time as ISO-8601 UTC, keeping every other field', () => {
    const event = stampAuditEvent(input, 'ev-1', new Date(Date.UTC(2026, 10, 21, 9, 30, 0, 5)))
    expect(event).toEqual({ ...input, id: 'ev-1', at: '2026-11-21T09:30:00.005Z' })
  })

  it('does not change the input', () => {
    const copy = structuredClone(input)
    stampAuditEvent(input, 'ev-2', new Date(0))
    expect(input).toEqual(copy)
  })

  it.each([['empty', ''], ['blank', '   \t ']])('refuses an %s sentence: Drason never acts silently', (_label, sentence) => {
    expect(() => stampAuditEvent({ ...input, sentence }, 'ev-3', new Date(0))).toThrow('an audit event needs a sentence')
  })
})

describe('monthOf', () => {
  it.each([
    ['2026-11-21T09:30:00.000Z', '2026-11'],
    ['2026-01-01T00:00:00.000Z', '2026-01'],
    ['2025-12-31T23:59:59.999Z', '2025-12'],
    ['2026-02-28', '2026-02'],
  ])('%s is in %s', (iso, month) => {
    expect(monthOf(iso)).toBe(month)
  })
})

describe('previousMonth', () => {
  it.each([
    ['2026-11', '2026-10'],
    ['2026-10', '2026-09'],
    ['2026-12', '2026-11'],
    ['2026-02', '2026-01'],
    ['2026-01', '2025-12'],
    ['2000-01', '1999-12'],
  ])('before %s is %s', (month, previous) => {
    expect(previousMonth(month)).toBe(previous)
  })

  it('walks back a whole year to the same month of the year before', () => {
    let month = '2026-03'
    for (let i = 0; i < 12; i++) month = previousMonth(month)
    expect(month).toBe('2025-03')
  })
})

describe('auditEventKey', () => {
  it('tells apart events that share an id but not an entity or a time, as the store does', () => {
    const base = { entityType: 'lead' as const, entityId: 'L1', at: '2026-11-21T10:00:00.000Z', id: 'setup' }
    const keysOf = [base, { ...base, entityId: 'L2' }, { ...base, at: '2026-11-21T10:00:00.001Z' }, { ...base, entityType: 'domain' as const }].map(auditEventKey)
    expect(new Set(keysOf).size).toBe(4)
    expect(auditEventKey({ ...base })).toBe(auditEventKey(base))
  })
})
