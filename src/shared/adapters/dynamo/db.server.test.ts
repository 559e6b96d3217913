import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, LEFTOVER_ROUNDS, sendUntilProcessed, startKeyFrom } from './db.server'

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

describe('sendUntilProcessed: the part of a batch DynamoDB hands back', () => {
  const recorder = () => {
    const waits: number[] = []
    return { waits, tools: { random: () => 0.999, sleep: async (ms: number) => void waits.push(ms) } }
  }

  it('sends the leftovers, and only them, after a growing wait until nothing is left', async () => {
    const { waits, tools } = recorder()
    const sent: string[][] = []
    const first: Record<string, string[]> = { t: ['a', 'b', 'c'] }
    await sendUntilProcessed(first, async (request): Promise<Record<string, string[]>> => {
      const t = request.t ?? []
      sent.push(t)
      return t.length > 1 ? { t: t.slice(1) } : {}
    }, tools)
    expect(sent).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']])
    expect(waits.map(Math.round)).toEqual([50, 100])
  })

  it('does not wait when everything was taken at once', async () => {
    const { waits, tools } = recorder()
    let calls = 0
    await sendUntilProcessed({ t: ['a'] }, async () => void calls++, tools)
    expect(calls).toBe(1)
    expect(waits).toEqual([])
  })

  it('gives up with a plain error after LEFTOVER_ROUNDS rounds instead of looping for ever', async () => {
    const { waits, tools } = recorder()
    let calls = 0
    await expect(sendUntilProcessed({ t: ['a'] }, async (request) => (calls++, request), tools)).rejects.toThrow(/unprocessed 8 times in a row/)
    expect(calls).toBe(LEFTOVER_ROUNDS)
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000)
  })
})
