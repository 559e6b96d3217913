import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Lead, LeadSource, RoutingRule } from '../domain/entities'
import { leadIdFor } from '../domain/lead-id'
import { enrichmentChanges, newHeldLead, type IntakeLead } from '../domain/lead-intake'
import { route } from '../domain/routing'
import type { Clock, IdSource } from './ports'

/** Ports intake needs. */
export interface IntakeLeadStore {
  /** The lead and its audit event, counted; `duplicate` (nothing written) when its id is taken. */
  insert(lead: Lead, event: AuditEvent): Promise<'created' | 'duplicate'>
  get(id: string): Promise<Lead | null>
  /** The stored leads among these ids (missing ones left out). */
  getMany(ids: string[]): Promise<Lead[]>
  /** Several new leads and the audit event(s) recording them in one write; `duplicate` means nothing was written. */
  insertMany(leads: Lead[], events: AuditEvent[]): Promise<'created' | 'duplicate'>
  /** Replaces a held lead's enrichment (only while it is still held), with its audit event. */
  updateEnrichment(lead: Lead, enrichment: Record<string, string>, event: AuditEvent): Promise<'updated' | 'not_held'>
}
export interface RuleSource {
  get(): Promise<{ rules: RoutingRule[]; version: number }>
}

export interface IntakeDeps {
  leads: IntakeLeadStore
  /** The rules intake routes by: in the app a copy at most a second old (decision 050). */
  rules: RuleSource
  clock: Clock
  ids: IdSource
}

/** Until the execution gate exists (the send-loop work), a routed lead waits for it. */
export const AWAITING_GATE = 'awaiting gate'

export interface IntakeResult {
  id: string
  status: Lead['status']
  campaign_id: string | null
  reason: string | null
  created: boolean
}

export interface IntakeOptions {
  /** Every lead to this campaign instead of routing by the rules (an import's choice). */
  campaignId?: string
  /** The import the lead comes from: kept on the lead, named in its audit event. */
  importId?: string
}

function resultOf(lead: Lead, created: boolean): IntakeResult {
  return { id: lead.id, status: lead.status, campaign_id: lead.campaignId, reason: lead.holdReason, created }
}

/** A new held lead, its id derived from the address (decision 050), routed; nothing is written here. */
async function routedNewLead(deps: IntakeDeps, input: IntakeLead, source: LeadSource, now: Date, options: IntakeOptions): Promise<{ lead: Lead; routedBy: string }> {
  const lead = newHeldLead(input, source, leadIdFor(input.email), now, options.importId)
  if (options.campaignId) {
    lead.campaignId = options.campaignId
    lead.holdReason = AWAITING_GATE
    return { lead, routedBy: `assigned to campaign ${options.campaignId} by the import` }
  }
  const decision = route((await deps.rules.get()).rules, lead)
  lead.campaignId = decision.matched ? decision.campaignId : null
  lead.holdReason = decision.matched ? AWAITING_GATE : decision.reason
  return { lead, routedBy: decision.matched ? `${decision.reason}, campaign ${decision.campaignId}` : decision.reason }
}

const greetingOf = (input: IntakeLead) =>
  input.firstName ? `greeting "${input.firstName}" (${Math.round(input.firstNameConfidence * 100)}%: ${input.firstNameReason})` : `no greeting name (${input.firstNameReason})`

/**
 * Takes one validated lead in: creates it held and healthy, routes it, and records why it is held. The
 * same address again (Clay retries, re-runs, a re-uploaded file) creates nothing and answers the existing
 * lead; a held lead's enrichment takes the new non-empty values (decision 012), anything past held is
 * never changed by intake.
 */
export async function ingestLead(deps: IntakeDeps, input: IntakeLead, source: LeadSource, actor: Actor, options: IntakeOptions = {}): Promise<IntakeResult> {
  // No lookup first: the lead's id is its address, so the conditional insert is the check (one round trip
  // fewer for every new lead, which is most of them); a repeat reads its lead when the insert refuses.
  const now = deps.clock.now()
  const { lead, routedBy } = await routedNewLead(deps, input, source, now, options)
  const from = options.importId ? `${source} (import ${options.importId})` : source
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'lead',
      entityId: lead.id,
      action: 'ingested',
      sentence: `Took in ${lead.email} from ${from}: ${routedBy}; held: ${lead.holdReason}.`,
      details: { source, ...(options.importId ? { importId: options.importId } : {}), campaignId: lead.campaignId, greeting: greetingOf(input), persona: lead.persona, leadScore: lead.leadScore },
    },
    deps.ids.next(),
    now,
  )
  if ((await deps.leads.insert(lead, event)) === 'created') return resultOf(lead, true)
  // The address belongs to a lead already (a repeat, or a concurrent request that won): answer that lead.
  const existing = await deps.leads.get(lead.id)
  if (!existing) throw new Error(`lead ${lead.id} (${input.email}) was refused as a duplicate but cannot be read`)
  return reuseExisting(deps, existing, input, actor)
}

/**
 * New leads an import writes together: 40 leads, the one audit event recording them and the counter are
 * 42 items (DynamoDB takes 100). Measured on DynamoDB Local, transactions of 33-50 items cost the least per
 * item; past ~60 the cost per item climbs again (decision 050).
 */
export const IMPORT_BATCH = 40

/**
 * Many leads at once (an import chunk). One read finds the addresses already stored (a re-upload, or
 * rows an interrupted attempt took in): those are answered as a repeat is. The new ones are written
 * IMPORT_BATCH per transaction, with one `leads_imported` audit event on the import naming each lead, its
 * address and its routing; each lead keeps the import's id. A batch that meets an address taken meanwhile
 * (a webhook, another import) is taken lead by lead through `ingestLead`, and an address repeated within
 * the call is taken after the first, so every lead's answer is what a single intake would give.
 */
export async function ingestMany(deps: IntakeDeps, inputs: IntakeLead[], source: LeadSource, actor: Actor, options: IntakeOptions & { importId: string }): Promise<IntakeResult[]> {
  const results: IntakeResult[] = new Array<IntakeResult>(inputs.length)
  const first = new Map<string, number>()
  const repeats: number[] = []
  inputs.forEach((input, i) => (first.has(input.email) ? repeats.push(i) : first.set(input.email, i)))
  const stored = new Map((await deps.leads.getMany([...first.keys()].map(leadIdFor))).map((l) => [l.id, l]))
  const fresh: number[] = []
  for (const [email, i] of first) {
    const lead = stored.get(leadIdFor(email))
    if (lead) results[i] = await reuseExisting(deps, lead, inputs[i]!, actor)
    else fresh.push(i)
  }
  for (let b = 0; b < fresh.length; b += IMPORT_BATCH) {
    const batch = fresh.slice(b, b + IMPORT_BATCH)
    const now = deps.clock.now()
    const leads: Lead[] = []
    for (const i of batch) leads.push((await routedNewLead(deps, inputs[i]!, source, now, options)).lead)
    if ((await deps.leads.insertMany(leads, [importedEvent(deps, leads, source, actor, options.importId, now)])) === 'created') {
      batch.forEach((i, k) => (results[i] = resultOf(leads[k]!, true)))
      continue
    }
    for (const i of batch) results[i] = await ingestLead(deps, inputs[i]!, source, actor, options)
  }
  for (const i of repeats) results[i] = await ingestLead(deps, inputs[i]!, source, actor, options)
  return results
}

/** The import's record of a batch of new leads: who, from where, and where each was routed. */
function importedEvent(deps: IntakeDeps, leads: Lead[], source: LeadSource, actor: Actor, importId: string, now: Date): AuditEvent {
  const routed = leads.filter((l) => l.campaignId).length
  return stampAuditEvent(
    {
      actor,
      entityType: 'import',
      entityId: importId,
      action: 'leads_imported',
      sentence: `Took in ${leads.length} new lead${leads.length === 1 ? '' : 's'} from ${source} (import ${importId}): ${routed} routed to a campaign, ${leads.length - routed} not; all held until the gate.`,
      details: { source, leads: leads.map((l) => ({ id: l.id, email: l.email, campaignId: l.campaignId, holdReason: l.holdReason })) },
    },
    deps.ids.next(),
    now,
  )
}

async function reuseExisting(deps: IntakeDeps, lead: Lead, input: IntakeLead, actor: Actor): Promise<IntakeResult> {
  if (lead.status !== 'held') return resultOf(lead, false)
  const changes = enrichmentChanges(lead.enrichment, input.enrichment)
  const keys = Object.keys(changes)
  if (keys.length === 0) return resultOf(lead, false)
  const merged = { ...lead.enrichment, ...Object.fromEntries(keys.map((k) => [k, changes[k]!.after])) }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'lead',
      entityId: lead.id,
      action: 'enrichment_updated',
      sentence: `Updated ${keys.length} enrichment field${keys.length === 1 ? '' : 's'} of held lead ${lead.email} (${keys.join(', ')}) from a repeated intake.`,
      details: { changes },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const updated = await deps.leads.updateEnrichment(lead, merged, event)
  if (updated === 'updated') return resultOf({ ...lead, enrichment: merged }, false)
  const current = await deps.leads.get(lead.id)
  return resultOf(current ?? lead, false)
}
