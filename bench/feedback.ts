/**
 * Feedback handling (src/shared/services/feedback.ts), warm, in one process: SES events as the feedback
 * queue receives them (SNS envelopes, raw delivery off), each parsed and processed as the queue handler
 * does (parseFeedbackBody, then processFeedback), against DynamoDB Local with the app's own adapters as
 * `buildDeps` wires them, the immediate health check after each hard bounce or complaint included.
 * Two parts, on one in-memory DynamoDB Local of its own:
 *
 * 1. Events per second: N sequential events after a warm-up, each followed by the floor, one PutItem of
 *    a feedback marker (the least any event costs: it must be recorded once).
 * 2. DynamoDB request units per event, by kind and for the mix, priced from the calls and item sizes as
 *    AWS bills them (bench/capacity.ts); the immediate health check's share shown apart.
 *
 * The sends the events are about exist first: leads, claims and settled sends as the pulse leaves them,
 * written in bulk (see BulkWriter). This module also holds what bench/health.ts and bench/overview.ts
 * build their stored worlds with: the workspace, the lead/send/event generators, a history simulation
 * (processFeedback itself over in-memory state, its writes captured from the app's adapters) and the bulk
 * writer that stores the result.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { dynamoFeedback } from '../src/shared/adapters/dynamo/feedback-store.server'
import { createDb, type Db, type TableName, type TransactItem } from '../src/shared/adapters/dynamo/db.server'
import { dynamoLeads } from '../src/shared/adapters/dynamo/lead-store.server'
import { dynamoSends } from '../src/shared/adapters/dynamo/send-store.server'
import { buildDeps, randomIds, type AppDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { stampAuditEvent, type AuditEvent, type NewAuditEvent } from '../src/shared/domain/audit'
import type { Campaign, Domain, Lead, LeadStatus, Mailbox } from '../src/shared/domain/entities'
import { EMPTY_WINDOW, type SignalWindow } from '../src/shared/domain/health'
import { dayOf } from '../src/shared/domain/metrics'
import { seededRandom, type Random } from '../src/shared/domain/random'
import { localDay } from '../src/shared/domain/sending-window'
import { parseFeedbackBody } from '../src/shared/domain/ses-event'
import { DEFAULT_SETTINGS, type Settings } from '../src/shared/domain/settings'
import { leadContext, renderTemplate } from '../src/shared/domain/template'
import { processFeedback, type FeedbackDeps, type FeedbackResult as ProcessResult, type FeedbackWrite } from '../src/shared/services/feedback'
import type { SendRecord } from '../src/shared/services/pulse'
import { answerFor } from '../test/fakes/myemailverifier'
import { meterCalls, type CallStats } from './calls'
import { meterCapacity, type UnitRow } from './capacity'
import { FLOOR_TABLE, manifest, REGION, startWritesDynamo, type WritesDynamo } from './dynamo'
import { fmtInt, fmtMs, fmtPct, fmtRate, fmtX, table } from './format'
import { latencyStats, type LatencyStats } from './intake'
import { benchLead, leadOf } from './leads-data'
import { median } from './stats'
import { fixturePath } from '../test/support/contracts'

/** Apart from `npm start`, the tests (5599) and the other benchmarks (5591-5594, health 5596-5597, overview 5588-5589). */
export const FEEDBACK_PORT = 5595

/**
 * The event mix: of every 100 SES events, 70 Delivery, 20 Open, 7 transient trouble (4 transient bounces
 * and 3 delivery delays), 2 hard bounces, 1 complaint. Bounces, delays and complaints are 10% of events, more
 * than a healthy list produces (SES reviews an account at 5% bounces and 0.1% complaints), so the paths
 * that cost most (window marks, suppression, audit events, the immediate health check) are well sampled.
 * With Drason's default policy such a stream pauses mailboxes and engages the account brake, and the health
 * checks' writes are part of what is measured.
 */
export const FEEDBACK_MIX: Mix = [
  { kind: 'delivery', share: 0.7 },
  { kind: 'open', share: 0.2 },
  { kind: 'transient', share: 0.04 },
  { kind: 'delay', share: 0.03 },
  { kind: 'hard_bounce', share: 0.02 },
  { kind: 'complaint', share: 0.01 },
]

/**
 * 2,000 timed events after 100 warm-up (40 hard bounces and 20 complaints among them, each with its health
 * check), then 1,000 priced in units, a run of its own because the meter's probes cost time. About 30 s
 * here, the stored sends included.
 */
export const FEEDBACK = { n: 2000, warmup: 100, metered: 1000 }

// ------------------------------------------------------------------------------------------- the world

export type EventKind = 'delivery' | 'open' | 'transient' | 'delay' | 'hard_bounce' | 'complaint'
export type Mix = { kind: EventKind; share: number }[]
/** The contract fixtures each kind of event is drawn from, in turn. */
export const FIXTURES: Record<EventKind, string[]> = {
  delivery: ['delivery.json'],
  open: ['open.json'],
  transient: ['bounce-transient-general.json', 'bounce-transient-mailboxfull.json'],
  delay: ['delivery-delay-mailbox-full.json', 'delivery-delay-transient-communication-failure.json'],
  hard_bounce: ['bounce-permanent-general.json', 'bounce-permanent-noemail.json'],
  complaint: ['complaint-abuse.json'],
}
export const KIND_LABEL: Record<EventKind, string> = {
  delivery: 'Delivery',
  open: 'Open',
  transient: 'transient bounce',
  delay: 'delivery delay',
  hard_bounce: 'hard bounce',
  complaint: 'complaint',
}
/** Kinds that start from a send of their own; the others (opens, complaints) follow a delivered send. */
const OWN_SEND: ReadonlySet<EventKind> = new Set(['delivery', 'transient', 'delay', 'hard_bounce'])

const SES_EVENT_FIXTURES = fixturePath('ses', 'events')
const fixtureCache = new Map<string, Record<string, unknown>>()
function fixture(name: string): Record<string, unknown> {
  let f = fixtureCache.get(name)
  if (!f) {
    f = JSON.parse(readFileSync(join(SES_EVENT_FIXTURES, name), 'utf8')) as Record<string, unknown>
    fixtureCache.set(name, f)
  }
  return f
}

/**
 * A workspace of a sending team at volume: 4 domains of 5 mailboxes, 2 campaigns per domain over its 5
 * mailboxes. The health run reads every mailbox's window and every domain's day counters, so its cost
 * grows with these numbers (and they are fixed in every comparison).
 */
export const WORLD_SHAPE = { domains: 4, mailboxesPerDomain: 5, campaignsPerDomain: 2 }

export interface World {
  domains: Domain[]
  mailboxes: Mailbox[]
  campaigns: Campaign[]
}

const ACTOR = { type: 'system' as const, id: 'bench' }
const stamp = (e: Omit<NewAuditEvent, 'actor'>, at: Date, actor: NewAuditEvent['actor'] = ACTOR) => stampAuditEvent({ ...e, actor }, randomIds.next(), at)

/** The workspace's entities (nothing written). `paused` campaigns are paused by a person, with their leads. */
export function worldOf(pausedCampaigns = 0): World {
  const created = '2026-01-05T09:00:00.000Z'
  const domains: Domain[] = []
  const mailboxes: Mailbox[] = []
  const campaigns: Campaign[] = []
  const first = ['Anita', 'Rahul', 'Priya', 'Vikram', 'Sneha', 'Arjun', 'Kavya', 'Rohan', 'Meera', 'Aditya']
  for (let d = 0; d < WORLD_SHAPE.domains; d++) {
    const name = `mail${d + 1}.example.com`
    domains.push({ id: name, name, status: 'healthy', pauseReason: null })
    const own: Mailbox[] = []
    for (let m = 0; m < WORLD_SHAPE.mailboxesPerDomain; m++) {
      const person = first[(d * WORLD_SHAPE.mailboxesPerDomain + m) % first.length]!
      const address = `${person.toLowerCase()}${d + 1}@${name}`
      // 50 a day: a warmed mailbox's conservative pace; caps play no part in these benchmarks.
      own.push({ id: address, address, fromName: `${person} Sharma`, domainId: name, status: 'active', healthState: 'healthy', dailyCap: 50, pauseReason: null, lastActivityAt: null })
    }
    mailboxes.push(...own)
    for (let c = 0; c < WORLD_SHAPE.campaignsPerDomain; c++) {
      const i = campaigns.length
      const paused = i >= WORLD_SHAPE.domains * WORLD_SHAPE.campaignsPerDomain - pausedCampaigns
      campaigns.push({
        id: `cmp-${d + 1}-${c + 1}`,
        name: `${['Founders', 'Finance leaders'][c % 2]} ${d + 1}`,
        sender: { kind: 'ses' },
        status: paused ? 'paused' : 'active',
        // The demo's first campaign's templates: what a sent event's variant holds.
        subjectTemplate: '{Quick question|A thought} for {{Company}}',
        bodyTemplate: '{Hi|Hello} {{FirstName|there}},\n\nI noticed {{Company}} is growing fast. {Worth a chat?|Open to a short call?}\n\nAnita',
        htmlTemplate: null,
        extraVariables: [],
        mailboxIds: own.map((m) => m.id),
        dailyCap: 200,
        delay: { meanSeconds: 120, sdSeconds: 30, minSeconds: 60, maxSeconds: 180 },
        window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' },
        pauseReason: paused ? 'Paused by a person to review replies.' : null,
        pausedBy: paused ? 'admin@drason.local' : null,
        createdAt: created,
      })
    }
  }
  return { domains, mailboxes, campaigns }
}

/** Writes the workspace through the app's stores, as a person setting it up would (a few dozen writes). */
export async function seedWorld(deps: AppDeps, world: World, settings: Settings = DEFAULT_SETTINGS): Promise<void> {
  const now = new Date()
  if ((await deps.settingsStore.save(settings, 0, stamp({ entityType: 'setting', entityId: 'settings', action: 'settings_updated', sentence: 'Benchmark settings.' }, now))) !== 'saved') {
    throw new Error('could not save the benchmark settings')
  }
  for (const d of world.domains) await deps.senders.insertDomain(d, stamp({ entityType: 'domain', entityId: d.id, action: 'created', sentence: `Added ${d.name}.` }, now))
  for (const m of world.mailboxes) await deps.senders.insertMailbox(m, stamp({ entityType: 'mailbox', entityId: m.id, action: 'created', sentence: `Added ${m.address}.` }, now))
  for (const c of world.campaigns) await deps.campaigns.insert(c, stamp({ entityType: 'campaign', entityId: c.id, action: 'created', sentence: `Created ${c.name}.` }, now))
}

// ------------------------------------------------------------------------------- capture and bulk writes

type Item = Record<string, unknown>

/**
 * A Db whose document client records the writes the app's adapters make (every TransactWriteItems' items,
 * and single PutItem and UpdateItem calls as the same shapes) instead of sending them. The adapters build
 * their items and keys as they always do; BulkWriter stores the outcome.
 */
export function capturingDb(names: Record<TableName, string>): { db: Db; take(): TransactItem[] } {
  const db = createDb({ region: REGION, names })
  let taken: TransactItem[] = []
  db.doc.send = (async (command: { input: Item; constructor: { name: string } }) => {
    switch (command.constructor.name) {
      case 'TransactWriteCommand':
        taken.push(...(command.input.TransactItems as TransactItem[]))
        return {}
      case 'PutCommand':
        taken.push({ Put: command.input } as TransactItem)
        return {}
      case 'UpdateCommand':
        taken.push({ Update: command.input } as TransactItem)
        return {}
      default:
        throw new Error(`capturingDb records writes only; ${command.constructor.name} needs the database`)
    }
  }) as unknown as typeof db.doc.send
  return {
    db,
    take() {
      const out = taken
      taken = []
      return out
    },
  }
}

/** The top-level clauses of an expression list, split at commas outside parentheses. */
function clauses(list: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++
    else if (list[i] === ')') depth--
    else if (list[i] === ',' && depth === 0) {
      out.push(list.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(list.slice(start).trim())
  return out.filter(Boolean)
}

/**
 * An UpdateItem applied to an item in memory. Only what the captured adapters write is understood: `SET a =
 * :v`, `SET a = if_not_exists(b, :v)` and `ADD a :n` on top-level attributes; anything else throws, so a new
 * kind of write cannot be stored wrongly without notice.
 */
function applyUpdate(before: Item, u: { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item }): Item {
  const names = u.ExpressionAttributeNames ?? {}
  const values = u.ExpressionAttributeValues ?? {}
  const name = (token: string) => {
    const n = token.startsWith('#') ? names[token] : token
    if (!n || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`bulk writes: unsupported attribute path ${token}`)
    return n
  }
  const value = (token: string) => {
    if (!(token in values)) throw new Error(`bulk writes: no value ${token}`)
    return values[token]
  }
  const after: Item = { ...before }
  const parts = (u.UpdateExpression ?? '').split(/\b(SET|ADD|REMOVE|DELETE)\s+/).slice(1)
  for (let i = 0; i < parts.length; i += 2) {
    const verb = parts[i]!
    for (const clause of clauses(parts[i + 1]!)) {
      if (verb === 'SET') {
        const m = /^([#\w]+)\s*=\s*(.+)$/.exec(clause)
        if (!m) throw new Error(`bulk writes: unsupported SET ${clause}`)
        const rhs = m[2]!.trim()
        const ifNot = /^if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(rhs)
        // Right-hand sides read the item as it was before this update.
        if (ifNot) after[name(m[1]!)] = before[name(ifNot[1]!)] ?? value(ifNot[2]!)
        else if (/^:\w+$/.test(rhs)) after[name(m[1]!)] = value(rhs)
        else throw new Error(`bulk writes: unsupported SET ${clause}`)
      } else if (verb === 'ADD') {
        const m = /^([#\w]+)\s+(:\w+)$/.exec(clause)
        const delta = m ? value(m[2]!) : undefined
        if (!m || typeof delta !== 'number') throw new Error(`bulk writes: unsupported ADD ${clause}`)
        const n = name(m[1]!)
        const current = after[n] ?? 0
        if (typeof current !== 'number') throw new Error(`bulk writes: ADD to the non-number ${n}`)
        after[n] = current + delta
      } else {
        throw new Error(`bulk writes: unsupported ${verb}`)
      }
    }
  }
  return after
}

/**
 * Stores what captured writes would leave in the tables, in bulk: the writes are replayed per item in
 * memory (a Put replaces the item, an Update changes it, starting from the stored item when the first
 * write to it is an Update) and each resulting item is written once with BatchWriteItem, 8 requests at a
 * time (~5,000 items/s on DynamoDB Local here, against ~3,000 one request at a time). Conditions are not
 * evaluated: the generators produce only histories in which every condition holds (each send claimed once,
 * settled from `sending`, each feedback id new, each window version the next).
 */
export class BulkWriter {
  private pending = new Map<string, { table: string; key: Item; writes: TransactItem[] }>()
  /** Items written, by logical table. */
  readonly written: Record<string, number> = {}
  private constructor(
    private readonly db: Db,
    private readonly keyNames: Map<string, string[]>,
    private readonly logical: Map<string, string>,
  ) {}

  static async create(db: Db, names: Record<TableName, string>): Promise<BulkWriter> {
    const { inv } = await manifest()
    const keyNames = new Map<string, string[]>()
    for (const t of inv.tables ?? []) keyNames.set(names[t.name as TableName], [t.partitionKey, ...(t.sortKey ? [t.sortKey] : [])])
    return new BulkWriter(db, keyNames, new Map(Object.entries(names).map(([l, p]) => [p, l])))
  }

  private keyOf(table: string, item: Item): Item {
    const names = this.keyNames.get(table)
    if (!names) throw new Error(`bulk writes: unknown table ${table}`)
    return Object.fromEntries(names.map((n) => [n, item[n]]))
  }

  add(writes: TransactItem[]): void {
    for (const w of writes) {
      let table: string
      let key: Item
      if (w.Put) [table, key] = [w.Put.TableName!, this.keyOf(w.Put.TableName!, w.Put.Item as Item)]
      else if (w.Update) [table, key] = [w.Update.TableName!, this.keyOf(w.Update.TableName!, w.Update.Key as Item)]
      else if (w.ConditionCheck) continue
      else throw new Error('bulk writes: only Put and Update are replayed')
      const id = `${table}\u0000${JSON.stringify(key)}`
      const entry = this.pending.get(id)
      if (entry) entry.writes.push(w)
      else this.pending.set(id, { table, key, writes: [w] })
    }
  }

  get pendingItems(): number {
    return this.pending.size
  }

  /**
   * Replays and stores everything added since the last call, in the background: the caller may go on
   * adding (and must yield to the event loop now and then for the writes to progress). One flush runs at a
   * time, so an item's stored state is read only after the previous flush has written it. `drain` waits.
   */
  flush(concurrency = 8): Promise<void> {
    const entries = [...this.pending.values()]
    this.pending = new Map()
    const previous = this.inflight
    this.inflight = previous.then(() => this.store(entries, concurrency))
    // A failure surfaces at the next awaited flush or drain, not as an unhandled rejection meanwhile.
    this.inflight.catch(() => undefined)
    return this.inflight
  }

  drain(): Promise<void> {
    return this.flush()
  }

  private inflight: Promise<void> = Promise.resolve()

  private async store(entries: { table: string; key: Item; writes: TransactItem[] }[], concurrency: number): Promise<void> {
    const stored = await this.read(entries.filter((e) => !e.writes[0]!.Put))
    const items = entries.map((e) => {
      let item: Item | null = stored.get(`${e.table}\u0000${JSON.stringify(e.key)}`) ?? null
      for (const w of e.writes) item = w.Put ? { ...(w.Put.Item as Item) } : applyUpdate(item ?? { ...e.key }, w.Update!)
      return { table: e.table, item: item! }
    })
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const chunk = items.slice(next, next + 25)
          next += 25
          let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {}
          for (const { table, item } of chunk) (request[table] ??= []).push({ PutRequest: { Item: item } })
          for (let attempt = 0; request && Object.keys(request).length; attempt++) {
            if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)))
            const out = await this.db.doc.send(new BatchWriteCommand({ RequestItems: request }))
            request = out.UnprocessedItems as typeof request
          }
          for (const { table } of chunk) {
            const l = this.logical.get(table) ?? table
            this.written[l] = (this.written[l] ?? 0) + 1
          }
        }
      }),
    )
  }

  /** The stored items of entries whose first write is an Update (counters, windows, suppressions). */
  private async read(entries: { table: string; key: Item }[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>()
    for (let i = 0; i < entries.length; i += 100) {
      let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {}
      for (const e of entries.slice(i, i + 100)) (request[e.table] ??= { Keys: [], ConsistentRead: true }).Keys.push(e.key)
      while (request && Object.keys(request).length) {
        const out = await this.db.doc.send(new BatchGetCommand({ RequestItems: request }))
        for (const [table, items] of Object.entries(out.Responses ?? {})) for (const item of items) found.set(`${table}\u0000${JSON.stringify(this.keyOf(table, item))}`, item)
        request = out.UnprocessedKeys as typeof request
      }
    }
    return found
  }
}

/** Items in each table, as DynamoDB Local counts them (DescribeTable), by logical name. */
export async function storedItems(dynamo: WritesDynamo): Promise<Record<string, number>> {
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION })
  try {
    const out: Record<string, number> = {}
    for (const [logical, physical] of Object.entries(dynamo.names)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: physical }))
      out[logical] = Table?.ItemCount ?? 0
    }
    return out
  } finally {
    client.destroy()
  }
}

// ------------------------------------------------------------------------------- sends and SES events

export interface BenchSend {
  lead: Lead
  sent: SendRecord
  /** The 'sent' audit event and the counters the pulse writes with the settled send. */
  event: AuditEvent
  counters: { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string }[]
}

/**
 * A lead of `campaign` and its send from one of the campaign's mailboxes at `at`, as the pulse leaves
 * them: the record, the 'sent' audit event with the rendered variant and the verifier's answer, the four
 * day counters. `id` makes the lead, send and SES message ids unique.
 */
export function makeSend(rand: Random, id: string, campaign: Campaign, at: Date, leadStatus: LeadStatus = 'completed'): BenchSend {
  const l = benchLead(rand, 0, id)
  const lead = leadOf(l, `lead-${id}`, {
    enrichment: { title: l.title, city: l.city, employees: l.employees, linkedin_url: l.linkedin },
    status: leadStatus,
    campaignId: campaign.id,
    holdReason: null,
    createdAt: new Date(at.getTime() - 86_400_000).toISOString(),
  })
  const mailbox = campaign.mailboxIds[Math.floor(rand() * campaign.mailboxIds.length)]!
  const domain = mailbox.slice(mailbox.indexOf('@') + 1)
  const ctx = leadContext(lead, { html: false })
  const subject = renderTemplate(campaign.subjectTemplate, ctx, rand)
  const text = renderTemplate(campaign.bodyTemplate, ctx, rand)
  if (!subject.ok || !text.ok) throw new Error(`bench template did not render for ${lead.email}`)
  const variant = { subject: subject.text, text: text.text, choices: { subject: subject.choices, text: text.choices } }
  const claimedAt = at.toISOString()
  const sent: SendRecord = { campaignId: campaign.id, leadId: lead.id, sendId: `send-${id}`, state: 'sent', mailboxId: mailbox, claimedAt, messageId: `0100019${id}-ses` }
  const verifier = answerFor(lead.email).body
  const event = stampAuditEvent(
    {
      actor: { type: 'system', id: 'send-loop' },
      entityType: 'lead',
      entityId: lead.id,
      action: 'sent',
      sentence: `Sent "${subject.text}" to ${lead.email} from ${mailbox} for campaign "${campaign.name}".`,
      details: { campaignId: campaign.id, mailboxId: mailbox, sendId: sent.sendId, messageId: sent.messageId, variant, verifier, processingMs: 420 },
    },
    randomIds.next(),
    at,
  )
  const day = dayOf(at)
  return {
    lead,
    sent,
    event,
    counters: [
      { scope: 'overall', id: 'all', day },
      { scope: 'campaign', id: campaign.id, day: localDay(campaign.window.timeZone, at) },
      { scope: 'mailbox', id: mailbox, day },
      { scope: 'domain', id: domain, day },
    ],
  }
}

/** The writes of sends as the app makes them: leads inserted (33 a transaction, as imports do), claimed, settled. */
export async function captureSends(cap: ReturnType<typeof capturingDb>, sends: BenchSend[]): Promise<TransactItem[]> {
  const leads = dynamoLeads(cap.db)
  const store = dynamoSends(cap.db)
  for (let i = 0; i < sends.length; i += 33) {
    const batch = sends.slice(i, i + 33).map((s) => ({
      lead: s.lead,
      event: stamp({ entityType: 'lead', entityId: s.lead.id, action: 'ingested', sentence: `Took in ${s.lead.email} from clay; routed to ${s.lead.campaignId}.` }, new Date(s.lead.createdAt)),
    }))
    if ((await leads.insertMany(batch.map((b) => b.lead), batch.map((b) => b.event))) !== 'created') throw new Error('capturing lead inserts failed')
  }
  for (const s of sends) {
    if ((await store.claim({ ...s.sent, state: 'sending' })) !== 'claimed') throw new Error('capturing a claim failed')
    if ((await store.settle(s.sent, s.event, s.counters)) !== 'settled') throw new Error('capturing a settle failed')
  }
  return cap.take()
}

let snsSequence = 0
/**
 * The SES event of `fixtureName` about one send, as SNS puts it in the feedback queue: the fixture with the
 * send's message id, recipient and Drason's tags (beside SES's own), fresh bounce or complaint feedback ids,
 * its timestamps at `at`, inside an SNS envelope with a MessageId of its own.
 */
export function sesBody(fixtureName: string, send: { lead: Lead; sent: SendRecord }, at: Date): string {
  const event = structuredClone(fixture(fixtureName)) as Record<string, Record<string, unknown>>
  const seq = ++snsSequence
  const { lead, sent } = send
  const mail = event.mail!
  mail.messageId = sent.messageId
  mail.timestamp = sent.claimedAt
  mail.destination = [lead.email]
  const sesTags = Object.fromEntries(Object.entries((mail.tags ?? {}) as Record<string, string[]>).filter(([k]) => k.startsWith('ses:')))
  mail.tags = { ...sesTags, lead: [lead.id], campaign: [sent.campaignId], mailbox: [sent.mailboxId!], send: [sent.sendId] }
  const iso = at.toISOString()
  if (event.bounce) {
    event.bounce.feedbackId = `0100019b-bounce-${seq}`
    event.bounce.bouncedRecipients = (event.bounce.bouncedRecipients as Item[]).map((r) => ({ ...r, emailAddress: lead.email }))
  }
  if (event.complaint) {
    event.complaint.feedbackId = `0100019b-complaint-${seq}`
    event.complaint.complainedRecipients = [{ emailAddress: lead.email }]
  }
  for (const part of ['bounce', 'complaint', 'delivery', 'deliveryDelay', 'open']) if (event[part] && typeof event[part] === 'object') event[part].timestamp = iso
  return JSON.stringify({
    Type: 'Notification',
    MessageId: `6f1d2c3b-9a8b-4c7d-${String(seq).padStart(12, '0')}`,
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:drason-production-feedback',
    Message: JSON.stringify(event),
    Timestamp: iso,
  })
}

export interface PlannedEvent {
  kind: EventKind
  fixture: string
  /** Index of the send it is about, in the plan's own sends. */
  send: number
}

/**
 * `n` events of the mix, in an order where an open or complaint always comes after its send's delivery:
 * deliveries, bounces and delays each about a send of their own, shuffled; each open and complaint about a
 * delivered send, placed at a random point after its delivery. `exact`: the mix's proportions exactly
 * (largest remainder); otherwise each event's kind is drawn at random with the mix's odds, so a kind rarer
 * than one in `n` still occurs on some days.
 */
export function planEvents(n: number, mix: Mix, rand: Random, exact = true): { events: PlannedEvent[]; sends: number } {
  const counts = mix.map(() => 0)
  if (exact) {
    const shares = mix.map((m) => m.share * n)
    shares.forEach((x, i) => (counts[i] = Math.floor(x)))
    const order = shares.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
    for (let k = 0; counts.reduce((a, b) => a + b, 0) < n; k++) counts[order[k % order.length]![1]]!++
  } else {
    for (let e = 0; e < n; e++) {
      let x = rand()
      const i = mix.findIndex((m) => (x -= m.share) < 0)
      counts[i < 0 ? 0 : i]!++
    }
  }
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[xs[i], xs[j]] = [xs[j]!, xs[i]!]
    }
    return xs
  }
  const own: { kind: EventKind; fixture: string }[] = []
  const follow: { kind: EventKind; fixture: string }[] = []
  mix.forEach((m, i) => {
    for (let k = 0; k < counts[i]!; k++) (OWN_SEND.has(m.kind) ? own : follow).push({ kind: m.kind, fixture: FIXTURES[m.kind][k % FIXTURES[m.kind].length]! })
  })
  const primaries = shuffle(own).map((e, i) => ({ ...e, send: i, t: i }))
  const delivered = primaries.filter((e) => e.kind === 'delivery')
  if (follow.length && !delivered.length) throw new Error('opens and complaints need deliveries in the mix')
  // A recipient complains about a message once: each complaint's send is one no other complaint is about.
  const complained = new Set<number>()
  const followers = follow.map((e) => {
    let d = delivered[Math.floor(rand() * delivered.length)]!
    while (e.kind === 'complaint' && complained.has(d.send) && complained.size < delivered.length) d = delivered[Math.floor(rand() * delivered.length)]!
    if (e.kind === 'complaint') complained.add(d.send)
    return { ...e, send: d.send, t: d.t + 0.5 + rand() * (primaries.length - d.t) }
  })
  const events = [...primaries, ...followers].sort((a, b) => a.t - b.t).map(({ kind, fixture, send }) => ({ kind, fixture, send }))
  return { events, sends: primaries.length }
}

// ------------------------------------------------------------------------------------ stored history

export interface HistoryStats {
  days: number
  events: number
  sends: number
  byKind: Record<string, number>
  /** Simulated processing plus bulk writes, wall seconds. */
  seconds: number
}

/**
 * Stores `days` days of history ending at `now`, `eventsPerDay` SES events a day in `mix`, over `world`:
 * each day's sends (the settled send record, its four day counters, the mailbox's send count) and each
 * event as processFeedback writes it (marker, send record, suppression, marks, counters, audit event).
 * Not stored: the sends' leads and their 'sent' audit events (~2 KB each, the largest items of a send),
 * which no feedback event writes and a health run never reads; storing them too would double the setup. processFeedback itself runs, over in-memory state (sends,
 * mailboxes, campaigns, signal windows) with a clock at each event's time, and its transaction is captured
 * from the app's feedback adapter; BulkWriter stores every item. Day d back from `now` uses the random
 * seeded `seed + d`, so two histories of different length hold the same most recent days. The immediate
 * health check is not run (this is the past; the benchmark runs health on what it leaves).
 */
export async function writeHistory(
  world: World,
  writer: BulkWriter,
  names: Record<TableName, string>,
  o: { days: number; eventsPerDay: number; mix: Mix; seed: number; now: Date; log: (msg: string) => void },
): Promise<HistoryStats> {
  const started = performance.now()
  const cap = capturingDb(names)
  const feedbackStore = dynamoFeedback(cap.db)
  const sendStore = dynamoSends(cap.db)
  const auditTable = names.audit
  const campaigns = new Map(world.campaigns.map((c) => [c.id, c]))
  const mailboxes = new Map(world.mailboxes.map((m) => [m.id, m]))
  const windows = new Map<string, { window: SignalWindow; version: number }>()
  const records = new Map<string, SendRecord>()
  let clockAt = o.now
  const deps: FeedbackDeps = {
    sends: {
      get: async (campaignId, leadId) => records.get(`${campaignId}#${leadId}`) ?? null,
      confirm: async () => {
        throw new Error('history holds no unknown sends')
      },
    },
    campaigns: { get: async (id) => (campaigns.has(id) ? { value: campaigns.get(id)!, version: 1 } : null) },
    senders: { getMailbox: async (id) => (mailboxes.has(id) ? { value: mailboxes.get(id)!, version: 1 } : null) },
    // The history holds no unknown sends, so nothing settles one and no lead is completed.
    leads: {
      get: async () => {
        throw new Error('history holds no unknown sends')
      },
      complete: async () => {
        throw new Error('history holds no unknown sends')
      },
    },
    feedback: {
      window: async (id) => windows.get(id) ?? { window: { ...EMPTY_WINDOW }, version: 0 },
      apply: async (write: FeedbackWrite) => {
        const r = await feedbackStore.apply(write)
        if (write.send) records.set(`${write.send.record.campaignId}#${write.send.record.leadId}`, write.send.record)
        if (write.window) {
          const w = write.window
          const before = windows.get(w.mailboxId)?.window ?? { ...EMPTY_WINDOW }
          windows.set(w.mailboxId, { window: { ...before, hardBounceMarks: w.hardBounceMarks, failureMarks: w.failureMarks, hardBounces: w.hardBounces }, version: w.version + 1 })
        }
        return r
      },
    },
    settings: async () => DEFAULT_SETTINGS,
    checkHealth: async () => undefined,
    clock: { now: () => clockAt },
    ids: randomIds,
  }

  const active = world.campaigns.filter((c) => c.status === 'active')
  const byKind: Record<string, number> = {}
  let events = 0
  let sendCount = 0
  const DAY = 86_400_000
  for (let d = o.days - 1; d >= 0; d--) {
    const rand = seededRandom(o.seed + d)
    const plan = planEvents(o.eventsPerDay, o.mix, rand, false)
    // The day's sends spread over the 24 hours before `now - d days`; each event minutes to hours after its
    // send and before the day ends.
    const dayStart = o.now.getTime() - (d + 1) * DAY
    const sends = Array.from({ length: plan.sends }, (_, j) => makeSend(rand, `h${d}-${j}`, active[j % active.length]!, new Date(dayStart + ((j + 0.25) / plan.sends) * DAY * 0.8)))
    const timeline: { at: number; run: () => Promise<void> }[] = []
    for (const s of sends) {
      timeline.push({
        at: new Date(s.sent.claimedAt).getTime(),
        run: async () => {
          if ((await sendStore.claim({ ...s.sent, state: 'sending' })) !== 'claimed' || (await sendStore.settle(s.sent, s.event, s.counters)) !== 'settled') throw new Error('capturing a send failed')
          writer.add(cap.take().filter((w) => !(w.Put && w.Put.TableName === auditTable)))
          records.set(`${s.sent.campaignId}#${s.sent.leadId}`, s.sent)
          const w = windows.get(s.sent.mailboxId!) ?? { window: { ...EMPTY_WINDOW }, version: 0 }
          windows.set(s.sent.mailboxId!, { ...w, window: { ...w.window, sends: w.window.sends + 1 } })
        },
      })
    }
    const dayEnd = dayStart + DAY
    for (const e of plan.events) {
      const s = sends[e.send]!
      const sentAt = new Date(s.sent.claimedAt).getTime()
      const at = OWN_SEND.has(e.kind) ? sentAt + 2_000 + rand() * 600_000 : sentAt + 700_000 + rand() * (dayEnd - sentAt - 700_000)
      timeline.push({
        at,
        run: async () => {
          clockAt = new Date(at)
          const parsed = parseFeedbackBody(sesBody(e.fixture, s, clockAt))
          if (!parsed.ok) throw new Error(`bench event did not parse: ${parsed.reason}`)
          const r = await processFeedback(deps, parsed.event)
          if (r.outcome !== 'applied') throw new Error(`history event ${e.kind}: ${JSON.stringify(r)}`)
          writer.add(cap.take())
          byKind[e.kind] = (byKind[e.kind] ?? 0) + 1
          events++
        },
      })
    }
    timeline.sort((a, b) => a.at - b.at)
    for (const [i, step] of timeline.entries()) {
      await step.run()
      // The steps resolve without I/O: yield now and then so the background flush's requests progress.
      if (i % 100 === 0) await new Promise((r) => setImmediate(r))
    }
    sendCount += sends.length
    records.clear()
    // ~20,000 items at a time (about a week): memory stays small, the replay reads back only counters and
    // windows, and the writes run while the next days are simulated.
    if (writer.pendingItems >= 20_000) void writer.flush()
    if (d % 10 === 0) o.log(`  history: ${fmtInt(o.days - d)} of ${fmtInt(o.days)} days simulated (${fmtInt(events)} events, ${fmtInt(sendCount)} sends)`)
  }
  await writer.drain()
  return { days: o.days, events, sends: sendCount, byKind, seconds: (performance.now() - started) / 1000 }
}

// ------------------------------------------------------------------------------------------- results

export interface KindResult {
  kind: EventKind
  count: number
  time: LatencyStats
  /** Units per event of this kind, without and with the immediate health check. */
  rcu: number
  wcu: number
  healthRcu: number
  healthWcu: number
  healthChecks: number
}

export interface FeedbackBenchResult {
  mix: { kind: EventKind; share: number }[]
  n: number
  warmup: number
  metered: number
  world: { domains: number; mailboxes: number; campaigns: number }
  events: LatencyStats
  floor: LatencyStats & { itemBytes: number }
  /** events/s over floor puts/s. */
  ratio: number
  byKind: KindResult[]
  /** The immediate health checks of the timed run: count, mean ms, and the state changes they made. */
  health: { checks: number; meanMs: number; p50Ms: number; actions: Record<string, number> }
  calls: CallStats
  units: { perEvent: { rcu: number; wcu: number }; withoutHealth: { rcu: number; wcu: number }; rows: UnitRow[]; reported: Record<string, { calls: number; answered: number; units: number }>; failures: number }
  wallSeconds: number
}

// ------------------------------------------------------------------------------------------- the bench

interface Prepared {
  bodies: { kind: EventKind; body: string }[]
}

/** `n` events of the mix about freshly settled sends (stored in bulk first): the SQS bodies, in order. */
async function prepareEvents(dynamo: WritesDynamo, world: World, n: number, seed: number, tag: string): Promise<Prepared> {
  const rand = seededRandom(seed)
  const plan = planEvents(n, FEEDBACK_MIX, rand)
  const active = world.campaigns.filter((c) => c.status === 'active')
  // Sent in the last hours, a send every ~5 s across the workspace; the events arrive now.
  const now = Date.now()
  const sends = Array.from({ length: plan.sends }, (_, j) => makeSend(rand, `${tag}-${j}`, active[j % active.length]!, new Date(now - (plan.sends - j) * 5_000)))
  const db = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
  const writer = await BulkWriter.create(db, dynamo.names)
  writer.add(await captureSends(capturingDb(dynamo.names), sends))
  await writer.drain()
  db.doc.destroy()
  // A millisecond apart: two events of one kind about one message (two opens) differ in their SES
  // timestamp, which with the message id is what tells them apart (decision 021).
  return { bodies: plan.events.map((e, k) => ({ kind: e.kind, body: sesBody(e.fixture, sends[e.send]!, new Date(now + k)) })) }
}

const totalsOf = (rows: Record<string, UnitRow>) => Object.values(rows).reduce((t, r) => ({ rcu: t.rcu + r.rcu, wcu: t.wcu + r.wcu }), { rcu: 0, wcu: 0 })

export async function benchFeedback(options: { n: number; warmup: number; metered: number; log: (msg: string) => void }): Promise<FeedbackBenchResult> {
  const started = performance.now()
  const { log } = options
  log(`feedback: DynamoDB Local on ${FEEDBACK_PORT}...`)
  const dynamo = await startWritesDynamo(FEEDBACK_PORT)
  try {
    const cfg = parseConfig({ ARC_ENV: 'testing' })
    const world = worldOf()
    const setupDb = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
    await seedWorld(buildDeps(setupDb, cfg), world)
    setupDb.doc.destroy()

    // ---- 1. events per second against the floor
    log(`feedback 1/2: storing the sends of ${options.warmup} + ${options.n} events, then processing them one by one, each followed by the floor PutItem...`)
    const warm = await prepareEvents(dynamo, world, options.warmup, 501, 'fw')
    const timed = await prepareEvents(dynamo, world, options.n, 502, 'ft')
    const db = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
    const calls = meterCalls(db)
    const base = buildDeps(db, cfg)
    const health = { on: false, ms: [] as number[], actions: {} as Record<string, number> }
    const deps = {
      ...base,
      checkHealth: async () => {
        const t = performance.now()
        const actions = (await base.checkHealth()) as { entity: string; to: string }[]
        if (health.on) {
          health.ms.push(performance.now() - t)
          for (const a of actions) health.actions[`${a.entity} ${a.to}`] = (health.actions[`${a.entity} ${a.to}`] ?? 0) + 1
        }
        return actions
      },
    }
    const floorItem = (i: number) => ({ pk: `FEEDBACK#floor-${i}`, sk: 'FLOOR', at: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 28 * 86_400 })
    const floorBytes = Buffer.byteLength(JSON.stringify(floorItem(0)))
    const handle = async (body: string): Promise<ProcessResult> => {
      const parsed = parseFeedbackBody(body)
      if (!parsed.ok) throw new Error(`bench body did not parse: ${parsed.reason}`)
      return processFeedback(deps, parsed.event)
    }
    const samples: { kind: EventKind; ms: number }[] = []
    const floor: number[] = []
    const all = [...warm.bodies.map((b) => ({ ...b, warm: true })), ...timed.bodies.map((b) => ({ ...b, warm: false }))]
    for (const [i, e] of all.entries()) {
      if (i === warm.bodies.length) {
        calls.reset()
        health.on = true
      }
      const t = performance.now()
      const r = await handle(e.body)
      const ms = performance.now() - t
      if (r.outcome !== 'applied') throw new Error(`event ${i} (${e.kind}): expected applied, got ${JSON.stringify(r)}`)
      const f = performance.now()
      await db.doc.send(new PutCommand({ TableName: FLOOR_TABLE, Item: floorItem(i) }))
      const fms = performance.now() - f
      if (e.warm) continue
      samples.push({ kind: e.kind, ms })
      floor.push(fms)
    }
    const callStats = structuredClone(calls.stats)
    const healthTimes = [...health.ms]
    db.doc.destroy()

    // ---- 2. units per event
    log(`feedback 2/2: ${options.metered} more events priced in request units...`)
    const metered = await prepareEvents(dynamo, world, options.metered, 503, 'fm')
    const mdb = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
    const meter = await meterCapacity(mdb, { endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
    const mbase = buildDeps(mdb, cfg)
    let inHealth = { rcu: 0, wcu: 0, checks: 0 }
    const mdeps = {
      ...mbase,
      checkHealth: async () => {
        const before = totalsOf(meter.rows)
        const out = await mbase.checkHealth()
        const after = totalsOf(meter.rows)
        inHealth = { rcu: inHealth.rcu + after.rcu - before.rcu, wcu: inHealth.wcu + after.wcu - before.wcu, checks: inHealth.checks + 1 }
        return out
      },
    }
    const unitsByKind = new Map<EventKind, { rcu: number; wcu: number; healthRcu: number; healthWcu: number; checks: number; count: number }>()
    meter.active = true
    try {
      for (const e of metered.bodies) {
        const parsed = parseFeedbackBody(e.body)
        if (!parsed.ok) throw new Error(parsed.reason)
        const before = totalsOf(meter.rows)
        inHealth = { rcu: 0, wcu: 0, checks: 0 }
        const r = await processFeedback(mdeps, parsed.event)
        if (r.outcome !== 'applied') throw new Error(`metered event (${e.kind}): ${JSON.stringify(r)}`)
        const after = totalsOf(meter.rows)
        const k = unitsByKind.get(e.kind) ?? { rcu: 0, wcu: 0, healthRcu: 0, healthWcu: 0, checks: 0, count: 0 }
        k.count++
        k.rcu += after.rcu - before.rcu - inHealth.rcu
        k.wcu += after.wcu - before.wcu - inHealth.wcu
        k.healthRcu += inHealth.rcu
        k.healthWcu += inHealth.wcu
        k.checks += inHealth.checks
        unitsByKind.set(e.kind, k)
      }
    } finally {
      meter.active = false
      mdb.doc.destroy()
    }
    const m = options.metered
    const total = totalsOf(meter.rows)
    const healthTotal = [...unitsByKind.values()].reduce((t, k) => ({ rcu: t.rcu + k.healthRcu, wcu: t.wcu + k.healthWcu }), { rcu: 0, wcu: 0 })

    const events = latencyStats(samples.map((s) => s.ms))
    const floorStats = latencyStats(floor)
    const byKind: KindResult[] = FEEDBACK_MIX.map(({ kind }) => {
      const u = unitsByKind.get(kind)
      const times = samples.filter((s) => s.kind === kind).map((s) => s.ms)
      return {
        kind,
        count: times.length,
        time: latencyStats(times),
        rcu: u ? u.rcu / u.count : 0,
        wcu: u ? u.wcu / u.count : 0,
        healthRcu: u ? u.healthRcu / u.count : 0,
        healthWcu: u ? u.healthWcu / u.count : 0,
        healthChecks: u?.checks ?? 0,
      }
    })
    return {
      mix: FEEDBACK_MIX.map(({ kind, share }) => ({ kind, share })),
      n: options.n,
      warmup: options.warmup,
      metered: m,
      world: { domains: world.domains.length, mailboxes: world.mailboxes.length, campaigns: world.campaigns.length },
      events,
      floor: { ...floorStats, itemBytes: floorBytes },
      ratio: events.perSecond / floorStats.perSecond,
      byKind,
      health: {
        checks: healthTimes.length,
        meanMs: healthTimes.length ? healthTimes.reduce((a, b) => a + b, 0) / healthTimes.length : 0,
        p50Ms: healthTimes.length ? median(healthTimes) : 0,
        actions: health.actions,
      },
      calls: callStats,
      units: {
        perEvent: { rcu: total.rcu / m, wcu: total.wcu / m },
        withoutHealth: { rcu: (total.rcu - healthTotal.rcu) / m, wcu: (total.wcu - healthTotal.wcu) / m },
        rows: Object.values(meter.rows).sort((a, b) => b.rcu + b.wcu - (a.rcu + a.wcu)),
        reported: meter.reported,
        failures: meter.failures,
      },
      wallSeconds: (performance.now() - started) / 1000,
    }
  } finally {
    log('stopping DynamoDB Local...')
    await dynamo.stop()
  }
}

// ------------------------------------------------------------------------------------------- report

export function feedbackReport(r: FeedbackBenchResult): string[] {
  const lines: string[] = []
  const mix = r.mix.map((m) => `${Math.round(m.share * 100)}% ${KIND_LABEL[m.kind]}`).join(', ')
  lines.push(
    `Feedback handling (parseFeedbackBody + processFeedback in-process as the queue handler runs them, buildDeps on DynamoDB Local on ${FEEDBACK_PORT}; ${fmtInt(r.n)} sequential SNS-enveloped SES events after ${r.warmup} warm-up, each followed by one floor PutItem; workspace of ${r.world.domains} domains, ${r.world.mailboxes} mailboxes, ${r.world.campaigns} campaigns; mix: ${mix})`,
  )
  const lat = (name: string, l: LatencyStats) => [name, fmtRate(l.perSecond), fmtMs(l.p50Ms), fmtMs(l.p99Ms), fmtMs(l.meanMs)]
  lines.push(
    table(
      ['path', 'per s', 'p50 ms', 'p99 ms', 'mean ms'],
      [lat('feedback event, the mix (immediate health checks included)', r.events), ...r.byKind.map((k) => lat(`  ${KIND_LABEL[k.kind]} (${fmtInt(k.count)})`, k.time)), lat(`floor: PutItem of a feedback marker (${r.floor.itemBytes} B)`, r.floor)],
      'lrrrr',
    ),
  )
  const actions = Object.entries(r.health.actions)
  lines.push(
    `Events / floor: ${fmtPct(r.ratio)} of the floor's rate (${fmtX(r.events.meanMs / r.floor.meanMs)} its mean time). The ${fmtInt(r.health.checks)} immediate health checks (runHealth after each hard bounce and complaint) took ${fmtMs(r.health.p50Ms)} ms median, ${fmtMs(r.health.meanMs)} mean; ${actions.length ? `their state changes: ${actions.map(([k, n]) => `${n} x ${k}`).join(', ')}` : 'they changed nothing'}.`,
  )
  const callRows = Object.entries(r.calls)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([op, c]) => [op, fmtInt(c.count), (c.count / r.n).toFixed(2), fmtMs(c.ms / c.count), fmtMs(c.ms / r.n)])
  lines.push(table(['DynamoDB operation (timed run)', 'calls', 'per event', 'ms/call', 'ms/event (calls overlap)'], callRows, 'lrrrr'))
  lines.push('')
  lines.push(`Feedback handling, DynamoDB request units per event (${fmtInt(r.metered)} further events of the same mix, every call priced from its items' sizes as AWS bills them: bench/capacity.ts)`)
  const units = r.byKind.map((k) => [
    KIND_LABEL[k.kind],
    k.rcu.toFixed(2),
    k.wcu.toFixed(2),
    k.healthChecks ? (k.healthRcu + k.rcu).toFixed(2) : '',
    k.healthChecks ? (k.healthWcu + k.wcu).toFixed(2) : '',
  ])
  units.push(['the mix, per event', r.units.withoutHealth.rcu.toFixed(2), r.units.withoutHealth.wcu.toFixed(2), r.units.perEvent.rcu.toFixed(2), r.units.perEvent.wcu.toFixed(2)])
  lines.push(table(['event kind', 'RCU', 'WCU', 'RCU with health check', 'WCU with health check'], units, 'lrrrr'))
  const per = r.metered
  const rows = r.units.rows.map((x) => [x.op, x.target, (x.items / per).toFixed(3), x.items ? fmtInt(x.bytes / x.items) : '', x.rcu ? (x.rcu / per).toFixed(3) : '', x.wcu ? (x.wcu / per).toFixed(3) : ''])
  lines.push(table(['operation', 'table / index, item kind (key prefixes)', 'items/event', 'bytes each', 'RCU/event', 'WCU/event'], rows, 'llrrrr'))
  lines.push(
    `Floor in units: the marker PutItem is 1 WCU. Every write of processFeedback is one TransactWriteItems (each item costs twice a plain write), and a Delivery rewrites the send record (a few hundred bytes: the email sent is in its audit event, decision 060) to add deliveredAt. ${r.units.failures ? `${r.units.failures} metered calls failed (conditional writes), priced as AWS prices them.` : ''}`.trim(),
  )
  lines.push(`(feedback section: ${r.wallSeconds.toFixed(0)} s wall)`)
  return lines
}
