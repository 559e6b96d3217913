/**
 * The write benchmarks of issue #3 as one suite, shared by `npm run bench` (bench/run.ts) and
 * `npm run bench:writes` (bench/writes.ts): their sizes, their targets, the run on one in-memory DynamoDB
 * Local of their own, and the report.
 */
import { startWritesDynamo, WRITES_DYNAMO_PORT } from './dynamo'
import { benchImport, FULL_ROWS, fullFileEstimate, type ImportResult } from './import'
import { benchIntake, type IntakeResult } from './intake'
import { median } from './stats'
import { fmtBytes, fmtInt, fmtMs, fmtPct, fmtRate, table, callsTable, type TargetResult } from './format'

// 1,000 webhook posts after 100 warm-up ones: a p99 from 10 real samples above it, in ~10 s here.
export const INTAKE_RUNS = 1000
export const INTAKE_WARMUP = 100
/**
 * Rows of the import benchmark: the largest file an import takes (50,000 rows, import-table.ts MAX_ROWS).
 * A chunk reads its stored leads with BatchGetItem and writes new ones 40 to a transaction (decision 050);
 * DynamoDB Local sustains ~1,300-1,900 rows/s of that on this 2-vCPU machine, so the import takes ~30-40 s.
 * BENCH_IMPORT_ROWS=10000 measures fewer, and says so.
 */
const IMPORT_ROWS_DEFAULT = FULL_ROWS

export const WRITE_TARGETS = {
  // Webhook ingest: at least half the rate of bare single-item PutItems (leads/s over puts/s).
  intake: { minRatioToPutFloor: 0.5 },
  // CSV import: at least 40% of the rate of bare BatchWriteItem, in less memory than the function has.
  import: { minRatioToBatchFloor: 0.4 },
}

/** Webhook ingest, then the import, on one in-memory DynamoDB Local of their own. */
export async function benchWrites(log: (msg: string) => void): Promise<{ intake: IntakeResult; imp: ImportResult }> {
  const fromEnv = process.env.BENCH_IMPORT_ROWS ? Number(process.env.BENCH_IMPORT_ROWS) : null
  if (fromEnv !== null && !(Number.isInteger(fromEnv) && fromEnv >= 1000 && fromEnv <= FULL_ROWS)) {
    throw new Error(`BENCH_IMPORT_ROWS must be a whole number from 1000 to ${FULL_ROWS}`)
  }
  const rows = fromEnv ?? IMPORT_ROWS_DEFAULT
  log(`starting DynamoDB Local (in memory, port ${WRITES_DYNAMO_PORT}) and creating the tables app.arc declares...`)
  const dynamo = await startWritesDynamo()
  try {
    const intake = await benchIntake({ dynamo, n: INTAKE_RUNS, warmup: INTAKE_WARMUP, log })
    const imp = await benchImport({ dynamo, rows, reducedBecause: rows < FULL_ROWS ? `BENCH_IMPORT_ROWS=${rows} was set` : null, log })
    return { intake, imp }
  } finally {
    log('stopping DynamoDB Local...')
    await dynamo.stop()
  }
}

export function checkWriteTargets(intake: IntakeResult, imp: ImportResult): TargetResult[] {
  const ti = WRITE_TARGETS.intake
  const tm = WRITE_TARGETS.import
  return [
    {
      id: 'intake/clay-webhook',
      what: 'leads/s vs PutItem floor',
      actual: `${fmtPct(intake.ratio)} (${fmtRate(intake.handler.perSecond)} / ${fmtRate(intake.floor.perSecond)} per s)`,
      limit: `>= ${fmtPct(ti.minRatioToPutFloor)}`,
      pass: intake.ratio >= ti.minRatioToPutFloor,
    },
    {
      id: `import/csv-${imp.rows}`,
      what: 'rows/s vs BatchWriteItem floor',
      actual: `${fmtPct(imp.ratio)} (${fmtRate(imp.import.rowsPerSecond)} / ${fmtRate(imp.floor.rowsPerSecond)} per s)`,
      limit: `>= ${fmtPct(tm.minRatioToBatchFloor)}`,
      pass: imp.ratio >= tm.minRatioToBatchFloor,
    },
    {
      id: `import/csv-${imp.rows}`,
      what: 'peak RSS vs imports memory',
      actual: `${imp.memory.maxRssMb.toFixed(0)} MiB`,
      limit: `< ${imp.memory.limitMb} MiB`,
      pass: imp.memory.maxRssMb < imp.memory.limitMb,
    },
  ]
}

export function writesReport(intake: IntakeResult, imp: ImportResult, targets: TargetResult[]): string[] {
  const lines: string[] = []
  const passFail = (id: string) => table(['', 'target', 'actual', 'limit'], targets.filter((t) => t.id === id).map((t) => [t.pass ? 'PASS' : 'FAIL', t.what, t.actual, t.limit]), 'llrl')

  lines.push(
    `Clay webhook ingest (handleApi POST /api/webhooks/clay in-process, DynamoDB Local on ${WRITES_DYNAMO_PORT}; ${intake.n} sequential leads after ${intake.warmup} warm-up, each followed by one floor PutItem)`,
  )
  const lat = (name: string, l: IntakeResult['handler']) => [name, fmtRate(l.perSecond), fmtMs(l.p50Ms), fmtMs(l.p99Ms), fmtMs(l.meanMs)]
  lines.push(
    table(
      ['path', 'per s', 'p50 ms', 'p99 ms', 'mean ms'],
      [
        lat(`POST /api/webhooks/clay (${fmtInt(intake.requestBytes)} B JSON body)`, intake.handler),
        lat(`floor: PutItem of the lead item (${fmtInt(intake.floorItemBytes)} B)`, intake.floor),
      ],
      'lrrrr',
    ),
  )
  lines.push(`Every response: ${Object.entries(intake.statuses).map(([s, c]) => `${c} x ${s}`).join(', ')}. Webhook / floor: ${fmtPct(intake.ratio)} of the floor's rate.`)
  const blocks = [...intake.blocks.ratios].sort((x, y) => x - y)
  if (blocks.length > 1) {
    lines.push(
      `The same ratio in ${blocks.length} blocks of ${intake.blocks.size} requests: ${fmtPct(blocks[0]!)} to ${fmtPct(blocks.at(-1)!)} (median ${fmtPct(median(blocks))}), how far one figure moves with the machine.`,
    )
  }
  lines.push(passFail('intake/clay-webhook'))
  lines.push("Where a webhook lead's time goes:")
  lines.push(callsTable(intake.calls, intake.n, 'lead', intake.handler.meanMs * intake.n, 'auth, JSON, validation, routing'))
  lines.push('')

  const full = fullFileEstimate(imp)
  lines.push(
    `CSV import end to end (createImport + startImport with an in-memory queue + processImportChunk for each of ${imp.chunks} chunks, sequential; a child process bundled like the Lambda; DynamoDB Local on ${WRITES_DYNAMO_PORT})`,
  )
  if (imp.reducedBecause) {
    lines.push(`N REDUCED: ${fmtInt(imp.rows)} rows, not the full ${fmtInt(imp.fullRows)}: ${imp.reducedBecause}. At the rate measured, ${fmtInt(imp.fullRows)} rows would take ${imp.projectedFullMinutes.toFixed(1)} min.`)
  } else {
    lines.push(`N = ${fmtInt(imp.rows)} rows: the full size, the most one import takes (MAX_ROWS).`)
  }
  lines.push(
    table(
      ['path', 'rows', 'seconds', 'rows/s'],
      [
        [`import: ${fmtInt(imp.rows)}-row CSV (${fmtBytes(imp.fileBytes)}, ${fmtInt(imp.badRows)} bad rows)`, fmtInt(imp.rows), (imp.import.totalMs / 1000).toFixed(1), fmtRate(imp.import.rowsPerSecond)],
        ['  parse, validate the header, store chunks (createImport)', '', (imp.import.createMs / 1000).toFixed(2), ''],
        ['  start and enqueue (startImport)', '', (imp.import.startMs / 1000).toFixed(2), ''],
        [`  ${imp.chunks} chunks (processImportChunk; each: first ${((imp.import.chunkMs[0] ?? 0) / 1000).toFixed(2)} s, median ${(imp.import.chunkMedianMs / 1000).toFixed(2)} s, last ${((imp.import.chunkMs.at(-1) ?? 0) / 1000).toFixed(2)} s)`, '', (imp.import.chunksMs / 1000).toFixed(1), ''],
        [`floor: BatchWriteItem, 25 lead items (${fmtInt(imp.floor.itemBytes)} B) per request`, fmtInt(imp.floor.items), (imp.floor.ms / 1000).toFixed(1), fmtRate(imp.floor.rowsPerSecond)],
      ],
      'lrrr',
    ),
  )
  const c = imp.counts
  lines.push(`Job counts: done ${fmtInt(c.done)} = imported ${fmtInt(c.imported)} + existing ${fmtInt(c.existing)} + errors ${fmtInt(c.errors)} + blank ${fmtInt(c.blank)} (verified: every row, every bad row in the error report).`)
  lines.push(
    `Peak RSS of the import process (parse and all ${imp.chunks} chunks in one process): ${imp.memory.maxRssMb.toFixed(0)} MiB (maxRSS; ${imp.memory.peakSampledMb.toFixed(0)} MiB sampled every ${imp.memory.sampleEveryMs} ms during the measured import, ${imp.memory.beforeMb.toFixed(0)} MiB before it). The imports function has ${imp.memory.limitMb} MB (Lambda's MB are MiB), as Architect reads app.arc and any config.arc.`,
  )
  if (!full.fitsUpload) {
    lines.push(`Note: a ${fmtInt(imp.fullRows)}-row file of these 7 columns is ~${fmtBytes(full.bytes)}, over the 4 MiB upload limit (MAX_UPLOAD_BYTES): the API refuses it before any parse.`)
  }
  lines.push(passFail(`import/csv-${imp.rows}`))
  lines.push("Where an imported row's time goes (the whole import: createImport, startImport and every chunk):")
  lines.push(callsTable(imp.calls, imp.rows, 'row', imp.import.totalMs, 'CSV parse, validation, routing'))
  return lines
}
