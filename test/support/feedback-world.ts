import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import type { Campaign, Domain, Lead, Mailbox } from '../../src/shared/domain/entities'
import { dayOf } from '../../src/shared/domain/metrics'
import type { AppDeps } from '../../src/shared/composition.server'
import type { SendRecord } from '../../src/shared/services/pulse'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/domain/settings'
import { setupEvent, testLead } from './factories'
import { engageAccountBrake, releaseAccountBrake } from '../../src/shared/services/account-brake'
import { parseFeedbackBody } from '../../src/shared/domain/ses-event'
import { processFeedback } from '../../src/shared/services/feedback'
import { fixturePath } from './contracts'

/**
 * A scripted world for feedback and health tests on DynamoDB Local: senders of their own, leads whose
 * email went out, and SES events (from the contract's fixtures) aimed at those sends.
 */
export const SES_EVENT_FIXTURES = fixturePath('ses', 'events')
export const sesFixture = (name: string) => JSON.parse(readFileSync(join(SES_EVENT_FIXTURES, name), 'utf8')) as Record<string, unknown>

let n = 0
export const unique = () => `${Date.now().toString(36)}${++n}`

/** A domain of its own with `mailboxes` mailboxes, one active campaign over the first `inCampaign` of them. */
export async function senders(deps: AppDeps, mailboxes: number, inCampaign = mailboxes) {
  const id = unique()
  const domain: Domain = { id: `d-${id}`, name: `fb-${id}.example.com`, status: 'healthy', pauseReason: null }
  await deps.senders.insertDomain(domain, setupEvent('domain', domain.id))
  const boxes: Mailbox[] = []
  for (let i = 0; i < mailboxes; i++) {
    const m: Mailbox = { id: `m-${id}-${i}`, address: `box${i}@${domain.name}`, fromName: 'Anita', domainId: domain.id, status: 'active', healthState: 'healthy', dailyCap: 500, pauseReason: null, lastActivityAt: null }
    await deps.senders.insertMailbox(m, setupEvent('mailbox', m.id))
    boxes.push(m)
  }
  const base = (await deps.campaigns.get('founders-india'))!.value
  const campaign: Campaign = { ...base, id: `c-${id}`, name: `Feedback ${id}`, status: 'active', mailboxIds: boxes.slice(0, inCampaign).map((m) => m.id) }
  await deps.campaigns.insert(campaign, setupEvent('campaign', campaign.id))
  return { domain, boxes, campaign }
}

/** A lead of the campaign whose email went out from `mailbox`: claimed and settled as the pulse does. */
export async function sentLead(deps: AppDeps, campaign: Campaign, mailbox: Mailbox, status: Lead['status'] = 'completed'): Promise<{ lead: Lead; send: SendRecord }> {
  const id = unique()
  const lead = testLead(`fl-${id}`, { email: `lead.${id}@recipient.example.com`, campaignId: campaign.id, status })
  await deps.leads.insert(lead, setupEvent('lead', lead.id))
  const now = new Date().toISOString()
  const send: SendRecord = { campaignId: campaign.id, leadId: lead.id, sendId: `s-${id}`, state: 'sending', mailboxId: mailbox.id, claimedAt: now }
  expect(await deps.sends.claim(send)).toBe('claimed')
  const sent: SendRecord = { ...send, state: 'sent', messageId: `msg-${id}` }
  const day = dayOf(new Date())
  expect(
    await deps.sends.settle(sent, setupEvent('lead', lead.id), [
      { scope: 'overall', id: 'all', day },
      { scope: 'mailbox', id: mailbox.id, day },
      { scope: 'domain', id: mailbox.domainId, day },
    ]),
  ).toBe('settled')
  return { lead, send: sent }
}

/** An SES event fixture retargeted at one of our sends: its tags, recipients and ids made unique. */
export function eventFor(name: string, lead: Lead, send: SendRecord): Record<string, unknown> {
  const event = structuredClone(sesFixture(name)) as Record<string, Record<string, unknown>>
  const id = unique()
  event.mail!.messageId = send.messageId ?? `msg-${id}`
  event.mail!.destination = [lead.email]
  event.mail!.tags = { lead: [lead.id], campaign: [send.campaignId], mailbox: [send.mailboxId!], send: [send.sendId] }
  if (event.bounce) {
    event.bounce.feedbackId = `fb-${id}`
    event.bounce.bouncedRecipients = (event.bounce.bouncedRecipients as Record<string, unknown>[]).map((r) => ({ ...r, emailAddress: lead.email }))
  }
  if (event.complaint) {
    event.complaint.feedbackId = `fc-${id}`
    event.complaint.complainedRecipients = [{ emailAddress: lead.email }]
  }
  for (const part of ['delivery', 'deliveryDelay', 'open', 'click', 'reject', 'failure']) {
    if (event[part] && typeof event[part] === 'object') event[part].timestamp = new Date(Date.now() + n).toISOString()
  }
  return event
}

/** As SNS delivers it to SQS with raw delivery off: an envelope with its own MessageId. */
export const envelope = (event: unknown, messageId = `sns-${unique()}`) =>
  JSON.stringify({ Type: 'Notification', MessageId: messageId, TopicArn: 'arn:aws:sns:us-east-1:123456789012:drason-feedback', Message: JSON.stringify(event), Timestamp: new Date().toISOString() })


/**
 * Other test files change settings on purpose (the settings screen, the API); health tests need the
 * documented default policy. Sets it (with `account` overrides) and returns a function that restores what
 * was stored before.
 */
export async function useDefaultHealthPolicy(deps: AppDeps, account: Partial<Settings['account']> = {}): Promise<() => Promise<void>> {
  const saved = await deps.settingsStore.get()
  const policy: Settings = { ...saved.settings, mailbox: DEFAULT_SETTINGS.mailbox, campaign: DEFAULT_SETTINGS.campaign, domain: DEFAULT_SETTINGS.domain, account: { ...DEFAULT_SETTINGS.account, ...account } }
  expect(await deps.settingsStore.save(policy, saved.version, setupEvent('setting', 'policy'))).toBe('saved')
  return async () => {
    const current = await deps.settingsStore.get()
    await deps.settingsStore.save(saved.settings, current.version, setupEvent('setting', 'policy'))
  }
}

/**
 * For a test file that scripts bounces and complaints on purpose: the default health policy with the
 * account-wide brake out of the way while it runs (its counters are shared by every file), then the
 * settings restored and the scripted signals acknowledged as a person releasing the brake would, so later
 * files start from a baseline that excludes them.
 */
export function scriptedFeedbackFile(deps: AppDeps, label: string): void {
  let restore: () => Promise<void>
  const tester = { type: 'user' as const, id: 'tester@drason.test' }
  beforeAll(async () => {
    restore = await useDefaultHealthPolicy(deps, { pauseBounceRate: 1, pauseComplaintsSmallVolume: 1_000_000, pauseComplaintRate: 1 })
  })
  afterAll(async () => {
    await restore()
    await engageAccountBrake(deps, { actor: tester, signal: 'test', sentence: `${label} scripted bounces.` })
    await releaseAccountBrake(deps, tester)
  })
}

/** `count` hard bounces of sends from `box`, fed through the real feedback path (its health check included). */
export async function hardBounces(deps: AppDeps, campaign: Campaign, box: Mailbox, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const s = await sentLead(deps, campaign, box)
    const parsed = parseFeedbackBody(envelope(eventFor('bounce-permanent-general.json', s.lead, s.send)))
    if (!parsed.ok) throw new Error(parsed.reason)
    await processFeedback(deps, parsed.event)
  }
}

/** A fresh mailbox paused by five hard bounces: two mailboxes in the campaign, four on the domain, so only the mailbox pauses. */
export async function pausedMailbox(deps: AppDeps) {
  const world = await senders(deps, 4, 2)
  const box = world.boxes[0]!
  await hardBounces(deps, world.campaign, box, 5)
  expect((await deps.senders.getMailbox(box.id))!.value.status).toBe('paused')
  return { ...world, box }
}
