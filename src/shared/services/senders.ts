import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Domain, Mailbox } from '../domain/entities'
import { mailboxAddress, type MailboxInput } from '../domain/senders'
import type { Clock, IdSource } from './ports'

export interface SenderStore {
  getDomain(id: string): Promise<{ value: Domain; version: number } | null>
  getMailbox(id: string): Promise<{ value: Mailbox; version: number } | null>
  saveDomain(domain: Domain, expectedVersion: number, event: AuditEvent, previous: Domain | null): Promise<'saved' | 'conflict'>
  saveMailbox(mailbox: Mailbox, expectedVersion: number, event: AuditEvent, previous: Mailbox | null): Promise<'saved' | 'conflict'>
}
export interface SenderDeps {
  senders: SenderStore
  clock: Clock
  ids: IdSource
}

export type SenderResult = { ok: true } | { ok: false; status: 400 | 404 | 409; field?: string; message: string }

const stamp = (deps: SenderDeps, e: Parameters<typeof stampAuditEvent>[0]) => stampAuditEvent(e, deps.ids.next(), deps.clock.now())

export async function addDomain(deps: SenderDeps, actor: Actor, name: string): Promise<SenderResult> {
  const domain: Domain = { id: name, name, status: 'healthy', pauseReason: null }
  const event = stamp(deps, { actor, entityType: 'domain', entityId: name, action: 'created', sentence: `${actor.id} added sending domain ${name}.` })
  if ((await deps.senders.saveDomain(domain, 0, event, null)) === 'conflict') return { ok: false, status: 409, field: 'name', message: `${name} is already a sending domain.` }
  return { ok: true }
}

export async function addMailbox(deps: SenderDeps, actor: Actor, input: MailboxInput): Promise<SenderResult> {
  const domain = await deps.senders.getDomain(input.domainId)
  if (!domain) return { ok: false, status: 400, field: 'domainId', message: 'Choose a domain that exists.' }
  const address = mailboxAddress(input.address, domain.value.name)
  if (!address.ok) return { ok: false, status: 400, field: 'address', message: address.reason }
  const mailbox: Mailbox = {
    id: address.address,
    address: address.address,
    fromName: input.fromName,
    domainId: domain.value.id,
    status: 'active',
    healthState: 'healthy',
    dailyCap: input.dailyCap,
    pauseReason: null,
    lastActivityAt: null,
  }
  const event = stamp(deps, {
    actor,
    entityType: 'mailbox',
    entityId: mailbox.id,
    action: 'created',
    sentence: `${actor.id} added mailbox ${mailbox.address} ("${mailbox.fromName}", ${mailbox.dailyCap} a day) on ${mailbox.domainId}.`,
  })
  if ((await deps.senders.saveMailbox(mailbox, 0, event, null)) === 'conflict') return { ok: false, status: 409, field: 'address', message: `${mailbox.address} is already a mailbox.` }
  return { ok: true }
}

/** Changes a mailbox's from name and daily cap (its address is its identity and never changes). */
export async function editMailbox(deps: SenderDeps, actor: Actor, id: string, change: { fromName: string; dailyCap: number }, expectedVersion: number): Promise<SenderResult> {
  const current = await deps.senders.getMailbox(id)
  if (!current) return { ok: false, status: 404, message: 'That mailbox does not exist.' }
  if (current.version !== expectedVersion) return { ok: false, status: 409, message: 'Someone else changed this mailbox since you loaded the page. Reload and try again.' }
  const before = current.value
  const after: Mailbox = { ...before, fromName: change.fromName, dailyCap: change.dailyCap }
  const changed = (['fromName', 'dailyCap'] as const).filter((k) => before[k] !== after[k])
  if (changed.length === 0) return { ok: true }
  const event = stamp(deps, {
    actor,
    entityType: 'mailbox',
    entityId: id,
    action: 'updated',
    sentence: `${actor.id} changed mailbox ${before.address}: ${changed.map((k) => `${k} from ${String(before[k])} to ${String(after[k])}`).join(', ')}.`,
    details: { before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
  })
  if ((await deps.senders.saveMailbox(after, expectedVersion, event, before)) === 'conflict') {
    return { ok: false, status: 409, message: 'Someone else changed this mailbox at the same moment. Reload and try again.' }
  }
  return { ok: true }
}
