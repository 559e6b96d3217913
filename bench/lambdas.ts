/**
 * Bundle size and cold start of every Lambda, next to two floors bundled and started the same way.
 *
 * Each handler is bundled exactly as @architect/plugin-typescript does it for a deploy (esbuild.config.js
 * plus its fixed options, no source maps), then started in a fresh `node` process that loads the bundle
 * and answers one event: the work a Lambda cold start does. No database is needed: the child runs as a
 * sandbox Lambda would (ARC_SANDBOX set), so configuration uses the dev defaults, and its tables port is
 * an empty database in this process that answers every request at once (emptyDynamo). Events are ones
 * their handler answers without data; the scheduled gate re-evaluation has no such event, so it reads the
 * empty database (a few requests, the cost of its SDK calls without any database work).
 */
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { APIGatewayProxyEventV2, ScheduledEvent, SQSEvent } from 'aws-lambda'
import { build, type BuildOptions, type Metafile } from 'esbuild'
import { median } from './stats'

export const ROOT = resolve(__dirname, '..')
export const RESULTS_DIR = join(ROOT, 'bench', 'results')
const BUNDLES_DIR = join(RESULTS_DIR, 'bundles')
const CHILD = join(ROOT, 'bench', 'cold-child.cjs')
const MARK = '@@bench-result@@'

export type FloorName = 'hello' | 'sdk-dynamodb' | 'sdk-dynamodb-ses'
export const FLOOR_NAMES: readonly FloorName[] = ['hello', 'sdk-dynamodb', 'sdk-dynamodb-ses']

/**
 * ARC_SANDBOX as the sandbox sets it for its Lambdas. The version matters: the Remix handler's
 * @remix-run/architect loads its own @architect/functions 5.x at start, which throws "Incompatible
 * version" when ARC_SANDBOX is set without a sandbox version >= 5.
 */
export function arcSandboxEnv(ports: { tables: number; _arc: number }): string {
  const { version } = createRequire(__filename)('@architect/sandbox/package.json') as { version: string }
  return JSON.stringify({ ports, version })
}

/** The environment of every cold-start child: what a sandbox Lambda sees, and nothing from this shell. */
function childEnv(tablesPort: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    // Lambda (and the sandbox) run in UTC.
    TZ: 'UTC',
    ARC_ENV: 'testing',
    ARC_SANDBOX: arcSandboxEnv({ tables: tablesPort, _arc: 1 }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_ENV: 'production',
  }
}

// DynamoDB's answers when nothing is stored, by X-Amz-Target operation; any other operation answers {}.
const EMPTY_ANSWERS: Record<string, unknown> = {
  Query: { Items: [], Count: 0, ScannedCount: 0 },
  Scan: { Items: [], Count: 0, ScannedCount: 0 },
  BatchGetItem: { Responses: {}, UnprocessedKeys: {} },
}

/**
 * An empty database for the cold-start children (the sandbox's tables port): every request is answered at
 * once as DynamoDB answers when nothing is stored, so a handler that must read sees no data and no
 * database time. Loopback only (IPv4, and IPv6 where the machine has it: the Db dials `localhost`).
 */
export async function emptyDynamo(): Promise<{ port: number; requests: () => number; close(): Promise<void> }> {
  let requests = 0
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      requests++
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? ''
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      res.end(JSON.stringify(EMPTY_ANSWERS[op] ?? {}))
    })
  }
  const listen = (server: Server, port: number, host: string) =>
    new Promise<void>((resolveListen, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolveListen())
    })
  const v4 = createServer(handle)
  await listen(v4, 0, '127.0.0.1')
  const port = (v4.address() as AddressInfo).port
  const servers = [v4]
  const v6 = createServer(handle)
  try {
    await listen(v6, port, '::1')
    servers.push(v6)
  } catch {
    // No IPv6 loopback here: `localhost` resolves to 127.0.0.1 alone.
  }
  return {
    port,
    requests: () => requests,
    close: async () => {
      for (const server of servers) {
        server.closeAllConnections()
        await new Promise<void>((r) => server.close(() => r()))
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------- events

const SOURCE_IP = '203.0.113.7'
const HOST = 'drason.example.com'

function httpEvent(method: string, path: string, routeKey: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const now = Date.now()
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: HOST,
      'user-agent': 'Mozilla/5.0 (drason-bench)',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate, br',
      'x-forwarded-for': SOURCE_IP,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: HOST,
      domainPrefix: 'drason',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: 'Mozilla/5.0 (drason-bench)' },
      requestId: 'bench-request',
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  }
}

function sqsEvent(queue: string, body: unknown): SQSEvent {
  const now = String(Date.now())
  const text = JSON.stringify(body)
  return {
    Records: [
      {
        messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
        body: text,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: now },
        messageAttributes: {},
        md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:drason-production-${queue}`,
        awsRegion: 'us-east-1',
      },
    ],
  }
}

function scheduledEvent(name: string): ScheduledEvent {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:000000000000:rule/drason-production-${name}`],
    detail: {},
  }
}

// ------------------------------------------------------------------------------------------- scenarios

interface Scenario {
  event: unknown
  /** The floor whose SDK clients this function creates; see floorFor for the SES upgrade. */
  floor: FloorName
  /** A problem with the answer, or null when the invocation answered as it should. */
  check(result: unknown, stdout: string): string | null
}

type HttpResult = { statusCode?: number; body?: string; isBase64Encoded?: boolean }

/** A queue handler's answer to an empty batch: partial batch failure reporting with nothing failed. */
function noFailedMessages(result: unknown): string | null {
  return JSON.stringify(result) === '{"batchItemFailures":[]}' ? null : `expected no failed messages, got ${JSON.stringify(result).slice(0, 300)}`
}

function expectHttp(status: number, bodyIncludes: string) {
  return (result: unknown): string | null => {
    const r = (result ?? {}) as HttpResult
    if (r.statusCode !== status) return `expected status ${status}, got ${String(r.statusCode)}: ${String(r.body).slice(0, 300)}`
    if (r.isBase64Encoded) return 'expected a text body, got base64'
    if (!String(r.body).includes(bodyIncludes)) return `expected the body to contain ${bodyIncludes}, got: ${String(r.body).slice(0, 300)}`
    return null
  }
}

/** Queue and scheduled handlers return nothing; their one log line shows the event was decoded. */
function expectLog(line: string) {
  return (_result: unknown, stdout: string): string | null => (stdout.includes(line) ? null : `expected the log to contain ${line}, got: ${stdout.slice(0, 300)}`)
}

/**
 * One event per function, keyed by its folder. A new function without an entry here stops the run, so
 * nothing goes unmeasured. Every function but healthz uses DynamoDB (through appDeps, or soon: the queue
 * and scheduled bodies arrive with later issues), so their SDK floor is the DynamoDB one.
 */
const SCENARIOS: Record<string, Scenario> = {
  'http/get-healthz': {
    event: httpEvent('GET', '/healthz', 'GET /healthz'),
    floor: 'hello',
    check: expectHttp(200, '"ok":true'),
  },
  'http/any-api-catchall': {
    // The dev default API token (src/shared/config.server.ts): /api/me answers from the token alone.
    event: { ...httpEvent('GET', '/api/me', 'ANY /api/{proxy+}', { authorization: 'Bearer dev-api-token-0123456789abcdef', accept: 'application/json' }), pathParameters: { proxy: 'me' } },
    floor: 'sdk-dynamodb',
    check: expectHttp(200, '"type":"integration"'),
  },
  'http/any-catchall': {
    // The login page with no cookie: its loader returns null without reading the database.
    event: { ...httpEvent('GET', '/login', 'ANY /{proxy+}'), pathParameters: { proxy: 'login' } },
    floor: 'sdk-dynamodb',
    check: expectHttp(200, 'Sign in to the control plane'),
  },
  'queues/send-pulse': {
    // A pulse reads the campaign's chain first, so a message needs data. As for imports, an empty batch
    // loads the bundle, builds appDeps() and decodes the batch; the pulse itself is bench/send-loop.ts's.
    event: { Records: [] } satisfies SQSEvent,
    floor: 'sdk-dynamodb',
    check: noFailedMessages,
  },
  'queues/feedback': {
    // What SNS delivers for an SES event: the envelope, with the SES event as a string inside.
    event: sqsEvent('feedback', {
      Type: 'Notification',
      MessageId: '2bd8b7c6-6d2c-5f0c-9d3b-3b1c4e1f0a11',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:drason-ses-events',
      Message: JSON.stringify({ eventType: 'Delivery', mail: { messageId: 'bench-mail', destination: ['lead@example.com'] } }),
      Timestamp: new Date().toISOString(),
    }),
    floor: 'sdk-dynamodb',
    // A Delivery event settles nothing (only Send events do), so the handler answers it without data.
    check: expectLog('"msg":"feedback","type":"Delivery"'),
  },
  'queues/imports': {
    // The handler now processes each chunk, which reads the import job from DynamoDB: a message would
    // need a database. An empty batch still loads the bundle and builds appDeps() (config, clients) and
    // decodes the batch, which is the cold start; the chunk work itself is measured by bench/import.ts.
    event: { Records: [] } satisfies SQSEvent,
    floor: 'sdk-dynamodb',
    check: noFailedMessages,
  },
  'scheduled/health': {
    event: scheduledEvent('health'),
    floor: 'sdk-dynamodb',
    check: expectLog('health run'),
  },
  'scheduled/gate-reevaluation': {
    event: scheduledEvent('gate-reevaluation'),
    floor: 'sdk-dynamodb',
    // Reads every active campaign and the stuck sends: from the empty database, none.
    check: expectLog('"msg":"gate re-evaluation"'),
  },
}

const floorScenario = (floor: FloorName): Scenario => ({
  event: httpEvent('GET', '/healthz', 'GET /healthz'),
  floor,
  check: expectHttp(200, `"floor":"${floor}"`),
})

// ------------------------------------------------------------------------------------------- subjects

export type Kind = 'http' | 'queues' | 'scheduled' | 'floor'

export interface Subject {
  /** `http/any-catchall`, `queues/imports`, `floor/hello`, ... */
  id: string
  kind: Kind
  entry: string
  scenario: Scenario
}

/** Every handler Architect would deploy (src/{http,queues,scheduled}/<name>/index.ts), then the floors. */
export function subjects(): Subject[] {
  const out: Subject[] = []
  for (const kind of ['http', 'queues', 'scheduled'] as const) {
    const dir = join(ROOT, 'src', kind)
    for (const name of readdirSync(dir).sort()) {
      const entry = join(dir, name, 'index.ts')
      if (!statSync(entry, { throwIfNoEntry: false })?.isFile()) continue
      const id = `${kind}/${name}`
      const scenario = SCENARIOS[id]
      if (!scenario) throw new Error(`No benchmark event for ${relative(ROOT, entry)}: add one to SCENARIOS in bench/lambdas.ts.`)
      out.push({ id, kind, entry, scenario })
    }
  }
  const missing = Object.keys(SCENARIOS).filter((id) => !out.some((s) => s.id === id))
  if (missing.length) throw new Error(`bench/lambdas.ts has events for functions that no longer exist: ${missing.join(', ')}`)
  for (const floor of FLOOR_NAMES) out.push({ id: `floor/${floor}`, kind: 'floor', entry: join(ROOT, 'bench', 'floors', `${floor}.ts`), scenario: floorScenario(floor) })
  return out
}

// -------------------------------------------------------------------------------------------- bundling

export interface Bundle {
  file: string
  bytes: number
  /** Bytes in the output per package (or `(app)` for this repo's code), largest first. */
  packages: { name: string; bytes: number }[]
  /** True when the SES v2 client is inside, so the function's SDK floor includes SES. */
  usesSes: boolean
}

// The project's esbuild options, read the way the plugin reads them (a CommonJS module).
const projectEsbuildOptions = createRequire(__filename)(join(ROOT, 'esbuild.config.js')) as BuildOptions

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/')
  if (at < 0) return '(app)'
  const rest = input.slice(at + 'node_modules/'.length).split('/')
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
}

export async function bundle(subject: Subject): Promise<Bundle> {
  const file = join(BUNDLES_DIR, subject.id, 'index.js')
  // Same as @architect/plugin-typescript's compileHandler for a production deploy: the project options,
  // its fixed options on top, the root tsconfig, and no source maps (app.arc: sourcemaps testing only).
  const result = await build({
    ...projectEsbuildOptions,
    entryPoints: [subject.entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: file,
    tsconfig: join(ROOT, 'tsconfig.json'),
    metafile: true,
  })
  const output = Object.values(result.metafile.outputs)[0] as Metafile['outputs'][string]
  const byPackage = new Map<string, number>()
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input)
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput)
  }
  return {
    file,
    bytes: statSync(file).size,
    packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    usesSes: Object.keys(result.metafile.inputs).some((i) => i.includes('node_modules/@aws-sdk/client-sesv2/')),
  }
}

/** A function that creates the SES client has the DynamoDB + SES floor, whatever SCENARIOS says. */
export function floorFor(subject: Subject, b: Bundle): FloorName {
  return b.usesSes && subject.scenario.floor === 'sdk-dynamodb' ? 'sdk-dynamodb-ses' : subject.scenario.floor
}

// ----------------------------------------------------------------------------------------- cold starts

export interface ColdRun {
  /** In the child: from before `require(bundle)` to the handler's promise settling. */
  totalMs: number
  loadMs: number
  invokeMs: number
  /** In this process: from spawn() to the child's exit (includes Node's own start-up and exit). */
  wallMs: number
}

export interface ColdStats {
  runs: ColdRun[]
  median: ColdRun
}

export async function coldStart(subject: Subject, file: string, tablesPort: number): Promise<ColdRun> {
  const started = performance.now()
  const child = spawn(process.execPath, [CHILD, file, JSON.stringify(subject.scenario.event)], {
    cwd: RESULTS_DIR,
    env: childEnv(tablesPort),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  // A hung handler must not hang the benchmark.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  let wallMs = 0
  child.once('exit', () => (wallMs = performance.now() - started))
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject)
    child.once('close', (c) => resolveExit(c))
  }).finally(() => clearTimeout(timer))

  const line = (stdout + stderr).split('\n').find((l) => l.startsWith(MARK))
  const payload = line ? (JSON.parse(line.slice(MARK.length)) as Record<string, unknown>) : undefined
  if (code !== 0 || !payload || payload.error) {
    throw new Error(`${subject.id}: cold start failed (exit ${String(code)}): ${String(payload?.error ?? '')}\n${stderr.slice(-2000)}`)
  }
  const leaked = payload.leaked as string[]
  if (leaked.length) throw new Error(`${subject.id}: the bundle loaded files outside itself: ${leaked.join(', ')}`)
  const problem = subject.scenario.check(payload.result, stdout)
  if (problem) throw new Error(`${subject.id}: wrong answer to its benchmark event: ${problem}`)
  return { totalMs: payload.totalMs as number, loadMs: payload.loadMs as number, invokeMs: payload.invokeMs as number, wallMs }
}

/**
 * `runs` measured cold starts of every subject, after one unmeasured round that warms the OS file cache
 * (a real Lambda reads its code from a warm cache as well). Rounds interleave the subjects, so a slow
 * moment of the machine spreads over all of them instead of skewing one.
 */
export async function coldStarts(list: { subject: Subject; file: string }[], runs: number, onRound?: (round: number) => void): Promise<Map<string, ColdStats>> {
  const samples = new Map<string, ColdRun[]>(list.map((s) => [s.subject.id, []]))
  const dynamo = await emptyDynamo()
  try {
    for (let round = 0; round <= runs; round++) {
      for (const { subject, file } of list) {
        const run = await coldStart(subject, file, dynamo.port)
        if (round > 0) samples.get(subject.id)!.push(run)
      }
      onRound?.(round)
    }
  } finally {
    await dynamo.close()
  }
  const out = new Map<string, ColdStats>()
  for (const [id, rs] of samples) {
    out.set(id, {
      runs: rs,
      median: {
        totalMs: median(rs.map((r) => r.totalMs)),
        loadMs: median(rs.map((r) => r.loadMs)),
        invokeMs: median(rs.map((r) => r.invokeMs)),
        wallMs: median(rs.map((r) => r.wallMs)),
      },
    })
  }
  return out
}

export function cleanBundles(): void {
  rmSync(BUNDLES_DIR, { recursive: true, force: true })
  mkdirSync(BUNDLES_DIR, { recursive: true })
}
