import type { TestProject } from 'vitest/node'
import { createDb, sandboxTableNames } from '../../src/shared/adapters/dynamo/db.server'
import { buildDeps, seedDeps } from '../../src/shared/composition.server'
import { parseConfig } from '../../src/shared/config.server'
import { addUser } from '../../src/shared/services/auth'
import { seedDemo } from '../../src/shared/services/seed-demo'
import { startWorld } from '../../scripts/local/world'
import { TEST_VIEWER, type WorldInfo } from './world'

declare module 'vitest' {
  export interface ProvidedContext {
    world: WorldInfo
  }
}

/**
 * One local world for the system tests: DynamoDB Local in memory, the local SES, the fake verifier and
 * the sandbox, on ports of their own so a running `npm start` does not collide. Seeded with the demo
 * workspace and a viewer account.
 */
export default async function setup(project: TestProject) {
  const world = await startWorld({
    httpPort: 3399,
    tablesPort: 5599,
    sesPort: 8095,
    verifierPort: 8096,
    smartleadPort: 8097,
    eventsPort: 4499,
    internalPort: 2299,
  })
  const cfg = parseConfig({ ...world.lambdaEnv, ARC_ENV: 'testing' })
  const db = createDb({ endpoint: world.tablesEndpoint, region: 'us-east-1', names: sandboxTableNames() })
  const deps = buildDeps(db, cfg)
  await seedDemo(seedDeps(deps))
  await addUser(deps, { type: 'system', id: 'test-setup' }, { email: TEST_VIEWER.email, role: 'viewer', password: TEST_VIEWER.password })
  deps.db.doc.destroy()
  project.provide('world', {
    baseUrl: world.baseUrl,
    tablesEndpoint: world.tablesEndpoint,
    sesUrl: world.sesUrl,
    verifierUrl: world.verifierUrl,
    smartleadUrl: world.smartleadUrl,
    env: world.lambdaEnv,
  })
  return async () => {
    await world.stop()
  }
}
