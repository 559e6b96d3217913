import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, startKeyFrom } from './db.server'

const KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const
const PARTITION = { name: 'gsi1pk', value: 'LEADS#held' }
const good = { pk: 'LEAD#1', sk: 'LEAD', gsi1pk: 'LEADS#held', gsi1sk: '2026-11-21T10:00:00.000Z#1' }

describe('startKeyFrom: a cursor from the address bar', () => {
  it('gives back the key a page ended on', () => {
    expect(startKeyFrom(encodeCursor(good), KEYS, PARTITION)).toEqual(good)
  })

  it.each([
    ['no cursor', null],
    ['an empty cursor', ''],
    ['not base64 JSON', '%%%not-a-cursor'],
    ['JSON that is not an object', encodeCursor(['pk', 'sk'])],
    ['null', encodeCursor(null)],
    ['another key entirely', encodeCursor({ a: 'b' })],
    ['a key attribute missing', encodeCursor({ pk: 'LEAD#1', sk: 'LEAD', gsi1pk: 'LEADS#held' })],
    ['an extra attribute', encodeCursor({ ...good, evil: 'x' })],
    ['a number where a string belongs', encodeCursor({ ...good, sk: 5 })],
    ['a DynamoDB-typed value', encodeCursor({ ...good, sk: { S: 'LEAD' } })],
    ['an empty value', encodeCursor({ ...good, sk: '' })],
    ['a huge value', encodeCursor({ ...good, gsi1sk: 'x'.repeat(2000) })],
    ['another partition (another status)', encodeCursor({ ...good, gsi1pk: 'LEADS#active' })],
  ])('starts from the top for %s', (_label, cursor) => {
    expect(startKeyFrom(cursor, KEYS, PARTITION)).toBeUndefined()
  })

  it('round-trips what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor({ month: '2026-11', key: good }))).toEqual({ month: '2026-11', key: good })
  })
})
