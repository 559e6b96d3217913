import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Campaign, Lead, Mailbox } from '../domain/entities'
import { dayOf } from '../domain/metrics'
import { localDay } from '../domain/sending-window'
import { drasonTags, type SesEvent } from '../domain/ses-event'
import type { Clock, IdSource } from './ports'
import type { SendRecord } from './pulse'

/** The lead moves a final send makes: read it, and complete it in its campaign. */
export interface LeadCompletion {
  leads: { get(id: string): Promise<Lead | null>; complete(lead: Lead): Promise<'moved' | 'changed'> }
}

/**
 * A send that reached its end outside the pulse (the sweep made it `unknown`, the Send event or a person
 * settled it) completes its lead, as the pulse does for the sends it settles itself: a pulse that found
 * the claim still `sending` left the lead to whoever finishes it. Only an `active` lead of that campaign.
 */
export async function completeLeadOf(deps: LeadCompletion, record: Pick<SendRecord, 'campaignId' | 'leadId'>): Promise<void> {
  const lead = await deps.leads.get(record.leadId)
  if (lead && lead.status === 'active' && lead.campaignId === record.campaignId) await deps.leads.complete(lead)
}

export interface ConfirmDeps extends LeadCompletion {
  sends: {
    get(campaignId: string, leadId: string): Promise<SendRecord | null>
    confirm(record: SendRecord, event: AuditEvent, counters: SendCounters): Promise<'confirmed' | 'changed'>
  }
  campaigns: { get(id: string): Promise<{ value: Campaign } | null> }
  senders: { getMailbox(id: string): Promise<{ value: Mailbox } | null> }
  clock: Clock
  ids: IdSource
}

export type SendCounters = { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string }[]

/**
 * The day counters a send that went out adds to, on the day it was claimed (a late confirmation counts
 * where the send happened): overall and mailbox and domain by UTC day, the campaign by its window's day.
 */
export async function sendCounters(deps: Pick<ConfirmDeps, 'campaigns' | 'senders'>, record: SendRecord): Promise<SendCounters> {
  const [campaign, mailbox] = await Promise.all([deps.campaigns.get(record.campaignId), record.mailboxId ? deps.senders.getMailbox(record.mailboxId) : null])
  const claimed = new Date(record.claimedAt)
  const day = dayOf(claimed)
  const counters: SendCounters = [{ scope: 'overall', id: 'all', day }]
  if (campaign) counters.push({ scope: 'campaign', id: campaign.value.id, day: localDay(campaign.value.window.timeZone, claimed) })
  if (mailbox) counters.push({ scope: 'mailbox', id: mailbox.value.id, day }, { scope: 'domain', id: mailbox.value.domainId, day })
  return counters
}

/**
 * The SES `Send` event settles a send Drason has not recorded as sent: `unknown` (the sweep found it
 * interrupted) or still `sending` (the pulse died, or has not yet recorded it, after SES took the mail;
 * the event comes within seconds, before the sweep's 5 minutes). The send id tag says which claim it was,
 * so it becomes `sent` with its MessageId and is counted. Every other case is a no-op: processing is
 * idempotent, and a pulse that records the send after this finds it settled and counts nothing.
 */
export async function confirmFromSendEvent(deps: ConfirmDeps, event: SesEvent): Promise<'confirmed' | 'not_applicable'> {
  if (event.type !== 'Send') return 'not_applicable'
  const tags = drasonTags(event)
  if (!tags) return 'not_applicable'
  const record = await deps.sends.get(tags.campaignId, tags.leadId)
  if (!record || (record.state !== 'unknown' && record.state !== 'sending') || record.sendId !== tags.sendId) return 'not_applicable'
  const counters = await sendCounters(deps, record)
  const now = deps.clock.now()
  const audit = stampAuditEvent(
    {
      actor: { type: 'integration', id: 'ses' },
      entityType: 'lead',
      entityId: tags.leadId,
      action: 'send_confirmed',
      sentence:
        record.state === 'unknown'
          ? `SES confirmed that the interrupted send to lead ${tags.leadId} went out (MessageId ${event.messageId}); it is now recorded as sent.`
          : `SES confirmed that the send to lead ${tags.leadId} went out (MessageId ${event.messageId}) before Drason had recorded it; it is now recorded as sent.`,
      details: { campaignId: tags.campaignId, sendId: tags.sendId, messageId: event.messageId, was: record.state },
    },
    deps.ids.next(),
    now,
  )
  const result = await deps.sends.confirm({ ...record, state: 'sent', messageId: event.messageId }, audit, counters)
  if (result !== 'confirmed') return 'not_applicable'
  await completeLeadOf(deps, record)
  return 'confirmed'
}
