import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
import { monthOf, previousMonth, type AuditEvent, type EntityType } from '../../domain/audit'
import type { Page } from '../../domain/page'
import type { AuditQuery } from '../../services/audit-log'
import { decodeCursor, encodeCursor, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'

/**
 * The audit log in DynamoDB. Append-only by construction: the only write is a conditional put that
 * refuses to overwrite, and this module has no update or delete.
 */

// A timeline walks back month by month; after this many empty months in a row it stops, so a query over
// a quiet history ends instead of walking back forever.
const MAX_EMPTY_MONTHS = 12

const cursorSchema = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), key: z.record(z.string(), z.string()).optional() })

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
      const start = z.record(z.string(), z.string()).safeParse(decodeCursor(cursor))
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('audit'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.auditEntityPartition(type, id) },
          ScanIndexForward: false,
          Limit: limit,
          ...(start.success ? { ExclusiveStartKey: start.data } : {}),
        }),
      )
      return {
        items: (out.Items ?? []).map(fromItem),
        nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null,
      }
    },

    /** Newest first, optionally filtered by entity type, action and a time range; paginated. */
    async timeline(query: AuditQuery, now: Date): Promise<Page<AuditEvent>> {
      const toIso = query.to ?? now.toISOString()
      const fromIso = query.from ?? ''
      const fromMonth = fromIso ? monthOf(fromIso) : ''
      const parsed = cursorSchema.safeParse(decodeCursor(query.cursor))
      let month = parsed.success ? parsed.data.month : monthOf(toIso)
      let startKey = parsed.success ? parsed.data.key : undefined
      const items: AuditEvent[] = []
      let emptyMonths = 0

      while (items.length < query.limit) {
        if (fromMonth && month < fromMonth) break
        const byType = query.entityType !== undefined && query.entityType !== UNINDEXED_BY_TYPE
        const names: Record<string, string> = { '#pk': byType ? 'gsi2pk' : 'gsi1pk', '#sk': byType ? 'gsi2sk' : 'gsi1sk' }
        const values: Record<string, unknown> = {
          ':pk': byType ? keys.auditTypeMonthPartition(query.entityType!, month) : keys.auditMonthPartition(month),
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
        const filter = filters.length ? filters.join(' AND ') : undefined
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.table('audit'),
            IndexName: byType ? INDEX.auditByTypeMonth : INDEX.auditByMonth,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ...(filter ? { FilterExpression: filter } : {}),
            ScanIndexForward: false,
            Limit: query.limit - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        const found = (out.Items ?? []).map(fromItem)
        items.push(...found)
        if (out.LastEvaluatedKey) {
          startKey = out.LastEvaluatedKey as Record<string, string>
          if (items.length >= query.limit) {
            return { items, nextCursor: encodeCursor({ month, key: startKey }) }
          }
          continue
        }
        emptyMonths = found.length === 0 ? emptyMonths + 1 : 0
        if (!fromMonth && emptyMonths >= MAX_EMPTY_MONTHS) break
        month = previousMonth(month)
        startKey = undefined
        if (items.length >= query.limit) {
          // The page is full exactly at a month boundary: the next page starts at the previous month.
          return { items, nextCursor: fromMonth && month < fromMonth ? null : encodeCursor({ month }) }
        }
      }
      return { items, nextCursor: null }
    },
  }
}

export type DynamoAuditLog = ReturnType<typeof dynamoAuditLog>
