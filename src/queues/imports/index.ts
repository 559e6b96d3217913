import type { SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import { decodeBatch } from '../../shared/http/queue-message.server'

// One message = one chunk of a CSV/XLSX import. The chunk processor arrives with the intake issue.
const chunk = z.object({ importId: z.string().min(1), chunk: z.int().min(0) })

export const handler = async (event: SQSEvent): Promise<void> => {
  const chunks = decodeBatch(event, chunk)
  console.log(JSON.stringify({ msg: 'import chunks received', chunks: chunks.length }))
}
