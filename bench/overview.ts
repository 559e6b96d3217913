/**
 * Warm server render of the Overview page with 1,000 and with 100,000 stored leads: does it grow with the
 * lead count? The Overview reads pre-aggregated counters only (src/shared/services/overview.ts), so it
 * should not. Two workspaces of the same shape (bench/feedback.ts WORLD_SHAPE, one campaign paused by a
 * person), each on an in-memory DynamoDB Local of its own, both up at once so the renders can alternate.
 *
 * Each workspace is 30 days old and holds its leads for real: every lead's item (its own address claim)
 * as the leads adapter writes them (insertMany's transactions, captured and stored in bulk: see
 * BulkWriter), with the lead counters those transactions keep; and day counters (overall, campaign,
 * mailbox, domain) for the sends of its completed leads over those 30 days. Not stored: the leads'
 * 'ingested' audit events, which the Overview never reads (a third of the 100,000-lead setup).
 *
 * The page is rendered by the Remix server build (build/server/index.js) in this process, as bench/render.ts
 * renders it. The build keeps one set of dependencies per module instance (appDeps, on first request), so
 * each workspace gets an instance of its own (a copy of the build in bench/results/overview/), with
 * ARC_SANDBOX pointing at that workspace's DynamoDB Local for its first request.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createCookie, createRequestHandler, type ServerBuild } from '@remix-run/node'
import { createDb, type Db } from '../src/shared/adapters/dynamo/db.server'
import { metricsDayAdd } from '../src/shared/adapters/dynamo/metrics-store.server'
import { dynamoLeads } from '../src/shared/adapters/dynamo/lead-store.server'
import { buildDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { stampAuditEvent } from '../src/shared/domain/audit'
import type { Lead, LeadStatus } from '../src/shared/domain/entities'
import { dayOf, type Counters, type DayCounter } from '../src/shared/domain/metrics'
import { seededRandom } from '../src/shared/domain/random'
import { NO_RULE_MATCHED } from '../src/shared/domain/routing'
import { localDay } from '../src/shared/domain/sending-window'
import { REGION, startWritesDynamo, type WritesDynamo } from './dynamo'
import { BulkWriter, capturingDb, seedWorld, storedItems, worldOf, type World } from './feedback'
import { fmtBytes, fmtInt, fmtMs, fmtX, table, type TargetResult } from './format'
import { arcSandboxEnv, RESULTS_DIR, ROOT } from './lambdas'
import { benchLead, leadOf } from './leads-data'
import { median, percentile } from './stats'

/** Apart from `npm start`, the tests (5599) and the other benchmarks (5591-5597). */
export const OVERVIEW_PORTS = { small: 5588, large: 5589 }

/**
 * The sizes. 20 warm-up renders per workspace and 50 measured each, alternating (a p95 from real
 * samples, as bench/render.ts); the 100,000 leads take most of the section's time (~200,000 items).
 */
export const OVERVIEW = { small: 1_000, large: 100_000, warmup: 20, runs: 50 }

/** The target: the Overview over 100,000 leads within 1.2x its time over 1,000. */
export const OVERVIEW_TARGETS = { maxRatio: 1.2 }

/** The workspace's age: leads arrive and are sent over these days; the Overview shows 14 of them. */
const AGE_DAYS = 30
const SEED = 4242

/**
 * Where a workspace's leads are after 30 days: 45% sent (completed), 25% queued in a campaign (active), 10%
 * paused with the paused campaign, 10% held for the gate, 10% held with no rule matched.
 */
const STATUS_MIX: { status: LeadStatus; share: number; unrouted?: boolean; paused?: boolean }[] = [
  { status: 'completed', share: 0.45 },
  { status: 'active', share: 0.25 },
  { status: 'paused', share: 0.1, paused: true },
  { status: 'held', share: 0.1 },
  { status: 'held', share: 0.1, unrouted: true },
]

const settle = () => new Promise((r) => setTimeout(r, 15))

export interface OverviewWorldResult {
  leads: number
  /** Items in the leads table and the lead counters the Overview shows. */
  stored: { leadItems: number; totals: Record<string, number> }
  setupSeconds: number
  render: { medianMs: number; p95Ms: number; minMs: number; samples: number[] }
  htmlBytes: number
}

export interface OverviewBenchResult {
  small: OverviewWorldResult
  large: OverviewWorldResult
  ratio: { median: number; p95: number }
  wallSeconds: number
}

/** `count` leads of the workspace, in STATUS_MIX's proportions, created over its 30 days. */
function leadsOf(world: World, count: number, now: Date): Lead[] {
  const rand = seededRandom(SEED)
  const active = world.campaigns.filter((c) => c.status === 'active')
  const paused = world.campaigns.filter((c) => c.status === 'paused')
  const span = AGE_DAYS * 86_400_000
  let boundary = 0
  const cuts = STATUS_MIX.map((s) => (boundary += s.share))
  return Array.from({ length: count }, (_, i) => {
    const x = (i + 0.5) / count
    // Statuses interleaved through time (by i modulo), so every day has each kind.
    const slot = STATUS_MIX[cuts.findIndex((c) => ((i * 7919) % count) / count < c)]!
    const campaign = slot.unrouted ? null : slot.paused ? paused[i % paused.length]! : active[i % active.length]!
    const l = benchLead(rand, i, 'ov')
    const createdAt = new Date(now.getTime() - span + x * span * 0.97).toISOString()
    return leadOf(l, `ov-${String(i).padStart(6, '0')}`, {
      enrichment: { title: l.title, city: l.city, employees: l.employees, linkedin_url: l.linkedin },
      status: slot.status,
      campaignId: campaign?.id ?? null,
      holdReason: slot.status === 'held' ? (slot.unrouted ? NO_RULE_MATCHED : 'awaiting gate') : slot.status === 'paused' ? `Campaign "${campaign!.name}" was paused.` : null,
      createdAt,
    })
  })
}

/** Day counters for the completed leads' sends (a day after each arrived), as the pulse and feedback count them. */
function dayCounters(world: World, leads: Lead[], now: Date): Map<string, { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string; add: Partial<Counters<DayCounter>> }> {
  const rand = seededRandom(SEED + 1)
  const out = new Map<string, { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string; add: Partial<Counters<DayCounter>> }>()
  const bump = (scope: 'overall' | 'campaign' | 'mailbox' | 'domain', id: string, day: string, counter: DayCounter) => {
    const k = `${scope}|${id}|${day}`
    const e = out.get(k) ?? { scope, id, day, add: {} }
    e.add[counter] = (e.add[counter] ?? 0) + 1
    out.set(k, e)
  }
  const campaigns = new Map(world.campaigns.map((c) => [c.id, c]))
  for (const [i, lead] of leads.entries()) {
    if (lead.status !== 'completed' || !lead.campaignId) continue
    const campaign = campaigns.get(lead.campaignId)!
    const at = new Date(Math.min(now.getTime(), new Date(lead.createdAt).getTime() + 86_400_000))
    const day = dayOf(at)
    const mailbox = campaign.mailboxIds[i % campaign.mailboxIds.length]!
    const domain = mailbox.slice(mailbox.indexOf('@') + 1)
    const counted: DayCounter[] = ['sends']
    // A healthy list: 1% hard bounces, 0.03% complaints, opens on a quarter of sends.
    const r = rand()
    if (r < 0.01) counted.push('hard_bounces')
    else if (r < 0.0103) counted.push('complaints')
    if (rand() < 0.25) counted.push('opens')
    for (const c of counted) {
      bump('overall', 'all', day, c)
      bump('mailbox', mailbox, day, c)
      bump('domain', domain, day, c)
      bump('campaign', campaign.id, localDay(campaign.window.timeZone, at), c)
    }
  }
  return out
}

interface Side {
  size: number
  dynamo: WritesDynamo
  db: Db
  handle: (request: Request) => Promise<Response>
  cookie: string
  result: Partial<OverviewWorldResult>
  samples: number[]
}

async function prepare(size: number, port: number, now: Date, log: (msg: string) => void): Promise<Side> {
  const started = performance.now()
  log(`overview: DynamoDB Local on ${port}, the workspace and ${fmtInt(size)} leads...`)
  const dynamo = await startWritesDynamo(port)
  const cfg = parseConfig(process.env)
  const db = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
  const deps = buildDeps(db, cfg)
  const world = worldOf(1)
  await seedWorld(deps, world)

  const leads = leadsOf(world, size, now)
  const cap = capturingDb(dynamo.names)
  const store = dynamoLeads(cap.db)
  const writer = await BulkWriter.create(createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names }), dynamo.names)
  const actor = { type: 'integration' as const, id: 'clay' }
  // insertMany's own batch: 33 leads a transaction, as an import writes them.
  for (let i = 0; i < leads.length; i += 33) {
    const batch = leads.slice(i, i + 33).map((lead) => ({
      lead,
      event: stampAuditEvent({ actor, entityType: 'lead', entityId: lead.id, action: 'ingested', sentence: `Took in ${lead.email} from clay.` }, `evt-${lead.id}`, new Date(lead.createdAt)),
    }))
    if ((await store.insertMany(batch.map((b) => b.lead), batch.map((b) => b.event))) !== 'created') throw new Error('capturing lead inserts failed')
    writer.add(cap.take().filter((w) => !(w.Put && w.Put.TableName === dynamo.names.audit)))
    if (writer.pendingItems >= 20_000) {
      void writer.flush()
      await new Promise((r) => setImmediate(r))
    }
  }
  writer.add([...dayCounters(world, leads, now).values()].flatMap((c) => metricsDayAdd(cap.db, c.scope, c.id, c.day, c.add) ?? []))
  await writer.drain()

  const totals = await deps.metrics.totals('overall', 'all')
  const leadItems = (await storedItems(dynamo)).leads ?? 0
  // Each lead is one item (its id is derived from its address: the item is its own claim, decision 050);
  // the stored count is DynamoDB Local's own.
  if (leadItems !== size) throw new Error(`the leads table holds ${leadItems} items, ${size} were written`)
  const expected = leads.filter((l) => l.status === 'active').length
  if (totals.leads_active !== expected) throw new Error(`stored lead counters say ${totals.leads_active} active, ${expected} were written`)

  // A signed-in admin, signed exactly as app/lib/session.server.ts signs it (see bench/render.ts).
  const token = deps.secrets.newToken()
  await deps.sessions.create(deps.secrets.hashToken(token), { email: cfg.DRASON_ADMIN_EMAIL, role: 'admin', expiresAt: new Date(Date.now() + 60 * 60 * 1000) })
  const cookie = createCookie('__drason', { httpOnly: true, sameSite: 'lax', secure: cfg.secureCookies, path: '/', secrets: [cfg.DRASON_SESSION_SECRET] })
  const cookieHeader = (await cookie.serialize(token)).split(';')[0]!

  // A module instance of the server build of its own, whose appDeps (built on its first request) reads
  // this workspace's DynamoDB Local: a copy of the build (its entry and the chunks it loads on first use)
  // in a folder of its own (a query string on the same file gives the same instance under tsx). The build
  // imports only packages and node: modules, so a copy inside the project resolves them as the original does.
  const folder = join(RESULTS_DIR, 'overview', `server-${size}`)
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(dirname(folder), { recursive: true })
  cpSync(join(ROOT, 'build', 'server'), folder, { recursive: true })
  const copy = join(folder, 'index.js')
  const build = (await import(pathToFileURL(copy).href)) as ServerBuild
  const handler = createRequestHandler(build, 'production')
  const side: Side = {
    size,
    dynamo,
    db,
    handle: (request) => handler(request, { clientIp: '127.0.0.1' }),
    cookie: cookieHeader,
    result: { leads: size, stored: { leadItems, totals: { ...totals } }, setupSeconds: (performance.now() - started) / 1000 },
    samples: [],
  }
  process.env.ARC_SANDBOX = arcSandboxEnv({ tables: port, _arc: 1 })
  const first = await render(side)
  const shown = /data-testid="leads-active"[^>]*>([\d,]+)</.exec(first.html)?.[1]?.replace(/,/g, '')
  if (Number(shown) !== totals.leads_active) throw new Error(`the ${fmtInt(size)}-lead Overview shows ${shown} active leads, its counters ${totals.leads_active}: it read another workspace`)
  return side
}

async function render(side: Side): Promise<{ ms: number; html: string }> {
  const started = performance.now()
  const res = await side.handle(new Request('http://localhost:3391/', { headers: { cookie: side.cookie, accept: 'text/html' } }))
  // Done when the whole document has been read, as the Lambda adapter reads it.
  const html = await res.text()
  const ms = performance.now() - started
  if (res.status !== 200) throw new Error(`GET / (${side.size} leads): expected 200, got ${res.status} ${html.slice(0, 300)}`)
  if (!html.includes('data-testid="leads-held"')) throw new Error(`GET / (${side.size} leads): not the Overview: ${html.slice(0, 300)}`)
  return { ms, html }
}

export async function benchOverview(options: { small: number; large: number; warmup: number; runs: number; log: (msg: string) => void }): Promise<OverviewBenchResult> {
  const started = performance.now()
  const { log } = options
  // As bench/render.ts: the sandbox's configuration, and React's production build (what the Lambda runs).
  process.env.ARC_ENV = 'testing'
  process.env.NODE_ENV = 'production'
  const before = process.env.ARC_SANDBOX
  const now = new Date()
  const sides: Side[] = []
  try {
    sides.push(await prepare(options.small, OVERVIEW_PORTS.small, now, log))
    sides.push(await prepare(options.large, OVERVIEW_PORTS.large, now, log))
    const [small, large] = sides as [Side, Side]
    log(`overview renders: ${options.warmup} warm-up and ${options.runs} measured for each size, alternating...`)
    for (let i = 0; i < options.warmup; i++) for (const side of sides) await render(side)
    for (let i = 0; i < options.runs; i++) {
      for (const side of i % 2 ? [large, small] : [small, large]) {
        await settle()
        const r = await render(side)
        side.samples.push(r.ms)
        side.result.htmlBytes = Buffer.byteLength(r.html)
      }
    }
    const finish = (s: Side): OverviewWorldResult => ({
      ...(s.result as OverviewWorldResult),
      render: { medianMs: median(s.samples), p95Ms: percentile(s.samples, 95), minMs: Math.min(...s.samples), samples: s.samples },
    })
    const a = finish(small)
    const b = finish(large)
    return { small: a, large: b, ratio: { median: b.render.medianMs / a.render.medianMs, p95: b.render.p95Ms / a.render.p95Ms }, wallSeconds: (performance.now() - started) / 1000 }
  } finally {
    if (before === undefined) delete process.env.ARC_SANDBOX
    else process.env.ARC_SANDBOX = before
    log('stopping the overview benchmark DynamoDB Locals...')
    for (const side of sides) {
      side.db.doc.destroy()
      await side.dynamo.stop()
    }
  }
}

export function overviewTargets(r: OverviewBenchResult): TargetResult[] {
  return [
    {
      id: 'overview/render',
      what: `render time, ${fmtInt(r.large.leads)} vs ${fmtInt(r.small.leads)} leads (median)`,
      actual: `${fmtX(r.ratio.median)} (${fmtMs(r.large.render.medianMs)} / ${fmtMs(r.small.render.medianMs)} ms)`,
      limit: `<= ${fmtX(OVERVIEW_TARGETS.maxRatio)}`,
      pass: r.ratio.median <= OVERVIEW_TARGETS.maxRatio,
    },
  ]
}

export function overviewReport(r: OverviewBenchResult, targets: TargetResult[]): string[] {
  const lines: string[] = []
  const runs = r.small.render.samples.length
  lines.push(
    `Overview render by lead count (Remix createRequestHandler in-process, one server build instance per workspace; DynamoDB Locals on ${OVERVIEW_PORTS.small} and ${OVERVIEW_PORTS.large}; ${runs} renders of GET / for each after warm-up, alternating)`,
  )
  const t = (w: OverviewWorldResult) => w.stored.totals
  const row = (w: OverviewWorldResult) => [
    `${fmtInt(w.leads)} leads`,
    `${fmtInt(w.stored.leadItems)} items; ${fmtInt(t(w).leads_active ?? 0)} active, ${fmtInt(t(w).leads_held ?? 0)} held, ${fmtInt(t(w).leads_paused ?? 0)} paused, ${fmtInt(t(w).leads_completed ?? 0)} completed`,
    fmtMs(w.render.medianMs),
    fmtMs(w.render.p95Ms),
    fmtMs(w.render.minMs),
    fmtBytes(w.htmlBytes),
    `${w.setupSeconds.toFixed(0)} s`,
  ]
  lines.push(
    table(
      ['workspace', 'leads table items (DescribeTable) and lead counters', 'median ms', 'p95 ms', 'min ms', 'HTML', 'setup'],
      [row(r.small), row(r.large), [`ratio ${fmtInt(r.large.leads)} / ${fmtInt(r.small.leads)}`, '', fmtX(r.ratio.median), fmtX(r.ratio.p95), fmtX(r.large.render.minMs / r.small.render.minMs), '', '']],
      'llrrrrr',
    ),
  )
  lines.push(
    `Each workspace: ${AGE_DAYS} days old, the same domains, mailboxes and campaigns, its leads' items as the leads adapter writes them, and day counters for its completed leads' sends; each page was checked to show its own workspace's counts.`,
  )
  lines.push(table(['', 'target', 'actual', 'limit'], targets.map((x) => [x.pass ? 'PASS' : 'FAIL', x.what, x.actual, x.limit]), 'llrl'))
  lines.push(`(overview section: ${r.wallSeconds.toFixed(0)} s wall)`)
  return lines
}
