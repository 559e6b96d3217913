import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { synth, type CfnTemplate, type SynthResult } from '../../scripts/synth'
import { arcName, isFunction, props, queries, referencedIds } from './infra-template'

/**
 * The offline CloudFormation template must carry what app.arc declares and the code relies on: the
 * tables with the exact keys and indexes src/shared/adapters/dynamo/keys.ts builds, standard (not FIFO)
 * queues because send-pulse uses per-message delays, the two 5-minute schedules, the three HTTP routes,
 * the reputation-alarm event and the Node 22 runtime. Resources are found the way the app finds them at
 * runtime (the SSM parameters @architect/functions reads) or through Architect's ArcMetadata, not by
 * logical ID. The production guards the plugin adds are checked in infra.test.ts.
 */

const root = join(import.meta.dirname, '..', '..')
const gsi1 = ['gsi1pk', 'gsi1sk']
const gsi2 = ['gsi2pk', 'gsi2sk']

// app.arc @tables and @tables-indexes, table by table.
const TABLES: Record<string, { sk: boolean; ttl?: string; indexes?: Record<string, string[]> }> = {
  leads: { sk: true, indexes: { byStatus: gsi1, byCampaign: gsi2 } },
  routing: { sk: true },
  campaigns: { sk: true, indexes: { byList: gsi1 } },
  mailboxes: { sk: true, indexes: { byDomain: gsi1 } },
  domains: { sk: true, indexes: { byList: gsi1 } },
  audit: { sk: true, indexes: { byMonth: gsi1, byTypeMonth: gsi2 } },
  metrics: { sk: true },
  suppression: { sk: true, indexes: { byTime: gsi1 } },
  settings: { sk: true },
  users: { sk: true, ttl: 'expiresAt' },
  sessions: { sk: false, ttl: 'expiresAt' },
  sendclaims: { sk: true, indexes: { byState: gsi1 } },
  imports: { sk: true, ttl: 'expiresAt', indexes: { byTime: gsi1 } },
  feedback: { sk: false, ttl: 'expiresAt' },
}
const QUEUES = ['send-pulse', 'feedback', 'imports']
const EVENTS = ['reputation-alarm']
const SCHEDULED = ['health', 'gate-reevaluation']
const HTTP_ROUTES = ['get /healthz', 'any /api/*', 'any /*']

let outDir: string
let result: SynthResult
let template: CfnTemplate
let samJsonBefore: boolean

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'drason-synth-'))
  samJsonBefore = existsSync(join(root, 'sam.json'))
  // No credentials of any kind: the run must not need them.
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) vi.stubEnv(name, undefined)
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(outDir, 'no-credentials'))
  vi.stubEnv('AWS_CONFIG_FILE', join(outDir, 'no-config'))
  try {
    result = await synth({ cwd: root, outFile: join(outDir, 'template.json') })
  } finally {
    vi.unstubAllEnvs()
  }
  template = result.template
}, 30_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

const resources = () => Object.entries(template.Resources)
const viaParameter = (kind: 'tables' | 'queues', name: string) => queries(template).viaParameter(kind, name)
const functionId = (name: string) => queries(template).functionId(name)

const keySchema = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' },
  ...(range ? [{ AttributeName: range, KeyType: 'RANGE' }] : []),
]

describe('npm run synth (offline CloudFormation)', () => {
  it('writes the template it returns, counts it, and leaves the project root as it was', () => {
    expect(JSON.parse(readFileSync(result.outFile, 'utf8'))).toEqual(template)
    // Queues: the three of app.arc and a dead-letter queue each (production guards).
    expect(result.summary).toMatchObject({ stackName: 'DrasonStaging', functions: 9, tables: 14, queues: 6, schedules: 2 })
    expect(result.summary.bytes).toBe(readFileSync(result.outFile).byteLength)
    expect(existsSync(join(root, 'sam.json'))).toBe(samJsonBefore)
  })

  it('only asked AWS what the mocks answer (nothing reached the network)', () => {
    expect(result.awsRequests.length).toBeGreaterThan(0)
    expect(new Set(result.awsRequests)).toEqual(new Set(['CloudFormation.DescribeStackResources']))
  })

  it('declares every table with its pk/sk keys, indexes and TTL, and no others', () => {
    expect(resources().filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(Object.keys(TABLES).length)
    for (const [name, want] of Object.entries(TABLES)) {
      const table = viaParameter('tables', name)
      expect(table?.Type, name).toBe('AWS::DynamoDB::Table')
      const p = props(table)
      expect(p.KeySchema, name).toEqual(keySchema('pk', want.sk ? 'sk' : undefined))

      const indexes = (p.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[]
      const wantIndexes = want.indexes ?? {}
      expect(indexes.map((i) => i.IndexName).sort(), name).toEqual(Object.keys(wantIndexes).sort())
      for (const [index, [hash, range]] of Object.entries(wantIndexes)) {
        expect(indexes.find((i) => i.IndexName === index)?.KeySchema, `${name}.${index}`).toEqual(keySchema(hash!, range))
      }

      // Every key attribute is declared as a string, and nothing else is (CloudFormation rejects extras).
      const keyAttrs = ['pk', ...(want.sk ? ['sk'] : []), ...Object.values(wantIndexes).flat()]
      const defs = p.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]
      expect(defs.map((d) => d.AttributeName).sort(), name).toEqual([...new Set(keyAttrs)].sort())
      expect(defs.every((d) => d.AttributeType === 'S'), name).toBe(true)

      expect(p.TimeToLiveSpecification, name).toEqual(want.ttl ? { AttributeName: want.ttl, Enabled: true } : undefined)
    }
  })

  it('expires sessions by TTL on expiresAt', () => {
    expect(props(viaParameter('tables', 'sessions')).TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true })
  })

  it('declares standard (not FIFO) queues, each consumed by its handler', () => {
    // Each with its dead-letter queue (see infra.test.ts).
    expect(resources().filter(([, r]) => r.Type === 'AWS::SQS::Queue')).toHaveLength(2 * QUEUES.length)
    for (const name of QUEUES) {
      const queue = viaParameter('queues', name)
      expect(queue?.Type, name).toBe('AWS::SQS::Queue')
      // Per-message DelaySeconds (send pacing) only works on standard queues. Absent rather than false:
      // Architect's queue visitor writes FifoQueue only when true ("false will cause cfn to fail").
      expect(props(queue), name).not.toHaveProperty('FifoQueue')
      const queueId = Object.entries(template.Resources).find(([, r]) => r === queue)?.[0]
      const consumer = template.Resources[functionId(name) ?? '']
      const sqsEvents = Object.values((props(consumer).Events ?? {}) as Record<string, { Type: string; Properties: unknown }>).filter(
        (e) => e.Type === 'SQS',
      )
      expect(sqsEvents.map((e) => [...referencedIds(e.Properties)]), name).toEqual([[queueId]])
    }
  })

  it('runs health and gate-reevaluation every 5 minutes', () => {
    const schedules = resources().filter(
      ([, r]) => r.Type === 'AWS::Scheduler::Schedule' || (r.Type === 'AWS::Events::Rule' && props(r).ScheduleExpression !== undefined),
    )
    expect(schedules).toHaveLength(2)
    expect(schedules.map(([, r]) => props(r).ScheduleExpression)).toEqual(['rate(5 minutes)', 'rate(5 minutes)'])
    const targets = schedules.flatMap(([, r]) => [...referencedIds(props(r).Target ?? props(r).Targets)])
    for (const name of SCHEDULED) expect(targets, name).toContain(functionId(name))
  })

  it('routes GET /healthz, ANY /api/* and ANY /* through one HTTP API to their handlers', () => {
    const apis = resources().filter(([, r]) => r.Type === 'AWS::Serverless::HttpApi' || r.Type === 'AWS::ApiGatewayV2::Api')
    expect(apis).toHaveLength(1)
    const paths = (props(apis[0]![1]).DefinitionBody as { paths: Record<string, Record<string, unknown>> }).paths
    const routes: [string, string, string][] = [
      ['/healthz', 'get', 'get /healthz'],
      ['/api/{proxy+}', 'x-amazon-apigateway-any-method', 'any /api/*'],
      ['/{proxy+}', 'x-amazon-apigateway-any-method', 'any /*'],
    ]
    for (const [path, method, arc] of routes) {
      const operation = paths[path]?.[method] as { 'x-amazon-apigateway-integration'?: unknown } | undefined
      expect(operation, `${method} ${path}`).toBeDefined()
      expect([...referencedIds(operation?.['x-amazon-apigateway-integration'])], arc).toEqual([functionId(arc)])
    }
    // With a catch-all route, @static files are served under /_static/ (Vite's build base relies on it).
    expect(paths['/_static/{proxy+}']?.get).toBeDefined()
  })

  it('subscribes the reputation-alarm handler to its event topic', () => {
    const events = Object.values((props(template.Resources[functionId('reputation-alarm') ?? '']).Events ?? {}) as Record<string, { Type: string; Properties: unknown }>)
    expect(events.map((e) => e.Type)).toEqual(['SNS'])
    expect(template.Resources[[...referencedIds(events[0]!.Properties)][0]!]?.Type).toBe('AWS::SNS::Topic')
  })

  it('warns, without failing, when the stage names no SES identity (the functions may then send from none)', () => {
    expect(result.output.filter((line) => line.includes('production-guards'))).toEqual([
      'production-guards: no DRASON_SES_IDENTITIES for staging: the functions may send from no identity (set it with `npx arc env -e staging -a DRASON_SES_IDENTITIES example.com`)',
    ])
  })

  it('builds every app.arc handler for Node.js 22 on arm64', () => {
    const functions = resources().filter(([, r]) => isFunction(r))
    expect(functions.map(([, r]) => arcName(r)).sort()).toEqual([...HTTP_ROUTES, ...QUEUES, ...SCHEDULED, ...EVENTS].sort())
    for (const [id, r] of functions) {
      expect(props(r).Runtime, id).toBe('nodejs22.x')
      expect(props(r).Architectures, id).toEqual(['arm64'])
    }
  })
})
