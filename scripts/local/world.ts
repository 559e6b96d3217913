import type { Server } from 'node:http'
import { DEV_DEFAULTS } from '../../src/shared/config.server'
import { startFakeVerifier } from '../../test/fakes/myemailverifier'
import { startFakeSmartlead } from '../../test/fakes/smartlead'
import { startDynamoLocal, type DynamoLocal } from './dynamodb-local'

/**
 * The whole local world in one place, used by `npm start` (data kept in .data/) and by the tests
 * (in memory, other ports): DynamoDB Local, the local SES v2 API with its mail viewer, the fake
 * MyEmailVerifier, and the Architect sandbox on top of them.
 */
export interface WorldOptions {
  httpPort: number
  tablesPort: number
  sesPort: number
  verifierPort: number
  /** The local fake Smartlead API (sender mode `smartlead`). */
  smartleadPort: number
  eventsPort: number
  internalPort: number
  /** Folder for DynamoDB Local's files; in memory when absent. */
  dataDir?: string
  quiet?: boolean
}

export interface World {
  options: WorldOptions
  baseUrl: string
  tablesEndpoint: string
  sesUrl: string
  verifierUrl: string
  smartleadUrl: string
  /** The environment the sandbox's Lambdas see (secrets included). */
  lambdaEnv: Record<string, string>
  stop(): Promise<void>
}

/** Names the sandbox's Lambdas may receive from the environment of `npm start`, with their defaults. */
const PASSED_THROUGH = ['DRASON_ADMIN_EMAIL', 'DRASON_ADMIN_PASSWORD', 'DRASON_API_TOKEN', 'DRASON_INTAKE_TOKEN', 'DRASON_SESSION_SECRET', 'MEV_API_KEY', 'SMARTLEAD_API_KEY', 'SMARTLEAD_WEBHOOK_SECRET'] as const

export function lambdaEnvFor(options: WorldOptions, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of PASSED_THROUGH) out[name] = env[name] || DEV_DEFAULTS[name]
  out.SES_ENDPOINT = `http://127.0.0.1:${options.sesPort}`
  out.MEV_BASE_URL = `http://127.0.0.1:${options.verifierPort}`
  out.SMARTLEAD_BASE_URL = `http://127.0.0.1:${options.smartleadPort}/api/v1`
  out.DRASON_PUBLIC_URL = `http://localhost:${options.httpPort}`
  // The sandbox ignores SQS delays; the local queue adapter waits delay / speedup itself.
  out.DRASON_LOCAL_QUEUE_SPEEDUP = env.DRASON_LOCAL_QUEUE_SPEEDUP || '60'
  return out
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: 'manual' })
      if (res.status === 200) return
      last = `HTTP ${res.status}`
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s (last answer: ${last})`)
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const stops: (() => Promise<void>)[] = []
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
  }
  try {
    const dynamo: DynamoLocal = await startDynamoLocal({ port: options.tablesPort, ...(options.dataDir ? { dataDir: options.dataDir } : {}) })
    stops.push(() => dynamo.stop())

    // Bound to loopback: the package's default host listens on every interface.
    const { default: sesServer } = await import('aws-ses-v2-local')
    const ses: Server = await sesServer({ host: '127.0.0.1', port: options.sesPort })
    stops.push(() => new Promise((r) => ses.close(() => r())))

    const lambdaEnv = lambdaEnvFor(options)
    const verifier = await startFakeVerifier({ port: options.verifierPort, apiKey: lambdaEnv.MEV_API_KEY! })
    stops.push(() => new Promise((r) => verifier.close(() => r())))
    const smartlead = await startFakeSmartlead({ port: options.smartleadPort, apiKey: lambdaEnv.SMARTLEAD_API_KEY! })
    stops.push(() => smartlead.close())

    // The sandbox reads these from its own process environment.
    process.env.ARC_DB_EXTERNAL = 'true'
    process.env.ARC_TABLES_PORT = String(options.tablesPort)
    process.env.ARC_EVENTS_PORT = String(options.eventsPort)
    process.env.ARC_INTERNAL_PORT = String(options.internalPort)
    process.env.AWS_ACCESS_KEY_ID ??= 'local'
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local'
    process.env.AWS_REGION ??= 'us-east-1'
    const sandbox = await import('@architect/sandbox')
    await sandbox.default.start({ port: options.httpPort, quiet: options.quiet ?? true, env: lambdaEnv, cwd: process.cwd() })
    stops.push(async () => {
      await sandbox.default.end()
    })
    // The TypeScript plugin compiles the handlers after the sandbox reports it started; until then the
    // Remix function answers 502. Ready means the login page renders.
    await waitFor(`http://localhost:${options.httpPort}/login`, 60_000)

    return {
      options,
      baseUrl: `http://localhost:${options.httpPort}`,
      tablesEndpoint: dynamo.endpoint,
      sesUrl: `http://127.0.0.1:${options.sesPort}`,
      verifierUrl: `http://127.0.0.1:${options.verifierPort}`,
      smartleadUrl: smartlead.url,
      lambdaEnv,
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}
