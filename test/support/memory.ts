/**
 * In-memory fakes of the services' ports, for unit tests only: a fixed clock a test can advance,
 * sequential ids, and stores that keep everything in plain maps so a test can look inside them.
 * Integration tests use the real DynamoDB adapters instead.
 */
import type { AuditEvent, EntityType } from '../../src/shared/domain/audit'
import type { Campaign, Lead, Role, RoutingRule, User } from '../../src/shared/domain/entities'
import type { ImportJob, RowError } from '../../src/shared/domain/lead-import'
import type { Page } from '../../src/shared/domain/page'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/domain/settings'
import type { AuditLog, AuditQuery } from '../../src/shared/services/audit-log'
import type { SessionStore, UserStore } from '../../src/shared/services/auth'
import type { IntakeLeadStore, RuleSource } from '../../src/shared/services/intake'
import type { ImportQueue, ImportStore } from '../../src/shared/services/lead-import'
import type { Clock, IdSource } from '../../src/shared/services/ports'
import type { RuleStore } from '../../src/shared/services/routing-rules'
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

// ---------------------------------------------------------------------------------------------------
// Lead intake, routing rules and imports.

export interface MemoryLeadStore extends IntakeLeadStore {
  /** By id. */
  leads: Map<string, Lead>
  /** Normalised address → lead id: the email claim the real store writes with each lead. */
  claims: Map<string, string>
  /** Audit events written with each successful insert or enrichment update (one transaction in DynamoDB). */
  events: AuditEvent[]
  /** Successful writes (inserts and enrichment updates). */
  writes: number
  /**
   * Make the next insert lose a race: just before it, another request takes the address with `winner`
   * (lead and claim), as if it had committed between this request's `idForEmail` and `insert`.
   */
  loseNextInsertTo(winner: Lead): void
}

export function memoryLeads(initial: Lead[] = []): MemoryLeadStore {
  const leads = new Map(initial.map((l) => [l.id, structuredClone(l)]))
  const claims = new Map(initial.map((l) => [l.email, l.id]))
  let racer: Lead | null = null
  const store: MemoryLeadStore = {
    leads,
    claims,
    events: [],
    writes: 0,
    loseNextInsertTo: (winner) => {
      racer = structuredClone(winner)
    },
    async insert(lead, event) {
      if (racer) {
        leads.set(racer.id, racer)
        claims.set(racer.email, racer.id)
        racer = null
      }
      // The claim and the lead are conditional puts in one transaction: either both are written or neither.
      if (claims.has(lead.email) || leads.has(lead.id)) return 'duplicate'
      leads.set(lead.id, structuredClone(lead))
      claims.set(lead.email, lead.id)
      store.events.push(structuredClone(event))
      store.writes += 1
      return 'created'
    },
    async get(id) {
      const lead = leads.get(id)
      return lead ? structuredClone(lead) : null
    },
    async idForEmail(email) {
      return claims.get(email) ?? null
    },
    async updateEnrichment(lead, enrichment, event) {
      const stored = leads.get(lead.id)
      // Conditional on the lead still being held, as the real store's update is.
      if (!stored || stored.status !== 'held') return 'not_held'
      stored.enrichment = structuredClone(enrichment)
      store.events.push(structuredClone(event))
      store.writes += 1
      return 'updated'
    },
  }
  return store
}

export interface MemoryRuleStore extends RuleStore, RuleSource {
  /** Audit events written with each successful save. */
  events: AuditEvent[]
  saves: number
  /** Make the next save lose a race: another writer saves first, so the version has moved on. */
  loseNextSave(): void
}

/** The ordered rule set, saved whole with a version check (version 0: never saved). */
export function memoryRules(initial: RoutingRule[] = [], initialVersion = 0): MemoryRuleStore {
  let rules = structuredClone(initial)
  let version = initialVersion
  let raced = false
  const store: MemoryRuleStore = {
    events: [],
    saves: 0,
    loseNextSave: () => {
      raced = true
    },
    async get() {
      return { rules: structuredClone(rules), version }
    },
    async save(next, expectedVersion, event) {
      if (raced) {
        raced = false
        version += 1
      }
      if (expectedVersion !== version) return 'conflict'
      rules = structuredClone(next)
      version += 1
      store.saves += 1
      store.events.push(structuredClone(event))
      return 'saved'
    },
  }
  return store
}

/** A campaign with plain defaults; only the id and name matter to intake, rules and imports. */
export function campaign(id: string, name = `Campaign ${id}`): Campaign {
  return {
    id,
    name,
    sender: { kind: 'ses' },
    status: 'active',
    subjectTemplate: 'Hello {{FirstName}}',
    bodyTemplate: 'Hi {{FirstName}}',
    htmlTemplate: null,
    extraVariables: [],
    mailboxIds: [],
    dailyCap: 50,
    delay: { meanSeconds: 120, sdSeconds: 30, minSeconds: 60, maxSeconds: 180 },
    window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' },
    pauseReason: null,
    createdAt: '2026-11-01T00:00:00.000Z',
  }
}

export function memoryCampaigns(ids: string[] = []): { campaigns: Campaign[]; list(): Promise<Campaign[]> } {
  const campaigns = ids.map((id) => campaign(id))
  return { campaigns, list: async () => structuredClone(campaigns) }
}

export interface StoredImportChunk {
  index: number
  startIndex: number
  rows: string[][]
  done: boolean
  errors: RowError[]
}

export interface MemoryImportStore extends ImportStore {
  jobs: Map<string, ImportJob>
  /** `importId|index` → chunk. */
  chunks: Map<string, StoredImportChunk>
  /** Audit events written with create, start and finish (each one transaction in DynamoDB). */
  events: AuditEvent[]
}

/** Modelled on the DynamoDB imports adapter: start, completeChunk and finish are conditional writes. */
export function memoryImports(): MemoryImportStore {
  const jobs = new Map<string, ImportJob>()
  const chunks = new Map<string, StoredImportChunk>()
  const events: AuditEvent[] = []
  const chunkKey = (id: string, index: number) => `${id}|${index}`
  return {
    jobs,
    chunks,
    events,
    async create(job, list, event) {
      if (jobs.has(job.id)) throw conditionFailed(`import ${job.id}`)
      list.forEach((c, i) => chunks.set(chunkKey(job.id, i), { index: i, startIndex: c.startIndex, rows: structuredClone(c.rows), done: false, errors: [] }))
      jobs.set(job.id, structuredClone(job))
      events.push(structuredClone(event))
    },
    async get(id) {
      const job = jobs.get(id)
      return job ? structuredClone(job) : null
    },
    async start(id, mapping, campaignId, event) {
      const job = jobs.get(id)
      if (!job || job.status !== 'mapping') return 'not_mapping'
      job.status = 'queued'
      job.mapping = structuredClone(mapping)
      job.campaignId = campaignId
      events.push(structuredClone(event))
      return 'started'
    },
    async chunk(id, index) {
      const chunk = chunks.get(chunkKey(id, index))
      return chunk ? structuredClone(chunk) : null
    },
    async completeChunk(id, index, counts, errors) {
      const chunk = chunks.get(chunkKey(id, index))
      const job = jobs.get(id)
      // The real transaction's condition is `done = false` on the chunk; a missing item fails it too.
      if (!chunk || chunk.done || !job) return 'already_done'
      chunk.done = true
      chunk.errors = structuredClone(errors)
      job.status = 'running'
      job.counts.done += counts.imported + counts.existing + counts.errors + counts.blank
      job.counts.imported += counts.imported
      job.counts.existing += counts.existing
      job.counts.errors += counts.errors
      job.counts.blank += counts.blank
      return 'completed'
    },
    async finish(id, totalRows, event) {
      const job = jobs.get(id)
      if (!job || job.counts.done !== totalRows || job.status === 'done') return false
      job.status = 'done'
      events.push(structuredClone(event))
      return true
    },
    async errors(id) {
      const all = [...chunks.entries()].filter(([key]) => key.startsWith(`${id}|`)).flatMap(([, c]) => c.errors)
      return structuredClone(all).sort((a, b) => a.row - b.row)
    },
  }
}

export interface MemoryImportQueue extends ImportQueue {
  /** Every message, in the order enqueued. */
  messages: { importId: string; chunk: number }[]
}

export function memoryImportQueue(): MemoryImportQueue {
  const messages: { importId: string; chunk: number }[] = []
  return {
    messages,
    async enqueue(message) {
      messages.push({ ...message })
    },
  }
}
