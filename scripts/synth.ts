/**
 * `npm run synth`: writes the CloudFormation template `arc deploy` would send to AWS, offline, to
 * build/cloudformation/template.json, and prints a short summary. `--production` synthesizes the
 * production stack (ARC_ENV production) instead of staging, as `arc deploy --production` would.
 *
 * Why not `arc deploy --dry-run`: it asks AWS about the existing stack first, so it needs credentials
 * and the network. Here the same code path runs (Architect's inventory, then deploy's sam() with
 * isDryRun) with aws-lite in testing mode, where every AWS call must be answered by a mock: the
 * only question the dry run asks (CloudFormation DescribeStackResources, for compatibility with older
 * stacks) gets "no such resources", i.e. a first deploy. Any other AWS call fails the run instead of
 * reaching the network.
 *
 * Differences from a real deploy, on purpose:
 * - The TypeScript plugin's deploy.start hook (esbuild into .build/) is skipped: it does not change
 *   the template (CodeUri is the .build path either way), takes seconds, and would rewrite .build/
 *   under a running sandbox. Other deploy.start/services plugins still run: they are how resources
 *   that app.arc cannot express get added.
 * - Dependencies are not hydrated (that is npm install per function, i.e. network).
 * - Environment variables stored with `arc env` (SSM) are not fetched, so they are absent from the
 *   functions' Environment: that needs AWS, and they are secrets that do not belong in build/. Tests
 *   that need a configured stage pass the values with the `env` option.
 * - sam.json goes to a temporary folder instead of the project root (see synth()).
 */
import { createRequire } from 'node:module'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'

export interface CfnResource {
  Type: string
  Properties?: Record<string, unknown>
  [key: string]: unknown
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>
  [key: string]: unknown
}

export interface SynthOptions {
  /** Project root (holds app.arc). Defaults to this repository. */
  cwd?: string
  /** Where the template goes. Defaults to build/cloudformation/template.json under cwd. */
  outFile?: string
  /** Synthesize the production stack instead of staging, like `arc deploy --production`. */
  production?: boolean
  /**
   * The stage's `arc env` values, as deploy would read them from SSM (which synth does not call): lets
   * a test synthesize what a configured stage deploys (e.g. the production guards' DRASON_SES_IDENTITIES).
   */
  env?: Record<string, string>
}

export interface SynthSummary {
  stackName: string
  functions: number
  tables: number
  queues: number
  schedules: number
  resources: number
  /** Size of the file written (indented, like sam.json). */
  bytes: number
  /** Size of the template as deploy uploads it (no indentation). */
  compactBytes: number
}

export interface SynthResult {
  template: CfnTemplate
  outFile: string
  summary: SynthSummary
  /** The AWS calls the dry run attempted, all answered by mocks. */
  awsRequests: string[]
  /** What the Architect libraries printed during the run (kept off the console). */
  output: string[]
}

// Architect ships no type declarations; these cover what synth uses.
type PluginMethod = ((...args: unknown[]) => unknown) & { _plugin?: string }
type PluginMethods = Record<string, Record<string, PluginMethod[] | undefined> | undefined>
interface Inventory {
  inv: {
    app: string
    aws: { region: string }
    lambdaSrcDirs?: string[] | null
    plugins?: ({ _methods?: PluginMethods } & Record<string, unknown>) | null
  } & Record<string, unknown>
  get: unknown
}
type InventoryFn = (params: { cwd: string; deployStage: 'staging' | 'production' }) => Promise<Inventory>
interface Deploy {
  sam(options: {
    inventory: Inventory
    isDryRun: boolean
    shouldHydrate: boolean
    production: boolean
    quiet: boolean
    region: string
  }): Promise<unknown>
}
interface AwsLiteTesting {
  enable(): void
  disable(): void
  isEnabled(): boolean
  mock(target: string, response: unknown): void
  getAllRequests(): { method: string }[]
}

const TYPESCRIPT_PLUGIN = 'architect/plugin-typescript'
const DEFAULT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function'])

export function summarize(template: CfnTemplate, stackName: string, text: string): SynthSummary {
  const resources = Object.values(template.Resources)
  const count = (match: (r: CfnResource) => boolean) => resources.filter(match).length
  return {
    stackName,
    functions: count((r) => FUNCTION_TYPES.has(r.Type)),
    tables: count((r) => r.Type === 'AWS::DynamoDB::Table'),
    queues: count((r) => r.Type === 'AWS::SQS::Queue'),
    // Architect 12 schedules with EventBridge Scheduler; earlier versions used EventBridge rules.
    schedules: count(
      (r) => r.Type === 'AWS::Scheduler::Schedule' || (r.Type === 'AWS::Events::Rule' && r.Properties?.ScheduleExpression !== undefined),
    ),
    resources: resources.length,
    bytes: Buffer.byteLength(text),
    compactBytes: Buffer.byteLength(JSON.stringify(template)),
  }
}

export async function synth(options: SynthOptions = {}): Promise<SynthResult> {
  const cwd = resolve(options.cwd ?? DEFAULT_ROOT)
  const outFile = resolve(cwd, options.outFile ?? join('build', 'cloudformation', 'template.json'))
  const production = options.production ?? false

  // Load the libraries from the project, and aws-lite from deploy's own resolution, so that the
  // testing switch we flip is the very module instance deploy builds its client from.
  const requireHere = createRequire(join(cwd, 'package.json'))
  const inventoryFn = requireHere('@architect/inventory') as InventoryFn
  const deployPath = requireHere.resolve('@architect/deploy')
  const deploy = requireHere(deployPath) as Deploy
  const requireFromDeploy = createRequire(deployPath)
  const awsLite = requireFromDeploy('@aws-lite/client') as { testing: AwsLiteTesting }
  const { toLogicalID } = requireFromDeploy('@architect/utils') as { toLogicalID: (s: string) => string }

  const stage = production ? 'production' : 'staging'
  const inventory = withEnv(withoutTypescriptCompile(await inventoryFn({ cwd, deployStage: stage })), stage, options.env)
  const stackName = `${toLogicalID(inventory.inv.app)}${production ? 'Production' : 'Staging'}`

  // deploy's handler check calls process.exit(1) on a missing function folder; fail normally instead.
  const missing = (inventory.inv.lambdaSrcDirs ?? []).filter((dir) => !existsSync(dir))
  if (missing.length > 0) throw new Error(`Missing function folder(s) declared in app.arc: ${missing.join(', ')}`)

  const { testing } = awsLite
  // enable() wipes the mocks of whoever turned testing on; refuse rather than break them silently.
  if (testing.isEnabled()) throw new Error('aws-lite testing mode is already on in this process; run synth elsewhere')

  // The dry run writes sam.json into the project's folder as the inventory names it (nothing else in
  // the dry run reads that folder for this app: paths are absolute, static fingerprinting is off). It is
  // pointed at a fresh temporary folder, so synth never touches the project root and two synths at once
  // (test files run in parallel) cannot read each other's template.
  const samDir = mkdtempSync(join(tmpdir(), 'drason-sam-'))
  const samPath = join(samDir, 'sam.json')
  const dryRunInventory: Inventory = { ...inventory, inv: { ...inventory.inv, _project: { ...(inventory.inv._project as object), cwd: samDir } } }

  testing.enable()
  let text: string
  let awsRequests: string[]
  const output: string[] = []
  try {
    testing.mock('CloudFormation.DescribeStackResources', { StackResources: [] })
    await quietly(output, () =>
      deploy.sam({ inventory: dryRunInventory, isDryRun: true, shouldHydrate: false, production, quiet: true, region: inventory.inv.aws.region }),
    )
    awsRequests = testing.getAllRequests().map((r) => r.method)
    text = readFileSync(samPath, 'utf8')
  } catch (err) {
    const said = output.length > 0 ? `\nArchitect printed:\n${output.join('\n')}` : ''
    throw new Error(`synth: the offline dry run failed: ${err instanceof Error ? err.message : format(err)}${said}`, { cause: err })
  } finally {
    testing.disable()
    rmSync(samDir, { recursive: true, force: true })
  }

  const template = JSON.parse(text) as CfnTemplate
  // Write then rename, so a reader never sees a half-written template.
  mkdirSync(dirname(outFile), { recursive: true })
  const tmp = `${outFile}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, outFile)

  return { template, outFile, summary: summarize(template, stackName, text), awsRequests, output }
}

/** The inventory with the TypeScript plugin's deploy.start (compile) hook left out; see the header. */
function withoutTypescriptCompile(inventory: Inventory): Inventory {
  const plugins = inventory.inv.plugins
  const deployMethods = plugins?._methods?.deploy
  if (!plugins || !deployMethods?.start) return inventory
  const start = deployMethods.start.filter((method) => method._plugin !== TYPESCRIPT_PLUGIN)
  return {
    ...inventory,
    inv: { ...inventory.inv, plugins: { ...plugins, _methods: { ...plugins._methods, deploy: { ...deployMethods, start } } } },
  }
}

/** The inventory as deploy sees it after reading the stage's `arc env` values from SSM. */
function withEnv(inventory: Inventory, stage: 'staging' | 'production', env: Record<string, string> | undefined): Inventory {
  if (!env) return inventory
  const project = (inventory.inv._project ?? {}) as { env?: { aws?: Record<string, unknown> | null } }
  const aws = { testing: null, staging: null, production: null, ...project.env?.aws, [stage]: env }
  return { ...inventory, inv: { ...inventory.inv, _project: { ...project, env: { ...project.env, aws } } } }
}

/**
 * Runs fn with console output captured into `lines`: Architect's updaters print progress through
 * console.log (quiet mode still prints errors), and the arc libraries may console.error. Tests fail on
 * stray console.error, and the CLI wants only its own summary. ARC_QUIET also stops the updaters that
 * deploy creates without our quiet flag from hiding the terminal cursor.
 */
async function quietly<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
  const saved = methods.map((m) => console[m])
  const savedQuiet = process.env.ARC_QUIET
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(format(...args))
  process.env.ARC_QUIET = '1'
  try {
    return await fn()
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!))
    if (savedQuiet === undefined) delete process.env.ARC_QUIET
    else process.env.ARC_QUIET = savedQuiet
  }
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

function printSummary(result: SynthResult, cwd: string, ms: number): void {
  const s = result.summary
  console.log(`Synthesized ${s.stackName} offline in ${(ms / 1000).toFixed(1)} s: ${relative(cwd, result.outFile)}
  Lambda functions  ${s.functions}
  DynamoDB tables   ${s.tables}
  SQS queues        ${s.queues}
  Scheduled rules   ${s.schedules}
  All resources     ${s.resources}
  Template size     ${kb(s.bytes)} as written; ${kb(s.compactBytes)} as deploy uploads it (CloudFormation's limit via S3: 1,000 kB)`)
  // The rest of what Architect printed is progress; the production guards' warnings are for the reader.
  for (const line of result.output.filter((l) => l.startsWith('production-guards:'))) console.warn(line)
}

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== '--production')
  if (unknown.length > 0) throw new Error(`Unknown argument(s): ${unknown.join(' ')}. Usage: npm run synth [-- --production]`)
  const started = Date.now()
  const result = await synth({ production: argv.includes('--production') })
  printSummary(result, process.cwd(), Date.now() - started)
}

// Run only when executed (`tsx scripts/synth.ts`), not when a test imports synth().
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
