import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { appDeps } from '../../shared/composition.server'
import { eachMessage } from '../../shared/http/queue-message.server'
import { processImportChunk } from '../../shared/services/lead-import'

// One message = one chunk of a CSV/XLSX import. Chunks of one batch run one after another: each writes
// many leads and the table's capacity is shared. A failed chunk is retried alone (it is idempotent).
const chunk = z.object({ importId: z.string().min(1).max(64), chunk: z.int().min(0) })

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await appDeps()
  return eachMessage(event, chunk, (message) => processImportChunk(deps, message))
}
