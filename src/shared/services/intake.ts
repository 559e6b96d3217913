import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Lead, LeadSource, RoutingRule } from '../domain/entities'
import { enrichmentChanges, newHeldLead, type IntakeLead } from '../domain/lead-intake'
import { route } from '../domain/routing'
import type { Clock, IdSource } from './ports'

/** Ports intake needs. */
export interface IntakeLeadStore {
  insert(lead: Lead, event: AuditEvent): Promise<'created' | 'duplicate'>
  get(id: string): Promise<Lead | null>
  idForEmail(email: string): Promise<string | null>
  /** Optional: several new leads in one write; `duplicate` means nothing was written. */
  insertMany?(batch: { lead: Lead; event: AuditEvent }[]): Promise<'created' | 'duplicate'>
  /** Replaces a held lead's enrichment (only while it is still held), with its audit event. */
  updateEnrichment(lead: Lead, enrichment: Record<string, string>, event: AuditEvent): Promise<'updated' | 'not_held'>
}
export interface RuleSource {
  get(): Promise<{ rules: RoutingRule[]; version: number }>
}

export interface IntakeDeps {
  leads: IntakeLeadStore
  routing: RuleSource
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

function resultOf(lead: Lead, created: boolean): IntakeResult {
  return { id: lead.id, status: lead.status, campaign_id: lead.campaignId, reason: lead.holdReason, created }
}

/**
 * Takes one validated lead in: creates it held and healthy, routes it, and records why it is held. The
 * same address again (Clay retries, re-runs, a re-uploaded file) creates nothing and answers the existing
 * lead; a held lead's enrichment takes the new non-empty values (decision 012), anything past held is
 * never changed by intake.
 */
/** Builds a new held lead, routed, with its `ingested` audit event (nothing is written here). */
async function prepareNewLead(deps: IntakeDeps, input: IntakeLead, source: LeadSource, actor: Actor, options: { campaignId?: string }): Promise<{ lead: Lead; event: AuditEvent }> {
  const now = deps.clock.now()
  const lead = newHeldLead(input, source, deps.ids.next(), now)
  let routedBy: string
  if (options.campaignId) {
    lead.campaignId = options.campaignId
    lead.holdReason = AWAITING_GATE
    routedBy = `assigned to campaign ${options.campaignId} by the import`
  } else {
    const decision = route((await deps.routing.get()).rules, lead)
    lead.campaignId = decision.matched ? decision.campaignId : null
    lead.holdReason = decision.matched ? AWAITING_GATE : decision.reason
    routedBy = decision.matched ? `${decision.reason}, campaign ${decision.campaignId}` : decision.reason
  }
  const greeting = input.firstName ? `greeting "${input.firstName}" (${Math.round(input.firstNameConfidence * 100)}%: ${input.firstNameReason})` : `no greeting name (${input.firstNameReason})`
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'lead',
      entityId: lead.id,
      action: 'ingested',
      sentence: `Took in ${lead.email} from ${source}: ${routedBy}; held: ${lead.holdReason}.`,
      details: { source, campaignId: lead.campaignId, greeting, persona: lead.persona, leadScore: lead.leadScore },
    },
    deps.ids.next(),
    now,
  )
  return { lead, event }
}

export async function ingestLead(
  deps: IntakeDeps,
  input: IntakeLead,
  source: LeadSource,
  actor: Actor,
  options: { campaignId?: string } = {},
): Promise<IntakeResult> {
  // No lookup first: the insert's address claim is the check (one round trip fewer for every new lead,
  // which is most of them); a repeat finds its lead when the claim refuses.
  const { lead, event } = await prepareNewLead(deps, input, source, actor, options)
  const written = await deps.leads.insert(lead, event)
  if (written === 'duplicate') {
    // The address belongs to a lead already (a repeat, or a concurrent request): answer with that lead.
    const raced = await deps.leads.idForEmail(input.email)
    if (raced) return reuseExisting(deps, raced, input, actor)
    throw new Error(`lead ${input.email} was reported as a duplicate but has no owner`)
  }
  return resultOf(lead, true)
}

// Leads written together by an import: 25 leads are 76 transaction items, inside DynamoDB's 100.
export const INGEST_BATCH = 25

/**
 * Many leads at once (an import chunk): new addresses are written together, a batch per transaction.
 * A batch that meets an address already taken (a re-upload, a repeat within the file) is taken lead by
 * lead instead, through `ingestLead`, so the answer for each lead is exactly what a single intake gives.
 */
export async function ingestMany(deps: IntakeDeps, inputs: IntakeLead[], source: LeadSource, actor: Actor, options: { campaignId?: string } = {}): Promise<IntakeResult[]> {
  const insertMany = deps.leads.insertMany
  if (!insertMany) {
    const one: IntakeResult[] = []
    for (const input of inputs) one.push(await ingestLead(deps, input, source, actor, options))
    return one
  }
  const results: IntakeResult[] = []
  for (let i = 0; i < inputs.length; i += INGEST_BATCH) {
    const batch = inputs.slice(i, i + INGEST_BATCH)
    const emails = new Set(batch.map((b) => b.email))
    // The same address twice in one batch cannot go in one transaction: take that batch one by one.
    if (emails.size === batch.length) {
      const prepared = await Promise.all(batch.map((input) => prepareNewLead(deps, input, source, actor, options)))
      if ((await insertMany(prepared)) === 'created') {
        results.push(...prepared.map((p) => resultOf(p.lead, true)))
        continue
      }
    }
    for (const input of batch) results.push(await ingestLead(deps, input, source, actor, options))
  }
  return results
}

async function reuseExisting(deps: IntakeDeps, id: string, input: IntakeLead, actor: Actor): Promise<IntakeResult> {
  const lead = await deps.leads.get(id)
  if (!lead) throw new Error(`email claim points at missing lead ${id}`)
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
  const current = await deps.leads.get(id)
  return resultOf(current ?? lead, false)
}
