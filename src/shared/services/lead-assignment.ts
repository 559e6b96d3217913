import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign, Lead } from '../domain/entities'
import { AWAITING_GATE } from './intake'
import type { Clock, IdSource } from './ports'

export interface AssignDeps {
  leads: {
    get(id: string): Promise<Lead | null>
    assign(lead: Lead, campaignId: string, reason: string, event: AuditEvent): Promise<'assigned' | 'changed'>
  }
  campaigns: { get(id: string): Promise<{ value: Campaign; version: number } | null> }
  /** The gate's pass over a campaign's held leads (after a Start or Resume, and every 5 minutes). */
  admitHeld(campaignId: string): Promise<unknown>
  clock: Clock
  ids: IdSource
}

export type AssignResult = { ok: true; campaignId: string } | { ok: false; status: 400 | 404 | 409; message: string }

/**
 * A person gives a held lead to a campaign: one no rule matched, or one whose campaign was aborted (its
 * leads come back held in it, and nothing else would ever move them). Drason never guesses a campaign;
 * this is the explicit choice. The lead then waits for the gate like a routed one, and an active
 * campaign's gate looks at once. Only held leads: an active or completed lead has a campaign that is
 * sending it or has sent it, and moving it could send it twice.
 */
export async function assignLead(deps: AssignDeps, actor: Actor, leadId: string, campaignId: string): Promise<AssignResult> {
  const lead = await deps.leads.get(leadId)
  if (!lead) return { ok: false, status: 404, message: 'No such lead.' }
  if (lead.status !== 'held') return { ok: false, status: 409, message: `Only a held lead can be given to a campaign; this one is ${lead.status}.` }
  // Smartlead may have sent a lead handed to it before an Abort (campaign-controls returnUnsent): giving
  // it to another campaign could email the person twice, so it stays where it is.
  if (lead.holdReason?.includes('handed to Smartlead campaign')) {
    return { ok: false, status: 409, message: 'This lead was handed to Smartlead, which may have sent it: check there before contacting it again. It cannot be given to another campaign here.' }
  }
  const target = (await deps.campaigns.get(campaignId))?.value
  if (!target) return { ok: false, status: 400, message: 'Choose a campaign that exists.' }
  if (target.status === 'aborted' || target.status === 'completed') {
    return { ok: false, status: 400, message: `Campaign "${target.name}" is ${target.status}: it will never send this lead. Choose another campaign.` }
  }
  if (lead.campaignId === target.id) return { ok: false, status: 409, message: `This lead is already in campaign "${target.name}".` }
  const from = lead.campaignId ? ((await deps.campaigns.get(lead.campaignId))?.value ?? null) : null
  const was = lead.campaignId ? `, held in campaign "${from?.name ?? lead.campaignId}" (${lead.holdReason ?? 'no reason given'}),` : ', which no routing rule matched,'
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'lead',
      entityId: lead.id,
      action: 'assigned',
      sentence: `${actor.id} gave ${lead.email}${was} to campaign "${target.name}"; it waits for the gate there.`,
      details: { from: lead.campaignId ?? null, to: target.id, holdReason: lead.holdReason },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  if ((await deps.leads.assign(lead, target.id, AWAITING_GATE, event)) === 'changed') {
    return { ok: false, status: 409, message: 'The lead changed at the same moment (the gate or another person). Reload to see where it is now.' }
  }
  if (target.status === 'active') await deps.admitHeld(target.id)
  return { ok: true, campaignId: target.id }
}
