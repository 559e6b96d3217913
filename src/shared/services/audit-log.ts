import * as z from 'zod'
import { ENTITY_TYPES, stampAuditEvent, type AuditEvent, type EntityType, type NewAuditEvent } from '../domain/audit'
import type { Page } from '../domain/page'
import type { Clock, IdSource } from './ports'

export interface AuditQuery {
  entityType?: EntityType
  action?: string
  /** ISO lower bound (inclusive). */
  from?: string
  /** ISO upper bound (inclusive). */
  to?: string
  limit: number
  cursor?: string | null
}

/** The audit log as services see it: append and read, nothing else. */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>
  timeline(query: AuditQuery, now: Date): Promise<Page<AuditEvent>>
  forEntity(type: EntityType, id: string, limit: number, cursor?: string | null): Promise<Page<AuditEvent>>
}

export interface AuditDeps {
  audit: AuditLog
  clock: Clock
  ids: IdSource
}

export async function recordAudit(deps: AuditDeps, input: NewAuditEvent): Promise<AuditEvent> {
  const event = stampAuditEvent(input, deps.ids.next(), deps.clock.now())
  await deps.audit.append(event)
  return event
}

const dateOrDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'use a date like 2026-11-21')

/** The filters a person (or API client) may send, validated at the edge. Empty strings mean "any". */
export const auditFilterSchema = z
  .object({
    entityType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(ENTITY_TYPES).optional()),
    // Ids are ours (or an email for a user): printable, no spaces; 254 is the longest email address.
    entityId: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).max(254).regex(/^\S+$/, 'an id has no spaces').optional()),
    action: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(64).regex(/^[a-z_]+$/, 'actions are lower_snake_case').optional()),
    from: z.preprocess((v) => (v === '' ? undefined : v), dateOrDateTime.optional()),
    to: z.preprocess((v) => (v === '' ? undefined : v), dateOrDateTime.optional()),
    cursor: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(2048).optional()),
    limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(100).default(25)),
  })
  .superRefine((f, ctx) => {
    // One entity's events live under its type and id together; an id alone names no partition to read.
    if (f.entityId !== undefined && f.entityType === undefined) ctx.addIssue({ code: 'custom', path: ['entityId'], message: 'choose the entity type too' })
  })
export type AuditFilter = z.infer<typeof auditFilterSchema>

/** Turns validated filters into a query: a bare `to` date means the end of that day. */
export function toAuditQuery(filter: AuditFilter): AuditQuery {
  const to = filter.to && filter.to.length === 10 ? `${filter.to}T23:59:59.999Z` : filter.to
  const from = filter.from && filter.from.length === 10 ? `${filter.from}T00:00:00.000Z` : filter.from
  return {
    limit: filter.limit,
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(filter.cursor ? { cursor: filter.cursor } : {}),
  }
}

// One entity's history is read page by page until a page of matches is full. Its events newer than `to`
// (or of another action) are passed over, so this many reads bound a request; past it the page comes
// back short, with a cursor to carry on from.
const MAX_ENTITY_READS = 10

/**
 * The timeline, newest first, one page at a time. How each filter is applied, so no request reads all of
 * history:
 * - time: `from`/`to` pick the month partitions to read (the adapter starts at the month of `to` and stops
 *   before the month of `from`) and bound the sort key inside each month;
 * - entity type: a partition of its own per month;
 * - action: a filter on the page read (DynamoDB reads the month's events in range, then keeps the
 *   matches), so a rare action costs the reads of the months searched, never more than those months;
 * - entity id (with its type): that entity's own partition, newest first, with action and time checked
 *   on the events read; reading stops at the first event older than `from`.
 */
export async function listAudit(deps: Pick<AuditDeps, 'audit' | 'clock'>, filter: AuditFilter): Promise<Page<AuditEvent>> {
  const query = toAuditQuery(filter)
  if (filter.entityType && filter.entityId) return entityTimeline(deps.audit, filter.entityType, filter.entityId, query)
  return deps.audit.timeline(query, deps.clock.now())
}

async function entityTimeline(audit: AuditLog, type: EntityType, id: string, query: AuditQuery): Promise<Page<AuditEvent>> {
  const items: AuditEvent[] = []
  let cursor = query.cursor ?? null
  for (let reads = 0; reads < MAX_ENTITY_READS; reads++) {
    const page = await audit.forEntity(type, id, query.limit - items.length, cursor)
    for (const event of page.items) {
      // Newest first: once past `from`, nothing further back can match.
      if (query.from && event.at < query.from) return { items, nextCursor: null }
      if (query.to && event.at > query.to) continue
      if (query.action && event.action !== query.action) continue
      items.push(event)
    }
    cursor = page.nextCursor
    if (!cursor || items.length >= query.limit) break
  }
  return { items, nextCursor: cursor }
}
