/**
 * In-memory fakes of the services' ports, for unit tests only: a fixed clock a test can advance,
 * sequential ids, and stores that keep everything in plain maps so a test can look inside them.
 * Integration tests use the real DynamoDB adapters instead.
 */
import type { AuditEvent, EntityType } from '../../src/shared/domain/audit'
import type { Role, User } from '../../src/shared/domain/entities'
import type { Page } from '../../src/shared/domain/page'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/domain/settings'
import type { AuditLog, AuditQuery } from '../../src/shared/services/audit-log'
import type { SessionStore, UserStore } from '../../src/shared/services/auth'
import type { Clock, IdSource } from '../../src/shared/services/ports'
import type { SettingsStore } from '../../src/shared/services/settings'

/** A clock that stands still until the test moves it. */
export interface FixedClock extends Clock {
  set(date: Date): void
  advance(ms: number): void
}

export function fixedClock(start: Date | string = '2026-11-21T09:00:00.000Z'): FixedClock {
  let now = new Date(start)
  return {
    now: () => new Date(now),
    set: (date) => {
      now = new Date(date)
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms)
    },
  }
}

/** `id-1`, `id-2`, ...: predictable ids for assertions. */
export function sequentialIds(prefix = 'id'): IdSource {
  let n = 0
  return { next: () => `${prefix}-${++n}` }
}

/** Thrown on a duplicate create, with the name the DynamoDB SDK uses for a failed condition. */
function conditionFailed(what: string): Error {
  const err = new Error(`${what} already exists`)
  err.name = 'ConditionalCheckFailedException'
  return err
}

export interface MemoryUserStore extends UserStore {
  users: Map<string, User>
  /** `key|windowId` → failures counted in that window. */
  counters: Map<string, number>
}

export function memoryUsers(initial: User[] = []): MemoryUserStore {
  const users = new Map(initial.map((u) => [u.email, { ...u }]))
  const counters = new Map<string, number>()
  return {
    users,
    counters,
    async get(email) {
      const user = users.get(email)
      return user ? { ...user } : null
    },
    async create(user) {
      if (users.has(user.email)) throw conditionFailed(`user ${user.email}`)
      users.set(user.email, { ...user })
    },
    async failures(key, windowId) {
      return counters.get(`${key}|${windowId}`) ?? 0
    },
    async addFailure(key, windowId) {
      const next = (counters.get(`${key}|${windowId}`) ?? 0) + 1
      counters.set(`${key}|${windowId}`, next)
      return next
    },
  }
}

export interface StoredSession {
  email: string
  role: Role
  expiresAt: Date
}

export interface MemorySessionStore extends SessionStore {
  /** Keyed by the hash of the session token, as the real store is. */
  sessions: Map<string, StoredSession>
}

export function memorySessions(): MemorySessionStore {
  const sessions = new Map<string, StoredSession>()
  return {
    sessions,
    async create(idHash, session) {
      if (sessions.has(idHash)) throw conditionFailed('session')
      sessions.set(idHash, { ...session })
    },
    async get(idHash) {
      const session = sessions.get(idHash)
      return session ? { ...session } : null
    },
    async delete(idHash) {
      sessions.delete(idHash)
    },
  }
}

export interface MemoryAuditLog extends AuditLog {
  /** Every appended event, oldest first. */
  events: AuditEvent[]
}

/** Offsets into the newest-first list serve as cursors. */
function page(events: AuditEvent[], limit: number, cursor?: string | null): Page<AuditEvent> {
  const start = cursor ? Number(cursor) : 0
  const items = events.slice(start, start + limit)
  return { items, nextCursor: start + limit < events.length ? String(start + limit) : null }
}

export function memoryAuditLog(): MemoryAuditLog {
  const events: AuditEvent[] = []
  const newestFirst = (list: AuditEvent[]) => [...list].sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? 1 : -1))
  return {
    events,
    async append(event) {
      if (events.some((e) => e.id === event.id)) throw conditionFailed(`audit event ${event.id}`)
      events.push(structuredClone(event))
    },
    async timeline(query: AuditQuery, now: Date) {
      const to = query.to ?? now.toISOString()
      const matching = events.filter(
        (e) =>
          (query.entityType === undefined || e.entityType === query.entityType) &&
          (query.action === undefined || e.action === query.action) &&
          (query.from === undefined || e.at >= query.from) &&
          e.at <= to,
      )
      return page(newestFirst(matching), query.limit, query.cursor)
    },
    async forEntity(type: EntityType, id: string, limit: number, cursor?: string | null) {
      return page(
        newestFirst(events.filter((e) => e.entityType === type && e.entityId === id)),
        limit,
        cursor,
      )
    },
  }
}

export interface MemorySettingsStore extends SettingsStore {
  /** Audit events written with each successful save (the real store writes them in one transaction). */
  events: AuditEvent[]
  saves: number
  /** Make the next save lose a race: another writer saves first, so the version has moved on. */
  loseNextSave(): void
}

export function memorySettingsStore(initial: Settings = DEFAULT_SETTINGS, initialVersion = 0): MemorySettingsStore {
  let settings = structuredClone(initial)
  let version = initialVersion
  let raced = false
  const store: MemorySettingsStore = {
    events: [],
    saves: 0,
    loseNextSave: () => {
      raced = true
    },
    async get() {
      return { settings: structuredClone(settings), version }
    },
    async save(next, expectedVersion, event) {
      if (raced) {
        raced = false
        version += 1
      }
      if (expectedVersion !== version) return 'conflict'
      settings = structuredClone(next)
      version += 1
      store.saves += 1
      store.events.push(structuredClone(event))
      return 'saved'
    },
  }
  return store
}
