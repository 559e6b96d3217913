import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
import { monthOf, previousMonth, type AuditEvent, type EntityType } from '../../domain/audit'
import type { Page } from '../../domain/page'
import type { AuditQuery } from '../../services/audit-log'
import { checkStartKey, decodeCursor, encodeCursor, startKeyFrom, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'

/**
 * The audit log in DynamoDB. Append-only by construction: the only write is a conditional put that
 * refuses to overwrite, and this module has no update or delete.
 */

// A timeline walks back month by month; after this many empty months in a row it stops, so a query over
// a quiet history ends instead of walking back forever.
const MAX_EMPTY_MONTHS = 12

// The queries one timeline request may make. A page function has 10 s; a query of the audit index takes
// tens of milliseconds, so 15 stay far inside it, and with a filter they read at most 15 × 200 = 3,000
// events (about 400 read units of ~1 KB events, eventually consistent). A rare action over a long history
// is then searched a few months per request, the person choosing to search further back, instead of one
// request reading the whole log.
const MAX_QUERIES_PER_REQUEST = 15

// Items read per query when a filter is applied (DynamoDB filters after reading `Limit` items). A page of
// 25 events would cost a query per 25 events read; 200 events of ~1 KB stay well under the 1 MB a query
// returns, and the matches beyond the page's room are not lost (the cursor resumes after the last shown).
const FILTERED_PAGE_ITEMS = 200

const cursorSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  key: z.record(z.string(), z.string()).optional(),
  // Months in a row with no match so far, and whether the current month had one (a walk over requests).
  empty: z.int().min(0).optional(),
  hit: z.boolean().optional(),
})

/**
 * Lead events (intake, sends, skips, feedback) are nearly all of the log, so the by-type index leaves them
 * out: a timeline of lead events reads the by-month index and filters, which costs little because almost
 * every event there is one, while each lead event is spared an index write (a write unit or two, and the
 * time of one, on every intake and every send). The rarer types keep their own index, where a filter over
 * the month would read thousands of lead events to find a few.
 */
const UNINDEXED_BY_TYPE: EntityType = 'lead'

/**
 * Details longer than this are stored deflated (`detailsZ`, a binary attribute) instead of as a map. A send's
 * event carries the exact email sent and the verifier's answer: ~1 KB for a short plain-text email, several
 * KB with an HTML part. DynamoDB bills writes per started KB, twice inside a transaction and once more for
 * the by-month index entry, so storing that text at about half its size keeps a send's event near one KB
 * whatever the email's length (decision 060). Short details stay readable in the console as a map. Only
 * this module knows: events go in and come out as they were.
 */
export const DETAILS_INLINE_MAX = 300

function toItem(event: AuditEvent): Record<string, unknown> {
  const month = monthOf(event.at)
  const details = event.details === undefined ? undefined : JSON.stringify(event.details)
  const deflate = details !== undefined && Buffer.byteLength(details, 'utf8') > DETAILS_INLINE_MAX
  return {
    ...keys.auditEvent(event.entityType, event.entityId, event.at, event.id),
    ...keys.auditByMonth(month, event.at, event.id),
    ...(event.entityType === UNINDEXED_BY_TYPE ? {} : keys.auditByTypeMonth(event.entityType, month, event.at, event.id)),
    event: deflate ? { ...event, details: undefined } : event,
    ...(deflate ? { detailsZ: deflateRawSync(details) } : {}),
  }
}

function fromItem(item: Record<string, unknown>): AuditEvent {
  const event = item.event as AuditEvent
  const packed = item.detailsZ
  if (!(packed instanceof Uint8Array)) return event
  return { ...event, details: JSON.parse(inflateRawSync(packed).toString('utf8')) as AuditEvent['details'] }
}

export function auditPut(db: Db, event: AuditEvent): TransactItem {
  return {
    Put: { TableName: db.table('audit'), Item: toItem(event), ConditionExpression: 'attribute_not_exists(pk)' },
  }
}

export function dynamoAuditLog(db: Db) {
  return {
    /** For use inside a transaction with the change it records. */
    putItem: (event: AuditEvent) => auditPut(db, event),

    async append(event: AuditEvent): Promise<void> {
      await db.doc.send(
        new PutCommand({ TableName: db.table('audit'), Item: toItem(event), ConditionExpression: 'attribute_not_exists(pk)' }),
      )
    },

    async forEntity(type: EntityType, id: string, limit: number, cursor?: string | null): Promise<Page<AuditEvent>> {
      // A cursor from the address bar: one of another entity's history (or an edited one) starts from the top.
      const start = startKeyFrom(cursor, ['pk', 'sk'], { name: 'pk', value: keys.auditEntityPartition(type, id) })
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('audit'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.auditEntityPartition(type, id) },
          ScanIndexForward: false,
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      return {
        items: (out.Items ?? []).map(fromItem),
        nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null,
      }
    },

    /**
     * Newest first, optionally filtered by entity type, action and a time range; paginated. The work of one
     * call is bounded (see `MAX_QUERIES_PER_REQUEST`): a page that is not full when the budget runs out comes
     * back short, with a cursor to search on from where it stopped and `searchedTo`, how far back it got.
     */
    async timeline(query: AuditQuery, now: Date): Promise<Page<AuditEvent> & { searchedTo: string | null }> {
      const toIso = query.to ?? now.toISOString()
      const fromIso = query.from ?? ''
      const fromMonth = fromIso ? monthOf(fromIso) : ''
      const parsed = cursorSchema.safeParse(decodeCursor(query.cursor))
      let month = parsed.success ? parsed.data.month : monthOf(toIso)
      let startKey = parsed.success ? parsed.data.key : undefined
      // Carried in the cursor so that a walk split over several requests still ends after a year of nothing.
      let emptyMonths = parsed.success ? (parsed.data.empty ?? 0) : 0
      let monthHit = parsed.success ? (parsed.data.hit ?? false) : false
      const items: AuditEvent[] = []
      let searchedTo: string | null = null
      const byType = query.entityType !== undefined && query.entityType !== UNINDEXED_BY_TYPE
      const index = byType ? { name: INDEX.auditByTypeMonth, pk: 'gsi2pk', sk: 'gsi2sk' } : { name: INDEX.auditByMonth, pk: 'gsi1pk', sk: 'gsi1sk' }
      const filtered = query.action !== undefined || query.entityType === UNINDEXED_BY_TYPE
      const partitionOf = (m: string) => (byType ? keys.auditTypeMonthPartition(query.entityType!, m) : keys.auditMonthPartition(m))
      // The key came back from the address bar: it must be one of this index's, in the month it names.
      if (startKey) startKey = checkStartKey(startKey, ['pk', 'sk', index.pk, index.sk], { name: index.pk, value: partitionOf(month) })
      const cursorHere = (key?: Record<string, string>) => encodeCursor({ month, ...(key ? { key } : {}), ...(emptyMonths ? { empty: emptyMonths } : {}), ...(monthHit ? { hit: true } : {}) })

      for (let queries = 0; items.length < query.limit; queries++) {
        if (fromMonth && month < fromMonth) break
        if (queries >= MAX_QUERIES_PER_REQUEST) return { items, nextCursor: cursorHere(startKey), searchedTo }
        const names: Record<string, string> = { '#pk': index.pk, '#sk': index.sk }
        const values: Record<string, unknown> = {
          ':pk': partitionOf(month),
          // DynamoDB refuses empty key values; every ISO time sorts after '0'.
          ':from': fromIso || '0',
          // `~` sorts after every character used in ids, so the upper bound includes events at `to` itself.
          ':to': `${toIso}~`,
        }
        const filters: string[] = []
        if (query.action) {
          filters.push('#event.#action = :action')
          names['#event'] = 'event'
          names['#action'] = 'action'
          values[':action'] = query.action
        }
        if (query.entityType === UNINDEXED_BY_TYPE) {
          filters.push('#event.#entityType = :entityType')
          names['#event'] = 'event'
          names['#entityType'] = 'entityType'
          values[':entityType'] = query.entityType
        }
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.table('audit'),
            IndexName: index.name,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
            ScanIndexForward: false,
            // DynamoDB applies a filter after reading `Limit` items: with one, read a large page so a rare
            // action costs a few reads per month, not one per page-size of events (see the constant).
            Limit: filtered ? FILTERED_PAGE_ITEMS : query.limit - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        const raw = out.Items ?? []
        const room = query.limit - items.length
        if (raw.length > room) {
          // More matches than the page has room for: the next page starts right after the last one shown.
          const last = raw[room - 1]!
          items.push(...raw.slice(0, room).map(fromItem))
          monthHit = true
          const key = Object.fromEntries(['pk', 'sk', index.pk, index.sk].map((k) => [k, String(last[k])]))
          return { items, nextCursor: cursorHere(key), searchedTo: (last.event as AuditEvent).at }
        }
        items.push(...raw.map(fromItem))
        if (raw.length > 0) monthHit = true
        if (out.LastEvaluatedKey) {
          startKey = out.LastEvaluatedKey as Record<string, string>
          // The index sort key is `<at>#<eventId>`: everything newer than it has been searched.
          searchedTo = String(startKey[index.sk]).split('#')[0]!
          if (items.length >= query.limit) return { items, nextCursor: cursorHere(startKey), searchedTo }
          continue
        }
        // The whole month (within the time range) has been searched.
        const monthStart = `${month}-01T00:00:00.000Z`
        searchedTo = fromIso > monthStart ? fromIso : monthStart
        emptyMonths = monthHit ? 0 : emptyMonths + 1
        monthHit = false
        if (!fromMonth && emptyMonths >= MAX_EMPTY_MONTHS) break
        month = previousMonth(month)
        startKey = undefined
        if (items.length >= query.limit) {
          // The page is full exactly at a month boundary: the next page starts at the previous month.
          return { items, nextCursor: fromMonth && month < fromMonth ? null : cursorHere(), searchedTo }
        }
      }
      return { items, nextCursor: null, searchedTo }
    },
  }
}

export type DynamoAuditLog = ReturnType<typeof dynamoAuditLog>
