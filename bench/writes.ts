/**
 * `npm run bench:writes`: only the two write benchmarks of issue #3 — Clay webhook ingest and the
 * 50,000-row CSV import — on their own DynamoDB Local (bench/dynamo.ts), with their targets checked. The
 * full `npm run bench` runs the same two functions among the others; this is the quick loop for working on
 * intake and imports (~1.5 min here). Neither benchmark uses the Remix build: the webhook is called through
 * handleApi from the sources, and the import's worker is bundled from the sources by bench/import.ts.
 *
 * Prints a short report and writes bench/results/writes.json (latest.json stays the full run's).
 * BENCH_IMPORT_ROWS=10000 measures a smaller import, and says so.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startWritesDynamo, WRITES_DYNAMO_PORT } from './dynamo'
import { fmtInt, fmtMs, fmtPct, fmtRate, table, callsTable, type TargetResult } from './format'
import { benchImport, FULL_ROWS } from './import'
import { benchIntake } from './intake'
import { RESULTS_DIR } from './lambdas'

// The same sizes and targets as bench/run.ts: 1,000 webhook posts after 100 warm-up ones; the full import.
const INTAKE_RUNS = 1000
const INTAKE_WARMUP = 100
const TARGETS = { intakeRatio: 0.5, importRatio: 0.4 }

const log = (msg: string) => process.stderr.write(`[bench:writes] ${msg}\n`)

async function main() {
  const fromEnv = process.env.BENCH_IMPORT_ROWS ? Number(process.env.BENCH_IMPORT_ROWS) : null
  if (fromEnv !== null && !(Number.isInteger(fromEnv) && fromEnv >= 1000 && fromEnv <= FULL_ROWS)) throw new Error(`BENCH_IMPORT_ROWS must be a whole number from 1000 to ${FULL_ROWS}`)
  const rows = fromEnv ?? FULL_ROWS
  log(`starting DynamoDB Local (in memory, port ${WRITES_DYNAMO_PORT})...`)
  const dynamo = await startWritesDynamo()
  try {
    const intake = await benchIntake({ dynamo, n: INTAKE_RUNS, warmup: INTAKE_WARMUP, log })
    const imp = await benchImport({ dynamo, rows, reducedBecause: rows < FULL_ROWS ? `BENCH_IMPORT_ROWS=${rows} was set` : null, log })
    const targets: TargetResult[] = [
      {
        id: 'intake/clay-webhook',
        what: 'leads/s vs PutItem floor',
        actual: `${fmtPct(intake.ratio)} (${fmtRate(intake.handler.perSecond)} / ${fmtRate(intake.floor.perSecond)} per s)`,
        limit: `>= ${fmtPct(TARGETS.intakeRatio)}`,
        pass: intake.ratio >= TARGETS.intakeRatio,
      },
      {
        id: `import/csv-${imp.rows}`,
        what: 'rows/s vs BatchWriteItem floor',
        actual: `${fmtPct(imp.ratio)} (${fmtRate(imp.import.rowsPerSecond)} / ${fmtRate(imp.floor.rowsPerSecond)} per s)`,
        limit: `>= ${fmtPct(TARGETS.importRatio)}`,
        pass: imp.ratio >= TARGETS.importRatio,
      },
      {
        id: `import/csv-${imp.rows}`,
        what: 'peak RSS vs imports memory',
        actual: `${imp.memory.maxRssMb.toFixed(0)} MiB`,
        limit: `< ${imp.memory.limitMb} MiB`,
        pass: imp.memory.maxRssMb < imp.memory.limitMb,
      },
    ]
    const lat = (name: string, l: typeof intake.handler) => [name, fmtRate(l.perSecond), fmtMs(l.p50Ms), fmtMs(l.p99Ms), fmtMs(l.meanMs)]
    const lines = [
      `Clay webhook ingest: ${intake.n} sequential requests through handleApi after ${intake.warmup} warm-up, each followed by one floor PutItem`,
      table(['path', 'per s', 'p50 ms', 'p99 ms', 'mean ms'], [lat('POST /api/webhooks/clay', intake.handler), lat('floor: PutItem of the lead item', intake.floor)], 'lrrrr'),
      `Responses: ${Object.entries(intake.statuses).map(([s, c]) => `${c} x ${s}`).join(', ')}.`,
      callsTable(intake.calls, intake.n, 'lead', intake.handler.meanMs * intake.n, 'auth, JSON, validation, routing'),
      '',
      `CSV import: ${fmtInt(imp.rows)} rows (${fmtInt(imp.badRows)} bad), ${imp.chunks} chunks processed one after another; floor: BatchWriteItem of the same rows, 25 per request, one after another`,
      table(
        ['path', 'seconds', 'rows/s'],
        [
          ['import end to end', (imp.import.totalMs / 1000).toFixed(1), fmtRate(imp.import.rowsPerSecond)],
          [`  chunks (median ${fmtMs(imp.import.chunkMedianMs)} ms, max ${fmtMs(imp.import.chunkMaxMs)} ms)`, (imp.import.chunksMs / 1000).toFixed(1), ''],
          ['floor: BatchWriteItem', (imp.floor.ms / 1000).toFixed(1), fmtRate(imp.floor.rowsPerSecond)],
        ],
        'lrr',
      ),
      `Counts: ${JSON.stringify(imp.counts)}; peak RSS ${imp.memory.maxRssMb.toFixed(0)} MiB of ${imp.memory.limitMb} MB.`,
      callsTable(imp.calls, imp.rows, 'row', imp.import.totalMs, 'CSV parse, validation, routing'),
      '',
      table(['', 'target', 'actual', 'limit'], targets.map((t) => [t.pass ? 'PASS' : 'FAIL', `${t.id}: ${t.what}`, t.actual, t.limit]), 'llrl'),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    writeFileSync(join(RESULTS_DIR, 'writes.json'), `${JSON.stringify({ at: new Date().toISOString(), intake, import: imp, targets }, null, 2)}\n`)
  } finally {
    await dynamo.stop()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
