import type { SQSEvent } from 'aws-lambda'
import type { z } from 'zod'

/**
 * Decodes the messages of an SQS batch with a zod schema. Architect publishes JSON bodies; a body that
 * is not JSON or does not fit the schema is a poison message: it throws, so SQS retries it and then moves
 * it to the dead-letter queue instead of dropping it silently.
 */
export function decodeBatch<T>(event: SQSEvent, schema: z.ZodType<T>): T[] {
  return event.Records.map((record) => {
    let body: unknown
    try {
      body = JSON.parse(record.body)
    } catch {
      throw new Error(`queue message ${record.messageId} is not JSON`)
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) throw new Error(`queue message ${record.messageId} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
    return parsed.data
  })
}
