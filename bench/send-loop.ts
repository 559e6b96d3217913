/**
 * The send loop (src/shared/services/pulse.ts), warm, in one process: one pulse per queue message, each
 * pulse one send. Three parts, on one in-memory DynamoDB Local of their own (bench/dynamo.ts), with the
 * app's stores and pulse as `buildDeps` wires them and a recording pulse queue in place of SQS:
 *
 * 1. Overhead per email: N sequential pulses (the delay is scheduled, never waited) against the local SES
 *    (aws-ses-v2-local) and the fake MyEmailVerifier over HTTP, each followed by the floor: one SES
 *    SendEmail of the same message plus one verifier request, the network work no send can avoid.
 * 2. DynamoDB request units per sent email over whole pulses, priced from the calls and item sizes as AWS
 *    bills them (bench/capacity.ts), next to what DynamoDB Local itself reports.
 * 3. Simulated time: a fake clock that moves only when something simulated takes time, 500 sends with a
 *    seeded random: the delay distribution against the configured clamped normal (Kolmogorov–Smirnov), and
 *    whether a 2-second verifier adds anything to the gap between sends.
 */
import type { Server } from 'node:http'
import { performance } from 'node:perf_hooks'
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2'
import { createDb, type Db } from '../src/shared/adapters/dynamo/db.server'
import { createVerifier } from '../src/shared/adapters/myemailverifier.server'
import { sendEmailInput } from '../src/shared/adapters/ses-sender.server'
import { buildDeps, systemClock, type AppDeps } from '../src/shared/composition.server'
import { parseConfig, type Config } from '../src/shared/config.server'
import { stampAuditEvent, type NewAuditEvent } from '../src/shared/domain/audit'
import type { Campaign, Domain, Lead, Mailbox } from '../src/shared/domain/entities'
import { clampedNormalCdf, clampedNormalMoments, ksDistance, summary, type Cdf, type DelayDistribution, type Summary } from '../src/shared/domain/pacing'
import { seededRandom } from '../src/shared/domain/random'
import { DEFAULT_SETTINGS } from '../src/shared/domain/settings'
import { controlCampaign, type PulseQueue } from '../src/shared/services/campaign-controls'
import type { Clock } from '../src/shared/services/ports'
import { pulse, type OutgoingEmail, type PulseDeps } from '../src/shared/services/pulse'
import { answerFor, startFakeVerifier } from '../test/fakes/myemailverifier'
import { meterCalls, type CallStats } from './calls'
import { meterCapacity, type UnitRow } from './capacity'
import { writeFloor, type WriteFloor } from './write-floor'
import { REGION, startWritesDynamo, type WritesDynamo } from './dynamo'
import { fmtInt, fmtMs, fmtPct, fmtX, table, type TargetResult } from './format'
import { benchLead, leadOf } from './leads-data'
import { median, percentile } from './stats'

/** Apart from `npm start`, the tests (5599, 8095, 8096) and the other benchmarks (5591-5593, 8091-8092). */
export const SEND_LOOP_PORTS = { dynamo: 5594, ses: 8093, verifier: 8094 }

/**
 * The issue's targets: DynamoDB units per sent email, the Kolmogorov–Smirnov distance of the delays at the
 * 5% level (critical value 1.36/√n), and a verifier latency that adds nothing to the gap between sends.
 */
export const SEND_LOOP_TARGETS = { maxWriteUnitsPerEmail: 8, maxReadUnitsPerEmail: 6, ksCoefficient: 1.36, verifierLatencyMs: 2000 }

/**
 * Verifier requests a minute, for the fake server and for the adapter's own sliding window. MyEmailVerifier
 * allows 30 a minute, and createVerifier (as buildDeps builds it) keeps to that by sleeping in-process. In
 * production a campaign's pulses are a Gaussian 1-3 minutes apart and each verifies at most one or two
 * addresses, far below 30 a minute; here the delay is not waited, so 200 pulses make ~200 requests in
 * seconds and the vendor's limit would put a ~60 s sleep after every 30: time no send spends in AWS. The
 * simulated-time part keeps the vendor's 30 a minute (its clock moves minutes per send).
 */
const BENCH_VERIFIER_RATE = 100_000

/**
 * Caps high enough that no send of the benchmark waits for one: the demo's mailboxes send 40 a day and the
 * account 300, which would stop a run after 80 sends. The gate still reads every counter it reads in
 * production; only the numbers it compares them with differ.
 */
const BENCH_CAP = 10_000

/** The product default (settings.sending.delay*): mean 2 min, sd 30 s, clamped to 1-3 min. */
const DELAY: DelayDistribution = {
  meanSeconds: DEFAULT_SETTINGS.sending.delayMeanSeconds,
  sdSeconds: DEFAULT_SETTINGS.sending.delaySdSeconds,
  minSeconds: DEFAULT_SETTINGS.sending.delayMinSeconds,
  maxSeconds: DEFAULT_SETTINGS.sending.delayMaxSeconds,
}

const MEV_KEY = 'bench-mev-key'
/** The simulated runs' random (spintax choices and delays): the same draws in every run. */
const SIM_SEED = 42
const ACTOR = { type: 'system' as const, id: 'bench' }
/** As bench/render.ts: a short pause before each timed call keeps one call's leftovers (GC, DynamoDB Local) out of the next sample. */
const settle = () => new Promise((r) => setTimeout(r, 15))

// ------------------------------------------------------------------------------------------- results

export interface Dist {
  p50: number
  p95: number
  mean: number
}
const dist = (xs: number[]): Dist => ({ p50: median(xs), p95: percentile(xs, 95), mean: xs.reduce((a, b) => a + b, 0) / xs.length })

export interface OverheadResult {
  n: number
  warmup: number
  /** Leads queued behind the cursor at the first and at the last measured pulse. */
  queue: { first: number; last: number }
  pulse: Dist
  floor: Dist
  floorSes: Dist
  floorVerifier: Dist
  ratio: Dist
  /** Mean ms per email inside a pulse: DynamoDB (wall time with a call in flight), SES, the verifier, the rest. */
  split: { dynamoMs: number; sesMs: number; verifierMs: number; otherMs: number }
  sesCallsPerEmail: number
  verifierCallsPerEmail: number
  calls: CallStats
  /** Mean pulse and DynamoDB ms over the first and the last `size` measured pulses (a long queue, then a short one). */
  trend: { size: number; firstMs: number; lastMs: number; firstDynamoMs: number; lastDynamoMs: number }
}

export interface UnitsResult {
  n: number
  queue: { first: number; last: number }
  rows: UnitRow[]
  perEmail: { rcu: number; wcu: number }
  /** Units per email without the queue read (leads.byCampaign), which grows with the queue. */
  perEmailWithoutQueueRead: { rcu: number; wcu: number }
  queueRead: { first: { evaluated: number; bytes: number; rcu: number }; last: { evaluated: number; bytes: number; rcu: number }; bytesPerLead: number }
  reported: Record<string, { calls: number; answered: number; units: number }>
  failures: number
  /** The fewest write units any design keeping PRODUCT.md's rules could spend, priced from this run's sizes. */
  floor: WriteFloor
}

export interface SimRun {
  label: string
  latencyMs: number
  preVerification: boolean
  n: number
  drawn: number[]
  scheduled: number[]
  /** Simulated ms between one SES call and the next (n - 1 of them). */
  gapsMs: number[]
  /** gap minus the delay its pulse scheduled, ms. */
  extraMs: Summary
  verifierCalls: number
  /** Verifier calls made before the pulse's SES call (on the send path) and after its next pulse was scheduled. */
  verifierBeforeSend: number
  verifierAfterSchedule: number
  /** Simulated time the verifier took in all, ms. */
  verifierSimMs: number
  /** Pulses whose due time had already passed when the previous pulse finished (a tail longer than the delay). */
  overlaps: number
  wallMs: number
}

export interface PacingResult {
  seed: number
  distribution: DelayDistribution
  theory: { mean: number; sd: number }
  drawn: Summary & { ks: number }
  scheduled: Summary & { ks: number; ksUnrounded: number }
  critical: number
  runs: SimRun[]
  /** Largest |gap difference| between the +2 s run and the immediate run, ms, gap by gap. */
  gapChangeMs: number
  controlGapChangeMs: Summary
}

export interface SendLoopResult {
  overhead: OverheadResult
  units: UnitsResult
  /** The same pricing for a full-length email (FULL_EMAIL): what a real campaign's sends cost. */
  fullEmailUnits: UnitsResult
  pacing: PacingResult
  wallSeconds: number
}

// ------------------------------------------------------------------------------------------- the world

interface Ctx {
  dynamo: WritesDynamo
  cfg: Config
  verifierUrl: string
  log: (msg: string) => void
}

const newDb = (ctx: Ctx): Db => createDb({ endpoint: ctx.dynamo.endpoint, region: REGION, names: ctx.dynamo.names })

function stamp(deps: Pick<AppDeps, 'ids' | 'clock'>, e: Omit<NewAuditEvent, 'actor'>) {
  return stampAuditEvent({ ...e, actor: ACTOR }, deps.ids.next(), deps.clock.now())
}

/** The demo workspace's senders (2 domains, 2 mailboxes each) and settings with a cap no run reaches. */
async function seedSenders(deps: AppDeps): Promise<void> {
  const settings = { ...DEFAULT_SETTINGS, sending: { ...DEFAULT_SETTINGS.sending, globalDailyCap: BENCH_CAP } }
  if ((await deps.settingsStore.save(settings, 0, stamp(deps, { entityType: 'setting', entityId: 'settings', action: 'settings_updated', sentence: 'Benchmark settings.' }))) !== 'saved') {
    throw new Error('could not save the benchmark settings')
  }
  const domains: Domain[] = ['mail.example.com', 'outreach.example.net'].map((id) => ({ id, name: id, status: 'healthy', pauseReason: null }))
  for (const d of domains) await deps.senders.insertDomain(d, stamp(deps, { entityType: 'domain', entityId: d.id, action: 'created', sentence: `Added ${d.name}.` }))
  const mailboxes: Mailbox[] = [
    ['anita@mail.example.com', 'Anita Sharma', 'mail.example.com'],
    ['rahul@mail.example.com', 'Rahul Iyer', 'mail.example.com'],
    ['priya@outreach.example.net', 'Priya Nair', 'outreach.example.net'],
    ['vikram@outreach.example.net', 'Vikram Rao', 'outreach.example.net'],
  ].map(([address, fromName, domainId]) => ({ id: address!, address: address!, fromName: fromName!, domainId: domainId!, status: 'active', healthState: 'healthy', dailyCap: BENCH_CAP, pauseReason: null, lastActivityAt: null }))
  for (const m of mailboxes) await deps.senders.insertMailbox(m, stamp(deps, { entityType: 'mailbox', entityId: m.id, action: 'created', sentence: `Added ${m.address}.` }))
}

/**
 * A started campaign like the demo's first (its templates, two mailboxes of one domain, the default delay;
 * any day and hour, a cap no run reaches) with `count` queued leads. Leads are inserted `active`: the item
 * the gate's admit would write (the admit pass looks at 500 held leads a run, fewer than some runs need).
 * Start then enqueues the chain's first pulse on the deps' queue.
 */
/** The demo's first campaign's templates: a short plain-text email (~150 characters). */
const SHORT_EMAIL = {
  subjectTemplate: '{Quick question|A thought} for {{Company}}',
  bodyTemplate: '{Hi|Hello} {{FirstName|there}},\n\nI noticed {{Company}} is growing fast. {Worth a chat?|Open to a short call?}\n\nAnita',
  htmlTemplate: null,
}

/**
 * A cold email of the length people send: ~1,100 characters of plain text and the same email as simple
 * HTML, so a message is ~2.5 KB. What a send writes (its audit event records the exact text sent) grows
 * with it; the short template above hides that.
 */
const FULL_EMAIL = (() => {
  const paragraphs = [
    '{Hi|Hello} {{FirstName|there}},',
    "I {noticed|saw} that {{Company}} has been hiring for growth roles over the last few months. When teams grow that fast, the first thing that usually breaks is outbound: new domains get burned, mailboxes get paused, and nobody can say which campaign caused it or when.",
    'We built Drason for exactly that moment. It sits in front of your sending and lets nothing into a campaign unless the domain, the mailbox and the address are safe. It sends at human intervals, watches every bounce and complaint as it happens, and pauses the mailbox, campaign or domain before the damage is done, with a plain sentence in the audit log saying why.',
    'Teams like yours usually see their bounce rate drop under one percent in the first two weeks, and they stop losing domains to a single bad list.',
    '{Would a 15-minute call next week be useful?|Open to a short call next week?|Worth a quick chat next week?} If now is not the right time, just reply and I will not follow up.',
    'Thanks,\nAnita Rao\nFounder, Drason',
  ]
  return {
    subjectTemplate: '{Quick question|A thought} about outbound at {{Company}}',
    bodyTemplate: paragraphs.join('\n\n'),
    htmlTemplate: paragraphs.map((p) => `<p>${p.replaceAll('\n', '<br>')}</p>`).join(''),
  }
})()

export type BenchEmail = 'short' | 'full'

async function startedCampaign(deps: AppDeps, id: string, count: number, seed: number, email: BenchEmail = 'short'): Promise<void> {
  const now = deps.clock.now()
  const campaign: Campaign = {
    id,
    name: `Bench ${id}`,
    sender: { kind: 'ses' },
    status: 'draft',
    ...(email === 'short' ? SHORT_EMAIL : FULL_EMAIL),
    extraVariables: [],
    mailboxIds: ['anita@mail.example.com', 'rahul@mail.example.com'],
    dailyCap: BENCH_CAP,
    delay: DELAY,
    window: { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24, timeZone: 'UTC' },
    pauseReason: null,
    createdAt: now.toISOString(),
  }
  await deps.campaigns.insert(campaign, stamp(deps, { entityType: 'campaign', entityId: id, action: 'created', sentence: `Created ${campaign.name}.` }))
  const rand = seededRandom(seed)
  const leads: Lead[] = Array.from({ length: count }, (_, i) => {
    const l = benchLead(rand, i, `${id}-`)
    return leadOf(l, `${id}-l${String(i).padStart(4, '0')}`, {
      enrichment: { title: l.title, city: l.city, employees: l.employees, linkedin_url: l.linkedin },
      status: 'active',
      campaignId: id,
      holdReason: null,
      // Queue order is creation order: a millisecond apart, a day before the run.
      createdAt: new Date(now.getTime() - 86_400_000 + i).toISOString(),
    })
  })
  // Eight at a time: setup, not measured.
  for (let i = 0; i < leads.length; i += 8) {
    await Promise.all(
      leads.slice(i, i + 8).map(async (lead) => {
        const r = await deps.leads.insert(lead, stamp(deps, { entityType: 'lead', entityId: lead.id, action: 'ingested', sentence: `Bench lead ${lead.email}.` }))
        if (r !== 'created') throw new Error(`bench lead ${lead.email}: ${r}`)
      }),
    )
  }
  const started = await controlCampaign(deps, { type: 'user', id: 'bench@drason.local' }, id, 'start')
  if (!started.ok) throw new Error(`could not start ${id}: ${started.message}`)
}

interface Enqueued {
  pulse: { campaignId: string; chainId: string }
  delay: number
  at: number
}
/** SQS stand-in: keeps each message, its DelaySeconds and the (real or simulated) time it was sent. */
function recordingQueue(clock: Clock, onEnqueue: () => void = () => undefined): { log: Enqueued[]; queue: PulseQueue } {
  const log: Enqueued[] = []
  return {
    log,
    queue: {
      enqueue: async (p, delay) => {
        onEnqueue()
        log.push({ pulse: p, delay, at: clock.now().getTime() })
      },
    },
  }
}

const lastPulse = (log: Enqueued[]) => {
  const last = log.at(-1)
  if (!last) throw new Error('no pulse was enqueued')
  return last
}

// ------------------------------------------------------------------------------- 1. overhead per email

async function measureOverhead(ctx: Ctx, n: number, warmup: number): Promise<OverheadResult> {
  const { cfg } = ctx
  const db = newDb(ctx)
  const meter = meterCalls(db)
  const rq = recordingQueue(systemClock)
  const base = buildDeps(db, cfg, { pulseQueue: rq.queue })
  // One lead more than pulses, so every measured pulse also pre-verifies a following lead.
  const leads = warmup + n + 1
  ctx.log(`send loop 1/3: a campaign of ${leads} queued leads, then ${warmup} warm-up and ${n} measured pulses, each followed by the floor...`)
  await startedCampaign(base, 'bench-overhead', leads, 7001)

  const verifier = createVerifier({ baseUrl: cfg.MEV_BASE_URL, apiKey: MEV_KEY, clock: systemClock, ratePerMinute: BENCH_VERIFIER_RATE })
  const spent = { ses: 0, verifier: 0, sesCalls: 0, verifierCalls: 0 }
  let lastMessage: OutgoingEmail | null = null
  const deps: PulseDeps = {
    ...base,
    verifier: {
      async verify(email) {
        const t = performance.now()
        try {
          return await verifier.verify(email)
        } finally {
          spent.verifier += performance.now() - t
          spent.verifierCalls++
        }
      },
    },
    sender: {
      async send(message) {
        lastMessage = message
        const t = performance.now()
        try {
          return await base.sender.send(message)
        } finally {
          spent.ses += performance.now() - t
          spent.sesCalls++
        }
      },
    },
  }

  // The floor's own clients: the SDK set up as the adapter sets it up (one attempt, local credentials), fetch.
  const ses = new SESv2Client({ region: cfg.AWS_REGION, endpoint: cfg.SES_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
  const floor = async (i: number) => {
    if (!lastMessage) throw new Error('the pulse sent nothing to copy')
    const message: OutgoingEmail = { ...lastMessage, to: `floor.${i}.${lastMessage.to}` }
    const t0 = performance.now()
    const out = await ses.send(new SendEmailCommand(sendEmailInput(message, cfg.SES_CONFIGURATION_SET)))
    const t1 = performance.now()
    const res = await fetch(`${ctx.verifierUrl}/api/validate_single.php?apikey=${encodeURIComponent(MEV_KEY)}&email=${encodeURIComponent(message.to)}`, { headers: { accept: 'application/json' } })
    const body = (await res.json()) as { Status?: string }
    const t2 = performance.now()
    if (!out.MessageId || body.Status !== 'Valid') throw new Error(`floor ${i}: SES ${out.MessageId ?? 'no MessageId'}, verifier ${JSON.stringify(body)}`)
    return { ms: t2 - t0, sesMs: t1 - t0, verifierMs: t2 - t1 }
  }

  const s = { pulse: [] as number[], dynamo: [] as number[], floor: [] as number[], floorSes: [] as number[], floorVerifier: [] as number[] }
  try {
    for (let i = 0; i < warmup + n; i++) {
      if (i === warmup) {
        meter.reset()
        Object.assign(spent, { ses: 0, verifier: 0, sesCalls: 0, verifierCalls: 0 })
      }
      await settle()
      const busy = meter.busyMs
      const t = performance.now()
      const result = await pulse(deps, lastPulse(rq.log).pulse)
      const ms = performance.now() - t
      if (result.kind !== 'sent') throw new Error(`pulse ${i}: expected a send, got ${JSON.stringify(result)}`)
      await settle()
      const f = await floor(i)
      if (i < warmup) continue
      s.pulse.push(ms)
      s.dynamo.push(meter.busyMs - busy)
      s.floor.push(f.ms)
      s.floorSes.push(f.sesMs)
      s.floorVerifier.push(f.verifierMs)
    }
  } finally {
    ses.destroy()
    base.sender.destroy()
    db.doc.destroy()
  }
  const pulseDist = dist(s.pulse)
  const floorDist = dist(s.floor)
  const total = s.pulse.reduce((a, b) => a + b, 0)
  const dynamoMs = meter.busyMs / n
  const sesMs = spent.ses / n
  const verifierMs = spent.verifier / n
  const size = Math.min(50, Math.floor(n / 2))
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  return {
    n,
    warmup,
    queue: { first: leads - warmup, last: 1 },
    pulse: pulseDist,
    floor: floorDist,
    floorSes: dist(s.floorSes),
    floorVerifier: dist(s.floorVerifier),
    ratio: { p50: pulseDist.p50 / floorDist.p50, p95: pulseDist.p95 / floorDist.p95, mean: pulseDist.mean / floorDist.mean },
    split: { dynamoMs, sesMs, verifierMs, otherMs: total / n - dynamoMs - sesMs - verifierMs },
    sesCallsPerEmail: spent.sesCalls / n,
    verifierCallsPerEmail: spent.verifierCalls / n,
    calls: structuredClone(meter.stats),
    trend: { size, firstMs: mean(s.pulse.slice(0, size)), lastMs: mean(s.pulse.slice(-size)), firstDynamoMs: mean(s.dynamo.slice(0, size)), lastDynamoMs: mean(s.dynamo.slice(-size)) },
  }
}

// ------------------------------------------------------------------------------- 2. units per email

async function measureUnits(ctx: Ctx, n: number, email: BenchEmail = 'short'): Promise<UnitsResult> {
  const { cfg } = ctx
  const db = newDb(ctx)
  const meter = await meterCapacity(db, { endpoint: ctx.dynamo.endpoint, region: REGION, names: ctx.dynamo.names })
  const rq = recordingQueue(systemClock)
  const base = buildDeps(db, cfg, { pulseQueue: rq.queue })
  ctx.log(`send loop 2/3: a campaign of ${n + 1} queued leads (${email} email), then ${n} pulses priced in request units...`)
  await startedCampaign(base, email === 'short' ? 'bench-units' : 'bench-units-full', n + 1, 7002, email)
  const deps: PulseDeps = { ...base, verifier: createVerifier({ baseUrl: cfg.MEV_BASE_URL, apiKey: MEV_KEY, clock: systemClock, ratePerMinute: BENCH_VERIFIER_RATE }) }
  meter.active = true
  try {
    for (let i = 0; i < n; i++) {
      const result = await pulse(deps, lastPulse(rq.log).pulse)
      if (result.kind !== 'sent') throw new Error(`pulse ${i}: expected a send, got ${JSON.stringify(result)}`)
    }
  } finally {
    meter.active = false
    base.sender.destroy()
    db.doc.destroy()
  }
  const rows = Object.values(meter.rows).sort((a, b) => b.rcu + b.wcu - (a.rcu + a.wcu))
  const sum = (rs: UnitRow[], k: 'rcu' | 'wcu') => rs.reduce((t, r) => t + r[k], 0) / n
  const QUEUE_READ = 'leads.byCampaign'
  const rest = rows.filter((r) => r.target !== QUEUE_READ)
  const pages = meter.pages.filter((p) => p.target === QUEUE_READ)
  if (pages.length === 0) throw new Error('no queue read (Query leads.byCampaign) was metered')
  const evaluated = pages.reduce((t, p) => t + p.evaluated, 0)
  const bytes = pages.reduce((t, p) => t + p.bytes, 0)
  const { target: _f, ...first } = pages[0]!
  const { target: _l, ...last } = pages.at(-1)!
  return {
    n,
    queue: { first: n + 1, last: 2 },
    rows,
    perEmail: { rcu: sum(rows, 'rcu'), wcu: sum(rows, 'wcu') },
    perEmailWithoutQueueRead: { rcu: sum(rest, 'rcu'), wcu: sum(rest, 'wcu') },
    queueRead: { first, last, bytesPerLead: evaluated ? bytes / evaluated : 0 },
    reported: meter.reported,
    failures: meter.failures,
    floor: writeFloor(rows),
  }
}

// ------------------------------------------------------------------------------- 3. simulated time

/** A clock that only moves when told: by the delay a pulse schedules, and by simulated latency. */
function simClock(start: number) {
  let t = start
  return {
    now: () => new Date(t),
    advance: (ms: number) => void (t += ms),
    set: (ms: number) => void (t = ms),
    ms: () => t,
  }
}

/**
 * One simulated run: the pulse, the stores and DynamoDB Local are real; the clock, SES and the verifier are
 * in-process. SES answers at once and records the simulated instant of each send. The verifier is the app's
 * own adapter (createVerifier, the vendor's 30 requests a minute) over a fetch that answers as the fake
 * MyEmailVerifier does and first moves the clock by `latencyMs`. After each pulse the clock is set to the
 * moment its scheduled message becomes visible (enqueue time + DelaySeconds), as SQS would deliver it.
 */
async function simulate(ctx: Ctx, o: { label: string; id: string; n: number; seed: number; latencyMs: number; preVerification: boolean; day: number }): Promise<SimRun> {
  const wallStarted = performance.now()
  const db = newDb(ctx)
  const clock = simClock(Date.UTC(2030, 0, 7 + o.day, 0, 0, 0))
  let phase: 'before-send' | 'after-send' | 'after-schedule' = 'before-send'
  const rq = recordingQueue(clock, () => (phase = 'after-schedule'))
  const base = buildDeps(db, ctx.cfg, { clock, pulseQueue: rq.queue })
  // The same generated leads in every run (only the addresses' tags differ), so runs differ only in the verifier.
  await startedCampaign(base, o.id, o.n + 1, 7100)

  const counts = { calls: 0, beforeSend: 0, afterSchedule: 0, simMs: 0 }
  const fakeFetch = (async (url: string | URL | Request) => {
    counts.calls++
    if (phase === 'before-send') counts.beforeSend++
    if (phase === 'after-schedule') counts.afterSchedule++
    clock.advance(o.latencyMs)
    counts.simMs += o.latencyMs
    const email = new URL(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url).searchParams.get('email') ?? ''
    const answer = answerFor(email)
    return new Response(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  const sendAt: number[] = []
  const deps: PulseDeps = {
    ...base,
    random: seededRandom(o.seed),
    verifier: createVerifier({ baseUrl: 'http://mev.simulated', apiKey: MEV_KEY, clock, fetch: fakeFetch, sleep: async (ms) => clock.advance(ms) }),
    sender: {
      async send() {
        phase = 'after-send'
        sendAt.push(clock.ms())
        return { kind: 'sent', messageId: `sim-${o.id}-${sendAt.length}` }
      },
    },
    // Without pre-verification: the verification kept on the chain looks absent, so the send path verifies again.
    ...(o.preVerification
      ? {}
      : {
          campaigns: {
            ...base.campaigns,
            withChain: async (id: string) => {
              const read = await base.campaigns.withChain(id)
              return { ...read, chain: { ...read.chain, preverified: null } }
            },
          },
        }),
  }

  const drawn: number[] = []
  let overlaps = 0
  try {
    for (let k = 0; k < o.n; k++) {
      const next = lastPulse(rq.log)
      const due = next.at + next.delay * 1000
      if (clock.ms() > due) overlaps++
      clock.set(Math.max(due, clock.ms()))
      phase = 'before-send'
      const result = await pulse(deps, next.pulse)
      if (result.kind !== 'sent') throw new Error(`${o.label}, pulse ${k}: expected a send, got ${JSON.stringify(result)}`)
      drawn.push(result.delaySeconds)
    }
  } finally {
    base.sender.destroy()
    db.doc.destroy()
  }
  // The first message is Start's; then one per pulse.
  const scheduled = rq.log.slice(1).map((e) => e.delay)
  if (scheduled.length !== o.n || scheduled.some((d, k) => d !== Math.ceil(drawn[k]!))) throw new Error(`${o.label}: the scheduled delays are not the drawn ones rounded up`)
  const gapsMs = sendAt.slice(1).map((t, k) => t - sendAt[k]!)
  return {
    label: o.label,
    latencyMs: o.latencyMs,
    preVerification: o.preVerification,
    n: o.n,
    drawn,
    scheduled,
    gapsMs,
    extraMs: summary(gapsMs.map((g, k) => g - scheduled[k]! * 1000)),
    verifierCalls: counts.calls,
    verifierBeforeSend: counts.beforeSend,
    verifierAfterSchedule: counts.afterSchedule,
    verifierSimMs: counts.simMs,
    overlaps,
    wallMs: performance.now() - wallStarted,
  }
}

/** The distribution of a whole-second delay ceil(X) when X has CDF `f`: P(ceil X <= x) = F(floor x). */
function roundedUpCdf(f: Cdf): Cdf {
  return Object.assign((x: number) => f(Math.floor(x)), { before: (x: number) => f(Math.ceil(x) - 1) })
}

async function measurePacing(ctx: Ctx, n: number): Promise<PacingResult> {
  const latency = SEND_LOOP_TARGETS.verifierLatencyMs
  const runs: SimRun[] = []
  const plan = [
    { label: 'verifier answers at once', id: 'bench-sim-0', latencyMs: 0, preVerification: true },
    { label: `verifier takes ${latency / 1000} s (as shipped)`, id: 'bench-sim-2s', latencyMs: latency, preVerification: true },
    { label: `verifier takes ${latency / 1000} s, no pre-verification (control)`, id: 'bench-sim-ctl', latencyMs: latency, preVerification: false },
  ]
  for (const [day, p] of plan.entries()) {
    ctx.log(`send loop 3/3: simulated run ${day + 1}/${plan.length} (${p.label}): ${n + 1} leads, ${n} sends...`)
    runs.push(await simulate(ctx, { ...p, n, seed: SIM_SEED, day }))
  }
  const [immediate, slow, control] = runs as [SimRun, SimRun, SimRun]
  for (const r of [slow, control]) {
    if (r.scheduled.some((d, k) => d !== immediate.scheduled[k])) throw new Error(`${r.label}: the seeded delays differ from the first run's`)
  }
  const cdf = clampedNormalCdf(DELAY)
  return {
    seed: SIM_SEED,
    distribution: DELAY,
    theory: clampedNormalMoments(DELAY),
    drawn: { ...summary(immediate.drawn), ks: ksDistance(immediate.drawn, cdf) },
    scheduled: { ...summary(immediate.scheduled), ks: ksDistance(immediate.scheduled, roundedUpCdf(cdf)), ksUnrounded: ksDistance(immediate.scheduled, cdf) },
    critical: SEND_LOOP_TARGETS.ksCoefficient / Math.sqrt(n),
    runs,
    gapChangeMs: Math.max(...slow.gapsMs.map((g, k) => Math.abs(g - immediate.gapsMs[k]!))),
    controlGapChangeMs: summary(control.gapsMs.map((g, k) => g - immediate.gapsMs[k]!)),
  }
}

// ------------------------------------------------------------------------------------------- entry

// Enough pulses for a stable mean per email; the item sizes barely vary between leads.
const FULL_EMAIL_PULSES = 50

export async function benchSendLoop(options: { n: number; warmup: number; simulatedSends: number; log: (msg: string) => void }): Promise<SendLoopResult> {
  const started = performance.now()
  const { log } = options
  log(`send loop: DynamoDB Local on ${SEND_LOOP_PORTS.dynamo}, local SES on ${SEND_LOOP_PORTS.ses}, fake MyEmailVerifier on ${SEND_LOOP_PORTS.verifier}...`)
  const dynamo = await startWritesDynamo(SEND_LOOP_PORTS.dynamo)
  const servers: Server[] = []
  try {
    const { default: sesServer } = await import('aws-ses-v2-local')
    servers.push(await sesServer({ host: '127.0.0.1', port: SEND_LOOP_PORTS.ses }))
    servers.push(await startFakeVerifier({ port: SEND_LOOP_PORTS.verifier, apiKey: MEV_KEY, ratePerMinute: BENCH_VERIFIER_RATE }))
    const verifierUrl = `http://127.0.0.1:${SEND_LOOP_PORTS.verifier}`
    const cfg = parseConfig({ ARC_ENV: 'testing', SES_ENDPOINT: `http://127.0.0.1:${SEND_LOOP_PORTS.ses}`, MEV_BASE_URL: verifierUrl, MEV_API_KEY: MEV_KEY })
    const ctx: Ctx = { dynamo, cfg, verifierUrl, log }
    const setupDb = newDb(ctx)
    const setup = buildDeps(setupDb, cfg)
    await seedSenders(setup)
    setup.sender.destroy()
    setupDb.doc.destroy()

    const overhead = await measureOverhead(ctx, options.n, options.warmup)
    const units = await measureUnits(ctx, options.n)
    const fullEmailUnits = await measureUnits(ctx, FULL_EMAIL_PULSES, 'full')
    const pacing = await measurePacing(ctx, options.simulatedSends)
    return { overhead, units, fullEmailUnits, pacing, wallSeconds: (performance.now() - started) / 1000 }
  } finally {
    for (const s of servers) {
      s.closeAllConnections()
      await new Promise<void>((r) => s.close(() => r()))
    }
    log('stopping DynamoDB Local...')
    await dynamo.stop()
  }
}

// ------------------------------------------------------------------------------------------- report

export function sendLoopTargets(r: SendLoopResult): TargetResult[] {
  const t = SEND_LOOP_TARGETS
  const p = r.pacing
  const [, slow] = p.runs
  return [
    {
      id: 'send-loop/units',
      what: 'write units per sent email',
      actual: r.units.perEmail.wcu.toFixed(2),
      limit: `<= ${t.maxWriteUnitsPerEmail}`,
      pass: r.units.perEmail.wcu <= t.maxWriteUnitsPerEmail,
    },
    {
      id: 'send-loop/units',
      what: 'read units per sent email',
      actual: r.units.perEmail.rcu.toFixed(2),
      limit: `<= ${t.maxReadUnitsPerEmail}`,
      pass: r.units.perEmail.rcu <= t.maxReadUnitsPerEmail,
    },
    {
      id: 'send-loop/pacing',
      what: `KS distance, drawn delays (n ${p.drawn.n})`,
      actual: p.drawn.ks.toFixed(4),
      limit: `<= ${p.critical.toFixed(4)}`,
      pass: p.drawn.ks <= p.critical,
    },
    {
      id: 'send-loop/pacing',
      what: `KS distance, scheduled whole-second delays (n ${p.scheduled.n})`,
      actual: p.scheduled.ks.toFixed(4),
      limit: `<= ${p.critical.toFixed(4)}`,
      pass: p.scheduled.ks <= p.critical,
    },
    {
      id: 'send-loop/pacing',
      what: `gap added by a ${t.verifierLatencyMs / 1000} s verifier (max over ${slow?.gapsMs.length ?? 0} gaps)`,
      actual: `${fmtInt(p.gapChangeMs)} ms`,
      limit: '= 0 ms',
      pass: p.gapChangeMs === 0,
    },
  ]
}

export function sendLoopReport(r: SendLoopResult, targets: TargetResult[]): string[] {
  const lines: string[] = []
  const passFail = (id: string) => table(['', 'target', 'actual', 'limit'], targets.filter((t) => t.id === id).map((t) => [t.pass ? 'PASS' : 'FAIL', t.what, t.actual, t.limit]), 'llrl')
  const o = r.overhead
  const u = r.units
  const p = r.pacing

  lines.push(
    `Send loop, overhead per email (pulse() in-process, DynamoDB Local on ${SEND_LOOP_PORTS.dynamo}, local SES on ${SEND_LOOP_PORTS.ses}, fake MyEmailVerifier over HTTP on ${SEND_LOOP_PORTS.verifier}; ${o.n} sequential pulses after ${o.warmup} warm-up, each one send, its delay scheduled and not waited; each pulse followed by one floor)`,
  )
  const row = (name: string, d: Dist) => [name, fmtMs(d.p50), fmtMs(d.p95), fmtMs(d.mean)]
  lines.push(
    table(
      ['path', 'p50 ms', 'p95 ms', 'mean ms'],
      [
        row('pulse: gate, verify, render, claim, SES, settle, schedule, pre-verify next', o.pulse),
        row('floor: SES SendEmail of the same message + one verifier request', o.floor),
        row('  of which SES SendEmail', o.floorSes),
        row('  of which the verifier request', o.floorVerifier),
        ['pulse / floor', fmtX(o.ratio.p50), fmtX(o.ratio.p95), fmtX(o.ratio.mean)],
      ],
      'lrrr',
    ),
  )
  const perEmail = o.pulse.mean
  lines.push(
    table(
      ['where a pulse\'s time goes (mean per email)', 'ms', 'of pulse'],
      [
        ['DynamoDB (wall time with at least one call in flight)', fmtMs(o.split.dynamoMs), fmtPct(o.split.dynamoMs / perEmail)],
        [`SES SendEmail through the adapter (${o.sesCallsPerEmail.toFixed(2)} per email)`, fmtMs(o.split.sesMs), fmtPct(o.split.sesMs / perEmail)],
        [`verifier through the adapter (${o.verifierCallsPerEmail.toFixed(2)} per email: the next lead's)`, fmtMs(o.split.verifierMs), fmtPct(o.split.verifierMs / perEmail)],
        ['the rest: gate, render, audit event, marshalling, JSON', fmtMs(o.split.otherMs), fmtPct(o.split.otherMs / perEmail)],
      ],
      'lrr',
    ),
  )
  const callRows = Object.entries(o.calls)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([op, c]) => [op, fmtInt(c.count), (c.count / o.n).toFixed(2), fmtMs(c.ms / c.count), fmtMs(c.ms / o.n)])
  lines.push(table(['DynamoDB operation', 'calls', 'per email', 'ms/call', 'ms/email (calls overlap)'], callRows, 'lrrrr'))
  lines.push(
    `Queue length matters: the first ${o.trend.size} measured pulses (${o.queue.first} to ${o.queue.first - o.trend.size + 1} leads queued) took ${fmtMs(o.trend.firstMs)} ms (DynamoDB ${fmtMs(o.trend.firstDynamoMs)}), the last ${o.trend.size} (${o.trend.size} to 1 queued) ${fmtMs(o.trend.lastMs)} ms (DynamoDB ${fmtMs(o.trend.lastDynamoMs)}).`,
  )
  lines.push(
    `The verifier fake and the adapter allow ${fmtInt(BENCH_VERIFIER_RATE)} requests a minute here, not the vendor's 30: unpaced pulses would otherwise sleep ~60 s after every 30 requests, a wait no real send has (1-3 min apart, one request each).`,
  )
  lines.push('')

  lines.push(
    `Send loop, DynamoDB request units per sent email (${u.n} pulses of a fresh campaign of ${u.queue.first} queued leads, every call priced from its items' sizes as AWS bills them: bench/capacity.ts)`,
  )
  const unitRows = u.rows.map((x) => [x.op, x.target, (x.items / u.n).toFixed(2), x.items ? fmtInt(x.bytes / x.items) : '', x.rcu ? (x.rcu / u.n).toFixed(2) : '', x.wcu ? (x.wcu / u.n).toFixed(2) : ''])
  unitRows.push(['total', '', '', '', u.perEmail.rcu.toFixed(2), u.perEmail.wcu.toFixed(2)])
  unitRows.push(['  without the queue read (Query leads.byCampaign)', '', '', '', u.perEmailWithoutQueueRead.rcu.toFixed(2), u.perEmailWithoutQueueRead.wcu.toFixed(2)])
  lines.push(table(['operation', 'table / index, item kind (key prefixes)', 'items/email', 'bytes each', 'RCU/email', 'WCU/email'], unitRows, 'llrrrr'))
  lines.push(
    'bytes each: the item priced (for a write the larger of before and after; for an index write the index entry, and moving an entry, as a claim going from `sending` to `sent` does in byState, is a delete and a put: two units for one update); for a Query, the whole page it read.',
  )
  const modelOf = (op: string) => u.rows.filter((x) => x.op.split(':')[0] === op).reduce((t, x) => t + x.rcu + x.wcu, 0) / u.n
  lines.push(
    table(
      ["DynamoDB Local's own ConsumedCapacity", 'calls/email', 'answered', 'Local units/email', 'model units/email'],
      Object.entries(u.reported).map(([op, rep]) => [op, (rep.calls / u.n).toFixed(2), `${rep.answered}/${rep.calls}`, rep.answered ? (rep.units / u.n).toFixed(2) : '-', modelOf(op).toFixed(2)]),
      'lrrrr',
    ),
  )
  const differ = Object.keys(u.reported).filter((op) => Math.abs(u.reported[op]!.units / u.n - modelOf(op)) > 0.005)
  lines.push(
    differ.length
      ? `DynamoDB Local's figures (ReturnConsumedCapacity INDEXES) differ from the model for ${differ.join(' and ')}: Local does not bill as AWS documents (a BatchGetItem key that finds nothing still costs the minimum read; a transaction doubles each item's size-rounded units). The model's numbers are the ones checked.`
      : "DynamoDB Local's figures (ReturnConsumedCapacity INDEXES) agree with the model for every operation.",
  )
  const q = u.queueRead
  lines.push(
    `The queue read (leads.nextActive: a Query of the campaign's active partition of byCampaign after the cursor, Limit 2) reads the two leads it returns, however long the queue: ${q.first.evaluated} leads (${fmtInt(q.first.bytes)} B, ${q.first.rcu} RCU) at the first pulse (${fmtInt(u.queue.first)} queued), ${q.last.evaluated} (${q.last.rcu} RCU) at the last (${fmtInt(u.queue.last)} queued).`,
  )
  if (u.failures) lines.push(`${u.failures} metered calls failed (conditional writes): priced as AWS prices failed writes.`)
  lines.push(passFail('send-loop/units'))
  const fl = u.floor
  lines.push(
    `The floor under PRODUCT.md's rules (bench/write-floor.ts, decision 060): the writes the brief asks of every sent email, each at its cheapest, priced from this run's sizes. Counters in one item for every scope, or one item per scope it names.`,
  )
  lines.push(
    table(
      ['required write', 'bytes', 'one counter item', 'a counter item per scope'],
      [...fl.rows.map((x) => [x.what, x.bytes === null ? '' : fmtInt(x.bytes), String(x.oneCounter), String(x.perScope)]), ['floor', '', String(fl.oneCounter), String(fl.perScope)], ['this run / floor', '', fmtX(u.perEmail.wcu / fl.oneCounter), fmtX(u.perEmail.wcu / fl.perScope)]],
      'lrrr',
    ),
  )
  lines.push(
    fl.oneCounter > SEND_LOOP_TARGETS.maxWriteUnitsPerEmail
      ? `The target (<= ${SEND_LOOP_TARGETS.maxWriteUnitsPerEmail}) is below the floor (${fl.oneCounter}): no design that keeps the brief's atomic counters, audit event and lead state can meet it.`
      : `The floor (${fl.oneCounter}) is within the target (<= ${SEND_LOOP_TARGETS.maxWriteUnitsPerEmail}).`,
  )
  const f = r.fullEmailUnits
  const grown = f.rows.filter((x) => x.wcu / f.n - (u.rows.find((y) => y.op === x.op && y.target === x.target)?.wcu ?? 0) / u.n > 0.005)
  lines.push(
    `A full-length email (~1,100 characters of text and the same as HTML, ${f.n} pulses): ${f.perEmail.wcu.toFixed(2)} WCU and ${f.perEmail.rcu.toFixed(2)} RCU per sent email (floor ${f.floor.oneCounter} / ${f.floor.perScope})${grown.length ? `; what grew: ${grown.map((x) => `${x.op} ${x.target} ${fmtInt(x.items ? x.bytes / x.items : 0)} B, ${(x.wcu / f.n).toFixed(2)} WCU`).join('; ')}` : ', the same writes as the short one'}.`,
  )
  lines.push('')

  const [immediate, slow, control] = p.runs as [SimRun, SimRun, SimRun]
  lines.push(
    `Send loop, simulated time (${p.drawn.n} sends per run, random seeded ${p.seed}; the pulse, stores and DynamoDB Local real; clock, SES and verifier in-process; ${p.runs.map((x) => `${(x.wallMs / 1000).toFixed(1)} s`).join(' + ')} wall)`,
  )
  const sm = (name: string, x: Summary, ks: string, vs: string) => [name, fmtInt(x.n), x.mean.toFixed(2), x.sd.toFixed(2), x.min.toFixed(2), x.max.toFixed(2), ks, vs]
  const d = p.distribution
  lines.push(
    table(
      ['delays (s)', 'n', 'mean', 'sd', 'min', 'max', 'KS D', 'against'],
      [
        ['configured: normal(120, 30) clamped to [60, 180]', '', p.theory.mean.toFixed(2), p.theory.sd.toFixed(2), d.minSeconds.toFixed(2), d.maxSeconds.toFixed(2), '', ''],
        sm('drawn (PulseResult.delaySeconds)', p.drawn, p.drawn.ks.toFixed(4), 'the clamped normal'),
        sm('scheduled (SQS DelaySeconds: drawn, rounded up)', p.scheduled, p.scheduled.ks.toFixed(4), 'the clamped normal rounded up'),
        ['', '', '', '', '', '', p.scheduled.ksUnrounded.toFixed(4), 'the clamped normal (rounding ignored)'],
      ],
      'lrrrrrrl',
    ),
  )
  lines.push(`Critical value at the 5% level: 1.36/sqrt(${p.drawn.n}) = ${p.critical.toFixed(4)}. The configured row is the clamped normal's exact mean and sd.`)
  lines.push(
    table(
      ['run', 'verifier calls', 'on the send path', 'after scheduling', 'verifier sim. s', 'gap - scheduled delay (ms)', 'gap vs run 1'],
      p.runs.map((x, i) => [
        `${i + 1}. ${x.label}`,
        fmtInt(x.verifierCalls),
        fmtInt(x.verifierBeforeSend),
        fmtInt(x.verifierAfterSchedule),
        fmtInt(x.verifierSimMs / 1000),
        x.extraMs.min === x.extraMs.max ? `${fmtInt(x.extraMs.min)} every gap` : `${fmtInt(x.extraMs.min)} to ${fmtInt(x.extraMs.max)}`,
        i === 0 ? '' : i === 1 ? `max |difference| ${fmtInt(p.gapChangeMs)} ms` : `+${fmtInt(p.controlGapChangeMs.min)} to +${fmtInt(p.controlGapChangeMs.max)} ms`,
      ]),
      'lrrrrrl',
    ),
  )
  const sameGaps = p.gapChangeMs === 0 && slow.extraMs.min === 0 && slow.extraMs.max === 0
  lines.push(
    `How it is measured: the clock moves only by simulated time. SES records the simulated instant of each send; the verifier (the app's adapter over an in-process fetch answering as the fake) moves the clock by its latency; after each pulse the clock jumps to the instant its next message becomes visible (enqueue time + DelaySeconds) and the next pulse runs. A gap is one send's instant to the next's. ` +
      `With the ${slow.latencyMs / 1000} s verifier (run 2) the ${fmtInt(slow.gapsMs.length)} gaps ${sameGaps ? "equal run 1's to the millisecond, and equal the scheduled delays" : `differ from run 1's by up to ${fmtInt(p.gapChangeMs)} ms`}: ${fmtInt(slow.verifierAfterSchedule)} of its ${fmtInt(slow.verifierCalls)} verifier calls come after the pulse has scheduled the next one (the following lead, pre-verified while the delay runs), and ${fmtInt(slow.verifierBeforeSend)} ${slow.verifierBeforeSend === 1 ? 'is' : 'are'} on a send path (the first pulse verifies its own lead, before any gap). ` +
      `The control (run 3) hides the verification each pulse keeps on the chain for the next, so every send verifies on its send path (${fmtInt(control.verifierBeforeSend)} calls): each gap grows by ${control.extraMs.min === control.extraMs.max ? `exactly ${fmtInt(control.extraMs.min)} ms` : `${fmtInt(control.extraMs.min)}-${fmtInt(control.extraMs.max)} ms`}, so the measurement does see latency on the send path.`,
  )
  if (immediate.overlaps + slow.overlaps + control.overlaps) lines.push(`Note: ${immediate.overlaps + slow.overlaps + control.overlaps} pulses were due before the previous pulse finished (its tail ran past the delay).`)
  lines.push(passFail('send-loop/pacing'))
  lines.push(`(send loop section: ${r.wallSeconds.toFixed(0)} s wall)`)
  return lines
}
