import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { AccountBrake, Campaign, Domain, Lead, Mailbox } from '../domain/entities'
import { evaluateGate, type GateDecision, type GateInput } from '../domain/gate'
import { dayOf } from '../domain/metrics'
import type { Settings } from '../domain/settings'
import { localDay } from '../domain/sending-window'
import type { Clock, IdSource } from './ports'

export interface GateDeps {
  campaigns: { get(id: string): Promise<{ value: Campaign; version: number } | null>; list(): Promise<Campaign[]> }
  senders: { getMailbox(id: string): Promise<{ value: Mailbox } | null>; domains(): Promise<Domain[]> }
  leads: {
    heldOfCampaign(campaignId: string, limit: number): Promise<Lead[]>
    admit(lead: Lead, event: AuditEvent): Promise<'admitted' | 'changed'>
    /** `last`: held for a reason only a person can clear; it waits after the campaign's other held leads. */
    hold(lead: Lead, reason: string, event: AuditEvent, last?: boolean): Promise<'held' | 'changed'>
  }
  /** Sends counted today (UTC day for mailboxes and the account, the campaign's local day for it). */
  sendsOn(scope: 'overall' | 'campaign' | 'mailbox', id: string, day: string): Promise<number>
  suppression: { isSuppressed(email: string): Promise<boolean> }
  account: { brake(): Promise<AccountBrake | null> }
  settings(): Promise<Settings>
  /** Smartlead sender mode: its own gate and push (see smartlead-sender.ts); absent where not wired. */
  pushToSmartlead?(campaign: Campaign): Promise<{ admitted: number; held: number }>
  clock: Clock
  ids: IdSource
}

// One run looks at this many held leads per campaign: enough to keep any campaign's queue full
// (a day's cap is at most a few hundred) while a run's cost stays bounded whatever the backlog.
const LEADS_PER_RUN = 500

const GATE_ACTOR: Actor = { type: 'system', id: 'gate' }

/** The facts the gate needs about one campaign, read once per run. */
async function campaignFacts(deps: GateDeps, campaign: Campaign, now: Date): Promise<Omit<GateInput, 'suppressed'>> {
  const settings = await deps.settings()
  const today = dayOf(now)
  const [brake, domains, mailboxes, campaignSent, globalSent] = await Promise.all([
    deps.account.brake(),
    deps.senders.domains(),
    Promise.all(campaign.mailboxIds.map((id) => deps.senders.getMailbox(id))),
    deps.sendsOn('campaign', campaign.id, localDay(campaign.window.timeZone, now)),
    deps.sendsOn('overall', 'all', today),
  ])
  const pool = mailboxes.flatMap((m) => (m ? [m.value] : []))
  return {
    campaign: { status: campaign.status, dailyCap: campaign.dailyCap, sentToday: campaignSent, window: campaign.window },
    domainStatuses: Object.fromEntries(domains.map((d) => [d.id, d.status])),
    mailboxes: await Promise.all(pool.map(async (m) => ({ id: m.id, domainId: m.domainId, status: m.status, dailyCap: m.dailyCap, sentToday: await deps.sendsOn('mailbox', m.id, today) }))),
    global: { dailyCap: settings.sending.globalDailyCap, sentToday: globalSent },
    accountBrake: brake?.sentence ?? null,
    now,
  }
}

/** The hold reason a person reads: every failing condition, in one line. */
export function holdReasonOf(decision: Extract<GateDecision, { allow: false }>): string {
  return decision.reasons.map((r) => r.message.replace(/\.$/, '')).join('; ')
}

/**
 * Puts a campaign's held leads through the execution gate. Safe → the lead becomes active and queued;
 * unsafe → it stays held and the reason is recorded (and audited only when it changes, so a lead waiting
 * for the morning does not add an event every five minutes). Re-run by the scheduler, after a Start or
 * Resume (intake leaves a routed lead held "awaiting gate" for these runs: decision 015).
 */
export async function evaluateHeldLeads(deps: GateDeps, campaignId: string, onlyLeadId?: string): Promise<{ admitted: number; held: number }> {
  const found = await deps.campaigns.get(campaignId)
  if (!found) return { admitted: 0, held: 0 }
  const campaign = found.value
  if (campaign.sender.kind === 'smartlead') return deps.pushToSmartlead ? deps.pushToSmartlead(campaign) : { admitted: 0, held: 0 }
  const now = deps.clock.now()
  const leads = (await deps.leads.heldOfCampaign(campaignId, LEADS_PER_RUN)).filter((l) => !onlyLeadId || l.id === onlyLeadId)
  if (leads.length === 0) return { admitted: 0, held: 0 }
  const facts = await campaignFacts(deps, campaign, now)
  let admitted = 0
  let held = 0
  // A lead's place in the queue is the time of its admission (its event's `at`, see Lead.queuedAt). Each
  // takes its own, at its own write and strictly after the one before, never the run's start: the send loop
  // reads only places after its cursor, and may send a lead admitted a moment ago while this run goes on.
  // With one time for the whole run, places would tie and sort by lead id (a hash), so a lead admitted
  // later could sort before one already sent and stay queued forever (decision 018).
  let lastPlace = 0
  const nextPlace = (): Date => {
    lastPlace = Math.max(deps.clock.now().getTime(), lastPlace + 1)
    return new Date(lastPlace)
  }
  // When the campaign itself cannot take a lead now (outside its window, at a cap, no free mailbox, a
  // paused domain), every lead stays held whatever its address, so the suppression list is not asked once
  // per lead: a night outside the window cost up to 500 look-ups per campaign every 5 minutes, and a run
  // over many campaigns could outlast its 120 s. A lead already held for its address keeps that (and its
  // place at the back); the others are looked up once the campaign can send.
  const campaignOnly = evaluateGate({ ...facts, suppressed: false })
  for (const lead of leads) {
    const suppressed = campaignOnly.allow ? await deps.suppression.isSuppressed(lead.email) : Boolean(lead.heldLast)
    const decision = suppressed ? evaluateGate({ ...facts, suppressed }) : campaignOnly
    if (decision.allow) {
      const event = stampAuditEvent(
        {
          actor: GATE_ACTOR,
          entityType: 'lead',
          entityId: lead.id,
          action: 'admitted',
          sentence: `Let ${lead.email} into campaign "${campaign.name}": the gate passed, queued to send.`,
          details: { campaignId, mailboxAvailable: decision.mailboxId },
        },
        deps.ids.next(),
        nextPlace(),
      )
      if ((await deps.leads.admit(lead, event)) === 'admitted') admitted++
      continue
    }
    held++
    const reason = holdReasonOf(decision)
    // A suppressed address stays held for good (the list has no removal, decision 070): it moves after the
    // campaign's other held leads, since a run reads at most LEADS_PER_RUN of them, oldest first, and
    // enough of these at the front would keep every lead behind them from ever being looked at.
    const last = decision.reasons.some((r) => r.code === 'suppressed')
    if (reason === lead.holdReason && last === Boolean(lead.heldLast)) continue
    const event = stampAuditEvent(
      {
        actor: GATE_ACTOR,
        entityType: 'lead',
        entityId: lead.id,
        action: 'held',
        signals: decision.reasons.map((r) => r.code),
        sentence: `Kept ${lead.email} held for campaign "${campaign.name}": ${reason}.`,
        details: { campaignId, reasons: decision.reasons },
      },
      deps.ids.next(),
      now,
    )
    await deps.leads.hold(lead, reason, event, last)
  }
  return { admitted, held }
}

// The scheduled run comes every 5 minutes and may take 120 s; it starts no new campaign after this.
const RUN_EVERY_MS = 5 * 60_000
export const REEVALUATE_BUDGET_MS = 90_000

/**
 * The scheduled pass: every campaign that could send gets its held leads re-evaluated. Each run starts one
 * campaign further along the list (by the run's 5-minute slot) and starts no campaign after
 * REEVALUATE_BUDGET_MS: when many campaigns have long backlogs and a run cannot reach them all, it is not
 * always the same last ones that wait; each is first in its turn.
 */
export async function reevaluateAll(deps: GateDeps): Promise<{ campaigns: number; admitted: number; held: number }> {
  const listed = (await deps.campaigns.list()).filter((c) => c.status === 'active')
  const began = deps.clock.now().getTime()
  const first = listed.length ? Math.floor(began / RUN_EVERY_MS) % listed.length : 0
  const campaigns = [...listed.slice(first), ...listed.slice(0, first)]
  let admitted = 0
  let held = 0
  for (const c of campaigns) {
    if (deps.clock.now().getTime() - began >= REEVALUATE_BUDGET_MS) break
    const r = await evaluateHeldLeads(deps, c.id)
    admitted += r.admitted
    held += r.held
  }
  return { campaigns: campaigns.length, admitted, held }
}
