import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign, Domain, Mailbox } from '../domain/entities'
import { evaluateHealth, rebase, type Baseline, type DayTotals, type HealthAction, type SignalWindow } from '../domain/health'
import { lastDays, type Counters, type DayCounter } from '../domain/metrics'
import type { Settings } from '../domain/settings'
import { engageAccountBrake, type AccountBrakeStore } from './account-brake'
import { pauseCampaignLeads, type CampaignLeadMoves } from './campaign-controls'
import type { Clock, IdSource } from './ports'


export type CampaignTransition = (
  campaign: Campaign,
  expectedVersion: number,
  event: AuditEvent,
  previous: Campaign,
  chain: { startChain: string } | { stopChain: true },
) => Promise<'saved' | 'conflict'>

export interface HealthDeps {
  senders: {
    domains(): Promise<Domain[]>
    mailboxesOf(domainId: string): Promise<Mailbox[]>
    getMailbox(id: string): Promise<{ value: Mailbox; version: number } | null>
    getDomain(id: string): Promise<{ value: Domain; version: number } | null>
    saveMailbox(m: Mailbox, expectedVersion: number, event: AuditEvent, previous: Mailbox | null): Promise<'saved' | 'conflict'>
    saveDomain(d: Domain, expectedVersion: number, event: AuditEvent, previous: Domain | null): Promise<'saved' | 'conflict'>
  }
  campaigns: { list(): Promise<Campaign[]>; get(id: string): Promise<{ value: Campaign; version: number } | null>; transition: CampaignTransition }
  feedback: { window(mailboxId: string): Promise<{ window: SignalWindow; version: number }> }
  metrics: { days(scope: 'overall' | 'domain', id: string, days: string[]): Promise<Counters<DayCounter>[]> }
  account: AccountBrakeStore
  leads: CampaignLeadMoves
  settings(): Promise<Settings>
  /** Tells the external sender (Smartlead) that a campaign was paused; absent where not wired. */
  senderStatus?(campaign: Campaign, status: 'PAUSED' | 'START'): Promise<unknown>
  clock: Clock
  ids: IdSource
}

const HEALTH: Actor = { type: 'system', id: 'health' }

const totals = (days: string[], counters: Counters<DayCounter>[]): DayTotals[] =>
  days.map((day, i) => ({ day, sends: counters[i]!.sends, hardBounces: counters[i]!.hard_bounces, complaints: counters[i]!.complaints }))

/** Pauses an active campaign for a health reason: status, chain and audit together, then its queued leads. */
export async function pauseCampaignFor(
  deps: Pick<HealthDeps, 'campaigns' | 'leads' | 'senderStatus' | 'clock' | 'ids'>,
  id: string,
  pause: { sentence: string; signals: string[]; pausedBy: string; value?: number; threshold?: number; window?: string },
): Promise<boolean> {
  const current = await deps.campaigns.get(id)
  if (!current || current.value.status !== 'active') return false
  const after: Campaign = { ...current.value, status: 'paused', pauseReason: pause.sentence, pausedBy: pause.pausedBy }
  const event = stampAuditEvent(
    {
      actor: HEALTH,
      entityType: 'campaign',
      entityId: id,
      action: 'paused',
      signals: pause.signals,
      ...(pause.value !== undefined ? { value: pause.value } : {}),
      ...(pause.threshold !== undefined ? { threshold: pause.threshold } : {}),
      ...(pause.window ? { window: pause.window } : {}),
      sentence: pause.sentence,
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  if ((await deps.campaigns.transition(after, current.version, event, current.value, { stopChain: true })) !== 'saved') return false
  await deps.senderStatus?.(after, 'PAUSED')
  await pauseCampaignLeads(deps, after, HEALTH, pause.sentence)
  return true
}

function actionEvent(deps: HealthDeps, action: HealthAction, entityType: 'mailbox' | 'domain', verb: string): AuditEvent {
  const f = action.finding
  return stampAuditEvent(
    {
      actor: HEALTH,
      entityType,
      entityId: action.entity === 'account' ? 'all' : action.id,
      action: verb,
      ...(f ? { signals: [f.signal], value: f.value, threshold: f.threshold, window: f.window } : {}),
      sentence: action.sentence,
    },
    deps.ids.next(),
    deps.clock.now(),
  )
}

const VERB = { paused: 'paused', warning: 'health_warning', healthy: 'health_recovered' } as const

/**
 * Whether an entity re-read at save time is still what the run decided from. The run decides from a
 * snapshot (the index reads behind domains() and mailboxesOf() are eventually consistent) and runs overlap
 * (every hard bounce and complaint starts one, beside the schedule): saving against the re-read version
 * alone would let a run that saw an older state overwrite a newer one, e.g. turn a domain another run just
 * paused back into a warning. A changed entity is left to the next run, which sees it as it is.
 */
const sameMailbox = (seen: Mailbox, now: Mailbox) => seen.status === now.status && seen.healthState === now.healthState && (seen.healthChangedAt ?? null) === (now.healthChangedAt ?? null)
const sameDomain = (seen: Domain, now: Domain) => seen.status === now.status && (seen.resumedAt ?? null) === (now.resumedAt ?? null)

/**
 * The health run (every 5 minutes, and at once after a hard bounce or complaint): reads every mailbox's
 * window, every domain's and the account's recent day counters — a fixed number of reads per entity, so its
 * cost grows with the number of mailboxes and the days in the window, never with history — and applies
 * what the policy decides. A write that loses a race (someone edited the entity) is left to the next run.
 */
export async function runHealth(deps: HealthDeps): Promise<HealthAction[]> {
  const settings = await deps.settings()
  const now = deps.clock.now()
  const at = now.toISOString()
  const domains = (await deps.senders.domains())
  const mailboxes = (await Promise.all(domains.map((d) => deps.senders.mailboxesOf(d.id)))).flat()
  // Counters are kept by UTC day, so "the last 7 days" read as 7 calendar days would cover 6 days and a
  // few minutes just after midnight: one more day is read, so every event of the last 7 x 24 hours counts
  // (erring toward a pause, never away from one). The account reads as far back as its longer window.
  const domainDays = lastDays(now, settings.domain.rateWindowDays + 1)
  const accountDays = lastDays(now, Math.max(settings.account.rateWindowDays, settings.account.smallVolumeWindowDays) + 1)
  const [windows, domainCounters, accountCounters, campaigns, brake] = await Promise.all([
    Promise.all(mailboxes.map((m) => deps.feedback.window(m.id))),
    Promise.all(domains.map((d) => deps.metrics.days('domain', d.id, domainDays))),
    deps.metrics.days('overall', 'all', accountDays),
    deps.campaigns.list(),
    deps.account.brake(),
  ])
  const released = (await accountReleaseBaseline(deps)) ?? null
  const actions = evaluateHealth({
    settings,
    now,
    mailboxes: mailboxes.map((m, i) => ({ id: m.id, address: m.address, domainId: m.domainId, status: m.status, healthState: m.healthState, healthChangedAt: m.healthChangedAt ?? null, window: windows[i]!.window })),
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name, status: c.status, mailboxIds: c.mailboxIds, resumedAt: c.resumedAt ?? null })),
    domains: domains.map((d, i) => ({ id: d.id, name: d.name, status: d.status, resumedAt: d.resumedAt ?? null, days: rebase(totals(domainDays, domainCounters[i]!), d.baseline) })),
    account: { braked: brake !== null, days: rebase(totals(accountDays, accountCounters), released) },
  })

  for (const action of actions) {
    switch (action.entity) {
      case 'mailbox': {
        const current = await deps.senders.getMailbox(action.id)
        const seen = mailboxes.find((m) => m.id === action.id)
        if (!current || !seen || !sameMailbox(seen, current.value)) break
        const before = current.value
        // Automatic changes only tighten: a health pause is undone by a person, never by a run.
        if (before.healthState === 'paused' && action.to !== 'paused') break
        // Smartlead's API cannot pause one email account: the sentence tells a person what to do there.
        const inSmartlead = action.to === 'paused' && campaigns.some((c) => c.sender.kind === 'smartlead' && c.mailboxIds.includes(before.id))
        const told = inSmartlead
          ? { ...action, sentence: `${action.sentence} Smartlead cannot pause a single email account through its API: in Smartlead, open Email Accounts, find ${before.address} and pause it (or remove it from the campaign).` }
          : action
        const after: Mailbox = {
          ...before,
          healthState: action.to,
          healthChangedAt: at,
          ...(action.to === 'paused' ? { status: 'paused' as const, pauseReason: told.sentence } : {}),
        }
        await deps.senders.saveMailbox(after, current.version, actionEvent(deps, told, 'mailbox', VERB[action.to]), before)
        break
      }
      case 'campaign':
        await pauseCampaignFor(deps, action.id, {
          sentence: action.sentence,
          signals: [action.finding.signal],
          pausedBy: 'health',
          value: action.finding.value,
          threshold: action.finding.threshold,
          window: action.finding.window,
        })
        break
      case 'domain': {
        const current = await deps.senders.getDomain(action.id)
        const seen = domains.find((d) => d.id === action.id)
        if (!current || !seen || !sameDomain(seen, current.value)) break
        if (current.value.status === 'paused') break
        if (action.to === 'paused') {
          // Every campaign sending from the domain stops too: the domain is the last resort. They stop before
          // the domain is saved as paused, so a run that fails part-way (a throttled write) leaves the domain as
          // it was and the next run decides the same pause and stops the rest; saved first, the next run would
          // skip the paused domain and its remaining campaigns would keep sending.
          const ids = new Set(mailboxes.filter((m) => m.domainId === action.id).map((m) => m.id))
          for (const campaign of campaigns.filter((c) => c.status === 'active' && c.mailboxIds.some((id) => ids.has(id)))) {
            // The domain's finding is the campaign's reason: PRODUCT wants value, threshold and window on every automatic pause.
            await pauseCampaignFor(deps, campaign.id, {
              sentence: `Paused campaign "${campaign.name}": it sends from domain ${current.value.name}, which was paused (${action.finding?.text ?? 'health'}).`,
              signals: ['domain_paused', ...(action.finding ? [action.finding.signal] : [])],
              pausedBy: `domain:${action.id}`,
              ...(action.finding ? { value: action.finding.value, threshold: action.finding.threshold, window: action.finding.window } : {}),
            })
          }
        }
        const after: Domain = { ...current.value, status: action.to, pauseReason: action.to === 'healthy' ? null : action.sentence, healthChangedAt: at }
        await deps.senders.saveDomain(after, current.version, actionEvent(deps, action, 'domain', VERB[action.to]), current.value)
        break
      }
      case 'account':
        await engageAccountBrake(deps, {
          actor: HEALTH,
          signal: action.finding.signal,
          sentence: action.sentence,
          value: action.finding.value,
          threshold: action.finding.threshold,
          window: action.finding.window,
        })
        break
    }
  }
  return actions
}

/** The day counters a person's release of the brake saw, so the account starts counting afresh. */
async function accountReleaseBaseline(deps: HealthDeps): Promise<Baseline | null> {
  const state = await deps.account.state()
  return state && !state.engaged ? (state.baseline ?? null) : null
}
