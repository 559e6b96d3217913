/**
 * `npm run doctor [-- --production]`: checks a deployed stage (staging unless --production) with
 * read-only AWS calls and prints what is missing and how to fix it. Exits 1 when anything is missing.
 * Credentials come from the usual AWS chain (AWS_PROFILE, environment, SSO); the stage's app name and
 * region come from app.arc, as for `arc deploy`. The checks are in doctor-checks.ts.
 */
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDoctorAws } from './doctor-aws.server'
import { checkStage, exitCode, formatReport, type Stage } from './doctor-checks'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** The stage as `arc deploy` would deploy it from app.arc. */
export async function stageFromManifest(production: boolean, cwd = ROOT): Promise<Stage> {
  const requireHere = createRequire(join(cwd, 'package.json'))
  const inventory = requireHere('@architect/inventory') as (p: { cwd: string }) => Promise<{ inv: { app: string; aws: { region: string } } }>
  const { toLogicalID } = createRequire(requireHere.resolve('@architect/deploy'))('@architect/utils') as { toLogicalID: (s: string) => string }
  const { inv } = await inventory({ cwd })
  const stage = production ? 'production' : 'staging'
  return { app: inv.app, stage, stackName: `${toLogicalID(inv.app)}${production ? 'Production' : 'Staging'}`, region: inv.aws.region }
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--production' && a !== '--staging')
  if (unknown.length > 0) throw new Error(`Unknown argument(s): ${unknown.join(' ')}. Usage: npm run doctor [-- --production]`)
  const stage = await stageFromManifest(argv.includes('--production'))
  const aws = createDoctorAws({ region: stage.region })
  try {
    const findings = await checkStage(aws, stage)
    console.log(formatReport(stage, findings))
    return exitCode(findings)
  } finally {
    aws.destroy()
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const name = err instanceof Error ? err.name : ''
      const hint = /Credentials|ExpiredToken|UnrecognizedClient|AccessDenied/.test(name) ? '\nThe doctor needs read access to SSM, SES, SNS and SQS in this account (AWS_PROFILE or credentials in the environment).' : ''
      console.error(`npm run doctor could not finish: ${err instanceof Error ? err.message : String(err)}${hint}`)
      process.exit(2)
    },
  )
}
