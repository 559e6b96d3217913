import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign, CampaignStatus, Lead } from '../domain/entities'
import type { Clock, IdSource } from './ports'

export const CONTROLS = ['start', 'pause', 'resume', 'abort'] as const
export type Control = (typeof CONTROLS)[number]

/** Which statuses each control applies to, and where it leads. Policy as data. */
const FROM: Record<Control, readonly CampaignStatus[]> = {
  start: ['draft'],
  resume: ['paused'],
  pause: ['active'],
  abort: ['draft', 'active', 'paused'],
}
const TO: Record<Control, CampaignStatus> = { start: 'active', resume: 'active', pause: 'paused', abort: 'aborted' }
const PAST: Record<Control, string> = { start: 'started', resume: 'resumed', pause: 'paused', abort: 'aborted' }

export interface ControlStore {
  get(id: string): Promise<{ value: Campaign; version: number } | null>
  transition(campaign: Campaign, expectedVersion: number, event: AuditEvent, previous: Campaign, chain: { startChain: string } | { stopChain: true }): Promise<'saved' | 'conflict'>
}
/** Hands a pulse to the send-pulse queue (a standard SQS queue: it takes per-message delays). */
export interface PulseQueue {
  enqueue(pulse: { campaignId: string; chainId: string; token?: string; attempt?: number }, delaySeconds: number): Promise<void>
}
export interface ControlDeps {
  campaigns: ControlStore
  pulseQueue: PulseQueue
  leads: CampaignLeadMoves & {
    returnToHeld(lead: Lead, reason: string, event: AuditEvent): Promise<'held' | 'changed'>
    /** Done in its campaign (it has a send): active or paused -> completed. */
    complete(lead: Lead): Promise<'moved' | 'changed'>
  }
  sends: { get(campaignId: string, leadId: string): Promise<unknown> }
  /** Tells the external sender (Smartlead) about a pause or resume; absent where not wired. */
  senderStatus?(campaign: Campaign, status: 'PAUSED' | 'START'): Promise<unknown>
  /** Runs the gate over the campaign's held leads (after a Start or Resume they may now be let in). */
  admitHeld(campaignId: string): Promise<unknown>
  clock: Clock
  ids: IdSource
}

/** The lead moves a campaign's pause and resume make. */
export interface CampaignLeadMoves {
  nextActive(campaignId: string, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]>
  nextPaused(campaignId: string, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]>
  pauseQueued(lead: Lead, reason: string, event: AuditEvent): Promise<'moved' | 'changed'>
  resumePaused(lead: Lead, event: AuditEvent): Promise<'moved' | 'changed'>
}

type MoveDeps = { leads: CampaignLeadMoves; clock: Clock; ids: IdSource }

/**
 * Leads a Pause, Resume or Abort moves within its own request. Each move is one transaction (~10-20 ms
 * in AWS), so a queue of thousands moved in the request outlasted the function's 30 s: the person saw an
 * error although the campaign had changed, and the rest of the queue stayed where it was. The request
 * moves this many; the 5-minute scheduled run moves the rest (`finishControls`), up to SCHEDULED_MOVES a
 * campaign each time. A paused campaign's chain stops at once either way: moving its leads only keeps
 * the counts and the lists true.
 */
export const IN_REQUEST_MOVES = 300
export const SCHEDULED_MOVES = 1000

/**
 * Moves leads of a campaign from one status to the other, page by page, at most `limit`: each moved lead
 * leaves the partition it was read from, so every page starts from the front again; a page where nothing
 * moved (another process got there first) ends it.
 */
async function moveAll(deps: MoveDeps, campaign: Campaign, from: 'active' | 'paused', move: (lead: Lead) => Promise<'moved' | 'changed'>, limit: number): Promise<number> {
  let moved = 0
  while (moved < limit) {
    const batch = await (from === 'active' ? deps.leads.nextActive(campaign.id, null, Math.min(100, limit - moved)) : deps.leads.nextPaused(campaign.id, null, Math.min(100, limit - moved)))
    let progress = 0
    for (const { lead } of batch) if ((await move(lead)) === 'moved') progress++
    moved += progress
    if (progress === 0) break
  }
  return moved
}

/** A paused campaign's queued leads move active → paused, keeping their place; each is audited. */
export function pauseCampaignLeads(deps: MoveDeps, campaign: Campaign, actor: Actor, reason: string, limit = IN_REQUEST_MOVES): Promise<number> {
  return moveAll(
    deps,
    campaign,
    'active',
    (lead) =>
      deps.leads.pauseQueued(
        lead,
        reason,
        stampAuditEvent({ actor, entityType: 'lead', entityId: lead.id, action: 'paused', sentence: `Paused ${lead.email} in campaign "${campaign.name}": ${reason.replace(/\.$/, '')}.` }, deps.ids.next(), deps.clock.now()),
      ),
    limit,
  )
}

/** A resumed campaign's paused leads move back to active at the place they had. */
export function resumeCampaignLeads(deps: MoveDeps, campaign: Campaign, actor: Actor, limit = IN_REQUEST_MOVES, why = `${actor.id} resumed the campaign`): Promise<number> {
  return moveAll(
    deps,
    campaign,
    'paused',
    (lead) =>
      deps.leads.resumePaused(
        lead,
        stampAuditEvent({ actor, entityType: 'lead', entityId: lead.id, action: 'resumed', sentence: `Resumed ${lead.email} in campaign "${campaign.name}": ${why}.` }, deps.ids.next(), deps.clock.now()),
      ),
    limit,
  )
}

export type ControlResult = { ok: true; status: CampaignStatus } | { ok: false; status: 404 | 409; message: string }

/**
 * Start, Pause, Resume, Abort. A status change and the pulse chain change in one transaction guarded
 * by the campaign's version and by "no chain running", so two Start (or Resume) clicks at the same
 * moment create exactly one chain; the other is told the campaign already changed. Pause and Abort stop
 * the chain: a pulse already queued ends at its first check, before any send.
 */
export async function controlCampaign(deps: ControlDeps, actor: Actor, id: string, control: Control): Promise<ControlResult> {
  const current = await deps.campaigns.get(id)
  if (!current) return { ok: false, status: 404, message: 'That campaign does not exist.' }
  const before = current.value
  if (!FROM[control].includes(before.status)) {
    // "An active campaign", "an aborted campaign": the article follows the status word.
    const article = /^[aeiou]/.test(before.status) ? 'An' : 'A'
    return { ok: false, status: 409, message: `${article} ${before.status} campaign cannot be ${PAST[control]}.` }
  }
  const now = deps.clock.now().toISOString()
  const after: Campaign = {
    ...before,
    status: TO[control],
    pauseReason: control === 'pause' ? `paused by ${actor.id}` : null,
    pausedBy: control === 'pause' ? actor.id : null,
    ...(control === 'resume' ? { resumedAt: now } : {}),
  }
  const chainId = deps.ids.next()
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'campaign',
      entityId: id,
      action: PAST[control],
      sentence: `${actor.id} ${PAST[control]} campaign "${before.name}" (${before.status} → ${after.status}).`,
      details: { from: before.status, to: after.status, ...(control === 'start' || control === 'resume' ? { chainId } : {}) },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const chain = control === 'start' || control === 'resume' ? { startChain: chainId } : { stopChain: true as const }
  const saved = await deps.campaigns.transition(after, current.version, event, before, chain)
  if (saved === 'conflict') {
    return { ok: false, status: 409, message: 'The campaign changed at the same moment (another click or another person). Reload to see its state.' }
  }
  await deps.senderStatus?.(after, control === 'start' || control === 'resume' ? 'START' : 'PAUSED')
  if (control === 'pause') await pauseCampaignLeads(deps, after, actor, `${actor.id} paused the campaign`)
  if (control === 'resume') await resumeCampaignLeads(deps, after, actor)
  if (control === 'start' || control === 'resume') {
    await deps.admitHeld(id)
    await deps.pulseQueue.enqueue({ campaignId: id, chainId }, 0)
  }
  if (control === 'abort') await returnUnsent(deps, actor, after, `campaign "${after.name}" was aborted by ${actor.id}`)
  return { ok: true, status: after.status }
}

/** An automatic pause (SES paused or suspended sending): stops the chain, keeps the reason, audited. */
export async function pauseForReason(deps: Pick<ControlDeps, 'campaigns' | 'leads' | 'senderStatus' | 'clock' | 'ids'>, id: string, reason: string): Promise<boolean> {
  const current = await deps.campaigns.get(id)
  if (!current || current.value.status !== 'active') return false
  const after: Campaign = { ...current.value, status: 'paused', pauseReason: reason, pausedBy: 'send-loop' }
  const event = stampAuditEvent(
    { actor: { type: 'system', id: 'send-loop' }, entityType: 'campaign', entityId: id, action: 'paused', signals: ['ses_refused'], sentence: `Paused campaign "${current.value.name}": ${reason}` },
    deps.ids.next(),
    deps.clock.now(),
  )
  if ((await deps.campaigns.transition(after, current.version, event, current.value, { stopChain: true })) !== 'saved') return false
  await deps.senderStatus?.(after, 'PAUSED')
  await pauseCampaignLeads(deps, after, { type: 'system', id: 'send-loop' }, reason)
  return true
}

/**
 * After an abort, every queued lead that was not sent goes back to held, with the reason, so none is lost;
 * one that has a send (its completion was lost) is completed: it is done in this campaign. At most `limit`
 * leads are handled; the scheduled run finishes the rest (`finishControls`).
 */
async function returnUnsent(deps: ControlDeps, actor: Actor, campaign: Campaign, reason: string, limit = IN_REQUEST_MOVES): Promise<number> {
  let returned = 0
  // A Smartlead campaign's queued leads were handed to Smartlead, which keeps no send of Drason's: it may
  // have sent them. Say so, rather than "not sent", so nobody sends them again unawares.
  const handedTo = campaign.sender.kind === 'smartlead' ? `it was handed to Smartlead campaign ${campaign.sender.externalId}, which may have sent it` : null
  const giveBack = async (lead: Lead): Promise<'moved' | 'changed'> => {
    if (await deps.sends.get(campaign.id, lead.id)) return deps.leads.complete(lead)
    const event = stampAuditEvent(
      { actor, entityType: 'lead', entityId: lead.id, action: 'returned_to_held', sentence: `Returned ${lead.email} to held: ${reason}; ${handedTo ?? 'it was not sent'}.` },
      deps.ids.next(),
      deps.clock.now(),
    )
    if ((await deps.leads.returnToHeld(lead, handedTo ? `${reason}; ${handedTo}` : reason, event)) !== 'held') return 'changed'
    returned++
    return 'moved'
  }
  // Leads still queued, and those a pause had set aside (paused), go back to held.
  const moved = await moveAll(deps, campaign, 'active', giveBack, limit)
  await moveAll(deps, campaign, 'paused', giveBack, limit - moved)
  return returned
}

/**
 * The scheduled run finishes what a Pause, Resume or Abort left: each moves at most IN_REQUEST_MOVES
 * leads in its request, a request can be cut short anyway, and a lead admitted a moment before the
 * control may not yet have been in the index it read. Every 5 minutes each campaign's lists are brought in
 * line with its status (one Query per list, half a unit when there is nothing to move), up to
 * SCHEDULED_MOVES leads a campaign: a paused campaign's queued leads are paused, an active campaign's
 * paused leads go back to the queue at their place, and an aborted campaign's leads go back to held (or
 * are completed if they were sent). Audited as the system's `gate`.
 */
export async function finishControls(deps: ControlDeps, campaigns: Campaign[]): Promise<{ paused: number; resumed: number; returned: number }> {
  const done = { paused: 0, resumed: 0, returned: 0 }
  const gate = { type: 'system', id: 'gate' } as const
  for (const listed of campaigns) {
    // Read again right before acting: a person's Pause or Resume since the list was read must win.
    const campaign = (await deps.campaigns.get(listed.id))?.value
    if (!campaign) continue
    if (campaign.status === 'paused') done.paused += await pauseCampaignLeads(deps, campaign, gate, campaign.pauseReason ?? 'the campaign is paused', SCHEDULED_MOVES)
    else if (campaign.status === 'active') done.resumed += await resumeCampaignLeads(deps, campaign, gate, SCHEDULED_MOVES, 'the campaign was resumed')
    else if (campaign.status === 'aborted') done.returned += await returnUnsent(deps, gate, campaign, `campaign "${campaign.name}" was aborted`, SCHEDULED_MOVES)
  }
  return done
}
