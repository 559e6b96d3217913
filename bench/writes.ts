/**
 * `npm run bench:writes`: only the two write benchmarks of issue #3 — Clay webhook ingest and the
 * 50,000-row CSV import — on their own DynamoDB Local, with their targets checked and the same report as
 * in `npm run bench` (bench/writes-suite.ts). The quick loop for working on intake and imports (~1.5 min
 * here). Neither uses the Remix build: the webhook is called through handleApi from the sources, and the
 * import's worker is bundled from the sources by bench/import.ts.
 *
 * Writes bench/results/writes.json (latest.json stays the full run's). BENCH_IMPORT_ROWS=10000 measures a
 * smaller import, and says so.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RESULTS_DIR } from './lambdas'
import { benchWrites, checkWriteTargets, writesReport } from './writes-suite'

const log = (msg: string) => process.stderr.write(`[bench:writes] ${msg}\n`)

async function main() {
  const { intake, imp } = await benchWrites(log)
  const targets = checkWriteTargets(intake, imp)
  process.stdout.write(`${writesReport(intake, imp, targets).join('\n')}\n`)
  writeFileSync(join(RESULTS_DIR, 'writes.json'), `${JSON.stringify({ at: new Date().toISOString(), intake, import: imp, targets }, null, 2)}\n`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
