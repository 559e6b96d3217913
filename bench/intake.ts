/**
 * Clay webhook ingest, warm, in one process: handleApi (the JSON API's router, the one the `any /api/*`
 * Lambda calls) answering POST /api/webhooks/clay one lead at a time against DynamoDB Local, next to the
 * floor of writing a lead-sized item with one PutItem. Requests are sequential, as one warm Lambda serves
 * them; the handler and the floor alternate, so both see the same machine and the same database.
 *
 * What a lead costs (decision 050): one 3-item TransactWriteItems (the lead, whose id is its address, put
 * only if new; its audit event; the overall counter). The routing rules come from the process's copy,
 * read again once it is a second old: in this run of ~1,000 back-to-back requests that is a handful of
 * GetItems, shown in the calls table. A Lambda that gets less than a lead a second pays that read (~1 ms)
 * on most requests; the number measured here is the one for a busy Clay table, which is when rate matters.
 */
import { performance } from 'node:perf_hooks'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { createDb } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { handleApi } from '../src/shared/http/api.server'
import type { ApiRequest } from '../src/shared/http/json.server'
import { meterCalls, type CallStats } from './calls'
import { FLOOR_TABLE, REGION, type WritesDynamo } from './dynamo'
import { benchLead, floorItem, type BenchLead } from './leads-data'
import { seededRandom as random } from '../src/shared/domain/random'
import { median, percentile } from './stats'

export interface LatencyStats {
  /** Leads (or items) per second over the measured calls: N / the sum of their times. */
  perSecond: number
  p50Ms: number
  p99Ms: number
  meanMs: number
}

export interface IntakeResult {
  n: number
  warmup: number
  /** Mean body size of a measured request, and mean JSON size of a floor item. */
  requestBytes: number
  floorItemBytes: number
  handler: LatencyStats
  floor: LatencyStats
  /** handler leads/s over floor puts/s. */
  ratio: number
  /**
   * The same ratio in consecutive blocks of BLOCK requests, to show how much one run's figure moves with
   * the machine: on this 2-vCPU VM a block of 200 ranges over several points either side of the whole.
   */
  blocks: { size: number; ratios: number[] }
  statuses: Record<string, number>
  /** DynamoDB calls the handler made during the measured requests, by operation. */
  calls: CallStats
}

const BLOCK = 200

export function latencyStats(samples: number[]): LatencyStats {
  const total = samples.reduce((a, b) => a + b, 0)
  return { perSecond: samples.length / (total / 1000), p50Ms: median(samples), p99Ms: percentile(samples, 99), meanMs: total / samples.length }
}

/** The body Clay's HTTP API column posts: the required fields plus the enrichment columns of a table. */
function clayBody(l: BenchLead): Record<string, unknown> {
  return {
    email: l.email,
    persona: l.persona,
    lead_score: l.leadScore,
    workable: true,
    full_name: l.fullName,
    company: l.company,
    title: l.title,
    city: l.city,
    employees: l.employees,
    linkedin_url: l.linkedin,
  }
}

export async function benchIntake(options: { dynamo: WritesDynamo; n: number; warmup: number; log: (msg: string) => void }): Promise<IntakeResult> {
  const { dynamo, n, warmup, log } = options
  const db = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
  const meter = meterCalls(db)
  // The floor's own client (same SDK set-up, same DynamoDB Local), so its puts stay out of the meter.
  const floorDb = createDb({ endpoint: dynamo.endpoint, region: REGION, names: dynamo.names })
  const deps = buildDeps(db, parseConfig({ ARC_ENV: 'testing' }))
  const authorization = `Bearer ${deps.config.DRASON_INTAKE_TOKEN}`

  const rand = random(20_261_121)
  const statuses: Record<string, number> = {}
  let requestBytes = 0
  let floorItemBytes = 0
  const handlerMs: number[] = []
  const floorMs: number[] = []

  const one = async (i: number, tag: string, measured: boolean) => {
    const lead = benchLead(rand, i, tag)
    const body = JSON.stringify(clayBody(lead))
    const bytes = Buffer.from(body, 'utf8')
    const req: ApiRequest = {
      method: 'POST',
      path: '/api/webhooks/clay',
      headers: { authorization, 'content-type': 'application/json', 'user-agent': 'Clay/1.0', accept: 'application/json' },
      query: {},
      body,
      rawBody: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      client: '203.0.113.7',
    }
    const started = performance.now()
    const res = await handleApi(deps, req)
    const ms = performance.now() - started
    statuses[res.status] = (statuses[res.status] ?? 0) + 1
    if (res.status !== 201) throw new Error(`POST /api/webhooks/clay for ${lead.email}: expected 201, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)

    const item = floorItem({ ...lead, email: `floor.${lead.email}` }, `floor_${tag}${i}`, new Date(), {
      title: lead.title,
      city: lead.city,
      employees: lead.employees,
      linkedin_url: lead.linkedin,
    })
    const putStarted = performance.now()
    await floorDb.doc.send(new PutCommand({ TableName: FLOOR_TABLE, Item: item }))
    const putMs = performance.now() - putStarted

    if (!measured) return
    handlerMs.push(ms)
    floorMs.push(putMs)
    requestBytes += bytes.byteLength / n
    floorItemBytes += Buffer.byteLength(JSON.stringify(item)) / n
  }

  log(`intake: ${warmup} warm-up webhook requests, then ${n} measured (each followed by one floor PutItem)...`)
  for (let i = 0; i < warmup; i++) await one(i, 'w', false)
  for (const k of Object.keys(statuses)) delete statuses[k]
  meter.reset()
  for (let i = 0; i < n; i++) await one(i, 'm', true)

  const calls = structuredClone(meter.stats)
  const handler = latencyStats(handlerMs)
  const floor = latencyStats(floorMs)
  const ratios: number[] = []
  for (let at = 0; at + BLOCK <= n; at += BLOCK) {
    const sum = (xs: number[]) => xs.slice(at, at + BLOCK).reduce((a, b) => a + b, 0)
    ratios.push(sum(floorMs) / sum(handlerMs))
  }
  return { n, warmup, requestBytes, floorItemBytes, handler, floor, ratio: handler.perSecond / floor.perSecond, blocks: { size: BLOCK, ratios }, statuses, calls }
}
