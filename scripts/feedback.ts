/**
 * `npm run feedback -- <file.json>`: feeds an SES event, or an SNS envelope around one, into the running
 * sandbox's feedback queue (start it with `npm start`), exactly as SQS would deliver it.
 */
import { readFileSync } from 'node:fs'
import { parseFeedbackBody } from '../src/shared/domain/ses-event'
import { publishToSandboxQueue } from './local/ses-events'

async function main(): Promise<void> {
  const file = process.argv[2]
  if (!file) throw new Error('usage: npm run feedback -- <file.json>   (an SES event or an SNS envelope)')
  const text = readFileSync(file, 'utf8')
  // Checked here so a wrong file is named at once instead of being logged and dropped by the handler.
  const parsed = parseFeedbackBody(text)
  if (!parsed.ok) throw new Error(`${file} is not an SES event: ${parsed.reason}`)
  await publishToSandboxQueue(Number(process.env.ARC_EVENTS_PORT ?? 4444), 'feedback', JSON.parse(text))
  console.log(`Fed ${parsed.event.type} for message ${parsed.event.messageId} to the feedback queue; see the audit log.`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
