import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import type { z } from 'zod'

/** One SQS message decoded with a zod schema: a body that is not JSON or does not fit is a poison message. */
function decode<T>(record: SQSEvent['Records'][number], schema: z.ZodType<T>): T {
  let body: unknown
  try {
    body = JSON.parse(record.body)
  } catch {
    throw new Error(`queue message ${record.messageId} is not JSON`)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new Error(`queue message ${record.messageId} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
  return parsed.data
}

/**
 * Runs `handle` on each message of an SQS batch, one after another, and reports the ones that failed
 * (partial batch failure, ReportBatchItemFailures): SQS retries only those and, after the queue's max
 * receive count, moves them to the dead-letter queue, never dropping them silently and never repeating
 * the messages of the batch that succeeded.
 */
export async function eachMessage<T>(event: SQSEvent, schema: z.ZodType<T>, handle: (message: T) => Promise<unknown>): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    try {
      await handle(decode(record, schema))
    } catch (err) {
      console.log(JSON.stringify({ msg: 'queue message failed; SQS will retry it', messageId: record.messageId, error: err instanceof Error ? err.message : String(err) }))
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
