import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Page } from '../domain/page'
import { cleanText, normaliseDomain, normaliseEmail } from '../domain/sanitise'
import type { Clock, IdSource } from './ports'

export interface SuppressionEntry {
  kind: 'address' | 'domain'
  value: string
  reason: string
  at: string
}

export interface SuppressionDeps {
  suppression: {
    add(email: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'>
    addDomain(domain: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'>
    list(limit: number, cursor?: string | null): Promise<Page<SuppressionEntry>>
  }
  clock: Clock
  ids: IdSource
}

/** A note a person gives with a manual suppression; the list shows it after "manual". */
export const MAX_SUPPRESSION_NOTE = 200

export type ManualSuppressionResult =
  | { ok: true; kind: 'address' | 'domain'; value: string; added: boolean }
  | { ok: false; status: 400; field: 'target'; message: string }

/**
 * A person puts an address, or a whole domain, on the suppression list (PRODUCT.md: "manual"). Anything
 * with an @ is an address; anything else is a domain. The gate and every pulse check the list before each
 * send, so it takes effect on the next send. Entries are permanent: the list is what keeps unsubscribes and
 * complaints from ever being mailed again, so nothing in the app takes one off (decision 070).
 */
export async function suppressManually(deps: SuppressionDeps, actor: Actor, input: { target: string; note?: string | undefined }): Promise<ManualSuppressionResult> {
  const isAddress = input.target.includes('@') && !input.target.trim().startsWith('@')
  const checked = isAddress ? normaliseEmail(input.target) : normaliseDomain(input.target)
  if (!checked.ok) return { ok: false, status: 400, field: 'target', message: `Not suppressed: ${checked.reason}.` }
  const kind = isAddress ? 'address' : 'domain'
  const value = 'email' in checked ? checked.email : checked.domain
  const note = cleanText(input.note ?? '', MAX_SUPPRESSION_NOTE)
  const reason = note ? `manual: ${note}` : 'manual'
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'suppression',
      entityId: value,
      action: 'suppressed',
      sentence:
        kind === 'address'
          ? `${actor.id} put ${value} on the suppression list${note ? ` (${note})` : ''}; Drason will never email this address.`
          : `${actor.id} put the whole domain ${value} on the suppression list${note ? ` (${note})` : ''}; Drason will never email any address on it.`,
      details: { kind, value, reason },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const outcome = kind === 'address' ? await deps.suppression.add(value, reason, event) : await deps.suppression.addDomain(value, reason, event)
  return { ok: true, kind, value, added: outcome === 'added' }
}
