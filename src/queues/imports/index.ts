import type { SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { appDeps } from '../../shared/composition.server'
import { decodeBatch } from '../../shared/http/queue-message.server'
import { processImportChunk } from '../../shared/services/lead-import'

// One message = one chunk of a CSV/XLSX import.
const chunk = z.object({ importId: z.string().min(1).max(64), chunk: z.int().min(0) })

export const handler = async (event: SQSEvent): Promise<void> => {
  const deps = await appDeps()
  // Chunks of one batch run one after another: each writes many leads and the table's capacity is shared.
  for (const message of decodeBatch(event, chunk)) await processImportChunk(deps, message)
}
