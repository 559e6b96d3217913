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
export const auditFilterSchema = z.object({
  entityType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(ENTITY_TYPES).optional()),
  action: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(64).regex(/^[a-z_]+$/, 'actions are lower_snake_case').optional()),
  from: z.preprocess((v) => (v === '' ? undefined : v), dateOrDateTime.optional()),
  to: z.preprocess((v) => (v === '' ? undefined : v), dateOrDateTime.optional()),
  cursor: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(2048).optional()),
  limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(100).default(25)),
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

export async function listAudit(deps: Pick<AuditDeps, 'audit' | 'clock'>, filter: AuditFilter): Promise<Page<AuditEvent>> {
  return deps.audit.timeline(toAuditQuery(filter), deps.clock.now())
}
