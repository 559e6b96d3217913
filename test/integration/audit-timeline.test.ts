import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { dynamoAuditLog } from '../../src/shared/adapters/dynamo/audit-store.server'
import { createDb, sandboxTableNames, type Db } from '../../src/shared/adapters/dynamo/db.server'
import type { AuditEvent } from '../../src/shared/domain/audit'
import { admin, signIn, world } from '../support/world'

/**
 * The audit timeline's filters on DynamoDB Local, with the queries each request makes counted: a filter is
 * applied after DynamoDB reads, so a rare action among many other events must not make one request read
 * the whole log. Years 2011–2013 are this file's own (no other test writes there).
 */

let seq = 0
function event(at: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  seq += 1
  return { id: `tl-${Date.now()}-${seq}`, at, actor: { type: 'system', id: 'test' }, entityType: 'mailbox', entityId: 'mb-tl', action: 'noise', sentence: `Timeline test event ${seq}.`, ...overrides }
}

/** The audit adapter over a client that counts its Query calls. */
function countingAudit() {
  const db = createDb({ endpoint: world().tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
  let queries = 0
  const send = db.doc.send.bind(db.doc)
  const counting: Db = {
    table: db.table,
    doc: new Proxy(db.doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: unknown) => {
              if (command instanceof QueryCommand) queries += 1
              return send(command as never)
            }
          : Reflect.get(target, prop, receiver),
    }),
  }
  return {
    audit: dynamoAuditLog(counting),
    take: () => {
      const n = queries
      queries = 0
      return n
    },
  }
}

async function appendAll(audit: ReturnType<typeof dynamoAuditLog>, events: AuditEvent[]) {
  for (let i = 0; i < events.length; i += 50) await Promise.all(events.slice(i, i + 50).map((e) => audit.append(e)))
}

describe('the audit timeline bounds the work of a filtered request', () => {
  it('reads a month of non-matching events in large pages, not one query per 25 events', async () => {
    const { audit, take } = countingAudit()
    // 600 events of other actions in March 2013, the one match the oldest of the month.
    const rare = event('2013-03-01T00:00:01.000Z', { action: 'rare_in_march' })
    const noise = Array.from({ length: 600 }, (_, i) => event(new Date(Date.UTC(2013, 2, 2) + i * 60_000).toISOString()))
    await appendAll(audit, [rare, ...noise])
    take()
    const page = await audit.timeline({ action: 'rare_in_march', from: '2013-03-01T00:00:00.000Z', to: '2013-03-31T23:59:59.999Z', limit: 25 }, new Date())
    expect(page.items.map((e) => e.id)).toEqual([rare.id])
    expect(page.nextCursor).toBeNull()
    // 601 events read 200 at a time: 4 queries (a page of 25 would have taken 25).
    expect(take()).toBeLessThanOrEqual(4)
  })

  it('stops after a bounded number of queries with a cursor and how far back it searched, then carries on', async () => {
    const { audit, take } = countingAudit()
    // One non-matching event in each of the 20 months from 2011-05 to 2012-12; the match in 2011-05.
    const months = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2011, 4 + i, 15)).toISOString())
    const rare = event('2011-05-03T10:00:00.000Z', { action: 'rare_long_ago' })
    await appendAll(audit, [rare, ...months.map((at) => event(at))])
    take()
    const query = { action: 'rare_long_ago', from: '2011-05-01T00:00:00.000Z', to: '2012-12-31T23:59:59.999Z', limit: 25 }
    const first = await audit.timeline(query, new Date())
    expect(take()).toBe(15)
    expect(first.items).toEqual([])
    expect(first.nextCursor).not.toBeNull()
    // 15 months searched, December 2012 back to October 2011 included.
    expect(first.searchedTo).toBe('2011-10-01T00:00:00.000Z')
    const second = await audit.timeline({ ...query, cursor: first.nextCursor }, new Date())
    expect(second.items.map((e) => e.id)).toEqual([rare.id])
    expect(second.nextCursor).toBeNull()
    expect(take()).toBeLessThanOrEqual(5)
  })

  it('loses no match and repeats none when a large read finds more matches than the page has room for', async () => {
    const { audit } = countingAudit()
    const wanted = Array.from({ length: 5 }, (_, i) => event(`2012-02-0${i + 1}T09:00:00.000Z`, { action: 'paged_match' }))
    const noise = Array.from({ length: 30 }, (_, i) => event(new Date(Date.UTC(2012, 1, 1, 10) + i * 3_600_000).toISOString()))
    await appendAll(audit, [...wanted, ...noise])
    const query = { action: 'paged_match', from: '2012-02-01T00:00:00.000Z', to: '2012-02-29T23:59:59.999Z', limit: 2 }
    const seen: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 5; pages++) {
      const page: Awaited<ReturnType<typeof audit.timeline>> = await audit.timeline({ ...query, cursor }, new Date())
      seen.push(...page.items.map((e) => e.id))
      cursor = page.nextCursor
      if (!cursor) break
    }
    expect(seen).toEqual([...wanted].reverse().map((e) => e.id))
    expect(cursor).toBeNull()
  })

  it('says on the page that the search stopped part-way, with a link to search further back', async () => {
    // The 20 months of the test above, through the screen.
    const cookie = await signIn(admin())
    const res = await fetch(`${world().baseUrl}/audit?action=rare_long_ago&from=2011-05-01&to=2012-12-31`, { headers: { cookie } })
    const html = await res.text()
    expect(html).toContain('data-testid="audit-partial"')
    expect(html).toContain('Searched back to 2011-10-01 00:00 UTC')
    expect(html).not.toContain('No events match.')
    expect(html).not.toContain('<code>rare_long_ago</code>')
    const older = html.match(/<a [^>]*href="([^"]*cursor=[^"]+)"[^>]*>Search older events</)
    expect(older).not.toBeNull()
    const next = await (await fetch(`${world().baseUrl}/audit${older![1]!.replace(/^\/audit/, '').replace(/&amp;/g, '&')}`, { headers: { cookie } })).text()
    expect(next).toContain('<code>rare_long_ago</code>')
    expect(next).not.toContain('data-testid="audit-partial"')
  })
})
