import { describe, expect, it, vi } from 'vitest'
import type { Campaign, Domain, Lead, Mailbox } from '../domain/entities'
import { DAY_COUNTERS, emptyCounters } from '../domain/metrics'
import { seededRandom, type Random } from '../domain/random'
import { DEFAULT_SETTINGS, type Settings } from '../domain/settings'
import { leadContext, renderWithChoices } from '../domain/template'
import {
  campaign as plainCampaign,
  campaignLead,
  fixedClock,
  injectFaults,
  memoryAuditLog,
  memoryCampaignLeads,
  memoryCampaignStore,
  memoryPulseQueue,
  memorySenders,
  memorySends,
  memorySuppression,
  scriptedSender,
  scriptedVerifier,
  sequentialIds,
  testDomain,
  testMailbox,
  type ChainState,
  type FaultMode,
  type PulseMessage,
  type ScriptedVerdict,
  memoryAccount,
} from '../../../test/support/memory'
import { engageAccountBrake, releaseAccountBrake } from './account-brake'
import { evaluateHeldLeads, type GateDeps } from './gate'
import { confirmFromSendEvent, type ConfirmDeps } from './send-confirmation'
import type { SesEvent } from '../domain/ses-event'
import { VerifierConfigError } from '../adapters/myemailverifier.server'
import { controlCampaign, type Control, type ControlDeps } from './campaign-controls'
import { FIRST_IDLE_SECONDS, MAX_PULSE_RETRIES, pulse, REJECTED_IN_ROW_LIMIT, type PulseDeps, type PulseResult, type SendOutcome, type SendRecord } from './pulse'

// Monday 20:00 UTC is already Tuesday 01:30 in Kolkata: the campaign's cap counts its local day
// (2026-11-24) while the account, mailbox and domain counters count the UTC day (2026-11-23).
const NOW = '2026-11-23T20:00:00.000Z'
const UTC_DAY = '2026-11-23'
const LOCAL_DAY = '2026-11-24'
const CHAIN = 'chain-1'
/** The chain's first pulse: it carries no token (the chain id stands for it). */
const MESSAGE: PulseMessage = { campaignId: 'c1', chainId: CHAIN }
const OPERATOR = { type: 'user', id: 'ops@drason.test' } as const
const noCounters = { days: async (_scope: 'overall', _id: string, days: string[]) => days.map(() => emptyCounters(DAY_COUNTERS)) }

const ALWAYS_OPEN = { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24, timeZone: 'Asia/Kolkata' }
const OFFICE_HOURS = { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' }

const baseCampaign = (patch: Partial<Campaign> = {}): Campaign => ({
  ...plainCampaign('c1', 'Founders India'),
  subjectTemplate: 'Quick question for {{Company}}',
  bodyTemplate: 'Hi {{FirstName|there}},\nHow is {{Company}} doing?',
  mailboxIds: ['mb-a', 'mb-b'],
  window: ALWAYS_OPEN,
  ...patch,
})

const MAILBOXES = [testMailbox('mb-a', 'asha@mail.drason.test', 'Asha Rao'), testMailbox('mb-b', 'bala@mail.drason.test', 'Bala Iyer')]
const DOMAIN = testDomain('d1', 'mail.drason.test')
const lead = campaignLead

interface WorldOptions {
  campaign?: Partial<Campaign> | null
  leads?: Lead[]
  chain?: Partial<ChainState> | null
  verdicts?: Record<string, ScriptedVerdict>
  outcomes?: SendOutcome[]
  sending?: Partial<Settings['sending']>
  suppressed?: string[]
  mailboxes?: Mailbox[]
  domains?: Domain[]
  now?: string
  random?: Random
}

/** Campaign c1 with a running chain, two mailboxes on a healthy domain, and every port in memory. */
function world(options: WorldOptions = {}) {
  const campaigns = memoryCampaignStore(
    options.campaign === null ? [] : [baseCampaign(options.campaign)],
    options.chain === null ? {} : { c1: { chainId: CHAIN, running: true, ...options.chain } },
  )
  const leads = memoryCampaignLeads(options.leads ?? [lead(1), lead(2)])
  const senders = memorySenders(options.mailboxes ?? MAILBOXES, options.domains ?? [DOMAIN])
  const sends = memorySends()
  const verifier = scriptedVerifier(options.verdicts)
  const sender = scriptedSender(options.outcomes)
  const queue = memoryPulseQueue()
  const audit = memoryAuditLog()
  const account = memoryAccount()
  const suppression = memorySuppression(options.suppressed)
  const paused: { campaignId: string; reason: string }[] = []
  const clock = fixedClock(options.now ?? NOW)
  const settings: Settings = { ...DEFAULT_SETTINGS, sending: { ...DEFAULT_SETTINGS.sending, ...options.sending } }
  const deps: PulseDeps = {
    campaigns,
    chainCursor: campaigns.cursor,
    leads,
    senders,
    sends,
    sendsOnDay: sends.sendsOnDay,
    audit,
    suppression,
    verifier,
    sender,
    pulseQueue: queue,
    pauseCampaign: async (campaignId, reason) => void paused.push({ campaignId, reason }),
    unsubscribeUrl: (leadId, campaignId) => `https://drason.test/u/${campaignId}/${leadId}`,
    settingsWithBrake: async () => ({ settings: structuredClone(settings), brake: await account.brake() }),
    clock,
    ids: sequentialIds('id'),
    random: options.random ?? seededRandom(7),
  }
  // A person's Start, Pause and Resume, on the same stores and queue (chain ids `op-N`).
  const controls: ControlDeps = { campaigns, pulseQueue: queue, leads, sends, admitHeld: async () => undefined, clock, ids: sequentialIds('op') }
  const chain = () => campaigns.chain('c1')
  const record = (leadId: string) => sends.get('c1', leadId)
  const control = async (c: Control) => expect(await controlCampaign(controls, OPERATOR, 'c1', c)).toMatchObject({ ok: true })
  return { deps, campaigns, leads, senders, sends, verifier, sender, queue, audit, suppression, paused, clock, chain, record, control, account }
}
type World = ReturnType<typeof world>

/** The last pulse enqueued: the one that carries the chain on. */
const latest = (w: World): PulseMessage => w.queue.messages.at(-1)!.pulse

/**
 * The pulse the chain now expects, as its last move handed it over: its chain id and the fresh token the
 * move stored (checked to be a new one, not the chain id nor the token of the pulse that moved it).
 */
async function handedOver(w: World, extra: Partial<PulseMessage> = {}, previous: string = CHAIN): Promise<PulseMessage> {
  const { chainId, pulseToken } = await w.chain()
  expect(pulseToken, 'the chain stores a fresh token when it moves on').toEqual(expect.any(String))
  expect(pulseToken).not.toBe(previous)
  return { campaignId: 'c1', chainId: chainId!, token: pulseToken!, ...extra }
}

const cursorOf = (l: Lead) => memoryCampaignLeads().cursorOf(l)

/** An audit event the send loop writes about lead L1. */
const loopEvent = (id: string, action: string, sentence: string, details: Record<string, unknown>) => ({
  id,
  at: NOW,
  actor: { type: 'system', id: 'send-loop' },
  entityType: 'lead',
  entityId: 'L1',
  action,
  sentence,
  details,
})

/** Nothing left the building: no claim, no send, nothing counted. */
function expectNothingSent(w: World) {
  expect(w.sender.calls).toEqual([])
  expect(w.sends.records.size).toBe(0)
  expect(w.sends.days.size).toBe(0)
}

describe('pulse: a pulse that must not act', () => {
  it.each<[string, Partial<ChainState> | null]>([
    ['is from an older chain (a Pause and Resume started a new one)', { chainId: 'chain-0' }],
    ['belongs to a chain that was stopped', { running: false }],
    ['names a campaign that has no chain', null],
  ])('ends as stale when it %s, before reading a lead', async (_label, chain) => {
    const w = world({ chain })
    const before = await w.chain()
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expectNothingSent(w)
    expect(w.verifier.calls).toEqual([])
    expect(w.queue.messages).toEqual([])
    expect(await w.chain()).toEqual(before)
  })

  it.each<[string, Partial<Campaign> | null, string]>([
    ['paused', { status: 'paused' }, 'campaign is paused'],
    ['aborted', { status: 'aborted' }, 'campaign is aborted'],
    ['completed', { status: 'completed' }, 'campaign is completed'],
    ['deleted', null, 'campaign is missing'],
  ])('stops when the campaign is %s: nothing sent and no next pulse', async (_label, campaign, reason) => {
    const w = world({ campaign })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stopped', reason })
    expectNothingSent(w)
    expect(w.queue.messages).toEqual([])
  })
})

describe('pulse: an empty queue', () => {
  // A pulse after the first carries the token its chain stored when it moved on.
  const LATER: PulseMessage = { ...MESSAGE, token: 'tok-9' }

  it.each<[string, Lead[]]>([
    ['the campaign has no leads', []],
    ['its leads are held, paused or completed', [lead(1, { status: 'held' }), lead(2, { status: 'paused' }), lead(3, { status: 'completed' })]],
  ])('is idle when %s, and looks again in 300 s', async (_label, leads) => {
    const w = world({ leads, chain: { pulseToken: 'tok-9' } })
    expect(await pulse(w.deps, LATER)).toEqual({ kind: 'idle' })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w, {}, 'tok-9'), delaySeconds: 300 }])
    expectNothingSent(w)
    expect(w.verifier.calls).toEqual([])
  })

  it("looks again after 15 s when it is a chain's first pulse: its Start's leads may not be in the index yet", async () => {
    const w = world({ leads: [] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'idle' })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: FIRST_IDLE_SECONDS }])
    expect(FIRST_IDLE_SECONDS).toBeLessThan(60)
  })
})

describe('pulse: a lead left behind the cursor', () => {
  const LATER: PulseMessage = { ...MESSAGE, token: 'tok-9' }
  const settled = (leadId: string, state: SendRecord['state']): SendRecord => ({ campaignId: 'c1', leadId, sendId: `old-${leadId}`, state, mailboxId: 'mb-a', claimedAt: '2026-11-20T10:00:00.000Z' })

  it('is sent once nothing is queued after the cursor (an index entry that came late, a claim given back)', async () => {
    // L1 sorts before the cursor (L2's place), never sent; L2 was sent.
    const w = world({ leads: [lead(1), lead(2, { status: 'completed' })], chain: { cursor: cursorOf(lead(2)), pulseToken: 'tok-9' } })
    expect(await pulse(w.deps, LATER)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    // The cursor moved back to L1's place; with nothing after it or behind it, the next pulse idles.
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)) })
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'idle' })
    expect(w.sender.calls).toHaveLength(1)
  })

  it('waits its turn: leads after the cursor go first, the one behind when they are done', async () => {
    const w = world({ leads: [lead(1), lead(2), lead(3)], chain: { cursor: cursorOf(lead(2)), pulseToken: 'tok-9' } })
    expect(await pulse(w.deps, LATER)).toMatchObject({ kind: 'sent', leadId: 'L3' })
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.sender.calls.map((c) => c.message.to)).toEqual(['lead3@acme.example', 'lead1@acme.example'])
  })

  it.each(['sent', 'unknown', 'failed', 'skipped_invalid'] as const)('is completed, not sent again, when its %s send was recorded but its completion lost', async (state) => {
    const w = world({ leads: [lead(1)], chain: { cursor: cursorOf(lead(2)), pulseToken: 'tok-9' } })
    await w.sends.claim(settled('L1', state))
    expect(await pulse(w.deps, LATER)).toEqual({ kind: 'idle' })
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    expect(w.sender.calls).toEqual([])
    expect(await w.record('L1')).toEqual(settled('L1', state))
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w, {}, 'tok-9'), delaySeconds: 300 }])
  })

  it('is left to its pulse or the sweep while its send is still `sending`', async () => {
    const w = world({ leads: [lead(1), lead(3)], chain: { cursor: cursorOf(lead(2)), pulseToken: 'tok-9' } })
    await w.sends.claim(settled('L1', 'sending'))
    await w.sends.claim(settled('L3', 'sent'))
    expect(await pulse(w.deps, LATER)).toMatchObject({ kind: 'skipped', leadId: 'L3' })
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'idle' })
    expect(w.leads.leads.get('L1')!.status).toBe('active')
    expect(w.sender.calls).toEqual([])
    expect(await w.record('L1')).toEqual(settled('L1', 'sending'))
  })
})

describe('pulse: sending the next lead', () => {
  const priya = lead(1, { email: 'priya@acme.example', company: 'Smith & Sons' })
  const options: WorldOptions = {
    leads: [priya, lead(2)],
    chain: { lastMailboxId: 'mb-a' },
    campaign: { htmlTemplate: '<p>Hi {{FirstName|there}} at {{Company}}</p>' },
  }

  it('hands SES the exact message: the rotated mailbox, the tags, the unsubscribe URL and the rendered variant', async () => {
    const w = world(options)
    const result = await pulse(w.deps, MESSAGE)
    expect(result).toEqual({ kind: 'sent', leadId: 'L1', messageId: 'ses-1', delaySeconds: expect.any(Number) })
    // mb-a sent last, both have sent nothing today: the tie goes to the next mailbox, mb-b.
    expect(w.sender.calls.map((c) => c.message)).toEqual([
      {
        from: { name: 'Bala Iyer', address: 'bala@mail.drason.test' },
        to: 'priya@acme.example',
        subject: 'Quick question for Smith & Sons',
        text: 'Hi Priya,\nHow is Smith & Sons doing?',
        html: '<p>Hi Priya at Smith &amp; Sons</p>',
        tags: { lead: 'L1', campaign: 'c1', mailbox: 'mb-b', send: 'id-1' },
        unsubscribeUrl: 'https://drason.test/u/c1/L1',
      },
    ])
  })

  it('settles the claim as sent, with the variant in its audit event, and four counters', async () => {
    const w = world(options)
    await pulse(w.deps, MESSAGE)
    const variant = {
      subject: 'Quick question for Smith & Sons',
      text: 'Hi Priya,\nHow is Smith & Sons doing?',
      html: '<p>Hi Priya at Smith &amp; Sons</p>',
      choices: { subject: [], text: [], html: [] },
    }
    expect(await w.record('L1')).toEqual({ campaignId: 'c1', leadId: 'L1', sendId: 'id-1', state: 'sent', mailboxId: 'mb-b', claimedAt: NOW, messageId: 'ses-1' })
    expect(w.sends.events).toEqual([
      loopEvent('id-2', 'sent', 'Sent "Quick question for Smith & Sons" to priya@acme.example from bala@mail.drason.test for campaign "Founders India".', {
        campaignId: 'c1',
        mailboxId: 'mb-b',
        sendId: 'id-1',
        messageId: 'ses-1',
        variant,
        verifier: { Address: 'priya@acme.example', Status: 'Valid' },
        processingMs: expect.any(Number),
      }),
    ])
    // The account, the campaign (its local day), the mailbox and its domain; nothing else.
    expect(Object.fromEntries(w.sends.days)).toEqual({
      [`overall|all|${UTC_DAY}`]: { sends: 1, verified: 0 },
      [`campaign|c1|${LOCAL_DAY}`]: { sends: 1, verified: 0 },
      [`mailbox|mb-b|${UTC_DAY}`]: { sends: 1, verified: 0 },
      [`domain|d1|${UTC_DAY}`]: { sends: 1, verified: 0 },
    })
  })

  it('moves the cursor past the lead, remembers the mailbox, and schedules the next pulse after a Gaussian delay', async () => {
    const w = world(options)
    const result = (await pulse(w.deps, MESSAGE)) as Extract<PulseResult, { kind: 'sent' }>
    const next = await handedOver(w)
    expect(await w.chain()).toEqual({
      chainId: CHAIN,
      running: true,
      cursor: cursorOf(priya),
      lastMailboxId: 'mb-b',
      waitingFor: null,
      pulseToken: next.token,
      movedAt: w.clock.now().toISOString(),
      // The following lead, verified after the hand-over, for the pulse just handed over to.
      preverified: expect.objectContaining({ email: 'lead2@acme.example', verdict: 'valid' }),
    })
    const { minSeconds, maxSeconds } = baseCampaign().delay
    expect(result.delaySeconds).toBeGreaterThanOrEqual(minSeconds)
    expect(result.delaySeconds).toBeLessThanOrEqual(maxSeconds)
    // SQS takes whole seconds; rounding up never makes the gap shorter than drawn. The next pulse carries
    // the token the chain now expects.
    expect(w.queue.messages).toEqual([{ pulse: next, delaySeconds: Math.ceil(result.delaySeconds) }])
  })

  it.each([1, 2, 3, 42, 2026])('keeps every delay inside the campaign bounds (seed %i)', async (seed) => {
    const w = world({ random: seededRandom(seed), campaign: { delay: { meanSeconds: 120, sdSeconds: 90, minSeconds: 100, maxSeconds: 140 } } })
    const result = (await pulse(w.deps, MESSAGE)) as Extract<PulseResult, { kind: 'sent' }>
    expect(result.delaySeconds).toBeGreaterThanOrEqual(100)
    expect(result.delaySeconds).toBeLessThanOrEqual(140)
  })

  it("paces by the campaign's own delay, not the settings' defaults", async () => {
    const w = world({ campaign: { delay: { meanSeconds: 500, sdSeconds: 0, minSeconds: 400, maxSeconds: 600 } } })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', delaySeconds: 500 })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 500 }])
  })

  it('pre-verifies the following lead, so its own pulse sends without asking the verifier again', async () => {
    const w = world(options)
    const first = (await pulse(w.deps, MESSAGE)) as Extract<PulseResult, { kind: 'sent' }>
    expect(w.verifier.calls).toEqual(['priya@acme.example', 'lead2@acme.example'])
    // Kept on the chain, for the pulse the chain expects next (no verification item of its own).
    expect((await w.chain()).preverified).toMatchObject({ email: 'lead2@acme.example', verdict: 'valid', checkedAt: NOW })

    w.clock.advance(first.delaySeconds * 1000)
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(w.verifier.calls).toHaveLength(2)
    // mb-b sent one today, mb-a none: the fewest sends wins.
    expect(w.sender.calls[1]!.message.from.address).toBe('asha@mail.drason.test')
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(2)), lastMailboxId: 'mb-a' })

    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'idle' })
  })

  it('sends even when pre-verifying the following lead fails (it is verified again just in time)', async () => {
    const w = world({ verdicts: { 'lead2@acme.example': 'unavailable' } })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    w.verifier.answers.delete('lead2@acme.example')
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(w.verifier.calls).toEqual(['lead1@acme.example', 'lead2@acme.example', 'lead2@acme.example'])
  })

  it.each<[string, string, number, number]>([
    ['a verification kept on the chain, under a day old, is used', 'lead1@acme.example', 24 * 3_600_000 - 1, 0],
    ['a verification kept on the chain, a day old, is asked again', 'lead1@acme.example', 24 * 3_600_000, 1],
    ["a verification kept on the chain for another address is not this lead's", 'lead9@acme.example', 0, 1],
  ])('%s', async (_label, email, ageMs, calls) => {
    const checkedAt = new Date(new Date(NOW).getTime() - ageMs).toISOString()
    const w = world({ leads: [lead(1)], chain: { preverified: { email, verdict: 'valid', status: 'Valid', diagnosis: '', checkedAt, raw: {} } } })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent' })
    expect(w.verifier.calls).toHaveLength(calls)
  })

  it.each<[string, string, string, string]>([
    ['a line break in the lead data', 'Quick question for {{Company}} today', 'Acme\r\nBcc: boss@evil.test', 'Quick question for Acme Bcc: boss@evil.test today'],
    ['a line break in the template', 'Quick question\n\nfor {{Company}}', 'Acme', 'Quick question for Acme'],
    ['a trailing line break', '{{Company}}\n', 'Acme', 'Acme'],
  ])('keeps the subject on one line (%s)', async (_label, subjectTemplate, company, subject) => {
    const w = world({ leads: [lead(1, { company })], campaign: { subjectTemplate } })
    await pulse(w.deps, MESSAGE)
    expect(w.sender.calls[0]!.message.subject).toBe(subject)
    expect(w.sends.events[0]!.details).toMatchObject({ variant: { subject } })
  })

  it('records the spintax choices that reproduce exactly what was sent', async () => {
    const subjectTemplate = '{Quick question|A thought|One idea} for {{Company}}'
    const bodyTemplate = '{Hi|Hello|Hey} {{FirstName}},\n{Short one|Quick note|One line}.'
    const w = world({ leads: [lead(1)], campaign: { subjectTemplate, bodyTemplate }, random: seededRandom(11) })
    await pulse(w.deps, MESSAGE)
    const { message } = w.sender.calls[0]!
    const variant = w.sends.events[0]!.details!.variant as { subject: string; text: string; choices: { subject: number[]; text: number[] } }
    expect(variant).toMatchObject({ subject: message.subject, text: message.text })
    const ctx = leadContext(lead(1), { html: false })
    expect(renderWithChoices(subjectTemplate, ctx, variant!.choices.subject)).toEqual({ ok: true, text: message.subject, choices: variant!.choices.subject })
    expect(renderWithChoices(bodyTemplate, ctx, variant!.choices.text)).toEqual({ ok: true, text: message.text, choices: variant!.choices.text })
  })

  it('sends from the one mailbox that may send when the other is paused', async () => {
    const w = world({ mailboxes: [testMailbox('mb-a', 'asha@mail.drason.test', 'Asha Rao', { status: 'paused' }), MAILBOXES[1]!] })
    await pulse(w.deps, MESSAGE)
    expect(w.sender.calls[0]!.message.tags.mailbox).toBe('mb-b')
  })
})

describe('pulse: leads that are passed over', () => {
  it.each<[string, ScriptedVerdict, boolean, string]>([
    ['invalid', 'invalid', false, 'the verifier answered Invalid (Mailbox Does Not Exist)'],
    ['invalid even when risky addresses are allowed', 'invalid', true, 'the verifier answered Invalid (Mailbox Does Not Exist)'],
    ['risky', 'risky', false, 'the verifier answered Catch All (Catch All Domain)'],
  ])('skips an %s address at once, recorded and audited, without sending', async (_label, verdict, sendToRiskyAddresses, reason) => {
    const w = world({ verdicts: { 'lead1@acme.example': verdict }, sending: { sendToRiskyAddresses } })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'skipped', leadId: 'L1', reason })
    expect(w.sender.calls).toEqual([])
    expect(await w.record('L1')).toEqual({ campaignId: 'c1', leadId: 'L1', sendId: 'id-1', state: 'skipped_invalid', mailboxId: null, claimedAt: NOW, reason })
    expect(w.sends.events).toEqual([
      loopEvent('id-2', 'skipped_invalid', `Skipped lead1@acme.example in campaign "Founders India": ${reason}.`, { campaignId: 'c1', verifier: { Address: 'lead1@acme.example', Status: expect.any(String) } }),
    ])
    // A verification was spent (counted), nothing was sent (no send counted).
    expect(Object.fromEntries(w.sends.days)).toEqual({ [`overall|all|${UTC_DAY}`]: { sends: 0, verified: 1 }, [`campaign|c1|${LOCAL_DAY}`]: { sends: 0, verified: 1 } })
    // No delay after a skip: the next lead is looked at straight away.
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 0 }])
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)), lastMailboxId: null, waitingFor: null })
    // Done in this campaign: no longer active, so not counted as queued nor moved by Pause and Resume.
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
  })

  it('sends to a risky address when a person allowed it', async () => {
    const w = world({ verdicts: { 'lead1@acme.example': 'risky' }, sending: { sendToRiskyAddresses: true } })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
  })

  it.each(['sending', 'sent', 'unknown', 'failed', 'skipped_invalid'] as const)('passes over a lead that already has a %s send, without verifying or sending', async (state) => {
    const w = world()
    await w.sends.claim({ campaignId: 'c1', leadId: 'L1', sendId: 'old', state, mailboxId: 'mb-a', claimedAt: '2026-11-20T10:00:00.000Z' })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'skipped', leadId: 'L1', reason: 'already has a send' })
    expect(w.sender.calls).toEqual([])
    expect(w.verifier.calls).toEqual([])
    expect((await w.record('L1'))!.sendId).toBe('old')
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 0 }])
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)) })
    // A settled send completes the lead; one still `sending` is another delivery's, which decides.
    expect(w.leads.leads.get('L1')!.status).toBe(state === 'sending' ? 'active' : 'completed')
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
  })

  it('skips a suppressed address without verifying it (no verification counted)', async () => {
    const w = world({ suppressed: ['lead1@acme.example'] })
    const reason = 'the address is on the suppression list'
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'skipped', leadId: 'L1', reason })
    expect(w.verifier.calls).toEqual([])
    expect(w.sender.calls).toEqual([])
    expect(await w.record('L1')).toMatchObject({ state: 'skipped_invalid', reason })
    expect(w.sends.events[0]).toMatchObject({ action: 'skipped_invalid', details: { campaignId: 'c1' } })
    expect(w.sends.events[0]!.details).not.toHaveProperty('verifier')
    expect(w.sends.days.size).toBe(0)
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 0 }])
  })

  it('waits, rather than skipping, a suppressed lead when something else blocks the campaign too', async () => {
    const w = world({ suppressed: ['lead1@acme.example'] })
    w.sends.seedSends('campaign', 'c1', LOCAL_DAY, 50)
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'waiting', reason: 'suppressed,campaign_cap_reached', delaySeconds: 900 })
    expect(w.sends.records.size).toBe(0)
  })

  it.each<[string, Partial<Campaign>, Partial<Lead>, string]>([
    [
      'a low-confidence first name in the subject',
      { subjectTemplate: 'Hi {{FirstName}}' },
      { firstName: 'Xy', firstNameConfidence: 0.2 },
      '{{FirstName}}: the first name "Xy" has confidence 0.2, below the threshold 0.5',
    ],
    ['an empty field in the body', { bodyTemplate: 'Hello from {{City}}' }, {}, '{{City}} has no value'],
    ['an empty field in the HTML body', { htmlTemplate: '<p>{{Title}}</p>' }, {}, '{{Title}} has no value'],
  ])('skips a lead the template cannot be personalised for (%s), with the reason', async (_label, campaign, patch, why) => {
    const w = world({ campaign, leads: [lead(1, patch), lead(2)] })
    const reason = `the template cannot be personalised for this lead: cannot personalise for this lead (no fallback): ${why}`
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'skipped', leadId: 'L1', reason })
    expect(w.sender.calls).toEqual([])
    expect(await w.record('L1')).toMatchObject({ state: 'skipped_invalid', mailboxId: null, reason })
    expect(w.sends.events[0]).toMatchObject({ action: 'skipped_invalid', sentence: `Skipped lead1@acme.example in campaign "Founders India": ${reason}.` })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 0 }])
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)) })
  })

  it.each<[number, number]>([
    [0, 30],
    [1, 60],
    [4, 480],
  ])('backs off (attempt %i: %i s) while the verifier is down, having claimed nothing', async (attempt, delay) => {
    const w = world({ verdicts: { 'lead1@acme.example': 'unavailable' } })
    const before = await w.chain()
    expect(await pulse(w.deps, { ...MESSAGE, attempt })).toEqual({ kind: 'retrying', reason: 'the verifier is unavailable', delaySeconds: delay })
    expectNothingSent(w)
    expect((await w.chain()).preverified ?? null).toBeNull()
    const retry = await handedOver(w, { attempt: attempt + 1 })
    expect(w.queue.messages).toEqual([{ pulse: retry, delaySeconds: delay }])
    // The cursor stays on the lead; only the token moves on, to the retry's.
    expect(await w.chain()).toEqual({ ...before, pulseToken: retry.token, movedAt: w.clock.now().toISOString() })
    // The retry, once the verifier is back, sends the same lead, and the chain's next pulse starts afresh.
    w.verifier.answers.delete('lead1@acme.example')
    expect(await pulse(w.deps, retry)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.queue.messages[1]!.pulse).toEqual(await handedOver(w, {}, retry.token))
  })

  it('throws when the verifier is still down after five retries (SQS retries, then dead-letters), having claimed nothing', async () => {
    const w = world({ verdicts: { 'lead1@acme.example': 'unavailable' } })
    const before = await w.chain()
    await expect(pulse(w.deps, { ...MESSAGE, attempt: 5 })).rejects.toThrow(/verifier/)
    expectNothingSent(w)
    expect(w.queue.messages).toEqual([])
    expect(await w.chain()).toEqual(before)
  })

  it('pauses the campaign, saying why, when the verifier refuses its API key (retrying will not help), having claimed nothing', async () => {
    const w = world({ verdicts: { 'lead1@acme.example': 'misconfigured' } })
    const before = await w.chain()
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stopped', reason: 'the verifier refused to work' })
    expect(w.paused).toEqual([
      {
        campaignId: 'c1',
        reason: 'The email verifier cannot verify addresses: verifier refused the API key. No lead was sent or skipped; fix the verifier account (its API key or its credits), then resume the campaign.',
      },
    ])
    expectNothingSent(w)
    expect(w.sends.events).toEqual([])
    // The chain ends cleanly: no next pulse, no retry, the cursor still before the lead.
    expect(w.queue.messages).toEqual([])
    expect(await w.chain()).toEqual(before)
  })

  it('pauses the campaign when the verifier runs out of credits on the real adapter error', async () => {
    const w = world()
    w.deps.verifier = { verify: async () => Promise.reject(new VerifierConfigError('insufficient_credits', 'MyEmailVerifier has no credits left (INSUFFICIENT_CREDITS).', 200)) }
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'stopped' })
    expect(w.paused[0]!.reason).toMatch(/^The email verifier cannot verify addresses: MyEmailVerifier has no credits left \(INSUFFICIENT_CREDITS\)\. No lead/)
  })
})

describe('pulse: Pause and Abort while a pulse is under way', () => {
  /** The verifier answers only after a person's control went through (an inline verification takes up to 10 s). */
  function controlDuringVerification(w: World, control: Control): () => void {
    const verify = w.deps.verifier.verify
    w.deps.verifier.verify = async (email) => {
      await w.control(control)
      return verify(email)
    }
    return () => (w.deps.verifier.verify = verify)
  }
  function countChainReads(w: World) {
    const reads = { n: 0 }
    const withChain = w.deps.campaigns.withChain
    w.deps.campaigns.withChain = async (id) => {
      reads.n++
      return withChain(id)
    }
    return reads
  }

  it('a Pause that returns while the pulse verifies inline stops it before the claim: nothing is sent until Resume', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    const restore = controlDuringVerification(w, 'pause')
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expectNothingSent(w)
    expect(w.queue.messages).toEqual([])
    expect(w.leads.leads.get('L1')!.status).toBe('paused')
    restore()
    await w.control('resume')
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L1' })
  })

  it('an Abort that returns while the pulse verifies inline: the lead it returned to held as unsent is never sent', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    controlDuringVerification(w, 'abort')
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expectNothingSent(w)
    expect(w.leads.leads.get('L1')).toMatchObject({ status: 'held', holdReason: expect.stringContaining('was aborted') })
    expect(w.leads.events.find((e) => e.entityId === 'L1')).toMatchObject({ action: 'returned_to_held', sentence: expect.stringContaining('it was not sent') })
  })

  it('checks again with a conditional write, never a read, and only on a pulse that verified inline', async () => {
    const w = world({ leads: [lead(1), lead(2), lead(3)] })
    const reads = countChainReads(w)
    const notes = injectFaults(w.campaigns.cursor, 'notePreverified', () => null)
    // L1 is the chain's first lead, verified inline: one read, and the check before its claim (then L2's pre-verification).
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect([reads.n, notes.calls]).toEqual([1, 2])
    // L2 was pre-verified during L1's delay: one read, and only L3's pre-verification written.
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect([reads.n, notes.calls]).toEqual([2, 3])
  })

  it('a pre-verified pulse slowed past a second by its reads checks the chain again, and a Pause meanwhile stops it', async () => {
    const w = world({ leads: [lead(1)], chain: { preverified: { email: 'lead1@acme.example', verdict: 'valid', status: 'Valid', diagnosis: '', checkedAt: NOW, raw: {} } } })
    const reads = countChainReads(w)
    const suppression = w.deps.suppression.isSuppressed
    w.deps.suppression.isSuppressed = async (email) => {
      w.clock.advance(1000)
      await w.control('pause')
      return suppression(email)
    }
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expect(reads.n).toBe(1)
    expect(w.verifier.calls).toEqual([])
    expectNothingSent(w)
  })
})

describe('pulse and the SES Send event: a send is counted once, whichever records it first', () => {
  /** The Send event SES publishes for the message the pulse handed it (its tags name the claim). */
  const sendEventFor = (w: World, messageId = 'ses-1'): SesEvent => {
    const { tags } = w.sender.calls[0]!.message
    return { type: 'Send', messageId, tags: { lead: [tags.lead], campaign: [tags.campaign], mailbox: [tags.mailbox], send: [tags.send] }, snsMessageId: 'sns-1', raw: {} }
  }
  const confirmDeps = (w: World): ConfirmDeps => ({ sends: w.sends, campaigns: w.campaigns, senders: w.senders, leads: w.leads, clock: w.clock, ids: sequentialIds('ses') })
  const counted = (w: World) => Object.fromEntries([...w.sends.days].map(([k, d]) => [k, d.sends]))
  const ONE_EACH = { [`overall|all|${UTC_DAY}`]: 1, [`campaign|c1|${LOCAL_DAY}`]: 1, [`mailbox|mb-a|${UTC_DAY}`]: 1, [`domain|d1|${UTC_DAY}`]: 1 }

  it('the pulse records it first: the Send event then changes nothing', async () => {
    const w = world({ leads: [lead(1)] })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent' })
    expect(await confirmFromSendEvent(confirmDeps(w), sendEventFor(w))).toBe('not_applicable')
    expect(counted(w)).toEqual(ONE_EACH)
    expect(w.sends.events.map((e) => e.action)).toEqual(['sent'])
  })

  it('the Send event comes while the pulse is still with SES: it settles the claim, and the pulse counts nothing more but keeps the variant', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    const send = w.deps.sender.send
    let confirmed: string | null = null
    w.deps.sender.send = async (message) => {
      const outcome = await send(message)
      confirmed = await confirmFromSendEvent(confirmDeps(w), sendEventFor(w))
      return outcome
    }
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(confirmed).toBe('confirmed')
    expect(await w.record('L1')).toMatchObject({ state: 'sent', messageId: 'ses-1', sendId: 'id-1' })
    expect(counted(w)).toEqual(ONE_EACH)
    expect(w.sends.events).toEqual([expect.objectContaining({ action: 'send_confirmed', details: expect.objectContaining({ was: 'sending' }) })])
    // The pulse's own event, with the variant actually sent, is kept all the same.
    expect(w.audit.events).toEqual([expect.objectContaining({ action: 'sent', entityId: 'L1', details: expect.objectContaining({ variant: expect.objectContaining({ subject: 'Quick question for Acme' }) }) })])
    // And the chain carries on as after any send.
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
  })

  it('the pulse died after SES took the mail: the Send event settles the claim still `sending`, before any sweep', async () => {
    const w = world({ leads: [lead(1)] })
    injectFaults(w.sends, 'settle', () => 'before')
    await expect(pulse(w.deps, MESSAGE)).rejects.toThrow(/settle/)
    expect(await w.record('L1')).toMatchObject({ state: 'sending' })
    expect(w.leads.leads.get('L1')!.status).toBe('active')
    expect(await confirmFromSendEvent(confirmDeps(w), sendEventFor(w))).toBe('confirmed')
    expect(await w.record('L1')).toMatchObject({ state: 'sent', messageId: 'ses-1' })
    expect(counted(w)).toEqual(ONE_EACH)
    // The pulse that died never completed its lead: the Send event that settles the send does.
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    // Delivered again (SNS/SQS at least once): nothing changes.
    expect(await confirmFromSendEvent(confirmDeps(w), sendEventFor(w))).toBe('not_applicable')
    expect(counted(w)).toEqual(ONE_EACH)
  })

  it('a Send event whose send id is not the claim\'s settles nothing', async () => {
    const w = world({ leads: [lead(1)] })
    injectFaults(w.sends, 'settle', () => 'before')
    await expect(pulse(w.deps, MESSAGE)).rejects.toThrow(/settle/)
    const event = sendEventFor(w)
    expect(await confirmFromSendEvent(confirmDeps(w), { ...event, tags: { ...event.tags, send: ['another-send'] } })).toBe('not_applicable')
    expect(await w.record('L1')).toMatchObject({ state: 'sending' })
    expect(w.sends.days.size).toBe(0)
  })
})

describe('pulse: leads the gate admits while the chain runs', () => {
  it('sends a lead admitted after a pulse moved the cursor, even when its id sorts before the one sent', async () => {
    // Two held leads: L2 is older, so the gate admits it first; L1's id sorts before L2's.
    const w = world({ leads: [lead(2, { status: 'held', holdReason: 'awaiting gate' }), lead(1, { status: 'held', holdReason: 'awaiting gate', createdAt: '2026-11-02T00:00:00.000Z' })] })
    const gate: GateDeps = {
      campaigns: w.campaigns,
      senders: w.senders,
      leads: w.leads,
      sendsOn: w.sends.sendsOn,
      suppression: w.suppression,
      account: w.account,
      settings: async () => DEFAULT_SETTINGS,
      clock: w.clock,
      ids: sequentialIds('gate'),
    }
    // A pulse fires midway through the gate's run, right after its first admission (the clock does not move).
    const admit = w.leads.admit
    let pulses = 0
    w.leads.admit = async (l, event) => {
      const result = await admit(l, event)
      if (pulses++ === 0) expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L2' })
      return result
    }
    expect(await evaluateHeldLeads(gate, 'c1')).toEqual({ admitted: 2, held: 0 })
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(w.leads.leads.get('L2')!) })
    // L1 was admitted after that send: its place is after the cursor, so the next pulse finds and sends it.
    expect(cursorOf(w.leads.leads.get('L1')!) > (await w.chain()).cursor!).toBe(true)
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.sender.calls.map((c) => c.message.to)).toEqual(['lead2@acme.example', 'lead1@acme.example'])
  })
})

describe('pulse: waiting for the gate', () => {
  it('sends nothing while the account-wide brake is engaged, waits a queue hop, and sends once it is released', async () => {
    const w = world()
    await engageAccountBrake({ account: w.account, clock: w.clock, ids: sequentialIds('brake') }, { actor: { type: 'integration', id: 'cloudwatch' }, signal: 'Reputation.BounceRate', sentence: 'The SES bounce rate alarm fired.' })
    const first = await pulse(w.deps, MESSAGE)
    expect(first).toEqual({ kind: 'waiting', reason: 'account_paused', delaySeconds: 900 })
    expectNothingSent(w)
    expect(w.verifier.calls).toEqual([])
    expect(w.audit.events.at(-1)).toMatchObject({ action: 'sending_waits', signals: ['account_paused'] })
    await releaseAccountBrake({ account: w.account, clock: w.clock, ids: sequentialIds('release'), metrics: noCounters }, OPERATOR)
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L1' })
  })

  // Saturday 14:30 in Kolkata; the window next opens Monday 09:00 there (03:30 UTC), 42.5 hours later.
  const SATURDAY = '2026-11-21T09:00:00.000Z'
  const OPENS = '2026-11-23T03:30:00.000Z'

  it('keeps a gap longer than SQS allows: the pulses before its end only hop, and the next lead goes out after it', async () => {
    // A slow campaign: about 40 minutes between sends (the form allows up to an hour).
    const w = world({ campaign: { delay: { meanSeconds: 2400, sdSeconds: 0, minSeconds: 2400, maxSeconds: 2400 } } })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1', delaySeconds: 2400 })
    const gapEnds = new Date(Date.parse(NOW) + 2_400_000).toISOString()
    expect(await w.chain()).toMatchObject({ notBefore: gapEnds })
    // Each SQS message waits at most 900 s; the hops before the gap's end send nothing and wait the rest.
    expect(w.queue.messages.map((m) => m.delaySeconds)).toEqual([900])
    w.clock.advance(900_000)
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'waiting', reason: 'the gap after the last send', delaySeconds: 1500 })
    w.clock.advance(900_000)
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'waiting', reason: 'the gap after the last send', delaySeconds: 600 })
    expect(w.queue.messages.map((m) => m.delaySeconds)).toEqual([900, 900, 600])
    expect(w.sender.callsTo('lead2@acme.example')).toBe(0)
    w.clock.advance(600_000)
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    // A short gap leaves nothing on the chain: the next pulse is simply due when it comes.
    const quick = world()
    await pulse(quick.deps, MESSAGE)
    expect(await quick.chain()).not.toHaveProperty('notBefore')
  })

  it('stops hopping through a long gap when the campaign is paused', async () => {
    const w = world({ campaign: { delay: { meanSeconds: 2400, sdSeconds: 0, minSeconds: 2400, maxSeconds: 2400 } } })
    await pulse(w.deps, MESSAGE)
    await w.control('pause')
    w.clock.advance(900_000)
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'stale' })
  })

  it('waits until the window opens, audits it once over several pulses, and leaves the campaign active', async () => {
    const w = world({ campaign: { window: OFFICE_HOURS }, now: SATURDAY })
    const results: PulseResult[] = []
    let message = MESSAGE
    for (let i = 0; i < 3; i++) {
      results.push(await pulse(w.deps, message))
      message = latest(w)
      w.clock.advance(900_000)
    }
    expect(results).toEqual([
      { kind: 'waiting', reason: 'outside_window', delaySeconds: 153_000 },
      { kind: 'waiting', reason: 'outside_window', delaySeconds: 152_100 },
      { kind: 'waiting', reason: 'outside_window', delaySeconds: 151_200 },
    ])
    // A wait longer than SQS allows hops in 900 s messages.
    expect(w.queue.messages.map((m) => m.delaySeconds)).toEqual([900, 900, 900])
    expect(w.audit.events).toHaveLength(1)
    expect(w.audit.events[0]).toMatchObject({
      id: 'id-1',
      at: SATURDAY,
      actor: { type: 'system', id: 'send-loop' },
      entityType: 'campaign',
      entityId: 'c1',
      action: 'sending_waits',
      signals: ['outside_window'],
      sentence: expect.stringMatching(/^Campaign "Founders India" is waiting to send: Outside the sending window \(Mon–Fri 09:00–17:00 Asia\/Kolkata\): .*next opens .*\.$/),
    })
    expect((await w.campaigns.get('c1'))!.value.status).toBe('active')
    expect(w.campaigns.transitions).toBe(0)
    expect(w.paused).toEqual([])
    // Each hop is the one pulse the chain expects: the last one enqueued carries the stored token.
    // The last move was the third pulse's, 900 s before the clock's last step.
    expect(await w.chain()).toEqual({ chainId: CHAIN, running: true, cursor: null, lastMailboxId: null, waitingFor: 'outside_window', pulseToken: message.token, movedAt: new Date(w.clock.now().getTime() - 900_000).toISOString() })
    expect(new Set(w.queue.messages.map((m) => m.pulse.token)).size).toBe(3)
    expectNothingSent(w)
    expect(w.verifier.calls).toEqual([])

    // Once it opens the lead goes out and the wait is over; a new wait is audited again.
    w.clock.set(new Date(OPENS))
    expect(await pulse(w.deps, message)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(await w.chain()).toMatchObject({ waitingFor: null })
    w.clock.set(new Date('2026-11-23T12:00:00.000Z'))
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'waiting', reason: 'outside_window' })
    expect(w.audit.events.map((e) => e.action)).toEqual(['sending_waits', 'sending_waits'])
  })

  it('asks for the exact remaining wait when the window opens within one queue hop', async () => {
    const w = world({ campaign: { window: OFFICE_HOURS }, now: '2026-11-23T03:20:00.000Z' })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'waiting', reason: 'outside_window', delaySeconds: 600 })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 600 }])
  })

  it('re-checks every 900 s when the window can never open', async () => {
    const w = world({ campaign: { window: { ...OFFICE_HOURS, days: [] } } })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'waiting', reason: 'outside_window', delaySeconds: 900 })
  })

  it.each<[string, (w: World) => void, WorldOptions, string]>([
    ["the campaign's cap is reached on its local day", (w) => w.sends.seedSends('campaign', 'c1', LOCAL_DAY, 50), {}, 'campaign_cap_reached'],
    ['the global cap is reached', (w) => w.sends.seedSends('overall', 'all', UTC_DAY, 300), {}, 'global_cap_reached'],
    [
      'every mailbox is at its cap',
      (w) => {
        w.sends.seedSends('mailbox', 'mb-a', UTC_DAY, 100)
        w.sends.seedSends('mailbox', 'mb-b', UTC_DAY, 100)
      },
      {},
      'no_mailbox_available',
    ],
    ['the only domain is paused', () => undefined, { domains: [{ ...DOMAIN, status: 'paused' }] }, 'domain_paused,no_mailbox_available'],
    ['the campaign has no mailboxes', () => undefined, { campaign: { mailboxIds: [] } }, 'no_mailbox_available'],
  ])('waits 900 s, audited, when %s', async (_label, arrange, options, reason) => {
    const w = world(options)
    arrange(w)
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'waiting', reason, delaySeconds: 900 })
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 900 }])
    expect(w.audit.events.map((e) => [e.action, e.signals])).toEqual([['sending_waits', reason.split(',')]])
    expect(await w.chain()).toMatchObject({ cursor: null, waitingFor: reason })
    expect(w.sender.calls).toEqual([])
    expect(w.sends.records.size).toBe(0)
  })

  it("counts the campaign's cap on its own day: yesterday's sends there do not block", async () => {
    const w = world()
    w.sends.seedSends('campaign', 'c1', UTC_DAY, 50)
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent' })
  })

  it('audits again when the reason for waiting changes', async () => {
    const w = world()
    w.sends.seedSends('campaign', 'c1', LOCAL_DAY, 50)
    await pulse(w.deps, MESSAGE)
    await pulse(w.deps, latest(w))
    w.sends.seedSends('overall', 'all', UTC_DAY, 300)
    await pulse(w.deps, latest(w))
    expect(w.audit.events.map((e) => e.signals)).toEqual([['campaign_cap_reached'], ['campaign_cap_reached', 'global_cap_reached']])
  })
})

describe('pulse: what SES answers', () => {
  it.each<[string, number, number, SendOutcome]>([
    ['a per-second throttle', 0, 30, { kind: 'throttled', code: 'TooManyRequestsException' }],
    ['a per-second throttle with a shorter hint', 0, 30, { kind: 'throttled', code: 'TooManyRequestsException', retryAfterSeconds: 5 }],
    ['a per-second throttle with a longer hint', 0, 100, { kind: 'throttled', code: 'TooManyRequestsException', retryAfterSeconds: 100 }],
    ['a third throttle in a row', 2, 120, { kind: 'throttled', code: 'TooManyRequestsException' }],
    ['the daily quota used up', 0, 900, { kind: 'throttled', code: 'LimitExceededException', retryAfterSeconds: 5 }],
  ])('gives the claim back after %s (attempt %i), waits %i s and tries the same lead again', async (_label, attempt, delay, outcome) => {
    const w = world({ outcomes: [outcome] })
    expect(await pulse(w.deps, { ...MESSAGE, attempt })).toEqual({ kind: 'throttled', delaySeconds: delay })
    expect(await w.record('L1')).toBeNull()
    expect(w.sends.events).toEqual([])
    expect(w.sends.days.size).toBe(0)
    const retry = await handedOver(w, { attempt: attempt + 1 })
    expect(w.queue.messages).toEqual([{ pulse: retry, delaySeconds: delay }])
    expect(await w.chain()).toMatchObject({ cursor: null })
    expect(await pulse(w.deps, retry)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    expect(w.sender.calls.map((c) => [c.message.to, c.outcome.kind])).toEqual([
      ['lead1@acme.example', 'throttled'],
      ['lead1@acme.example', 'sent'],
    ])
    // Sent: the backoff is over.
    expect(w.queue.messages[1]!.pulse).toEqual(await handedOver(w, {}, retry.token))
  })

  it('keeps the attempt count within what the pulse queue accepts through a day of used-up quota', async () => {
    // The daily quota can stay used up for most of a rolling 24 hours: about 96 re-checks 900 s apart.
    const throttles = Array.from({ length: 120 }, (): SendOutcome => ({ kind: 'throttled', code: 'LimitExceededException' }))
    const w = world({ outcomes: throttles })
    let message: PulseMessage = MESSAGE
    for (let i = 0; i < throttles.length; i++) {
      expect(await pulse(w.deps, message)).toEqual({ kind: 'throttled', delaySeconds: 900 })
      message = w.queue.messages.at(-1)!.pulse
    }
    // The send-pulse handler refuses a message whose attempt is above 100 (a poison message, dead-lettered):
    // the chain must not outgrow it. Backoff is at its 900 s ceiling from attempt 5 on, so it stops counting there.
    expect(Math.max(...w.queue.messages.map((m) => m.pulse.attempt ?? 0))).toBe(MAX_PULSE_RETRIES)
    // The lead's verification waits on the chain with it: asked once, not once per re-check.
    expect(w.verifier.calls.filter((e) => e === 'lead1@acme.example')).toHaveLength(1)
    expect(await pulse(w.deps, message)).toMatchObject({ kind: 'sent', leadId: 'L1' })
  })

  it.each<[string, SendOutcome, string]>([
    ['paused', { kind: 'paused', code: 'SendingPausedException' }, 'SES refused to send (SendingPausedException): sending is paused for the account or configuration set.'],
    ['suspended', { kind: 'suspended', code: 'AccountSuspendedException' }, 'SES refused to send (AccountSuspendedException): sending is suspended for the account or configuration set.'],
  ])('pauses the campaign when SES sending is %s, gives the claim back and ends the chain', async (_label, outcome, reason) => {
    const w = world({ outcomes: [outcome] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stopped', reason: (outcome as { code: string }).code })
    expect(w.paused).toEqual([{ campaignId: 'c1', reason }])
    expect(await w.record('L1')).toBeNull()
    expect(w.queue.messages).toEqual([])
    expect(await w.chain()).toMatchObject({ cursor: null })
    expect(w.sends.days.size).toBe(0)
  })

  it('records a rejected email as failed, audited, uncounted, and never retries it', async () => {
    const w = world({ outcomes: [{ kind: 'rejected', code: 'MessageRejected', message: 'Email address is not verified.' }] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'failed', leadId: 'L1', reason: 'MessageRejected' })
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    expect(await w.record('L1')).toMatchObject({
      state: 'failed',
      sendId: 'id-1',
      mailboxId: 'mb-a',
      reason: 'MessageRejected: Email address is not verified.',
    })
    expect(w.sends.events).toEqual([
      loopEvent('id-2', 'send_failed', 'SES rejected the email to lead1@acme.example (MessageRejected: Email address is not verified.); it will not be retried.', {
        campaignId: 'c1',
        sendId: 'id-1',
        code: 'MessageRejected',
        variant: expect.objectContaining({ subject: 'Quick question for Acme' }),
      }),
    ])
    expect(w.sends.days.size).toBe(0)
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: 0 }])
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)), lastMailboxId: 'mb-a' })
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'idle' })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
  })

  it.each<[string, SendOutcome, string]>([
    [
      'the configuration set is gone',
      { kind: 'misconfigured', code: 'NotFoundException', message: 'Configuration set <outbound-prod> does not exist.', explanation: 'SES cannot find something the send names, most likely the configuration set (deleted or renamed)' },
      'SES refused to send because of a setup problem, not because of this email: SES cannot find something the send names, most likely the configuration set (deleted or renamed) (NotFoundException: Configuration set <outbound-prod> does not exist). Nothing was sent and no lead was failed; fix the setup, then resume the campaign.',
    ],
    [
      'the role may not send',
      { kind: 'misconfigured', code: 'AccessDeniedException', message: 'not authorized to perform ses:SendEmail', explanation: 'the AWS role Drason sends with is not allowed to send' },
      'SES refused to send because of a setup problem, not because of this email: the AWS role Drason sends with is not allowed to send (AccessDeniedException: not authorized to perform ses:SendEmail). Nothing was sent and no lead was failed; fix the setup, then resume the campaign.',
    ],
  ])('pauses the campaign, fails no lead and gives the claim back when %s', async (_label, outcome, reason) => {
    const w = world({ leads: [lead(1), lead(2), lead(3)], outcomes: [outcome] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stopped', reason: (outcome as { code: string }).code })
    expect(w.paused).toEqual([{ campaignId: 'c1', reason }])
    // The lead stays queued and unsent: no record, no failure event, nothing counted, the cursor still before it.
    expect(await w.record('L1')).toBeNull()
    expect(w.sends.events).toEqual([])
    expect(w.sends.days.size).toBe(0)
    expect(await w.chain()).toMatchObject({ cursor: null })
    // The chain ends here: the rest of the queue is not run through.
    expect(w.queue.messages).toEqual([])
    expect(w.sender.calls).toHaveLength(1)
  })

  it(`pauses the campaign after ${REJECTED_IN_ROW_LIMIT} rejections in a row instead of failing the whole queue`, async () => {
    const rejected: SendOutcome = { kind: 'rejected', code: 'BadRequestException', message: 'Invalid parameter.' }
    const w = world({ leads: [lead(1), lead(2), lead(3), lead(4)], outcomes: [rejected, rejected, rejected] })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'failed', leadId: 'L1' })
    expect(await w.chain()).toMatchObject({ rejectedInRow: 1 })
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'failed', leadId: 'L2' })
    expect(await w.chain()).toMatchObject({ rejectedInRow: 2 })
    const queued = w.queue.messages.length
    expect(await pulse(w.deps, latest(w))).toEqual({ kind: 'stopped', reason: '3 rejected in a row' })
    expect(w.paused).toEqual([
      {
        campaignId: 'c1',
        reason:
          'SES rejected 3 emails in a row with nothing sent between (the last: BadRequestException: Invalid parameter). That points to the campaign or the account rather than to each lead, so the campaign is paused instead of failing more leads; lead3@acme.example was not sent and stays queued.',
      },
    ])
    // Two leads failed; the third's claim is given back and the fourth was never tried.
    expect((await w.record('L2'))!.state).toBe('failed')
    expect(await w.record('L3')).toBeNull()
    expect(await w.record('L4')).toBeNull()
    expect(w.queue.messages).toHaveLength(queued)
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(2)) })
  })

  it('counts rejections in a row only: a send between starts the count again, and so does a new chain', async () => {
    const rejected: SendOutcome = { kind: 'rejected', code: 'MessageRejected', message: 'Message rejected.' }
    const sent: SendOutcome = { kind: 'sent', messageId: 'ses-ok' }
    const w = world({ leads: [1, 2, 3, 4, 5, 6].map((n) => lead(n)), outcomes: [rejected, rejected, sent, rejected, rejected], campaign: { status: 'draft' }, chain: null })
    await w.control('start')
    const kinds: string[] = []
    for (let i = 0; i < 5; i++) kinds.push((await pulse(w.deps, latest(w))).kind)
    expect(kinds).toEqual(['failed', 'failed', 'sent', 'failed', 'failed'])
    expect(w.paused).toEqual([])
    expect(await w.chain()).toMatchObject({ rejectedInRow: 2 })
    // Pause and Resume: the new chain starts from none.
    await w.control('pause')
    await w.control('resume')
    expect((await w.chain()).rejectedInRow).toBeUndefined()
  })

  it('records a rejection of the message itself as a failed lead, and the chain goes on', async () => {
    const w = world({ outcomes: [{ kind: 'rejected', code: 'InvalidMessage', message: 'The recipient address is not a valid address; nothing was sent.' }] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'failed', leadId: 'L1', reason: 'InvalidMessage' })
    expect(w.paused).toEqual([])
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(await w.chain()).not.toHaveProperty('rejectedInRow')
  })

  it('records an unknown outcome and never sends that lead again, even from a chain that starts over', async () => {
    const w = world({ outcomes: [{ kind: 'unknown', reason: 'timed out after 10 s' }] })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'unknown', leadId: 'L1' })
    expect(await w.record('L1')).toMatchObject({ state: 'unknown', sendId: 'id-1', reason: 'timed out after 10 s' })
    expect(w.sends.events).toEqual([
      loopEvent('id-2', 'send_unknown', 'The email to lead1@acme.example may or may not have gone out (timed out after 10 s); it will not be resent, and the SES Send event will settle it.', {
        campaignId: 'c1',
        sendId: 'id-1',
        variant: expect.objectContaining({ subject: 'Quick question for Acme' }),
      }),
    ])
    // Maybe sent, so paced like a send; counted only when SES's Send event settles it.
    expect(w.sends.days.size).toBe(0)
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: expect.any(Number) }])
    const delay = w.queue.messages[0]!.delaySeconds
    expect(delay).toBeGreaterThanOrEqual(60)
    expect(delay).toBeLessThanOrEqual(180)

    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    // Never resent, so the lead is done in this campaign: a new chain whose cursor starts from the
    // beginning again (its first pulse carries no token) finds nothing queued.
    expect(w.leads.leads.get('L1')!.status).toBe('completed')
    w.campaigns.chains.set('c1', { chainId: 'chain-2', running: true, cursor: null, lastMailboxId: null, waitingFor: null, pulseToken: null })
    expect(await pulse(w.deps, { campaignId: 'c1', chainId: 'chain-2' })).toEqual({ kind: 'idle' })
    // And were it still queued (completing it failed), the send record alone passes it over.
    w.leads.leads.set('L1', { ...w.leads.leads.get('L1')!, status: 'active' })
    w.campaigns.chains.set('c1', { chainId: 'chain-3', running: true, cursor: null, lastMailboxId: null, waitingFor: null, pulseToken: null })
    expect(await pulse(w.deps, { campaignId: 'c1', chainId: 'chain-3' })).toEqual({ kind: 'skipped', leadId: 'L1', reason: 'already has a send' })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
    expect(await w.record('L1')).toMatchObject({ state: 'unknown' })
  })

  it('sends a lead once when several pulses of the chain run at the same moment', async () => {
    const w = world({ leads: [lead(1)] })
    const results = await Promise.all([pulse(w.deps, MESSAGE), pulse(w.deps, MESSAGE), pulse(w.deps, MESSAGE)])
    expect(results.filter((r) => r.kind === 'sent')).toHaveLength(1)
    expect(results.filter((r) => r.kind === 'skipped')).toHaveLength(2)
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
    expect(w.sends.events.filter((e) => e.action === 'sent')).toHaveLength(1)
    // Only the pulse that moved the chain hands over: one next pulse, not three parallel chains.
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: expect.any(Number) }])
  })
})

// ---------------------------------------------------------------------------------------------------
// Tokens. SQS delivers a message at least once, and an enqueue whose answer was lost may have enqueued:
// a pulse can arrive twice. Each move of the chain stores a fresh token that only the next pulse carries,
// so exactly one delivery of a pulse hands the chain on, and a duplicate can never start a second chain
// beside the first (which would double the sending pace).

/** Where a pulse could act at all: its chain is the one running and it carries the token the chain expects. */
async function accepts(w: World, message: PulseMessage): Promise<boolean> {
  const chain = await w.chain()
  return chain.running && message.chainId === chain.chainId && (message.token ?? message.chainId) === (chain.pulseToken ?? chain.chainId)
}

describe('pulse: a pulse delivered twice', () => {
  const leads = [lead(1), lead(2), lead(3), lead(4), lead(5)]
  const { minSeconds } = baseCampaign().delay

  interface Step {
    at: number
    results: PulseResult[]
    enqueued: { pulse: PulseMessage; delaySeconds: number }[]
    /** The token the chain expected after the step. */
    token: string | null
  }

  /**
   * Plays SQS over simulated time, delivering every message twice (one delivery after the other, or both
   * at the same moment) until a pulse finds the queue empty. Each message is delivered when its delay is up.
   */
  async function deliverEveryPulseTwice(w: World, how: 'one after the other' | 'at the same moment'): Promise<Step[]> {
    const steps: Step[] = []
    const due: { message: PulseMessage; at: number }[] = [{ message: MESSAGE, at: w.clock.now().getTime() }]
    let seen = 0
    while (due.length > 0) {
      if (steps.length > 50) throw new Error('the chain did not end')
      due.sort((a, b) => a.at - b.at)
      const { message, at } = due.shift()!
      w.clock.set(new Date(at))
      const results = how === 'one after the other' ? [await pulse(w.deps, message), await pulse(w.deps, message)] : await Promise.all([pulse(w.deps, message), pulse(w.deps, message)])
      const enqueued = w.queue.messages.slice(seen)
      seen = w.queue.messages.length
      steps.push({ at, results, enqueued, token: (await w.chain()).pulseToken ?? null })
      if (results.some((r) => r.kind === 'idle')) break
      due.push(...enqueued.map((m) => ({ message: m.pulse, at: at + m.delaySeconds * 1000 })))
    }
    return steps
  }

  /** What both ways of delivering twice must keep: one pulse per step, each lead sent once, the pace kept. */
  function expectOneChain(w: World, steps: Step[]) {
    // A step per lead and one that finds the queue empty: no step was added by a duplicate.
    expect(steps).toHaveLength(leads.length + 1)
    for (const step of steps) {
      // Exactly one next pulse per step, and it carries the token the chain now expects.
      expect(step.enqueued).toHaveLength(1)
      expect(step.enqueued[0]!.pulse).toEqual({ campaignId: 'c1', chainId: CHAIN, token: step.token })
    }
    expect(new Set(steps.map((s) => s.token)).size).toBe(steps.length)
    expect(w.sender.calls.map((c) => c.message.to)).toEqual(leads.map((l) => l.email))
    expect(w.sends.events.filter((e) => e.action === 'sent')).toHaveLength(leads.length)
    expect(w.sends.days.get(`campaign|c1|${LOCAL_DAY}`)).toEqual({ sends: leads.length, verified: 0 })
    // The pace is not doubled: each send comes the full drawn delay after the previous one, never sooner.
    const sendSteps = steps.filter((s) => s.results.some((r) => r.kind === 'sent'))
    expect(sendSteps).toHaveLength(leads.length)
    for (let i = 1; i < sendSteps.length; i++) {
      const gap = (sendSteps[i]!.at - sendSteps[i - 1]!.at) / 1000
      expect(gap).toBe(sendSteps[i - 1]!.enqueued[0]!.delaySeconds)
      expect(gap).toBeGreaterThanOrEqual(minSeconds)
    }
  }

  it('one after the other: the second delivery finds the chain moved on, ends as stale and sends and enqueues nothing', async () => {
    const w = world({ leads })
    const steps = await deliverEveryPulseTwice(w, 'one after the other')
    expectOneChain(w, steps)
    for (const step of steps) expect(step.results[1]).toEqual({ kind: 'stale' })
    expect(steps.map((s) => s.results[0]!.kind)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'idle'])
    // The duplicate stops before reading a lead: the verifier was asked about each lead once.
    expect(w.verifier.calls).toEqual(leads.map((l) => l.email))
  })

  it('at the same moment: both start, the claim lets one send, and only the one that moved the chain enqueues', async () => {
    const w = world({ leads })
    const steps = await deliverEveryPulseTwice(w, 'at the same moment')
    expectOneChain(w, steps)
    for (const step of steps.slice(0, -1)) {
      // Neither is stale when it starts: the chain had not moved yet. The loser of the claim passes the lead over.
      expect(step.results.map((r) => r.kind).sort()).toEqual(['sent', 'skipped'])
      expect(step.results.find((r) => r.kind === 'skipped')).toMatchObject({ reason: 'already claimed' })
    }
    expect(steps.at(-1)!.results).toEqual([{ kind: 'idle' }, { kind: 'idle' }])
  })

  it('a duplicate that arrives while the first delivery is with SES passes the lead over and keeps the pace of a send', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    // SES holds the first delivery's message until the test lets it answer.
    let answer: () => void = () => undefined
    const send = w.deps.sender.send
    w.deps.sender.send = (message) => new Promise((resolve) => (answer = () => resolve(send(message))))
    const first = pulse(w.deps, MESSAGE)
    await vi.waitFor(() => expect(w.sends.records.get('c1|L1')).toMatchObject({ state: 'sending' }))
    // The duplicate finds the chain not yet moved and L1 claimed a moment ago: it moves the chain on, paced as after a send.
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'skipped', leadId: 'L1', reason: 'already has a send' })
    const claimedBy = w.sends.records.get('c1|L1')!.mailboxId
    expect(await w.chain()).toMatchObject({ cursor: cursorOf(lead(1)), lastMailboxId: claimedBy })
    answer()
    expect(await first).toMatchObject({ kind: 'sent', leadId: 'L1' })
    // The first delivery's own move was refused: one next pulse, a send's delay later, not at once.
    expect(w.queue.messages).toEqual([{ pulse: await handedOver(w), delaySeconds: expect.any(Number) }])
    expect(w.queue.messages[0]!.delaySeconds).toBeGreaterThanOrEqual(baseCampaign().delay.minSeconds)
    expect(w.sender.callsTo('lead1@acme.example')).toBe(1)
  })

  it('once SES took a message and the enqueue of the next pulse lost its answer, the redelivery neither sends nor enqueues', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    injectFaults(w.queue, 'enqueue', (call) => (call === 1 ? 'after' : null))
    await expect(pulse(w.deps, MESSAGE)).rejects.toThrow(/enqueue/)
    const next = latest(w)
    expect(await accepts(w, next)).toBe(true)
    // SQS redelivers the message whose pulse threw.
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expect(w.queue.messages).toHaveLength(1)
    expect(w.sender.calls).toHaveLength(1)
    expect(await pulse(w.deps, next)).toMatchObject({ kind: 'sent', leadId: 'L2' })
  })
})

describe('pulse: an out-of-date token', () => {
  it('ends as stale when the chain has already moved past it, even after a newer pulse ran', async () => {
    const w = world({ leads: [lead(1), lead(2), lead(3)] })
    expect(await pulse(w.deps, MESSAGE)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    const second = latest(w)
    expect(await pulse(w.deps, second)).toMatchObject({ kind: 'sent', leadId: 'L2' })
    const third = latest(w)
    const before = await w.chain()
    const verified = w.verifier.calls.length
    // The first pulse again, the second again (as a retry too), and a token the chain never handed out.
    for (const old of [MESSAGE, second, { ...second, attempt: 2 }, { ...MESSAGE, token: 'made-up' }]) {
      expect(await pulse(w.deps, old)).toEqual({ kind: 'stale' })
    }
    expect(w.sender.calls).toHaveLength(2)
    expect(w.queue.messages).toHaveLength(2)
    expect(w.verifier.calls).toHaveLength(verified)
    expect(await w.chain()).toEqual(before)
    // The newest pulse is still the one the chain expects.
    expect(await pulse(w.deps, third)).toMatchObject({ kind: 'sent', leadId: 'L3' })
  })

  it('ends as stale when a chain that has moved gets a tokenless first pulse', async () => {
    const w = world({ chain: { pulseToken: 'id-9' } })
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expect(await pulse(w.deps, { ...MESSAGE, token: 'id-9' })).toMatchObject({ kind: 'sent', leadId: 'L1' })
  })
})

describe('pulse: a new chain', () => {
  it('starts from its first, tokenless pulse; after Pause and Resume the old chain’s pulses are stale and the new one carries on', async () => {
    const w = world({ leads: [lead(1), lead(2), lead(3)], campaign: { status: 'draft' }, chain: null })
    await w.control('start')
    const first = latest(w)
    expect(first).toEqual({ campaignId: 'c1', chainId: 'op-1' })
    expect(await w.chain()).toMatchObject({ chainId: 'op-1', running: true, pulseToken: null })
    expect(await pulse(w.deps, first)).toMatchObject({ kind: 'sent', leadId: 'L1' })
    const oldNext = await handedOver(w, {}, 'op-1')
    expect(latest(w)).toEqual(oldNext)

    await w.control('pause')
    await w.control('resume')
    const resumed = latest(w)
    // Resume starts a new chain at the same place in the queue, with no token yet (the pause's lead moves
    // took ids op-5 and op-6).
    expect(resumed).toEqual({ campaignId: 'c1', chainId: 'op-7' })
    expect(await w.chain()).toMatchObject({ chainId: 'op-7', running: true, cursor: cursorOf(lead(1)), pulseToken: null })
    const queued = w.queue.messages.length
    for (const old of [oldNext, first]) expect(await pulse(w.deps, old)).toEqual({ kind: 'stale' })
    expect(w.queue.messages).toHaveLength(queued)

    expect(await pulse(w.deps, resumed)).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(latest(w)).toEqual(await handedOver(w, {}, 'op-7'))
    expect(await pulse(w.deps, oldNext)).toEqual({ kind: 'stale' })
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L3' })
    expect(w.sender.calls.map((c) => c.message.to)).toEqual(['lead1@acme.example', 'lead2@acme.example', 'lead3@acme.example'])
  })
})

// ---------------------------------------------------------------------------------------------------
// Fault injection. A pulse is one SQS message: when it throws, SQS delivers the same message again. The
// driver below plays SQS: it runs the chain's messages in order, redelivers a message whose pulse threw
// (after whatever that pulse managed to enqueue), and stops once every lead has a send record and a pulse
// has found the queue empty. The promises checked after every run:
//   1. no address is handed to SES twice;
//   2. every message SES took has the record of its claim (same send id as its `send` tag), so the SES
//      events can settle it;
//   3. counters and `sent` audit events match the `sent` records exactly (nothing counted twice);
//   4. the cursor ends past the last lead: every lead was handled (sent, skipped or left claimed).
// And after every step: at most one queued pulse is one the chain would accept, so a redelivery never
// runs a second chain beside the first.
//
// The chain stalls, by design, when its cursor moved but no message carries the new token: the move's
// answer was lost (`advance` fails after its effect) or the enqueue after it failed (`enqueue` fails
// before its effect). The redelivered message is then stale, and nothing is left to carry the chain on.
// That is preferred to the alternative (a redelivery that could not tell whether its hand-over went out
// would start a second chain and double the pace). The stall is visible: the chain runs and expects a
// token that no queued message carries. A person resolves it with Pause and Resume, which starts a new
// chain at the same place in the queue; the driver does that when the queue runs dry, after checking the
// stall is visible.

const STEPS = ['claim', 'send', 'settle', 'advance', 'notePreverified', 'enqueue', 'skip'] as const
type Step = (typeof STEPS)[number]

function faultAt(w: World, step: Step, decide: (call: number) => FaultMode | null) {
  switch (step) {
    case 'claim':
    case 'settle':
    case 'skip':
      return injectFaults(w.sends, step, decide)
    case 'send':
      return injectFaults(w.sender, 'send', decide)
    case 'advance':
    case 'notePreverified':
      return injectFaults(w.campaigns.cursor, step, decide)
    case 'enqueue':
      return injectFaults(w.queue, 'enqueue', decide)
  }
}

/** The stall a person sees: the chain runs, and no pulse ever enqueued (nor the first) carries what it expects. */
async function expectStalled(w: World) {
  const chain = await w.chain()
  expect(chain.running, 'a stalled chain still runs').toBe(true)
  const expected = chain.pulseToken ?? chain.chainId
  const carried = [MESSAGE, ...w.queue.messages.map((m) => m.pulse)].some((m) => m.chainId === chain.chainId && (m.token ?? m.chainId) === expected)
  expect(carried, `a queued pulse carries ${expected}: the chain is not stalled`).toBe(false)
}

/** What a person does about a stalled chain. Resume's own enqueue may fail too: the chain then stalls again. */
async function pauseAndResume(w: World) {
  await w.control('pause')
  await w.control('resume').catch(() => undefined)
}

async function drive(w: World, maxAttempts = 400): Promise<{ results: PulseResult[]; retries: number; stalls: number }> {
  const pending: PulseMessage[] = [MESSAGE]
  const results: PulseResult[] = []
  let retries = 0
  let stalls = 0
  let seen = 0
  const allHandled = () => [...w.leads.leads.values()].every((l) => w.sends.records.has(`c1|${l.id}`))
  const collect = () => {
    pending.push(...w.queue.messages.slice(seen).map((m) => m.pulse))
    seen = w.queue.messages.length
  }
  for (let attempt = 0; ; attempt++) {
    if (attempt >= maxAttempts) throw new Error(`the chain did not finish in ${maxAttempts} attempts`)
    const message = pending.shift()
    if (!message) {
      await expectStalled(w)
      stalls++
      await pauseAndResume(w)
      collect()
      continue
    }
    try {
      const result = await pulse(w.deps, message)
      results.push(result)
      if (result.kind === 'idle' && allHandled()) {
        collect()
        // One chain at the end: the idle pulse's next look carries it on, and anything else still queued is stale.
        expect(await accepts(w, pending.at(-1)!)).toBe(true)
        for (const left of pending.slice(0, -1)) expect(await pulse(w.deps, left).catch(() => 'threw')).toEqual({ kind: 'stale' })
        return { results, retries, stalls }
      }
    } catch {
      retries++
      pending.unshift(message)
    }
    collect()
    const live = (await Promise.all(pending.map((m) => accepts(w, m)))).filter(Boolean).length
    expect(live, 'queued pulses the chain would accept').toBeLessThanOrEqual(1)
  }
}

async function expectPromisesKept(w: World, leads: Lead[]) {
  for (const l of leads) expect(w.sender.callsTo(l.email), `${l.email} handed to SES more than once`).toBeLessThanOrEqual(1)
  for (const { message } of w.sender.calls) {
    const record = await w.record(message.tags.lead)
    expect(record, `no record for the message to ${message.to}`).not.toBeNull()
    expect(record!.sendId).toBe(message.tags.send)
    expect(['sent', 'sending']).toContain(record!.state)
  }
  const sent = [...w.sends.records.values()].filter((r) => r.state === 'sent')
  for (const r of sent) expect(w.sender.calls.some((c) => c.message.tags.send === r.sendId && c.outcome.kind === 'sent')).toBe(true)
  const total = (scope: string) => [...w.sends.days.entries()].filter(([k]) => k.startsWith(`${scope}|`)).reduce((n, [, d]) => n + d.sends, 0)
  for (const scope of ['overall', 'campaign', 'mailbox', 'domain']) expect(total(scope), `${scope} sends counted`).toBe(sent.length)
  expect(w.sends.events.filter((e) => e.action === 'sent')).toHaveLength(sent.length)
  for (const l of leads) expect(w.sends.records.has(`c1|${l.id}`), `${l.id} never handled`).toBe(true)
  expect((await w.chain()).cursor).toBe(cursorOf(leads.at(-1)!))
}

describe('pulse: a fault at any step, then the same message again', () => {
  const leads = [lead(1), lead(2), lead(3), lead(4)]

  // The fault hits the first call of the step (for notePreverified the first call is L1's own check
  // before its claim, L1 being verified inline; the second keeps L2's pre-verification, whose failure the
  // pulse ignores), i.e. while the chain handles L1. The fourth column says
  // what the fault stands for in production; the last is where L1 ends up (its record's state, how many
  // times SES was handed it, how many times the verifier was asked about it) and how many times the
  // chain stalled until a person paused and resumed it.
  it.each<[Step, FaultMode, number, string, { state: string; toSes: number; verified: number; stalls: number }]>([
    ['notePreverified', 'before', 1, "the check before L1's claim failed, so nothing is claimed and the retry verifies again, claims and sends", { state: 'sent', toSes: 1, verified: 2, stalls: 0 }],
    ['notePreverified', 'after', 1, "L1's verification was kept on the chain by the check before its claim, the answer lost: the retry uses it, claims and sends", { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    ['notePreverified', 'before', 2, "keeping L2's verification on the chain failed, which does not fail L1's pulse (L2 is verified again, just in time)", { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    ['notePreverified', 'after', 2, "L2's verification was kept but the answer lost, which does not fail L1's pulse", { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    // L1 is the chain's first lead, verified on its own path and kept on the chain by the check before its claim: the retry uses it.
    ['claim', 'before', 1, 'the conditional put never reached DynamoDB, so the retry claims and sends, with the verification kept on the chain', { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    ['claim', 'after', 1, 'the claim was written but its answer lost, so the retry finds it and passes L1 over unsent', { state: 'sending', toSes: 0, verified: 1, stalls: 0 }],
    ['send', 'before', 1, 'the Lambda died before SES got the message; maybe sent as far as Drason knows, so never resent', { state: 'sending', toSes: 0, verified: 1, stalls: 0 }],
    ['send', 'after', 1, 'SES took the message and the Lambda died before recording it; the claim keeps the send id for SES events', { state: 'sending', toSes: 1, verified: 1, stalls: 0 }],
    ['settle', 'before', 1, 'the settle transaction failed, so L1 stays claimed and uncounted, and is never resent', { state: 'sending', toSes: 1, verified: 1, stalls: 0 }],
    ['settle', 'after', 1, 'the settle transaction committed but its answer was lost, so L1 is counted once and never resent', { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    ['advance', 'before', 1, 'the cursor did not move, so the retry finds L1 sent and moves past it', { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
    ['advance', 'after', 1, 'the cursor moved but its answer was lost, so the retry is stale and the chain stalls until Pause and Resume', { state: 'sent', toSes: 1, verified: 1, stalls: 1 }],
    ['enqueue', 'before', 1, 'SendMessage failed after the cursor moved, so the retry is stale and the chain stalls until Pause and Resume', { state: 'sent', toSes: 1, verified: 1, stalls: 1 }],
    ['enqueue', 'after', 1, 'SendMessage succeeded but its answer was lost, so the retry is stale and the enqueued pulse alone carries the chain on', { state: 'sent', toSes: 1, verified: 1, stalls: 0 }],
  ])('%s fails %s its effect (call %i): %s', async (step, mode, nth, _models, l1) => {
    const w = world({ leads })
    faultAt(w, step, (call) => (call === nth ? mode : null))
    const { results, retries, stalls } = await drive(w)
    // Only L2's pre-verification may fail without failing its pulse.
    expect(retries).toBe(step === 'notePreverified' && nth === 2 ? 0 : 1)
    expect(stalls).toBe(l1.stalls)
    // A retry whose hand-over took effect is stale; any other retry acts again.
    const handedOver = (step === 'advance' && mode === 'after') || step === 'enqueue'
    expect(results.filter((r) => r.kind === 'stale')).toHaveLength(handedOver ? 1 : 0)
    await expectPromisesKept(w, leads)
    expect(await w.record('L1')).toMatchObject({ state: l1.state })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(l1.toSes)
    expect(w.verifier.calls.filter((e) => e === 'lead1@acme.example')).toHaveLength(l1.verified)
    // The other leads are unaffected: each sent exactly once.
    for (const l of leads.slice(1)) expect(await w.record(l.id)).toMatchObject({ state: 'sent' })
  })

  // L1 is invalid: the fault hits the skip path.
  it.each<[Step, FaultMode, number, string]>([
    ['skip', 'before', 0, 'the skip record was not written: the retry skips again'],
    ['skip', 'after', 0, 'the skip record was written, its answer lost: the retry passes L1 over'],
    ['advance', 'before', 0, 'the cursor did not move past the skipped lead: the retry finds its record and moves on'],
    ['advance', 'after', 1, 'the cursor moved, its answer lost: the retry is stale and the chain stalls until Pause and Resume'],
    ['enqueue', 'before', 1, 'SendMessage failed after the skip moved the cursor: the retry is stale and the chain stalls until Pause and Resume'],
    ['enqueue', 'after', 0, 'SendMessage succeeded after the skip, its answer lost: the retry is stale and one pulse carries the chain on'],
  ])('while skipping an invalid lead, %s fails %s its effect (stalls: %i; %s): L1 stays skipped, the rest are sent', async (step, mode, expectedStalls) => {
    const w = world({ leads, verdicts: { 'lead1@acme.example': 'invalid' } })
    faultAt(w, step, (call) => (call === 1 ? mode : null))
    const { retries, stalls } = await drive(w)
    expect(retries).toBe(1)
    expect(stalls).toBe(expectedStalls)
    await expectPromisesKept(w, leads)
    expect(await w.record('L1')).toMatchObject({ state: 'skipped_invalid' })
    expect(w.sender.callsTo('lead1@acme.example')).toBe(0)
    expect(w.sends.events.filter((e) => e.action === 'skipped_invalid')).toHaveLength(1)
  })

  it('an enqueue that fails after the cursor moved leaves a visible stall, and Pause and Resume carry the chain on', async () => {
    const w = world({ leads: [lead(1), lead(2)] })
    faultAt(w, 'enqueue', (call) => (call === 1 ? 'before' : null))
    await expect(pulse(w.deps, MESSAGE)).rejects.toThrow(/enqueue/)
    // L1 went out and the cursor moved past it, with a token no message carries.
    expect(await w.chain()).toMatchObject({ chainId: CHAIN, running: true, cursor: cursorOf(lead(1)), pulseToken: expect.any(String) })
    expect(w.queue.messages).toEqual([])
    await expectStalled(w)
    // SQS redelivers the message: it is stale, and sends nothing.
    expect(await pulse(w.deps, MESSAGE)).toEqual({ kind: 'stale' })
    expect(w.sender.calls).toHaveLength(1)
    await pauseAndResume(w)
    expect(await pulse(w.deps, latest(w))).toMatchObject({ kind: 'sent', leadId: 'L2' })
    expect(w.sender.calls.map((c) => c.message.to)).toEqual(['lead1@acme.example', 'lead2@acme.example'])
  })

  // Many faults at once: every step fails at random (before or after its effect) on about one call in
  // five, over a longer queue with an invalid and a suppressed lead in it. Resume's own enqueue may fail
  // too; the driver then finds the chain stalled again.
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('keeps its promises when every step fails at random (seed %i)', async (seed) => {
    const many = Array.from({ length: 8 }, (_, i) => lead(i + 1))
    const w = world({ leads: many, verdicts: { 'lead3@acme.example': 'invalid' }, suppressed: ['lead6@acme.example'], random: seededRandom(seed) })
    const chaos = seededRandom(seed * 7919)
    const counts = STEPS.map((step) => faultAt(w, step, () => (chaos() < 0.2 ? (chaos() < 0.5 ? 'before' : 'after') : null)))
    const { retries } = await drive(w, 2000)
    expect(counts.reduce((n, c) => n + c.faults, 0)).toBeGreaterThan(0)
    expect(retries).toBeGreaterThan(0)
    await expectPromisesKept(w, many)
    expect(await w.record('L3')).toMatchObject({ state: 'skipped_invalid' })
    expect(await w.record('L6')).toMatchObject({ state: 'skipped_invalid', reason: 'the address is on the suppression list' })
    expect(w.sender.callsTo('lead3@acme.example') + w.sender.callsTo('lead6@acme.example')).toBe(0)
  })
})
