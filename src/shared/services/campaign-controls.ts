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
  leads: {
    nextActive(campaignId: string, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]>
    returnToHeld(lead: Lead, reason: string, event: AuditEvent): Promise<'held' | 'changed'>
  }
  sends: { get(campaignId: string, leadId: string): Promise<unknown> }
  /** Runs the gate over the campaign's held leads (after a Start or Resume they may now be let in). */
  admitHeld(campaignId: string): Promise<unknown>
  clock: Clock
  ids: IdSource
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
  const after: Campaign = { ...before, status: TO[control], pauseReason: control === 'pause' ? `paused by ${actor.id}` : null }
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
  if (control === 'start' || control === 'resume') {
    await deps.admitHeld(id)
    await deps.pulseQueue.enqueue({ campaignId: id, chainId }, 0)
  }
  if (control === 'abort') await returnUnsent(deps, actor, after)
  return { ok: true, status: after.status }
}

/** An automatic pause (SES paused or suspended sending): stops the chain, keeps the reason, audited. */
export async function pauseForReason(deps: Pick<ControlDeps, 'campaigns' | 'clock' | 'ids'>, id: string, reason: string): Promise<boolean> {
  const current = await deps.campaigns.get(id)
  if (!current || current.value.status !== 'active') return false
  const after: Campaign = { ...current.value, status: 'paused', pauseReason: reason }
  const event = stampAuditEvent(
    { actor: { type: 'system', id: 'send-loop' }, entityType: 'campaign', entityId: id, action: 'paused', signals: ['ses_refused'], sentence: `Paused campaign "${current.value.name}": ${reason}` },
    deps.ids.next(),
    deps.clock.now(),
  )
  return (await deps.campaigns.transition(after, current.version, event, current.value, { stopChain: true })) === 'saved'
}

/** After an abort, every queued lead that was not sent goes back to held, with the reason, so none is lost. */
async function returnUnsent(deps: ControlDeps, actor: Actor, campaign: Campaign): Promise<number> {
  const reason = `campaign "${campaign.name}" was aborted by ${actor.id}`
  let returned = 0
  let cursor: string | null = null
  for (;;) {
    const batch = await deps.leads.nextActive(campaign.id, cursor, 100)
    if (batch.length === 0) return returned
    for (const { lead, cursor: c } of batch) {
      cursor = c
      if (await deps.sends.get(campaign.id, lead.id)) continue
      const event = stampAuditEvent(
        { actor, entityType: 'lead', entityId: lead.id, action: 'returned_to_held', sentence: `Returned ${lead.email} to held: ${reason}; it was not sent.` },
        deps.ids.next(),
        deps.clock.now(),
      )
      if ((await deps.leads.returnToHeld(lead, reason, event)) === 'held') returned++
    }
  }
}
