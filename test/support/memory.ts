/**
 * In-memory fakes of the services' ports, for unit tests only: a fixed clock a test can advance,
 * sequential ids, and stores that keep everything in plain maps so a test can look inside them.
 * Integration tests use the real DynamoDB adapters instead.
 */
import type { AuditEvent, EntityType } from '../../src/shared/domain/audit'
import { campaignPlace, type AccountBrake, type Campaign, type Domain, type Lead, type Mailbox, type Role, type RoutingRule, type User } from '../../src/shared/domain/entities'
import type { AccountBrakeStore } from '../../src/shared/services/account-brake'
import { leadIdFor } from '../../src/shared/domain/lead-id'
import type { ImportJob, RowError } from '../../src/shared/domain/lead-import'
import type { Page } from '../../src/shared/domain/page'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/domain/settings'
import type { AuditLog, AuditQuery } from '../../src/shared/services/audit-log'
import type { SessionStore, UserStore } from '../../src/shared/services/auth'
import type { CampaignLeadMoves, ControlDeps, ControlStore, PulseQueue } from '../../src/shared/services/campaign-controls'
import type { GateDeps } from '../../src/shared/services/gate'
import type { IntakeLeadStore, RuleSource } from '../../src/shared/services/intake'
import type { ImportQueue, ImportStore } from '../../src/shared/services/lead-import'
import type { Clock, IdSource } from '../../src/shared/services/ports'
import type { ChainView, OutgoingEmail, PulseDeps, SendOutcome, SendRecord } from '../../src/shared/services/pulse'
import type { ConfirmDeps } from '../../src/shared/services/send-confirmation'
import { testLead } from './factories'
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
    async addFailure(key, windowId) {
      const next = (counters.get(`${key}|${windowId}`) ?? 0) + 1
      counters.set(`${key}|${windowId}`, next)
      return next
    },
    async releaseFailure(key, windowId) {
      const now = counters.get(`${key}|${windowId}`)
      if (now !== undefined) counters.set(`${key}|${windowId}`, now - 1)
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
  /** By id. An intake lead's id is derived from its address, so this map is also the address claim. */
  leads: Map<string, Lead>
  /** Audit events written with each successful insert or enrichment update (one transaction in DynamoDB). */
  events: AuditEvent[]
  /** Successful writes (inserts, batches and enrichment updates). */
  writes: number
  /** Leads per successful insertMany, in order (the batching an import does). */
  batches: number[]
  /** The id of the lead stored for a normalised address, as the DynamoDB store answers it. */
  idForEmail(email: string): Promise<string | null>
  /**
   * Make the next insert (or batch) lose a race: just before it, another request stores `winner` (its id
   * derived from its address), as if it had committed between this request's read and its write.
   */
  loseNextInsertTo(winner: Lead): void
}

export function memoryLeads(initial: Lead[] = []): MemoryLeadStore {
  const leads = new Map(initial.map((l) => [l.id, structuredClone(l)]))
  let racer: Lead | null = null
  const race = () => {
    if (racer) leads.set(racer.id, racer)
    racer = null
  }
  const store: MemoryLeadStore = {
    leads,
    events: [],
    writes: 0,
    batches: [],
    loseNextInsertTo: (winner) => {
      racer = structuredClone(winner)
    },
    async insert(lead, event) {
      race()
      // A conditional put on the lead's key, with its event, in one transaction.
      if (leads.has(lead.id)) return 'duplicate'
      leads.set(lead.id, structuredClone(lead))
      store.events.push(structuredClone(event))
      store.writes += 1
      return 'created'
    },
    async insertMany(batch, events) {
      race()
      // One transaction: any key taken (or the same key twice) and nothing is written.
      if (batch.some((l) => leads.has(l.id)) || new Set(batch.map((l) => l.id)).size !== batch.length) return 'duplicate'
      for (const lead of batch) leads.set(lead.id, structuredClone(lead))
      store.events.push(...structuredClone(events))
      store.writes += 1
      store.batches.push(batch.length)
      return 'created'
    },
    async get(id) {
      const lead = leads.get(id)
      return lead ? structuredClone(lead) : null
    },
    async getMany(ids) {
      return ids.flatMap((id) => (leads.has(id) ? [structuredClone(leads.get(id)!)] : []))
    },
    async idForEmail(email) {
      const id = leadIdFor(email)
      return leads.has(id) ? id : null
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

// ---------------------------------------------------------------------------------------------------
// Campaign controls, the gate and the send loop (pulse).

/**
 * The pulse chain of one campaign, as the campaigns table keeps it beside the campaign. `pulseToken` and
 * `movedAt` are optional here so tests can set a chain without them; `chain()` reads them as null, as
 * DynamoDB does.
 */
export type ChainState = ChainView

const NO_CHAIN: ChainState = { chainId: null, running: false, cursor: null, lastMailboxId: null, waitingFor: null, pulseToken: null }

export interface MemoryCampaignStore extends ControlStore {
  /** By id, with the version the next conditional write must name. */
  campaigns: Map<string, { value: Campaign; version: number }>
  chains: Map<string, ChainState>
  /** Audit events written with each successful transition (one transaction in DynamoDB). */
  events: AuditEvent[]
  transitions: number
  list(): Promise<Campaign[]>
  chain(id: string): Promise<ChainState>
  withChain: PulseDeps['campaigns']['withChain']
  /** The chain cursor the pulse moves (`PulseDeps['chainCursor']`). */
  cursor: PulseDeps['chainCursor']
  /** Make the next transition lose a race: another writer saves first, so the version has moved on. */
  loseNextTransition(): void
}

/**
 * Campaigns with their pulse chains, modelled on the DynamoDB campaign store and chain cursor: a transition
 * is conditional on the version (and, to start a chain, on no chain running); the cursor moves only for the
 * chain that owns it while it runs and, with a token, only for the one pulse the chain expects, storing the
 * next pulse's token. Starting a chain keeps the cursor and clears the token (its first pulse carries
 * none), as the real updates do; stopping it keeps both.
 */
export function memoryCampaignStore(initial: Campaign[] = [], chains: Record<string, Partial<ChainState>> = {}): MemoryCampaignStore {
  const campaigns = new Map(initial.map((c) => [c.id, { value: structuredClone(c), version: 1 }]))
  const chainMap = new Map(Object.entries(chains).map(([id, chain]) => [id, { ...NO_CHAIN, ...chain }]))
  let raced = false
  const store: MemoryCampaignStore = {
    campaigns,
    chains: chainMap,
    events: [],
    transitions: 0,
    loseNextTransition: () => {
      raced = true
    },
    async get(id) {
      const found = campaigns.get(id)
      return found ? structuredClone(found) : null
    },
    async list() {
      return [...campaigns.values()].map((c) => structuredClone(c.value))
    },
    async chain(id) {
      const found = chainMap.get(id) ?? NO_CHAIN
      return { ...found, pulseToken: found.pulseToken ?? null }
    },
    async withChain(id) {
      const found = campaigns.get(id)
      return { campaign: found ? structuredClone(found) : null, chain: await store.chain(id) }
    },
    async transition(campaign, expectedVersion, event, _previous, chain) {
      const stored = campaigns.get(campaign.id)
      if (stored && raced) {
        raced = false
        stored.version += 1
      }
      const current = chainMap.get(campaign.id) ?? NO_CHAIN
      if (!stored || stored.version !== expectedVersion) return 'conflict'
      if ('startChain' in chain && current.running) return 'conflict'
      campaigns.set(campaign.id, { value: structuredClone(campaign), version: stored.version + 1 })
      const { rejectedInRow: _count, ...fresh } = current
      // A new chain counts SES rejections in a row afresh, as the DynamoDB update does.
      chainMap.set(campaign.id, 'startChain' in chain ? { ...fresh, running: true, chainId: chain.startChain, pulseToken: null, movedAt: event.at } : { ...current, running: false })
      store.events.push(structuredClone(event))
      store.transitions += 1
      return 'saved'
    },
    cursor: {
      async advance(campaignId, chainId, { cursor, lastMailboxId, waitingFor, rejectedInRow, notBefore }, token, at, preverified) {
        const current = chainMap.get(campaignId)
        if (!current || current.chainId !== chainId || !current.running) return 'stale'
        // Like the DynamoDB update: only the pulse the chain expects may move it (the chain id stands for the first).
        if (token && (current.pulseToken ?? current.chainId) !== token.expected) return 'stale'
        // Like the DynamoDB update: no rejections in a row are stored as absent.
        const { rejectedInRow: _previous, notBefore: _before, ...rest } = current
        chainMap.set(campaignId, {
          ...rest,
          ...(rejectedInRow > 0 ? { rejectedInRow } : {}),
          ...(notBefore ? { notBefore } : {}),
          cursor,
          lastMailboxId,
          waitingFor,
          ...(token ? { pulseToken: token.next } : {}),
          ...(at ? { movedAt: at } : {}),
          ...(preverified ? { preverified: structuredClone(preverified) } : {}),
        })
        return 'moved'
      },
      async notePreverified(campaignId, chainId, token, verification) {
        const current = chainMap.get(campaignId)
        // The chain id stands for a chain's first pulse, as in the DynamoDB condition.
        if (!current || current.chainId !== chainId || !current.running || (current.pulseToken ?? current.chainId) !== token) return 'stale'
        chainMap.set(campaignId, { ...current, preverified: structuredClone(verification) })
        return 'noted'
      },
    },
  }
  return store
}

export interface MemoryCampaignLeads {
  /** By id. */
  leads: Map<string, Lead>
  /** Audit events written with each admit and hold (one transaction each in DynamoDB). */
  events: AuditEvent[]
  /** Campaign ids `heldOfCampaign` was asked about, in order. */
  heldAsked: string[]
  /** A lead's place in its campaign's queue: oldest first by `queuedAt ?? createdAt`, ties by id (the order the real index keeps). */
  cursorOf(lead: Lead): string
  nextActive: PulseDeps['leads']['nextActive']
  complete: PulseDeps['leads']['complete']
  /** By id, as the send's settlers read it (`LeadCompletion`). */
  get(id: string): Promise<Lead | null>
  nextPaused: CampaignLeadMoves['nextPaused']
  pauseQueued: CampaignLeadMoves['pauseQueued']
  resumePaused: CampaignLeadMoves['resumePaused']
  heldOfCampaign: GateDeps['leads']['heldOfCampaign']
  admit: GateDeps['leads']['admit']
  hold: GateDeps['leads']['hold']
  returnToHeld: ControlDeps['leads']['returnToHeld']
}

/**
 * A campaign's leads as the gate, the pulse and the controls see them: admit and hold are conditional on
 * the lead still being held, returnToHeld on it still having the status it was read with.
 */
export function memoryCampaignLeads(initial: Lead[] = []): MemoryCampaignLeads {
  const leads = new Map(initial.map((l) => [l.id, structuredClone(l)]))
  const cursorOf = (lead: Lead) => `${campaignPlace(lead)}#${lead.id}`
  const ofCampaign = (campaignId: string, status: Lead['status']) =>
    [...leads.values()].filter((l) => l.campaignId === campaignId && l.status === status).sort((a, b) => (cursorOf(a) < cursorOf(b) ? -1 : cursorOf(a) > cursorOf(b) ? 1 : 0))
  const store: MemoryCampaignLeads = {
    leads,
    events: [],
    heldAsked: [],
    cursorOf,
    async nextActive(campaignId, after, limit) {
      return ofCampaign(campaignId, 'active')
        .filter((l) => after === null || cursorOf(l) > after)
        .slice(0, limit)
        .map((l) => ({ lead: structuredClone(l), cursor: cursorOf(l) }))
    },
    async get(id) {
      const stored = leads.get(id)
      return stored ? structuredClone(stored) : null
    },
    async heldOfCampaign(campaignId, limit) {
      store.heldAsked.push(campaignId)
      return structuredClone(ofCampaign(campaignId, 'held').slice(0, limit))
    },
    async admit(lead, event) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== 'held') return 'changed'
      // Like the DynamoDB store: entering the queue takes its place at the admission's time.
      const { heldLast: _was, ...rest } = stored
      leads.set(lead.id, { ...rest, status: 'active', holdReason: null, queuedAt: event.at })
      store.events.push(structuredClone(event))
      return 'admitted'
    },
    async hold(lead, reason, event, last = false) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== 'held') return 'changed'
      stored.holdReason = reason
      if (last) stored.heldLast = true
      else delete stored.heldLast
      store.events.push(structuredClone(event))
      return 'held'
    },
    async returnToHeld(lead, reason, event) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== lead.status) return 'changed'
      leads.set(lead.id, { ...stored, status: 'held', holdReason: reason })
      store.events.push(structuredClone(event))
      return 'held'
    },
    async nextPaused(campaignId, after, limit) {
      return ofCampaign(campaignId, 'paused')
        .filter((l) => after === null || cursorOf(l) > after)
        .slice(0, limit)
        .map((l) => ({ lead: structuredClone(l), cursor: cursorOf(l) }))
    },
    async pauseQueued(lead, reason, event) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== 'active') return 'changed'
      leads.set(lead.id, { ...stored, status: 'paused', holdReason: reason })
      store.events.push(structuredClone(event))
      return 'moved'
    },
    async resumePaused(lead, event) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== 'paused') return 'changed'
      leads.set(lead.id, { ...stored, status: 'active', holdReason: null })
      store.events.push(structuredClone(event))
      return 'moved'
    },
    async complete(lead) {
      const stored = leads.get(lead.id)
      if (!stored || stored.status !== 'active') return 'changed'
      leads.set(lead.id, { ...stored, status: 'completed' })
      return 'moved'
    },
  }
  return store
}

export interface MemorySenders {
  mailboxes: Map<string, Mailbox>
  domainList: Domain[]
  getMailbox(id: string): Promise<{ value: Mailbox } | null>
  mailboxesById(ids: string[]): Promise<Mailbox[]>
  domains(): Promise<Domain[]>
}

export function memorySenders(mailboxes: Mailbox[] = [], domains: Domain[] = []): MemorySenders {
  const map = new Map(mailboxes.map((m) => [m.id, structuredClone(m)]))
  const domainList = structuredClone(domains)
  return {
    mailboxes: map,
    domainList,
    async getMailbox(id) {
      const m = map.get(id)
      return m ? { value: structuredClone(m) } : null
    },
    async mailboxesById(ids) {
      return ids.flatMap((id) => (map.has(id) ? [structuredClone(map.get(id)!)] : []))
    },
    async domains() {
      return structuredClone(domainList)
    },
  }
}

export type CounterScope = 'overall' | 'campaign' | 'mailbox' | 'domain'

export interface MemorySends {
  /** `campaignId|leadId` → the one send record of that lead in that campaign. */
  records: Map<string, SendRecord>
  /** Audit events written with each settle and skip (one transaction each in DynamoDB). */
  events: AuditEvent[]
  /** `scope|id|day` → that day's counters (sends from settle, verified from skip). */
  days: Map<string, { sends: number; verified: number }>
  /** Sends counted for a scope on a day (what `PulseDeps['sendsOn']` and `GateDeps['sendsOn']` read). */
  sendsOn(scope: CounterScope, id: string, day: string): Promise<number>
  /** Every scope's sends on a day at once (what `PulseDeps['sendsOnDay']` reads). */
  sendsOnDay: PulseDeps['sendsOnDay']
  /** Sets a day's send count, as earlier sends would have. */
  seedSends(scope: CounterScope, id: string, day: string, sends: number): void
  get(campaignId: string, leadId: string): Promise<SendRecord | null>
  peek: PulseDeps['sends']['peek']
  claim: PulseDeps['sends']['claim']
  release: PulseDeps['sends']['release']
  settle: PulseDeps['sends']['settle']
  /** The SES Send event's settle (`ConfirmDeps['sends']['confirm']`): from `sending` or `unknown`, same send id. */
  confirm: ConfirmDeps['sends']['confirm']
  skip: PulseDeps['sends']['skip']
}

/**
 * The send-claims table, modelled on the DynamoDB send store: one record per campaign and lead, ever.
 * `claim` and `skip` succeed only where there is none; `release` and `settle` only while the record is
 * still `sending` under the same send id (settle writes its event and counters with it, or nothing).
 */
export function memorySends(): MemorySends {
  const records = new Map<string, SendRecord>()
  const days = new Map<string, { sends: number; verified: number }>()
  const key = (campaignId: string, leadId: string) => `${campaignId}|${leadId}`
  const day = (scope: CounterScope, id: string, on: string) => {
    const k = `${scope}|${id}|${on}`
    const found = days.get(k) ?? { sends: 0, verified: 0 }
    days.set(k, found)
    return found
  }
  const stillSending = (record: SendRecord) => {
    const stored = records.get(key(record.campaignId, record.leadId))
    return stored !== undefined && stored.state === 'sending' && stored.sendId === record.sendId
  }
  const store: MemorySends = {
    records,
    events: [],
    days,
    async sendsOn(scope, id, on) {
      return days.get(`${scope}|${id}|${on}`)?.sends ?? 0
    },
    async sendsOnDay(on) {
      return (scope, id) => days.get(`${scope}|${id}|${on}`)?.sends ?? 0
    },
    seedSends(scope, id, on, sends) {
      day(scope, id, on).sends = sends
    },
    async get(campaignId, leadId) {
      const record = records.get(key(campaignId, leadId))
      return record ? structuredClone(record) : null
    },
    async peek(campaignId, leadId) {
      return store.get(campaignId, leadId)
    },
    async claim(record) {
      if (records.has(key(record.campaignId, record.leadId))) return 'exists'
      records.set(key(record.campaignId, record.leadId), structuredClone(record))
      return 'claimed'
    },
    async release(record) {
      if (stillSending(record)) records.delete(key(record.campaignId, record.leadId))
    },
    async settle(record, event, counters) {
      if (!stillSending(record)) return 'changed'
      records.set(key(record.campaignId, record.leadId), structuredClone(record))
      store.events.push(structuredClone(event))
      for (const c of counters) day(c.scope, c.id, c.day).sends += 1
      return 'settled'
    },
    async confirm(record, event, counters) {
      const stored = records.get(key(record.campaignId, record.leadId))
      if (!stored || stored.sendId !== record.sendId || (stored.state !== 'sending' && stored.state !== 'unknown')) return 'changed'
      records.set(key(record.campaignId, record.leadId), structuredClone(record))
      store.events.push(structuredClone(event))
      for (const c of counters) day(c.scope, c.id, c.day).sends += 1
      return 'confirmed'
    },
    async skip(record, event, counters) {
      if (records.has(key(record.campaignId, record.leadId))) return 'exists'
      records.set(key(record.campaignId, record.leadId), structuredClone(record))
      store.events.push(structuredClone(event))
      for (const c of counters) day(c.scope, c.id, c.day).verified += 1
      return 'skipped'
    },
  }
  return store
}

export function memorySuppression(addresses: string[] = []): { addresses: Set<string>; isSuppressed(email: string): Promise<boolean> } {
  const set = new Set(addresses)
  return { addresses: set, isSuppressed: async (email) => set.has(email) }
}

/**
 * What the scripted verifier answers for an address: a verdict, or a throw as the MyEmailVerifier adapter
 * throws: `unavailable` (down, timed out, rate-limited: `retryable`) or `misconfigured` (a refused API key,
 * no credits: not retryable).
 */
export type ScriptedVerdict = 'valid' | 'invalid' | 'risky' | 'unavailable' | 'misconfigured'

const VERIFIER_ANSWERS = {
  valid: { status: 'Valid', diagnosis: 'Mailbox Exists and Active' },
  invalid: { status: 'Invalid', diagnosis: 'Mailbox Does Not Exist' },
  risky: { status: 'Catch All', diagnosis: 'Catch All Domain' },
} as const

export interface ScriptedVerifier {
  /** Every address asked about, in order. */
  calls: string[]
  /** Change an address's answer (addresses not listed are valid). */
  answers: Map<string, ScriptedVerdict>
  verify: PulseDeps['verifier']['verify']
}

export function scriptedVerifier(answers: Record<string, ScriptedVerdict> = {}): ScriptedVerifier {
  const map = new Map(Object.entries(answers))
  const verifier: ScriptedVerifier = {
    calls: [],
    answers: map,
    async verify(email) {
      verifier.calls.push(email)
      const verdict = map.get(email) ?? 'valid'
      if (verdict === 'unavailable' || verdict === 'misconfigured') {
        const retryable = verdict === 'unavailable'
        throw Object.assign(new Error(retryable ? `verifier unavailable for ${email}` : 'verifier refused the API key'), { retryable })
      }
      const answer = VERIFIER_ANSWERS[verdict]
      return { verdict, ...answer, raw: { Address: email, Status: answer.status } }
    },
  }
  return verifier
}

export interface ScriptedSender {
  /** Every message handed to the sender, in order, with the outcome it got. */
  calls: { message: OutgoingEmail; outcome: SendOutcome }[]
  /** Outcomes still to give, one per call; when empty every call is `sent`. */
  script: SendOutcome[]
  /** How many times the sender was asked to send to this address. */
  callsTo(address: string): number
  send: PulseDeps['sender']['send']
}

/** The SES adapter's role: each call takes the next scripted outcome (default `sent`, message id `ses-N`). */
export function scriptedSender(script: SendOutcome[] = []): ScriptedSender {
  const sender: ScriptedSender = {
    calls: [],
    script: [...script],
    callsTo: (address) => sender.calls.filter((c) => c.message.to === address).length,
    async send(message) {
      const outcome = sender.script.shift() ?? { kind: 'sent', messageId: `ses-${sender.calls.length + 1}` }
      sender.calls.push({ message: structuredClone(message), outcome })
      return outcome
    },
  }
  return sender
}

export interface PulseMessage {
  campaignId: string
  chainId: string
  /** The token the chain expects of this pulse; absent on a chain's first pulse (the chain id stands for it). */
  token?: string
  /** How many times this pulse has been retried (backoff), when it has. */
  attempt?: number
}

export interface MemoryPulseQueue extends PulseQueue {
  /** Every pulse enqueued, in order, with the delay it asked for. */
  messages: { pulse: PulseMessage; delaySeconds: number }[]
}

export function memoryPulseQueue(): MemoryPulseQueue {
  const messages: { pulse: PulseMessage; delaySeconds: number }[] = []
  return {
    messages,
    async enqueue(pulse, delaySeconds) {
      messages.push({ pulse: { ...pulse }, delaySeconds })
    },
  }
}

/**
 * Fault injection: where a call fails. `before`: it throws and nothing happened (the request never reached
 * the store or SES). `after`: it happened, then it throws (the answer was lost: a timeout, a crashed Lambda).
 */
export type FaultMode = 'before' | 'after'

/**
 * Wraps `target[method]` so that, for each call, `decide(call)` (1-based) may make it fail. The target is
 * changed in place, so every holder of the same object sees the faults.
 */
export function injectFaults<K extends string, T extends { [key in K]: (...args: never[]) => Promise<unknown> }>(
  target: T,
  method: K,
  decide: (call: number) => FaultMode | null,
): { calls: number; faults: number } {
  const original = target[method]
  const counts = { calls: 0, faults: 0 }
  const wrapped = async (...args: Parameters<T[K]>) => {
    const mode = decide(++counts.calls)
    if (mode === 'before') {
      counts.faults++
      throw new Error(`injected fault: ${method} failed before it took effect`)
    }
    const result = await original(...args)
    if (mode === 'after') {
      counts.faults++
      throw new Error(`injected fault: ${method} took effect, then its answer was lost`)
    }
    return result
  }
  target[method] = wrapped as unknown as T[K]
  return counts
}

/** An active mailbox on domain d1 with a cap of 100 a day; tests override what they are about. */
export function testMailbox(id: string, address: string, fromName: string, overrides: Partial<Mailbox> = {}): Mailbox {
  return { id, address, fromName, domainId: 'd1', status: 'active', healthState: 'healthy', dailyCap: 100, pauseReason: null, lastActivityAt: null, ...overrides }
}

/** A healthy sender domain. */
export function testDomain(id: string, name: string, overrides: Partial<Domain> = {}): Domain {
  return { id, name, status: 'healthy', pauseReason: null, ...overrides }
}

/** Lead `L<n>` of campaign c1, queued (active); `n` orders the queue (created `n` seconds into November). */
export function campaignLead(n: number, overrides: Partial<Lead> = {}): Lead {
  return testLead(`L${n}`, {
    email: `lead${n}@acme.example`,
    status: 'active',
    campaignId: 'c1',
    holdReason: null,
    createdAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    ...overrides,
  })
}

export interface MemoryAccount extends AccountBrakeStore {
  current: AccountBrake | null
  events: AuditEvent[]
}

/** The account-wide brake in memory (engaged or not), with the audit events its changes wrote. */
export function memoryAccount(initial: AccountBrake | null = null): MemoryAccount {
  const store: MemoryAccount = {
    current: initial,
    events: [],
    brake: async () => (store.current?.engaged ? structuredClone(store.current) : null),
    state: async () => (store.current ? structuredClone(store.current) : null),
    engage: async (brake, event) => {
      if (store.current?.engaged) return 'already_engaged'
      store.current = structuredClone(brake)
      store.events.push(event)
      return 'engaged'
    },
    release: async (brake, event) => {
      if (!store.current?.engaged) return 'not_engaged'
      store.current = structuredClone(brake)
      store.events.push(event)
      return 'released'
    },
  }
  return store
}
