/**
 * `npm run simulate -- bounce|complaint|delay <address>`: builds one SES event for the address and feeds
 * it into the running sandbox's feedback queue. When the address is a lead Drason sent to, the event
 * carries that send's tags (lead, campaign, mailbox, send id), so it counts against the right mailbox.
 */
import { createDb, sandboxTableNames } from '../src/shared/adapters/dynamo/db.server'
import { buildDeps } from '../src/shared/composition.server'
import { parseConfig } from '../src/shared/config.server'
import { normaliseEmail } from '../src/shared/domain/sanitise'
import { publishToSandboxQueue, simulatedEvent, snsEnvelope, SIMULATED_KINDS, type SendTags, type SimulatedKind } from './local/ses-events'

async function main(): Promise<void> {
  const [kind, raw] = process.argv.slice(2)
  if (!kind || !SIMULATED_KINDS.includes(kind as SimulatedKind) || !raw) throw new Error('usage: npm run simulate -- bounce|complaint|delay <address>')
  const email = normaliseEmail(raw)
  if (!email.ok) throw new Error(`${raw} is not an address: ${email.reason}`)
  const db = createDb({ endpoint: `http://127.0.0.1:${Number(process.env.DYNAMO_PORT ?? 5555)}`, region: 'us-east-1', names: sandboxTableNames() })
  const deps = buildDeps(db, parseConfig({ ...process.env, ARC_ENV: 'testing' }))
  let send: SendTags | null = null
  const leadId = await deps.leads.idForEmail(email.email)
  const lead = leadId ? await deps.leads.get(leadId) : null
  const record = lead?.campaignId ? await deps.sends.get(lead.campaignId, lead.id) : null
  if (lead && record) {
    const mailbox = record.mailboxId ? await deps.senders.getMailbox(record.mailboxId) : null
    send = { leadId: lead.id, campaignId: record.campaignId, mailboxId: record.mailboxId, sendId: record.sendId, messageId: record.messageId ?? null, source: mailbox?.value.address ?? null }
  }
  const now = new Date()
  await publishToSandboxQueue(Number(process.env.ARC_EVENTS_PORT ?? 4444), 'feedback', snsEnvelope(simulatedEvent(kind as SimulatedKind, email.email, send, now), now))
  console.log(
    send
      ? `Fed a simulated ${kind} for ${email.email} (lead ${send.leadId}, campaign ${send.campaignId}, mailbox ${send.mailboxId ?? 'unknown'}).`
      : `Fed a simulated ${kind} for ${email.email}; Drason has not sent to it, so it is not attributed to a mailbox.`,
  )
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
