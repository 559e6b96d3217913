import { describe, expect, it } from 'vitest'
import { canChange, isLockedOut, loginWindow, normaliseLoginEmail, safeRedirectPath } from './auth'

describe('loginWindow', () => {
  const at = (iso: string) => new Date(iso)

  it.each([
    // 15-minute windows start on the quarter hour (UTC epoch-aligned).
    ['2026-11-21T09:00:00.000Z', 15, '2026-11-21T09:00:00.000Z', '2026-11-21T09:15:00.000Z'],
    ['2026-11-21T09:14:59.999Z', 15, '2026-11-21T09:00:00.000Z', '2026-11-21T09:15:00.000Z'],
    ['2026-11-21T09:15:00.000Z', 15, '2026-11-21T09:15:00.000Z', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21T23:59:59.999Z', 60, '2026-11-21T23:00:00.000Z', '2026-11-22T00:00:00.000Z'],
    ['2026-11-21T09:07:30.000Z', 1, '2026-11-21T09:07:00.000Z', '2026-11-21T09:08:00.000Z'],
  ])('at %s with %i-minute windows runs from %s to %s', (now, minutes, start, end) => {
    const window = loginWindow(at(now), minutes)
    expect(window.id).toBe(String(at(start).getTime()))
    expect(window.endsAt.toISOString()).toBe(end)
  })

  it('gives the same id to every moment of one window and a new id at its end', () => {
    const first = loginWindow(at('2026-11-21T09:00:00.000Z'), 15)
    expect(loginWindow(at('2026-11-21T09:14:59.999Z'), 15).id).toBe(first.id)
    expect(loginWindow(first.endsAt, 15).id).not.toBe(first.id)
  })
})

describe('isLockedOut', () => {
  it.each([
    [0, 5, false],
    [4, 5, false],
    [5, 5, true],
    [6, 5, true],
    [0, 1, false],
    [1, 1, true],
  ])('%i failures with a limit of %i: locked %s', (failures, max, locked) => {
    expect(isLockedOut(failures, max)).toBe(locked)
  })
})

describe('normaliseLoginEmail', () => {
  it.each([
    ['Admin@Drason.Local', 'admin@drason.local'],
    ['  anita@example.com \n', 'anita@example.com'],
    ['ANITA@EXAMPLE.COM', 'anita@example.com'],
    ['already@lower.case', 'already@lower.case'],
  ])('%j becomes %j', (raw, normal) => {
    expect(normaliseLoginEmail(raw)).toBe(normal)
  })
})

describe('canChange', () => {
  it.each([
    ['admin', true],
    ['viewer', false],
  ] as const)('%s may change things: %s', (role, allowed) => {
    expect(canChange(role)).toBe(allowed)
  })
})

describe('safeRedirectPath', () => {
  it.each([
    ['/audit', '/audit'],
    ['/leads?status=held&reason=unrouted', '/leads?status=held&reason=unrouted'],
    ['/campaigns/c1#controls', '/campaigns/c1#controls'],
    ['/leads/a%40b.example', '/leads/a%40b.example'],
  ])('keeps the path on this site %s', (to, expected) => {
    expect(safeRedirectPath(to)).toBe(expected)
  })

  it.each([
    ['protocol-relative', '//evil.example.com/'],
    ['backslash', '/\\evil.example.com/'],
    ['backslash later', '/a/..\\..\\/evil.example.com'],
    ['tab after the slash (browsers drop it)', '/\t/evil.example.com/'],
    ['newline after the slash', '/\n/evil.example.com/'],
    ['carriage return', '/\r/evil.example.com/'],
    ['space', '/ /evil.example.com/'],
    ['NUL', '/\u0000/evil.example.com/'],
    ['absolute URL', 'https://evil.example.com/'],
    ['scheme', 'javascript:alert(1)'],
    ['relative path', 'audit'],
    ['empty', ''],
    ['not a string', 42],
    ['missing', null],
  ])('falls back for %s', (_, to) => {
    expect(safeRedirectPath(to)).toBe('/')
    expect(safeRedirectPath(to, '/leads')).toBe('/leads')
  })

  it('normalises dot segments without leaving the site', () => {
    expect(safeRedirectPath('/../../evil')).toBe('/evil')
  })
})

