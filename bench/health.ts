/**
 * The health run (runHealth, src/shared/services/health.ts, what the scheduled function and the immediate
 * check call) with 10,000 and with 100,000 stored feedback events: does its cost grow with history? Two
 * workspaces of the same shape (bench/feedback.ts WORLD_SHAPE), each on an in-memory DynamoDB Local of its
 * own, both running at once so the runs can alternate: the same mailboxes, domains, campaigns and
 * settings, and the same most recent 10 days of sends and feedback; one has 10 days of history, the other
 * 100. That is the question the issue asks ("the cost of a run grows with recent activity, not with
 * history"): recent activity is held equal, history grows tenfold.
 *
 * The history is real: each day's sends and SES events go through the app's own code (processFeedback
 * over in-memory state, the send, lead and feedback adapters' writes captured and stored in bulk; see
 * writeHistory), so the tables hold what processing them would have left: feedback markers, send records,
 * feedback audit events, suppressions, day counters for every scope and day, the mailboxes' signal
 * windows. The sends' leads and 'sent' audit events are not stored (no feedback event writes them, and a
 * health run reads neither unless it pauses a campaign, which none does here): that keeps the
 * 100,000-event setup near a minute.
 */
import { performance } from 'node:perf_hooks'
import { createDb, type Db, type TableName } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps, type AppDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import type { HealthAction } from '../src/shared/domain/health'
import { runHealth } from '../src/shared/services/health'
import { meterCalls, type CallStats } from './calls'
import { meterCapacity } from './capacity'
import { REGION, startWritesDynamo, type WritesDynamo } from './dynamo'
import { BulkWriter, seedWorld, storedItems, worldOf, writeHistory, type HistoryStats, type Mix } from './feedback'
import { fmtInt, fmtMs, fmtX, table, type TargetResult } from './format'
import { median, percentile } from './stats'

/** Apart from `npm start`, the tests (5599) and the other benchmarks (5588-5595). */
export const HEALTH_PORTS = { small: 5596, large: 5597 }

/**
 * 1,000 events a day (about 790 sends over 20 mailboxes, 40 each): 10,000 events are the last 10 days,
 * 100,000 the last 100. 10 warm-up runs per workspace (the first may change health states: the same
 * changes in both, since their recent days are the same), then 50 measured in each, alternating, so the
 * medians come from the same machine conditions; under 10 s in all.
 */
export const HEALTH = { small: 10_000, large: 100_000, eventsPerDay: 1_000, warmup: 10, runs: 50 }

/** The issue's target: a run over 100,000 stored events within 1.2x the time of one over 10,000. */
export const HEALTH_TARGETS = { maxRatio: 1.2 }

/**
 * A healthy sender's stream, so the workspace keeps sending under the default policy: of every 10,000
 * events, 7,700 Delivery, 2,078 Open, 80 transient bounces and 60 delivery delays (1.8% of sends), 80 hard
 * bounces (1% of sends, a third of the mailbox and domain pause rate of 3%) and 2 complaints (0.025% of
 * sends, under the account's 0.08%). Kinds are drawn at random per event, so a complaint turns up on some
 * days and not others.
 */
export const HEALTHY_MIX: Mix = [
  { kind: 'delivery', share: 0.77 },
  { kind: 'open', share: 0.2078 },
  { kind: 'transient', share: 0.008 },
  { kind: 'delay', share: 0.006 },
  { kind: 'hard_bounce', share: 0.008 },
  { kind: 'complaint', share: 0.0002 },
]

const HISTORY_SEED = 9100
/** As bench/render.ts: a short pause before each timed run keeps one run's leftovers out of the next sample. */
const settle = () => new Promise((r) => setTimeout(r, 15))

export interface HealthWorldResult {
  events: number
  history: HistoryStats
  /** Items stored per table (DescribeTable), after the history was written. */
  stored: Record<string, number>
  /** State changes of the warm-up runs, by run, as `entity to` counts. */
  warmupActions: Record<string, number>[]
  /** Actions in measured runs: must be none, or the runs did different work. */
  measuredActions: number
  runs: { medianMs: number; p95Ms: number; minMs: number; meanMs: number }
  samples: number[]
  calls: CallStats
  /** One further run priced in request units (bench/capacity.ts). */
  units: { rcu: number; wcu: number; queryItemsEvaluated: number }
}

export interface HealthBenchResult {
  eventsPerDay: number
  world: { domains: number; mailboxes: number; campaigns: number }
  small: HealthWorldResult
  large: HealthWorldResult
  ratio: { median: number; p95: number }
  wallSeconds: number
}

interface Side {
  dynamo: WritesDynamo
  db: Db
  deps: AppDeps
  calls: ReturnType<typeof meterCalls>
  result: Partial<HealthWorldResult>
  samples: number[]
  measuredActions: number
}

const actionCounts = (actions: HealthAction[]) => actions.reduce<Record<string, number>>((m, a) => ((m[`${a.entity} ${a.to}`] = (m[`${a.entity} ${a.to}`] ?? 0) + 1), m), {})

export async function benchHealth(options: { small: number; large: number; eventsPerDay: number; warmup: number; runs: number; log: (msg: string) => void }): Promise<HealthBenchResult> {
  const started = performance.now()
  const { log } = options
  const cfg = parseConfig({ ARC_ENV: 'testing' })
  const world = worldOf()
  // Both histories end at the same instant, so their most recent days are the same days.
  const now = new Date()
  const sides: Side[] = []
  try {
    for (const [port, events] of [
      [HEALTH_PORTS.small, options.small],
      [HEALTH_PORTS.large, options.large],
    ] as const) {
      if (events % options.eventsPerDay) throw new Error('history sizes must be whole days of events')
      log(`health: DynamoDB Local on ${port}, the workspace, then ${fmtInt(events)} events of history (${events / options.eventsPerDay} days)...`)
      const dynamo = await startWritesDynamo(port)
      const db = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
      const calls = meterCalls(db)
      const deps = buildDeps(db, cfg)
      sides.push({ dynamo, db, deps, calls, result: { events }, samples: [], measuredActions: 0 })
      await seedWorld(deps, world)
      const writer = await BulkWriter.create(createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names }), dynamo.names as Record<TableName, string>)
      const history = await writeHistory(world, writer, dynamo.names, { days: events / options.eventsPerDay, eventsPerDay: options.eventsPerDay, mix: HEALTHY_MIX, seed: HISTORY_SEED, now, log })
      if (history.events !== events) throw new Error(`history: ${history.events} events stored, ${events} planned`)
      sides.at(-1)!.result.history = history
      sides.at(-1)!.result.stored = await storedItems(dynamo)
      log(`  stored in ${history.seconds.toFixed(0)} s: ${Object.entries(sides.at(-1)!.result.stored!).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${fmtInt(n)}`).join(', ')}`)
    }
    const [small, large] = sides as [Side, Side]

    log(`health runs: ${options.warmup} warm-up and ${options.runs} measured in each workspace, alternating...`)
    for (const side of sides) side.result.warmupActions = []
    for (let i = 0; i < options.warmup; i++) {
      for (const side of sides) side.result.warmupActions!.push(actionCounts(await runHealth(side.deps)))
    }
    const changes = (s: Side) => JSON.stringify(s.result.warmupActions)
    if (changes(small) !== changes(large)) throw new Error(`the warm-up runs changed different things: ${changes(small)} vs ${changes(large)}`)
    for (const side of sides) side.calls.reset()
    for (let i = 0; i < options.runs; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      for (const side of i % 2 ? [large, small] : [small, large]) {
        await settle()
        const t = performance.now()
        const actions = await runHealth(side.deps)
        side.samples.push(performance.now() - t)
        side.measuredActions += actions.length
      }
    }

    log('health: one more run in each workspace priced in request units...')
    for (const side of sides) {
      const mdb = createDb({ endpoint: side.dynamo.endpoint, region: REGION, names: side.dynamo.names })
      const meter = await meterCapacity(mdb, { endpoint: side.dynamo.endpoint, region: REGION, names: side.dynamo.names })
      meter.active = true
      await runHealth(buildDeps(mdb, cfg))
      meter.active = false
      const rows = Object.values(meter.rows)
      side.result.units = {
        rcu: rows.reduce((t, r) => t + r.rcu, 0),
        wcu: rows.reduce((t, r) => t + r.wcu, 0),
        queryItemsEvaluated: meter.pages.reduce((t, p) => t + p.evaluated, 0),
      }
      mdb.doc.destroy()
    }

    const finish = (s: Side): HealthWorldResult => ({
      ...(s.result as HealthWorldResult),
      measuredActions: s.measuredActions,
      runs: { medianMs: median(s.samples), p95Ms: percentile(s.samples, 95), minMs: Math.min(...s.samples), meanMs: s.samples.reduce((a, b) => a + b, 0) / s.samples.length },
      samples: s.samples,
      calls: structuredClone(s.calls.stats),
    })
    const a = finish(small)
    const b = finish(large)
    return {
      eventsPerDay: options.eventsPerDay,
      world: { domains: world.domains.length, mailboxes: world.mailboxes.length, campaigns: world.campaigns.length },
      small: a,
      large: b,
      ratio: { median: b.runs.medianMs / a.runs.medianMs, p95: b.runs.p95Ms / a.runs.p95Ms },
      wallSeconds: (performance.now() - started) / 1000,
    }
  } finally {
    log('stopping the health benchmark DynamoDB Locals...')
    for (const side of sides) {
      side.db.doc.destroy()
      await side.dynamo.stop()
    }
  }
}

export function healthTargets(r: HealthBenchResult): TargetResult[] {
  const t = HEALTH_TARGETS
  return [
    {
      id: 'health/run',
      what: `run time, ${fmtInt(r.large.events)} vs ${fmtInt(r.small.events)} stored events (median)`,
      actual: `${fmtX(r.ratio.median)} (${fmtMs(r.large.runs.medianMs)} / ${fmtMs(r.small.runs.medianMs)} ms)`,
      limit: `<= ${fmtX(t.maxRatio)}`,
      pass: r.ratio.median <= t.maxRatio,
    },
    {
      id: 'health/run',
      what: 'state changes in the measured runs (both workspaces)',
      actual: String(r.small.measuredActions + r.large.measuredActions),
      limit: '= 0',
      pass: r.small.measuredActions + r.large.measuredActions === 0,
    },
  ]
}

export function healthReport(r: HealthBenchResult, targets: TargetResult[]): string[] {
  const lines: string[] = []
  const runs = r.small.samples.length
  lines.push(
    `Health run scaling (runHealth in-process, buildDeps on two DynamoDB Locals at once, ports ${HEALTH_PORTS.small} and ${HEALTH_PORTS.large}; ${r.world.domains} domains, ${r.world.mailboxes} mailboxes, ${r.world.campaigns} campaigns in each; ${fmtInt(r.eventsPerDay)} SES events a day of a healthy mix; ${runs} runs in each after ${r.small.warmupActions.length} warm-up, alternating)`,
  )
  const stored = (w: HealthWorldResult) => `${fmtInt(w.stored.audit ?? 0)} audit, ${fmtInt(w.stored.feedback ?? 0)} markers, ${fmtInt(w.stored.sendclaims ?? 0)} sends, ${fmtInt(w.stored.metrics ?? 0)} counters/windows`
  const row = (w: HealthWorldResult) => [
    `${fmtInt(w.events)} events (${w.history.days} days, ${fmtInt(w.history.sends)} sends)`,
    stored(w),
    fmtMs(w.runs.medianMs),
    fmtMs(w.runs.p95Ms),
    fmtMs(w.runs.minMs),
    (Object.values(w.calls).reduce((n, c) => n + c.count, 0) / runs).toFixed(1),
    w.units.rcu.toFixed(1),
    fmtInt(w.units.queryItemsEvaluated),
  ]
  lines.push(
    table(
      ['stored history', 'items stored (DescribeTable)', 'median ms', 'p95 ms', 'min ms', 'calls/run', 'RCU/run', 'items queried'],
      [row(r.small), row(r.large), [`ratio ${fmtInt(r.large.events)} / ${fmtInt(r.small.events)}`, '', fmtX(r.ratio.median), fmtX(r.ratio.p95), fmtX(r.large.runs.minMs / r.small.runs.minMs), '', '', '']],
      'llrrrrrr',
    ),
  )
  const warm = r.small.warmupActions.map((a, i) => (Object.keys(a).length ? `run ${i + 1}: ${Object.entries(a).map(([k, n]) => `${n} x ${k}`).join(', ')}` : null)).filter(Boolean)
  lines.push(
    `Both workspaces hold the same last ${r.small.history.days} days; the larger one 10 times the history. Warm-up state changes (the same in both): ${warm.length ? warm.join('; ') : 'none'}. The stored items are counted by DynamoDB Local; history was written in ${r.small.history.seconds.toFixed(0)} s and ${r.large.history.seconds.toFixed(0)} s.`,
  )
  const ops = (w: HealthWorldResult) => Object.entries(w.calls).map(([op, c]) => `${op} ${(c.count / runs).toFixed(1)}`).join(', ')
  lines.push(
    `DynamoDB calls per run: ${ops(r.small)} with ${fmtInt(r.small.events)} events stored; ${ops(r.large)} with ${fmtInt(r.large.events)}. Request units of one run each, priced as AWS bills them: ${r.small.units.rcu.toFixed(1)} RCU vs ${r.large.units.rcu.toFixed(1)} RCU, ${fmtInt(r.small.units.queryItemsEvaluated)} vs ${fmtInt(r.large.units.queryItemsEvaluated)} items read by its Queries (domains, mailboxes, campaigns).`,
  )
  lines.push(table(['', 'target', 'actual', 'limit'], targets.map((t) => [t.pass ? 'PASS' : 'FAIL', t.what, t.actual, t.limit]), 'llrl'))
  lines.push(`(health section: ${r.wallSeconds.toFixed(0)} s wall)`)
  return lines
}
