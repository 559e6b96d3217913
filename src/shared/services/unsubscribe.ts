import { stampAuditEvent, type AuditEvent } from '../domain/audit'
import type { Lead } from '../domain/entities'
import { parseUnsubscribeToken } from '../domain/unsubscribe'
import type { Clock, IdSource } from './ports'

export interface UnsubscribeDeps {
  leads: { get(id: string): Promise<Lead | null> }
  suppression: { add(email: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'> }
  verifyUnsubscribe(payload: string, signature: string): boolean
  clock: Clock
  ids: IdSource
}

/** Reads a token without acting on it (the confirmation page). */
export async function unsubscribeTarget(deps: UnsubscribeDeps, token: string): Promise<Lead | null> {
  const parsed = parseUnsubscribeToken(token, deps.verifyUnsubscribe)
  return parsed ? deps.leads.get(parsed.leadId) : null
}

/**
 * RFC 8058 one-click unsubscribe: the address goes on the suppression list within the request, so no
 * later send (the gate and each pulse check the list) reaches it. Idempotent: mail clients may POST twice.
 */
export async function unsubscribe(deps: UnsubscribeDeps, token: string): Promise<'unsubscribed' | 'already' | 'invalid'> {
  const parsed = parseUnsubscribeToken(token, deps.verifyUnsubscribe)
  if (!parsed) return 'invalid'
  const lead = await deps.leads.get(parsed.leadId)
  if (!lead) return 'invalid'
  const event = stampAuditEvent(
    {
      actor: { type: 'integration', id: 'recipient' },
      entityType: 'suppression',
      entityId: lead.email,
      action: 'unsubscribed',
      sentence: `${lead.email} unsubscribed (campaign ${parsed.campaignId}); Drason will never email this address again.`,
      details: { leadId: lead.id, campaignId: parsed.campaignId },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  return (await deps.suppression.add(lead.email, 'unsubscribe', event)) === 'added' ? 'unsubscribed' : 'already'
}
