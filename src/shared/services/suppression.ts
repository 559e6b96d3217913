import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Page } from '../domain/page'
import { parseTable, TABLE_LIMITS } from '../domain/import-table'
import { cleanText } from '../domain/sanitise'
import { MAX_SUPPRESSION_LIST_ROWS, parseSuppressionList, suppressionTarget, type SuppressionEntry, type SuppressionTarget } from '../domain/suppression-list'

export type { SuppressionEntry }
import type { Clock, IdSource } from './ports'

export interface SuppressionDeps {
  suppression: {
    add(email: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'>
    addDomain(domain: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'>
    list(limit: number, cursor?: string | null): Promise<Page<SuppressionEntry>>
    existing(targets: SuppressionTarget[]): Promise<Set<string>>
    addMany(targets: SuppressionTarget[], reason: string, event: AuditEvent): Promise<'added' | 'conflict'>
  }
  clock: Clock
  ids: IdSource
}

/** A note a person gives with a manual suppression; the list shows it after "manual". */
export const MAX_SUPPRESSION_NOTE = 200

export type ManualSuppressionResult =
  | (SuppressionTarget & { ok: true; added: boolean })
  | { ok: false; status: 400; field: 'target'; message: string }

/**
 * A person puts an address, or a whole domain, on the suppression list (PRODUCT.md: "manual"). Anything
 * with an @ is an address; anything else is a domain. The gate and every pulse check the list before each
 * send, so it takes effect on the next send. Entries are permanent: the list is what keeps unsubscribes and
 * complaints from ever being mailed again, so nothing in the app takes one off (decision 070).
 */
export async function suppressManually(deps: SuppressionDeps, actor: Actor, input: { target: string; note?: string | undefined }): Promise<ManualSuppressionResult> {
  const checked = suppressionTarget(input.target)
  if (!checked.ok) return { ok: false, status: 400, field: 'target', message: `Not suppressed: ${checked.reason}.` }
  const { kind, value } = checked.target
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

// One transaction's worth of entries (DynamoDB's 100 items, less the audit event).
const LIST_BATCH = 99

export type SuppressionListResult =
  | { ok: true; added: number; already: number; repeats: number; blank: number; refused: { row: number; value: string; reason: string }[] }
  | { ok: false; status: 400; message: string }

/**
 * An uploaded list (CSV or XLSX: a column of addresses or domains, headed or not) put on the suppression
 * list, for a person bringing a do-not-contact list from elsewhere. Entries already there are left as they
 * are; new ones are written 99 to a transaction with one audit event naming them. What cannot be
 * suppressed is reported with its row, and every good row is kept. A list longer than
 * MAX_SUPPRESSION_LIST_ROWS is refused before anything is written.
 */
export async function suppressList(deps: SuppressionDeps, actor: Actor, file: { name: string; bytes: Uint8Array }): Promise<SuppressionListResult> {
  const table = parseTable(file.bytes, file.name, { ...TABLE_LIMITS, maxRows: MAX_SUPPRESSION_LIST_ROWS })
  if (!table.ok) return { ok: false, status: 400, message: table.reason }
  const parsed = parseSuppressionList(table.headers, table.rows)
  const name = cleanText(file.name, 120) || 'an uploaded list'
  const reason = `manual: list ${name}`
  let added = 0
  let already = 0
  for (let at = 0; at < parsed.targets.length; at += LIST_BATCH) {
    const chunk = parsed.targets.slice(at, at + LIST_BATCH)
    // Twice at most: an entry another writer adds between the read and the write cancels the transaction,
    // and the second read sees it.
    for (let attempt = 0; ; attempt++) {
      const stored = await deps.suppression.existing(chunk)
      const fresh = chunk.filter((t) => !stored.has(`${t.kind}:${t.value}`))
      if (fresh.length === 0) {
        already += chunk.length
        break
      }
      const event = stampAuditEvent(
        {
          actor,
          entityType: 'suppression',
          entityId: name,
          action: 'suppressed_list',
          sentence: `${actor.id} put ${fresh.length} ${fresh.length === 1 ? 'entry' : 'entries'} from ${name} on the suppression list; Drason will never email ${fresh.length === 1 ? 'it' : 'them'}.`,
          details: { file: name, entries: fresh.map((t) => t.value) },
        },
        deps.ids.next(),
        deps.clock.now(),
      )
      if ((await deps.suppression.addMany(fresh, reason, event)) === 'added') {
        added += fresh.length
        already += chunk.length - fresh.length
        break
      }
      if (attempt === 1) throw new Error('suppression list upload: entries kept changing while being added; try again')
    }
  }
  return { ok: true, added, already, repeats: parsed.repeats, blank: parsed.blank, refused: parsed.refused }
}
