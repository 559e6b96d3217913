import { describe, expect, it } from 'vitest'
import { parseSuppressionList, suppressionTarget } from './suppression-list'

describe('suppressionTarget', () => {
  it.each([
    ['an address, normalised', ' Priya.Sharma@Example.COM ', { kind: 'address', value: 'priya.sharma@example.com' }],
    ['an address in a Name <address> wrapper', 'Priya <priya@example.com>', { kind: 'address', value: 'priya@example.com' }],
    ['a domain', 'Rival.Example', { kind: 'domain', value: 'rival.example' }],
    ['a domain written with a leading @', '@rival.example', { kind: 'domain', value: 'rival.example' }],
  ])('%s', (_why, raw, target) => {
    expect(suppressionTarget(raw)).toEqual({ ok: true, target })
  })

  it.each([
    ['an address without a domain', 'priya@', 'the domain (after the @) is empty'],
    ['words', 'just words', 'the domain contains a space or line break'],
  ])('refuses %s', (_why, raw, reason) => {
    expect(suppressionTarget(raw)).toEqual({ ok: false, reason })
  })
})

describe('parseSuppressionList', () => {
  it('reads the column headed like an email or domain column, reporting each bad row and taking repeats once', () => {
    const parsed = parseSuppressionList(
      ['Name', 'Email Address', 'Note'],
      [
        ['Priya', 'priya@example.com', 'customer'],
        ['Rival', 'rival.example', 'competitor'],
        ['Repeat', 'PRIYA@EXAMPLE.COM', ''],
        ['Nobody', '', ''],
        ['Broken', 'priya@', ''],
        ['Short row'],
      ],
    )
    expect(parsed).toEqual({
      targets: [
        { kind: 'address', value: 'priya@example.com', row: 2 },
        { kind: 'domain', value: 'rival.example', row: 3 },
      ],
      refused: [{ row: 6, value: 'priya@', reason: 'the domain (after the @) is empty' }],
      repeats: 1,
      blank: 2,
    })
  })

  it('reads the first column of a file without a header row, its first row included', () => {
    const parsed = parseSuppressionList(['a@example.com'], [['example.org'], ['b@example.com']])
    expect(parsed.targets.map((t) => [t.row, t.value])).toEqual([
      [1, 'a@example.com'],
      [2, 'example.org'],
      [3, 'b@example.com'],
    ])
  })

  it('does not take a header word for a domain', () => {
    expect(parseSuppressionList(['Blocked'], [['x@example.com']]).targets).toEqual([{ kind: 'address', value: 'x@example.com', row: 2 }])
  })
})
