import type { SuppressionEntry } from '../../src/shared/services/suppression'
import { directDeps } from './world'

/** The entry for `value` wherever it is in the list (other tests add entries too), and the entries before it. */
export async function listed(value: string): Promise<{ entry: SuppressionEntry | null; before: SuppressionEntry[] }> {
  const deps = directDeps()
  const before: SuppressionEntry[] = []
  let cursor: string | null = null
  do {
    const page = await deps.suppression.list(50, cursor)
    for (const entry of page.items) {
      if (entry.value === value) return { entry, before }
      before.push(entry)
    }
    cursor = page.nextCursor
  } while (cursor)
  return { entry: null, before }
}
