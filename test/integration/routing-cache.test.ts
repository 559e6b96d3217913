import { describe, expect, it } from 'vitest'
import { dynamoRouting, RECENT_RULES_MS } from '../../src/shared/adapters/dynamo/campaign-store.server'
import { setupEvent } from '../support/factories'
import { directDeps } from '../support/world'

/** The routing adapter over the sandbox's tables, counting its reads, with a clock the test moves. */
function counted() {
  const { db } = directDeps()
  let reads = 0
  let clock = 0
  const send = db.doc.send.bind(db.doc)
  const countingDb = { ...db, doc: { ...db.doc, send: ((command: unknown) => (reads++, send(command as never))) as typeof db.doc.send } } as typeof db
  const routing = dynamoRouting(countingDb, { now: () => clock })
  return { routing, reads: () => reads, advance: (ms: number) => (clock += ms) }
}

describe('the rule set intake routes by (decision 050)', () => {
  it(`reuses one read for ${RECENT_RULES_MS} ms, then reads again`, async () => {
    const c = counted()
    const stored = await directDeps().routing.get()
    expect(await c.routing.recent()).toEqual(stored)
    c.advance(RECENT_RULES_MS - 1)
    expect(await c.routing.recent()).toEqual(stored)
    expect(c.reads()).toBe(1)
    c.advance(1)
    await c.routing.recent()
    expect(c.reads()).toBe(2)
  })

  it('shares one read between requests that arrive while it is in flight', async () => {
    const c = counted()
    await Promise.all([c.routing.recent(), c.routing.recent(), c.routing.recent()])
    expect(c.reads()).toBe(1)
  })

  it('always reads the stored set for the rules page (get), whatever the copy', async () => {
    const c = counted()
    await c.routing.recent()
    await c.routing.get()
    await c.routing.get()
    expect(c.reads()).toBe(3)
  })

  it('drops its copy on a save in this process, even a refused one', async () => {
    const c = counted()
    await c.routing.recent()
    const { version } = await c.routing.get()
    // A stale version: refused, the stored rules stay as they are (other tests route by them).
    expect(await c.routing.save([], version - 1, setupEvent('rule', 'ruleset'))).toBe('conflict')
    const readsBefore = c.reads()
    await c.routing.recent()
    expect(c.reads()).toBe(readsBefore + 1)
  })
})
