import { describe, expect, it } from 'vitest'
import type { UnitRow } from '../../bench/capacity'
import { writeFloor } from '../../bench/write-floor'

/** Unit rows as a run of `n` sends meters them: `bytes` is the sum over the n items. */
function rowsOf(sizes: { claim: number; event: number; lead: number; counter: number; total: number }, n = 10): UnitRow[] {
  const row = (op: string, target: string, each: number): UnitRow => ({ op, target, items: n, bytes: each * n, rcu: 0, wcu: 0 })
  return [
    row('UpdateItem', 'campaigns CAMPAIGN/CHAIN', 635),
    row('PutItem', 'sendclaims SEND/SEND', sizes.claim),
    row('TransactWriteItems: Put', 'audit lead/*', sizes.event),
    row('TransactWriteItems: Put', 'audit.byMonth (index entry)', sizes.event),
    row('TransactWriteItems: Update', 'metrics METRICS/overall', 72),
    row('TransactWriteItems: Update', 'metrics METRICS/campaign', sizes.counter),
    // The lead's move is an Update of its status fields (a Put would price the same).
    row('TransactWriteItems: Update', 'leads LEAD/PROFILE', sizes.lead),
    row('TransactWriteItems: Update', 'metrics METRICS/TOTAL', sizes.total),
  ]
}

describe('the write floor under the product rules', () => {
  it('prices a short email at 10 units with one counter item and 18 with a counter item per scope', () => {
    const floor = writeFloor(rowsOf({ claim: 266, event: 879, lead: 604, counter: 78, total: 60 }))
    // claim 1, event 2, one counter 2, lead 2, three index/position writes 3.
    expect(floor.oneCounter).toBe(10)
    // claim 1, event 2, four scope counters 8, lead counters 2, lead 2, 3.
    expect(floor.perScope).toBe(18)
    expect(floor.rows.find((r) => r.what.startsWith('audit event,'))?.bytes).toBe(879)
  })

  it('grows with the audit event and the lead past each kilobyte, twice over inside the transaction', () => {
    const floor = writeFloor(rowsOf({ claim: 266, event: 1_444, lead: 2_100, counter: 78, total: 60 }))
    // event 1,444 B: 2 KB → 4; lead 2,100 B: 3 KB → 6.
    expect(floor.oneCounter).toBe(1 + 4 + 2 + 6 + 3)
    expect(floor.perScope).toBe(1 + 4 + 8 + 2 + 6 + 3)
  })

  it('refuses to price a run that wrote none of an item it needs', () => {
    const rows = rowsOf({ claim: 266, event: 879, lead: 604, counter: 78, total: 60 }).filter((r) => !r.target.startsWith('leads LEAD'))
    expect(() => writeFloor(rows)).toThrow(/leads LEAD/)
  })
})
