/**
 * The import benchmark's worker, bundled by bench/import.ts with the Lambdas' esbuild options and run in
 * a fresh `node` process, so its memory is the import's alone (not the benchmark runner's Remix build and
 * esbuild), as in a Lambda. Two modes, each one process:
 *
 *   floor  <json>  BatchWriteItem of the rows as lead items, 25 per request, sequential.
 *   import <json>  createImport + startImport (an in-memory queue) + processImportChunk for every queued
 *                  message, in order, as the imports Lambda would take them one after another.
 *
 * Prints one line `@@bench-result@@<json>` on stdout; anything wrong throws (exit 1).
 */
import { readFileSync, writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import { createDb } from '../src/shared/adapters/dynamo/db.server'
import type { TableName } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { createImport, processImportChunk, startImport } from '../src/shared/services/lead-import'
import { CHILD_MARK, meterCalls } from './calls'
import { benchLead, floorItem } from './leads-data'
import { seededRandom as random } from '../src/shared/domain/random'

export interface ChildArgs {
  endpoint: string
  names: Record<TableName, string>
  floorTable: string
  /** import: the CSV to upload and the warm-up CSV run before it (unmeasured). */
  csv: string
  warmupCsv: string
  /** floor: the generator's seed and row count (the same rows the CSV holds) and warm-up items. */
  seed: number
  rows: number
  warmupItems: number
  sampleEveryMs: number
}

const mb = (bytes: number) => bytes / (1024 * 1024)

/** RSS sampled every `everyMs` from a timer; a long synchronous stretch (the CSV parse) is caught by maxRSS. */
function rssSampler(everyMs: number) {
  let peak = process.memoryUsage().rss
  let samples = 0
  const take = () => {
    const rss = process.memoryUsage().rss
    samples++
    if (rss > peak) peak = rss
  }
  const timer = setInterval(take, everyMs)
  return {
    stop() {
      take()
      clearInterval(timer)
      return { peakMb: mb(peak), samples }
    },
  }
}

async function floor(args: ChildArgs) {
  const db = createDb({ endpoint: args.endpoint, region: 'us-east-1', names: args.names })
  const now = new Date()
  // Each set from its own generator: the measured items are the CSV's rows (same seed, same order).
  const build = (n: number, tag: string, rand = random(args.seed)) =>
    Array.from({ length: n }, (_, i) => {
      const l = benchLead(rand, i, tag)
      return { PutRequest: { Item: floorItem(l, `floor_${tag}${i}`, now, { 'Job Title': l.title, City: l.city }) } }
    })
  const write = async (items: ReturnType<typeof build>) => {
    let requests = 0
    for (let i = 0; i < items.length; i += 25) {
      let request: Record<string, (typeof items)[number][]> | undefined = { [args.floorTable]: items.slice(i, i + 25) }
      while (request && Object.keys(request).length) {
        requests++
        const out = await db.doc.send(new BatchWriteCommand({ RequestItems: request }))
        request = out.UnprocessedItems as typeof request
      }
    }
    return requests
  }
  // The items exist before the clock starts: the floor is the writing alone.
  await write(build(args.warmupItems, 'fw', random(args.seed + 7)))
  const items = build(args.rows, 'f')
  const itemBytes = items.reduce((n, it) => n + Buffer.byteLength(JSON.stringify(it.PutRequest.Item)), 0) / items.length
  const started = performance.now()
  const requests = await write(items)
  const ms = performance.now() - started
  return { items: items.length, requests, ms, itemBytes }
}

async function runImport(args: ChildArgs) {
  const db = createDb({ endpoint: args.endpoint, region: 'us-east-1', names: args.names })
  const meter = meterCalls(db)
  const queued: { importId: string; chunk: number }[] = []
  const deps = buildDeps(db, parseConfig({ ARC_ENV: 'testing' }), { importQueue: { enqueue: async (m) => void queued.push(m) } })
  const actor = { type: 'user' as const, id: deps.config.DRASON_ADMIN_EMAIL }

  const importFile = async (path: string, name: string) => {
    // The upload as the API handler holds it: the file's bytes in memory.
    const bytes = new Uint8Array(readFileSync(path))
    queued.length = 0
    const t0 = performance.now()
    const created = await createImport(deps, actor, { name, bytes })
    if (!created.ok) throw new Error(`createImport refused ${name}: ${created.reason}`)
    const t1 = performance.now()
    const started = await startImport(deps, actor, created.job.id, created.job.mapping, null)
    if (!started.ok) throw new Error(`startImport refused ${name}: ${started.errors.join(' ')}`)
    const t2 = performance.now()
    const chunkMs: number[] = []
    for (const message of queued) {
      const c0 = performance.now()
      const outcome = await processImportChunk(deps, message)
      chunkMs.push(performance.now() - c0)
      if (outcome !== 'processed') throw new Error(`chunk ${message.chunk} of ${name} was ${outcome}, not processed`)
    }
    const t3 = performance.now()
    // The calls of the timed work only: the checks below read the job and its error report again.
    const calls = structuredClone(meter.stats)
    const job = await deps.imports.get(created.job.id)
    if (!job) throw new Error(`import ${created.job.id} disappeared`)
    const errors = await deps.imports.errors(job.id)
    return {
      fileBytes: bytes.byteLength,
      id: job.id,
      mapping: Object.fromEntries(Object.entries(job.mapping).map(([f, i]) => [f, i === null ? null : job.headers[i]])),
      chunks: queued.length,
      totalRows: job.totalRows,
      status: job.status,
      counts: job.counts,
      errorRows: [...new Set(errors.map((e) => e.row))].length,
      errorSample: errors.slice(0, 4),
      createMs: t1 - t0,
      startMs: t2 - t1,
      chunksMs: t3 - t2,
      totalMs: t3 - t0,
      chunkMs,
      calls,
    }
  }

  // Warm-up: one small import first, as a warm Lambda has taken messages before (JIT, open connections).
  await importFile(args.warmupCsv, 'warm-up.csv')
  meter.reset()
  const rssBefore = mb(process.memoryUsage().rss)
  const sampler = rssSampler(args.sampleEveryMs)
  const result = await importFile(args.csv, 'leads.csv')
  const rss = sampler.stop()
  return { ...result, rss: { beforeMb: rssBefore, ...rss, maxRssMb: process.resourceUsage().maxRSS / 1024 } }
}

async function main() {
  const [mode, json] = process.argv.slice(2)
  const args = JSON.parse(json ?? '{}') as ChildArgs
  const result = mode === 'floor' ? await floor(args) : mode === 'import' ? await runImport(args) : null
  if (!result) throw new Error(`unknown mode ${String(mode)}: floor or import`)
  writeSync(1, `\n${CHILD_MARK}${JSON.stringify(result)}\n`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
