/**
 * `npm start`: the local world on one command. DynamoDB Local keeps its data in .data/dynamodb between
 * runs (`npm run reset` wipes it); the demo workspace is seeded once. Ctrl-C stops everything.
 */
import { join } from 'node:path'
import { createDb, sandboxTableNames } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps, seedDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { seedDemo } from '../src/shared/services/seed-demo'
import { startWorld } from './local/world'

const port = (name: string, fallback: number) => {
  const v = Number(process.env[name])
  return Number.isInteger(v) && v > 0 ? v : fallback
}

async function main() {
  const options = {
    httpPort: port('PORT', 3333),
    tablesPort: port('DYNAMO_PORT', 5555),
    sesPort: port('SES_PORT', 8005),
    verifierPort: port('VERIFIER_PORT', 8006),
    smartleadPort: port('SMARTLEAD_PORT', 8007),
    eventsPort: port('ARC_EVENTS_PORT', 4444),
    internalPort: port('ARC_INTERNAL_PORT', 2222),
    dataDir: join(process.cwd(), '.data', 'dynamodb'),
    quiet: false,
  }
  console.log('Starting DynamoDB Local, the local SES, the local verifier and the Architect sandbox...')
  // The sandbox never fires @scheduled functions; the local-schedules plugin does, for npm start only
  // (the system tests drive those services themselves).
  process.env.DRASON_LOCAL_SCHEDULES = '1'
  const world = await startWorld(options)

  const cfg = parseConfig({ ...world.lambdaEnv, ARC_ENV: 'testing' })
  const db = createDb({ endpoint: world.tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
  const seeded = await seedDemo(seedDeps(buildDeps(db, cfg)))

  console.log(`
Drason is running.
  App:            ${world.baseUrl}   (sign in as ${cfg.DRASON_ADMIN_EMAIL} / ${process.env.DRASON_ADMIN_PASSWORD ? '<your DRASON_ADMIN_PASSWORD>' : cfg.DRASON_ADMIN_PASSWORD})
  Health:         ${world.baseUrl}/healthz
  Mail viewer:    ${world.sesUrl}   (local SES v2 API; captured mail at /store)
  Verifier:       ${world.verifierUrl}/api/validate_single.php?apikey=${cfg.MEV_API_KEY}&email=someone@invalid.test
  Database:       ${world.tablesEndpoint} (DynamoDB Local, data in .data/dynamodb)
  Demo data:      ${seeded.seeded ? `seeded ${seeded.leads} leads, 3 domains, 6 mailboxes, 3 campaigns, 3 rules` : 'already seeded'}
Press Ctrl-C to stop.`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping...')
    await world.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
