import { join } from 'node:path'

/**
 * The contracts' fixtures (shared/contracts/fixtures), vendored under test/contracts/fixtures so a clone
 * of this repository tests alone; test/unit/contract-fixtures.test.ts checks the copy against the shared
 * contracts whenever they are next to the clone.
 */
export const CONTRACT_FIXTURES = join(import.meta.dirname, '..', 'contracts', 'fixtures')
export const fixturePath = (...parts: string[]) => join(CONTRACT_FIXTURES, ...parts)
