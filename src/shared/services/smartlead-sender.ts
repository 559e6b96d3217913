import { stampAuditEvent, type Actor, type AuditEvent, type NewAuditEvent } from '../domain/audit'
import type { AccountBrake, Campaign, Domain, Lead } from '../domain/entities'
import { gateCheckDue, smartleadGate, type SmartleadCampaign, type SmartleadEmailAccount, type SmartleadLeadInput } from '../domain/smartlead'
import type { AddLeadsResult, SmartleadClient } from '../adapters/smartlead.server'
import type { Clock, IdSource } from './ports'

/**
 * Smartlead sender mode: Drason stays the control plane and Smartlead sends. A routed lead passes the
 * same gate (campaign active here, account brake, suppression, a domain that is not paused) plus
 * Smartlead's own conditions (its campaign ACTIVE, an email account with working SMTP and room today),
 * then is pushed in batches and becomes `active`; what Smartlead refuses stays held with its reason.
 */

/** The integration's own state: a 401 pauses it until a person fixes the key (banner on every page). */
export interface IntegrationState {
  status: 'ok' | 'paused'
  reason: string | null
  at: string
}

export interface SmartleadDeps {
  /** The client, built on first use (most functions never talk to Smartlead); null without an API key. */
  smartlead(): Promise<SmartleadClient | null>
  integration: { get(): Promise<IntegrationState | null>; set(state: IntegrationState, event: AuditEvent): Promise<void> }
  leads: {
    heldOfCampaign(campaignId: string, limit: number): Promise<Lead[]>
    admit(lead: Lead, event: AuditEvent): Promise<'admitted' | 'changed'>
    /** `last`: held for good (suppressed, refused by Smartlead); it waits after the campaign's other held leads. */
    hold(lead: Lead, reason: string, event: AuditEvent, last?: boolean): Promise<'held' | 'changed'>
  }
  suppression: { isSuppressed(email: string): Promise<boolean> }
  senders: { domains(): Promise<Domain[]> }
  account: { brake(): Promise<AccountBrake | null> }
  clock: Clock
  ids: IdSource
}

const ACTOR: Actor = { type: 'integration', id: 'smartlead' }
// As many held leads per run as the gate service looks at: a bounded run, a backlog clears over runs.
const LEADS_PER_RUN = 500

const stamp = (deps: { clock: Clock; ids: IdSource }, e: NewAuditEvent) => stampAuditEvent(e, deps.ids.next(), deps.clock.now())

function leadInput(lead: Lead): SmartleadLeadInput {
  const [first, ...rest] = lead.fullName.trim().split(/\s+/)
  return {
    email: lead.email,
    ...(lead.firstName || first ? { first_name: lead.firstNameConfidence >= 0.5 ? lead.firstName : (first ?? '') } : {}),
    ...(rest.length ? { last_name: rest.join(' ') } : {}),
    ...(lead.company ? { company_name: lead.company } : {}),
  }
}

/** Accounts whose sending domain Drason has paused cannot take a lead, whatever Smartlead says. */
function withoutPausedDomains(accounts: SmartleadEmailAccount[], domains: Domain[]): { usable: SmartleadEmailAccount[]; paused: string[] } {
  const pausedNames = new Set(domains.filter((d) => d.status === 'paused').map((d) => d.name.toLowerCase()))
  const onPaused = (a: SmartleadEmailAccount) => pausedNames.has(a.fromEmail.slice(a.fromEmail.lastIndexOf('@') + 1).toLowerCase())
  return { usable: accounts.filter((a) => !onPaused(a)), paused: [...new Set(accounts.filter(onPaused).map((a) => a.fromEmail.slice(a.fromEmail.lastIndexOf('@') + 1)))] }
}

/** Why nothing can be pushed now, or null when Smartlead may take leads. */
async function smartleadBlock(deps: SmartleadDeps, client: SmartleadClient, externalId: string): Promise<{ reason: string; unauthorized?: boolean } | null> {
  const [campaign, accounts, domains] = await Promise.all([client.getCampaign(externalId), client.listEmailAccounts(externalId), deps.senders.domains()])
  if (!campaign.ok) return { reason: `Smartlead did not answer for campaign ${externalId}: ${campaign.message}`, unauthorized: campaign.reason === 'unauthorized' }
  if (!accounts.ok) return { reason: `Smartlead did not list the campaign's email accounts: ${accounts.message}`, unauthorized: accounts.reason === 'unauthorized' }
  const { usable, paused } = withoutPausedDomains(accounts.value, domains)
  const decision = smartleadGate(campaign.value as SmartleadCampaign, usable)
  if (decision.allow) return null
  const reasons = decision.reasons.map((r) => r.message.replace(/\.$/, ''))
  if (paused.length) reasons.push(`sender domain${paused.length === 1 ? '' : 's'} ${paused.join(', ')} ${paused.length === 1 ? 'is' : 'are'} paused in Drason`)
  return { reason: `${reasons.join('; ')}.` }
}

async function pauseIntegration(deps: SmartleadDeps, message: string): Promise<void> {
  const now = deps.clock.now().toISOString()
  const sentence = `Paused the Smartlead integration: Smartlead refused the API key (${message}). Set a valid SMARTLEAD_API_KEY, then resume the integration in Settings.`
  await deps.integration.set({ status: 'paused', reason: sentence, at: now }, stamp(deps, { actor: ACTOR, entityType: 'account', entityId: 'smartlead', action: 'integration_paused', signals: ['unauthorized'], sentence }))
}

/**
 * Held leads keep one reason; it is recorded (and audited) only when it changes. `last` is for reasons
 * that do not clear by waiting (a suppressed address, a lead Smartlead refused): such leads go after the
 * campaign's other held leads, as the gate does (decision 015), or enough of them at the front of the
 * 500 a run reads would keep the rest from ever being pushed.
 */
async function holdAll(deps: SmartleadDeps, leads: Lead[], reason: string, last = false): Promise<number> {
  let held = 0
  for (const lead of leads) {
    if (lead.holdReason === reason && Boolean(lead.heldLast) === last) {
      held++
      continue
    }
    const event = stamp(deps, { actor: ACTOR, entityType: 'lead', entityId: lead.id, action: 'held', sentence: `Held ${lead.email}: ${reason.replace(/\.$/, '')}.` })
    if ((await deps.leads.hold(lead, reason, event, last)) === 'held') held++
  }
  return held
}

/**
 * The gate and push for one Smartlead campaign's held leads. Safe → pushed in batches of at most 100 and
 * admitted (`active`); refused or unconfirmed → held with Smartlead's reason (pushed again next run:
 * Smartlead answers "already in campaign" for those it did take); a 401 pauses the integration.
 */
export async function pushHeldToSmartlead(deps: SmartleadDeps, campaign: Campaign): Promise<{ admitted: number; held: number; requests: number }> {
  if (campaign.sender.kind !== 'smartlead' || campaign.status !== 'active') return { admitted: 0, held: 0, requests: 0 }
  const leads = await deps.leads.heldOfCampaign(campaign.id, LEADS_PER_RUN)
  if (leads.length === 0) return { admitted: 0, held: 0, requests: 0 }
  const integration = await deps.integration.get()
  if (integration?.status === 'paused') return { admitted: 0, held: await holdAll(deps, leads, integration.reason ?? 'The Smartlead integration is paused.'), requests: 0 }
  const brake = await deps.account.brake()
  if (brake) return { admitted: 0, held: await holdAll(deps, leads, `All sending is paused: ${brake.sentence.replace(/\.$/, '')}.`), requests: 0 }
  const client = await deps.smartlead()
  if (!client) return { admitted: 0, held: await holdAll(deps, leads, 'No Smartlead API key is configured (SMARTLEAD_API_KEY).'), requests: 0 }

  const suppressed: Lead[] = []
  const candidates: Lead[] = []
  for (const lead of leads) (await deps.suppression.isSuppressed(lead.email) ? suppressed : candidates).push(lead)
  let held = await holdAll(deps, suppressed, 'The lead is on the suppression list.', true)
  if (candidates.length === 0) return { admitted: 0, held, requests: 0 }

  const externalId = campaign.sender.externalId
  const before = client.requestCount
  const block = await smartleadBlock(deps, client, externalId)
  if (block) {
    if (block.unauthorized) await pauseIntegration(deps, block.reason)
    return { admitted: 0, held: held + (await holdAll(deps, candidates, block.reason)), requests: client.requestCount - before }
  }
  // The campaign and its accounts are read again every few batches or minute (cached in between), so a
  // Smartlead campaign paused mid-push stops the rest without a status request per batch.
  let last = { checkedAt: deps.clock.now().getTime(), batchesSince: 0 }
  const result: AddLeadsResult = await client.addLeads(externalId, candidates.map(leadInput), {
    beforeBatch: async () => {
      const now = deps.clock.now().getTime()
      if (gateCheckDue(last, now)) {
        const again = await smartleadBlock(deps, client, externalId)
        last = { checkedAt: now, batchesSince: 0 }
        if (again) return { proceed: false, reason: again.reason }
      }
      last = { ...last, batchesSince: last.batchesSince + 1 }
      return { proceed: true }
    },
  })
  if (result.stopped?.reason === 'unauthorized') await pauseIntegration(deps, result.stopped.message)
  let admitted = 0
  const byEmail = new Map(candidates.map((l) => [l.email, l]))
  for (const outcome of result.leads) {
    const lead = byEmail.get(outcome.email)
    if (!lead) continue
    if (outcome.status === 'in_campaign') {
      const event = stamp(deps, {
        actor: ACTOR,
        entityType: 'lead',
        entityId: lead.id,
        action: 'admitted',
        sentence: `Pushed ${lead.email} to Smartlead campaign ${externalId} for "${campaign.name}": ${outcome.reason.replace(/\.$/, '')}.`,
        details: { campaignId: campaign.id, smartleadCampaignId: externalId, code: outcome.code },
      })
      if ((await deps.leads.admit(lead, event)) === 'admitted') admitted++
    } else if (outcome.status === 'rejected' || outcome.status === 'unconfirmed') {
      held += await holdAll(deps, [lead], outcome.reason, outcome.status === 'rejected')
    }
  }
  return { admitted, held, requests: client.requestCount - before }
}

/**
 * Drason's pause and resume reach Smartlead: PAUSED when a campaign (or its domain) is paused here, START
 * when it resumes. The outcome is audited either way, so a failure is visible and a person can act.
 */
export async function propagateCampaignStatus(deps: Pick<SmartleadDeps, 'smartlead' | 'clock' | 'ids'> & { audit: { append(e: AuditEvent): Promise<void> } }, campaign: Campaign, status: 'PAUSED' | 'START'): Promise<boolean> {
  if (campaign.sender.kind !== 'smartlead') return false
  const client = await deps.smartlead()
  const externalId = campaign.sender.externalId
  const result = client ? await client.setCampaignStatus(externalId, status) : ({ ok: false, reason: 'unconfigured', message: 'no Smartlead API key is configured' } as const)
  const verb = status === 'PAUSED' ? 'paused' : 'started'
  const sentence = result.ok
    ? `Set Smartlead campaign ${externalId} to ${status}: Drason ${verb === 'paused' ? 'paused' : 'resumed'} "${campaign.name}".`
    : `Could not set Smartlead campaign ${externalId} to ${status} (${result.message}). In Smartlead, open the campaign and ${status === 'PAUSED' ? 'pause' : 'start'} it by hand.`
  await deps.audit.append(stamp(deps, { actor: ACTOR, entityType: 'campaign', entityId: campaign.id, action: result.ok ? `smartlead_${verb}` : 'smartlead_status_failed', sentence }))
  return result.ok
}

/** A person resumes the Smartlead integration after fixing the key; audited. The next run pushes again. */
export async function resumeSmartleadIntegration(deps: Pick<SmartleadDeps, 'integration' | 'clock' | 'ids'>, actor: Actor): Promise<'resumed' | 'not_paused'> {
  const current = await deps.integration.get()
  if (current?.status !== 'paused') return 'not_paused'
  const sentence = `${actor.id} resumed the Smartlead integration (it had been paused: ${(current.reason ?? 'unknown').replace(/\.$/, '')}).`
  await deps.integration.set({ status: 'ok', reason: null, at: deps.clock.now().toISOString() }, stamp(deps, { actor, entityType: 'account', entityId: 'smartlead', action: 'integration_resumed', sentence }))
  return 'resumed'
}
