import { stampAuditEvent, type Actor } from '../domain/audit'
import type { Campaign, Domain, Mailbox } from '../domain/entities'
import { mailboxHealth, type SignalWindow } from '../domain/health'
import { dayOf, lastDays, type Counters, type DayCounter } from '../domain/metrics'
import type { Settings } from '../domain/settings'
import { controlCampaign, type ControlDeps } from './campaign-controls'
import type { HealthDeps } from './health'

/**
 * A person resumes what the health policy (or another person) paused: a mailbox, a domain or a campaign.
 * Each resume is audited, starts the entity's counting afresh (see health.ts), and comes with a warning
 * when the cause that paused it is still there, shown before the person confirms.
 */
export interface ResumeDeps extends ControlDeps {
  campaigns: ControlDeps['campaigns'] & { list(): Promise<Campaign[]> }
  senders: HealthDeps['senders']
  feedback: { window(mailboxId: string): Promise<{ window: SignalWindow; version: number }>; resetWindow(mailboxId: string): Promise<void> }
  metrics: { days(scope: 'domain', id: string, days: string[]): Promise<Counters<DayCounter>[]> }
  settings(): Promise<Settings>
}

export type ResumeResult = { ok: true; warning: string | null } | { ok: false; status: 404 | 409; message: string }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** What still stands against a mailbox: its window, read as if it had not been resumed. */
export async function mailboxResumeWarning(deps: Pick<ResumeDeps, 'feedback' | 'settings'>, mailbox: Mailbox): Promise<string | null> {
  const [{ window }, settings] = await Promise.all([deps.feedback.window(mailbox.id), deps.settings()])
  const { state, finding } = mailboxHealth(window, settings)
  if (state === 'healthy' || !finding) return null
  return `The cause is still present: ${finding.text}. Resuming starts its count afresh, so it will be paused again only by new bounces.`
}

/** A domain's paused mailboxes (those stay paused when the domain resumes). */
export async function domainResumeWarning(deps: Pick<ResumeDeps, 'senders'>, domain: Domain): Promise<string | null> {
  const mailboxes = await deps.senders.mailboxesOf(domain.id)
  const paused = mailboxes.filter((m) => m.status === 'paused')
  if (paused.length === 0) return null
  return `${plural(paused.length, 'mailbox', 'mailboxes')} of ${domain.name} ${paused.length === 1 ? 'is' : 'are'} still paused (${paused.map((m) => m.address).join(', ')}); they stay paused until resumed one by one.`
}

/** A campaign's pool that is still degraded, or its domains still paused. */
export async function campaignResumeWarning(deps: Pick<ResumeDeps, 'senders'>, campaign: Campaign): Promise<string | null> {
  const pool = (await Promise.all(campaign.mailboxIds.map((id) => deps.senders.getMailbox(id)))).flatMap((m) => (m ? [m.value] : []))
  const domains = await deps.senders.domains()
  const pausedDomains = domains.filter((d) => d.status === 'paused' && pool.some((m) => m.domainId === d.id))
  const degraded = pool.filter((m) => m.healthState !== 'healthy')
  const parts: string[] = []
  if (degraded.length > 0) parts.push(`${degraded.length} of its ${plural(pool.length, 'mailbox', 'mailboxes')} ${degraded.length === 1 ? 'is' : 'are'} still degraded (${degraded.map((m) => `${m.address}: ${m.healthState}`).join(', ')})`)
  if (pausedDomains.length > 0) parts.push(`its sender domain${pausedDomains.length === 1 ? ' is' : 's are'} still paused (${pausedDomains.map((d) => d.name).join(', ')})`)
  return parts.length ? `The cause is still present: ${parts.join('; ')}.` : null
}

export async function resumeMailbox(deps: ResumeDeps, actor: Actor, id: string): Promise<ResumeResult> {
  const current = await deps.senders.getMailbox(id)
  if (!current) return { ok: false, status: 404, message: 'That mailbox does not exist.' }
  const before = current.value
  if (before.status === 'active' && before.healthState === 'healthy') return { ok: false, status: 409, message: `${before.address} is not paused.` }
  const warning = await mailboxResumeWarning(deps, before)
  const now = deps.clock.now()
  const after: Mailbox = { ...before, status: 'active', healthState: 'healthy', pauseReason: null, resumedAt: now.toISOString(), healthChangedAt: now.toISOString() }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'mailbox',
      entityId: id,
      action: 'resumed',
      sentence: `${actor.id} resumed mailbox ${before.address}${before.pauseReason ? ` (it had been paused: ${before.pauseReason.replace(/\.$/, '')})` : ''}.${warning ? ` Warning shown: ${warning}` : ''}`,
      details: { previousReason: before.pauseReason, warning },
    },
    deps.ids.next(),
    now,
  )
  if ((await deps.senders.saveMailbox(after, current.version, event, before)) === 'conflict') {
    return { ok: false, status: 409, message: 'The mailbox changed at the same moment. Reload to see its state.' }
  }
  await deps.feedback.resetWindow(id)
  return { ok: true, warning }
}

export async function resumeDomain(deps: ResumeDeps, actor: Actor, id: string): Promise<ResumeResult> {
  const current = await deps.senders.getDomain(id)
  if (!current) return { ok: false, status: 404, message: 'That domain does not exist.' }
  const before = current.value
  if (before.status === 'healthy') return { ok: false, status: 409, message: `${before.name} is not paused.` }
  const warning = await domainResumeWarning(deps, before)
  const now = deps.clock.now()
  const day = dayOf(now)
  const [today] = await deps.metrics.days('domain', id, lastDays(now, 1))
  const after: Domain = {
    ...before,
    status: 'healthy',
    pauseReason: null,
    resumedAt: now.toISOString(),
    healthChangedAt: now.toISOString(),
    baseline: { day, sends: today?.sends ?? 0, hardBounces: today?.hard_bounces ?? 0, complaints: today?.complaints ?? 0 },
  }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'domain',
      entityId: id,
      action: 'resumed',
      sentence:
        before.status === 'warning'
          ? `${actor.id} cleared the warning on domain ${before.name}${before.pauseReason ? ` (${before.pauseReason.replace(/\.$/, '')})` : ''}.${warning ? ` Warning shown: ${warning}` : ''}`
          : `${actor.id} resumed domain ${before.name}${before.pauseReason ? ` (it had been paused: ${before.pauseReason.replace(/\.$/, '')})` : ''}.${warning ? ` Warning shown: ${warning}` : ''}`,
      details: { previousReason: before.pauseReason, warning },
    },
    deps.ids.next(),
    now,
  )
  if ((await deps.senders.saveDomain(after, current.version, event, before)) === 'conflict') {
    return { ok: false, status: 409, message: 'The domain changed at the same moment. Reload to see its state.' }
  }
  // The campaigns this domain's pause stopped carry on with it (a campaign paused for its own reasons stays paused).
  for (const campaign of await deps.campaigns.list()) {
    if (campaign.status === 'paused' && campaign.pausedBy === `domain:${id}`) await controlCampaign(deps, actor, campaign.id, 'resume')
  }
  return { ok: true, warning }
}

export async function resumeCampaign(deps: ResumeDeps, actor: Actor, id: string): Promise<ResumeResult> {
  const current = await deps.campaigns.get(id)
  if (!current) return { ok: false, status: 404, message: 'That campaign does not exist.' }
  const warning = await campaignResumeWarning(deps, current.value)
  const result = await controlCampaign(deps, actor, id, 'resume')
  return result.ok ? { ok: true, warning } : result
}
