/**
 * Warm server-render time of the Overview page: the Remix server build rendering GET / for a signed-in
 * admin, in this process, against DynamoDB Local holding the demo workspace. "Warm" = the Lambda has
 * already answered requests: modules loaded, clients built, connections open.
 */
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createCookie, createRequestHandler, type ServerBuild } from '@remix-run/node'
import { startWorld, type WorldOptions } from '../scripts/local/world'
import { createDb, sandboxTableNames } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps, seedDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { seedDemo } from '../src/shared/services/seed-demo'
import { arcSandboxEnv, ROOT } from './lambdas'
import { median, percentile } from './stats'

/** Ports apart from `npm start` (3333, 5555, 8005, 8006, 4444, 2222) and the tests, so all can run at once. */
export const WORLD_PORTS: Omit<WorldOptions, 'dataDir' | 'quiet'> = {
  httpPort: 3391,
  tablesPort: 5591,
  sesPort: 8091,
  verifierPort: 8092,
  smartleadPort: 8093,
  eventsPort: 4491,
  internalPort: 2291,
}

export interface Timing {
  medianMs: number
  p95Ms: number
  minMs: number
  samples: number[]
}

export interface RenderResult {
  overview: Timing
  /** Floor: the same handler rendering the login page, whose loader reads nothing. */
  login: Timing
  /** One DynamoDB GetItem (the session lookup) from this process: the unit of the Overview's data cost. */
  getItem: Timing
  overviewBytes: number
  seededLeads: number
}

/**
 * A short pause before each measured request, so the previous request's leftovers (V8's garbage
 * collection, DynamoDB Local's own work on a small machine) land in no one's sample: without it the
 * ~1 ms login floor measured 5-12 ms whenever it ran right after an Overview (2 vCPUs). A Lambda
 * serves one request at a time with gaps between them, so this is also the more faithful shape.
 */
const settle = () => new Promise((r) => setTimeout(r, 15))

function timing(samples: number[]): Timing {
  return { medianMs: median(samples), p95Ms: percentile(samples, 95), minMs: Math.min(...samples), samples }
}

export async function benchRender(options: { warmup: number; runs: number; log: (msg: string) => void }): Promise<RenderResult> {
  const { log } = options
  log(`starting the local world (in-memory DynamoDB Local on ${WORLD_PORTS.tablesPort}, sandbox on ${WORLD_PORTS.httpPort})...`)
  const world = await startWorld({ ...WORLD_PORTS, quiet: true })
  try {
    // The app's composition root reads these on first use (appDeps -> lambdaDb, config): point it at this
    // world's DynamoDB Local and the sandbox configuration. Set before the server build is imported.
    process.env.ARC_ENV = 'testing'
    process.env.ARC_SANDBOX = arcSandboxEnv({ tables: WORLD_PORTS.tablesPort, _arc: WORLD_PORTS.internalPort })
    // React picks its production build from NODE_ENV when first loaded, as the Lambda bundle's define does.
    process.env.NODE_ENV = 'production'

    // The same configuration the server build will compute from this process's environment.
    const cfg = parseConfig(process.env)
    const db = createDb({ endpoint: world.tablesEndpoint, region: cfg.AWS_REGION, names: sandboxTableNames() })
    const deps = buildDeps(db, cfg)
    log('seeding the demo workspace...')
    const seeded = await seedDemo(seedDeps(deps))

    // A signed-in admin without the login form (and its deliberately slow password hash).
    const token = deps.secrets.newToken()
    await deps.sessions.create(deps.secrets.hashToken(token), { email: cfg.DRASON_ADMIN_EMAIL, role: 'admin', expiresAt: new Date(Date.now() + 60 * 60 * 1000) })
    // Signed exactly as app/lib/session.server.ts signs it; a request carries only `name=value`.
    const cookie = createCookie('__drason', { httpOnly: true, sameSite: 'lax', secure: cfg.secureCookies, path: '/', secrets: [cfg.DRASON_SESSION_SECRET] })
    const cookieHeader = (await cookie.serialize(token)).split(';')[0]!

    const buildUrl = pathToFileURL(join(ROOT, 'build', 'server', 'index.js')).href
    const build = (await import(buildUrl)) as ServerBuild
    assertReactProduction()
    const handle = createRequestHandler(build, 'production')
    const base = `http://localhost:${WORLD_PORTS.httpPort}`

    const render = async (path: string, headers: Record<string, string>, mustContain: string): Promise<{ ms: number; bytes: number }> => {
      const started = performance.now()
      const res = await handle(new Request(base + path, { headers }), { clientIp: '127.0.0.1' })
      // The render is done when the whole document has been read, as the Lambda adapter reads it.
      const html = await res.text()
      const ms = performance.now() - started
      if (res.status !== 200) throw new Error(`GET ${path}: expected 200, got ${res.status} ${res.headers.get('location') ?? ''} ${html.slice(0, 300)}`)
      if (!html.includes(mustContain)) throw new Error(`GET ${path}: the page does not contain ${mustContain}: ${html.slice(0, 300)}`)
      return { ms, bytes: Buffer.byteLength(html) }
    }
    const overview = () => render('/', { cookie: cookieHeader, accept: 'text/html' }, 'data-testid="leads-held"')
    const login = () => render('/login', { accept: 'text/html' }, 'Sign in to the control plane')
    const getItem = async () => {
      const started = performance.now()
      const session = await deps.sessions.get(deps.secrets.hashToken(token))
      if (!session) throw new Error('the benchmark session is missing from DynamoDB Local')
      return performance.now() - started
    }

    // Warm-up: JIT, module-level caches, the app's appDeps() and keep-alive connections to DynamoDB Local.
    log(`rendering: ${options.warmup} warm-up rounds, then ${options.runs} measured...`)
    for (let i = 0; i < options.warmup; i++) {
      await overview()
      await login()
      await getItem()
    }
    // Interleaved, so the floor and the page see the same machine conditions.
    const samples = { overview: [] as number[], login: [] as number[], getItem: [] as number[] }
    let overviewBytes = 0
    for (let i = 0; i < options.runs; i++) {
      await settle()
      const o = await overview()
      samples.overview.push(o.ms)
      overviewBytes = o.bytes
      await settle()
      samples.login.push((await login()).ms)
      await settle()
      samples.getItem.push(await getItem())
    }
    return {
      overview: timing(samples.overview),
      login: timing(samples.login),
      getItem: timing(samples.getItem),
      overviewBytes,
      seededLeads: seeded.leads,
    }
  } finally {
    log('stopping the local world...')
    await world.stop()
  }
}

/** Timing React's development build would measure something no Lambda runs: refuse. */
function assertReactProduction(): void {
  const loaded = Object.keys(require.cache).filter((k) => /[\\/]react-dom[\\/]cjs[\\/]/.test(k))
  if (loaded.length === 0) throw new Error('react-dom was not loaded through require: cannot tell which build renders')
  const dev = loaded.filter((k) => k.includes('development'))
  if (dev.length) throw new Error(`React's development build is loaded (${dev.join(', ')}): NODE_ENV was not "production" when it loaded`)
}
