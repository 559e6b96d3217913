import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign, Lead, Mailbox } from '../domain/entities'
import type { Page } from '../domain/page'
import type { Clock, IdSource } from './ports'
import type { SendRecord } from './pulse'
import { completeLeadOf, sendCounters, type SendCounters } from './send-confirmation'

/**
 * Sends whose outcome is unknown (SES may have taken the email when Drason lost track: a timeout, a crash)
 * are never resent blindly. SES's Send event settles most of them; the rest wait for a person, who can look
 * the message up (the SES console, the mailbox's Sent folder, the recipient) and say what happened.
 */
export interface UnknownSendsDeps {
  sends: {
    get(campaignId: string, leadId: string): Promise<SendRecord | null>
    listUnknown(limit: number, cursor?: string | null): Promise<Page<SendRecord>>
    settleByPerson(record: SendRecord, event: AuditEvent, counters: SendCounters): Promise<'settled' | 'changed'>
  }
  leads: { getMany(ids: string[]): Promise<Lead[]>; get(id: string): Promise<Lead | null>; complete(lead: Lead): Promise<'moved' | 'changed'> }
  campaigns: { get(id: string): Promise<{ value: Campaign } | null> }
  senders: { getMailbox(id: string): Promise<{ value: Mailbox } | null> }
  clock: Clock
  ids: IdSource
}

export interface UnknownSend {
  campaignId: string
  campaignName: string
  leadId: string
  email: string
  sendId: string
  mailbox: string | null
  claimedAt: string
  reason: string
}

/** One page of unknown sends, with the lead's address, the campaign's name and the mailbox's address. */
export async function listUnknownSends(deps: UnknownSendsDeps, limit: number, cursor?: string | null): Promise<Page<UnknownSend>> {
  const page = await deps.sends.listUnknown(limit, cursor)
  const leads = new Map((await deps.leads.getMany([...new Set(page.items.map((r) => r.leadId))])).map((l) => [l.id, l]))
  const campaignIds = [...new Set(page.items.map((r) => r.campaignId))]
  const mailboxIds = [...new Set(page.items.flatMap((r) => (r.mailboxId ? [r.mailboxId] : [])))]
  const [campaigns, mailboxes] = await Promise.all([
    Promise.all(campaignIds.map(async (id) => [id, (await deps.campaigns.get(id))?.value.name ?? id] as const)),
    Promise.all(mailboxIds.map(async (id) => [id, (await deps.senders.getMailbox(id))?.value.address ?? id] as const)),
  ])
  const names = new Map(campaigns)
  const addresses = new Map(mailboxes)
  return {
    items: page.items.map((r) => ({
      campaignId: r.campaignId,
      campaignName: names.get(r.campaignId) ?? r.campaignId,
      leadId: r.leadId,
      email: leads.get(r.leadId)?.email ?? r.leadId,
      sendId: r.sendId,
      mailbox: r.mailboxId ? (addresses.get(r.mailboxId) ?? r.mailboxId) : null,
      claimedAt: r.claimedAt,
      reason: r.reason ?? 'outcome unknown',
    })),
    nextCursor: page.nextCursor,
  }
}

export type Settlement = { outcome: 'sent'; messageId: string; note?: string } | { outcome: 'not_sent'; note?: string }

export type SettleResult = { ok: true; state: 'sent' | 'failed' } | { ok: false; status: 404 | 409; message: string }

/**
 * A person settles an unknown send: `sent` needs the SES MessageId they found (nothing is recorded as sent
 * without one), and is counted as the Send event would have counted it; `not_sent` records it failed, so
 * it stays unsent and is not retried in this campaign. Either way the audit log names who decided and why.
 */
export async function settleUnknownSend(deps: UnknownSendsDeps, actor: Actor, ref: { campaignId: string; leadId: string; sendId: string }, settlement: Settlement): Promise<SettleResult> {
  const record = await deps.sends.get(ref.campaignId, ref.leadId)
  if (!record || record.sendId !== ref.sendId) return { ok: false, status: 404, message: 'That send no longer exists; reload the list.' }
  if (record.state !== 'unknown') return { ok: false, status: 409, message: `That send is already settled (${record.state}); nothing changed.` }
  const note = settlement.note?.trim() ? ` Note: ${settlement.note.trim()}` : ''
  const sent = settlement.outcome === 'sent'
  const after: SendRecord = sent
    ? { ...record, state: 'sent', messageId: settlement.messageId }
    : { ...record, state: 'failed', reason: `not sent, as ${actor.id} found (was: ${record.reason ?? 'outcome unknown'})` }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'lead',
      entityId: record.leadId,
      action: 'send_settled',
      sentence: sent
        ? `${actor.id} recorded that the email to lead ${record.leadId} went out (MessageId ${settlement.messageId}); it is now counted as sent.${note}`
        : `${actor.id} recorded that the email to lead ${record.leadId} did not go out; it stays unsent and is not retried in this campaign.${note}`,
      details: { campaignId: record.campaignId, sendId: record.sendId, was: 'unknown', now: after.state, ...(sent ? { messageId: settlement.messageId } : {}), ...(note ? { note: settlement.note!.trim() } : {}) },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const counters = sent ? await sendCounters(deps, record) : []
  if ((await deps.sends.settleByPerson(after, event, counters)) === 'changed') {
    return { ok: false, status: 409, message: 'That send was settled meanwhile (by SES or another person); nothing changed.' }
  }
  await completeLeadOf(deps, record)
  return { ok: true, state: after.state === 'sent' ? 'sent' : 'failed' }
}
