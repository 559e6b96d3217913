import { describe, expect, it } from 'vitest'
import { CAMPAIGN_STATUSES, type CampaignStatus, type Lead } from '../domain/entities'
import {
  campaign as plainCampaign,
  campaignLead,
  fixedClock,
  memoryCampaignLeads,
  memoryCampaignStore,
  memoryPulseQueue,
  memorySends,
  sequentialIds,
  type ChainState,
} from '../../../test/support/memory'
import { CONTROLS, controlCampaign, finishControls, IN_REQUEST_MOVES, pauseForReason, type Control } from './campaign-controls'

const NOW = '2026-11-23T06:00:00.000Z'
const actor = { type: 'user', id: 'tester@drason.test' } as const
const SES_REASON = 'SES refused to send (SendingPausedException): sending is paused for the account or configuration set.'
const CONFLICT = 'The campaign changed at the same moment (another click or another person). Reload to see its state.'

const lead = campaignLead

/** Campaign c1 in `status`; an active campaign has a running chain, any other a stopped one. */
function world(status: CampaignStatus, options: { chain?: Partial<ChainState>; leads?: Lead[] } = {}) {
  const campaigns = memoryCampaignStore([{ ...plainCampaign('c1', 'Founders India'), status, pauseReason: status === 'paused' ? SES_REASON : null }], {
    c1: { chainId: 'chain-0', running: status === 'active', cursor: 'somewhere', ...options.chain },
  })
  const leads = memoryCampaignLeads(options.leads ?? [])
  const sends = memorySends()
  const queue = memoryPulseQueue()
  /** Each admitHeld call, with how many pulses had been enqueued when it ran. */
  const admitted: { campaignId: string; pulsesBefore: number }[] = []
  const deps = {
    campaigns,
    pulseQueue: queue,
    leads,
    sends,
    admitHeld: async (campaignId: string) => void admitted.push({ campaignId, pulsesBefore: queue.messages.length }),
    clock: fixedClock(NOW),
    ids: sequentialIds('id'),
  }
  return { deps, campaigns, leads, sends, queue, admitted }
}

const ALLOWED: [Control, CampaignStatus, CampaignStatus][] = [
  ['start', 'draft', 'active'],
  ['resume', 'paused', 'active'],
  ['pause', 'active', 'paused'],
  ['abort', 'draft', 'aborted'],
  ['abort', 'active', 'aborted'],
  ['abort', 'paused', 'aborted'],
]

const REFUSED: [Control, CampaignStatus, string][] = [
  ['start', 'active', 'An active campaign cannot be started.'],
  ['start', 'paused', 'A paused campaign cannot be started.'],
  ['start', 'aborted', 'An aborted campaign cannot be started.'],
  ['start', 'completed', 'A completed campaign cannot be started.'],
  ['resume', 'draft', 'A draft campaign cannot be resumed.'],
  ['resume', 'active', 'An active campaign cannot be resumed.'],
  ['resume', 'aborted', 'An aborted campaign cannot be resumed.'],
  ['resume', 'completed', 'A completed campaign cannot be resumed.'],
  ['pause', 'draft', 'A draft campaign cannot be paused.'],
  ['pause', 'paused', 'A paused campaign cannot be paused.'],
  ['pause', 'aborted', 'An aborted campaign cannot be paused.'],
  ['pause', 'completed', 'A completed campaign cannot be paused.'],
  ['abort', 'aborted', 'An aborted campaign cannot be aborted.'],
  ['abort', 'completed', 'A completed campaign cannot be aborted.'],
]

describe('controlCampaign: which controls apply to which status', () => {
  it('the two tables name every control and status pair exactly once', () => {
    const pairs = [...ALLOWED, ...REFUSED].map(([control, from]) => `${control}:${from}`)
    expect(new Set(pairs).size).toBe(pairs.length)
    expect(pairs.sort()).toEqual(CONTROLS.flatMap((c) => CAMPAIGN_STATUSES.map((s) => `${c}:${s}`)).sort())
  })

  it.each(ALLOWED)('%s takes a %s campaign to %s', async (control, from, to) => {
    const w = world(from)
    expect(await controlCampaign(w.deps, actor, 'c1', control)).toEqual({ ok: true, status: to })
    expect(await w.campaigns.get('c1')).toMatchObject({ value: { status: to }, version: 2 })
    expect(w.campaigns.events.map((e) => e.action)).toEqual([{ start: 'started', resume: 'resumed', pause: 'paused', abort: 'aborted' }[control]])
  })

  it.each(REFUSED)('%s on a %s campaign is refused with 409 and changes nothing', async (control, from, message) => {
    const w = world(from)
    const chainBefore = await w.campaigns.chain('c1')
    expect(await controlCampaign(w.deps, actor, 'c1', control)).toEqual({ ok: false, status: 409, message })
    expect(await w.campaigns.get('c1')).toMatchObject({ value: { status: from }, version: 1 })
    expect(await w.campaigns.chain('c1')).toEqual(chainBefore)
    expect(w.campaigns.events).toEqual([])
    expect(w.queue.messages).toEqual([])
    expect(w.admitted).toEqual([])
  })

  it.each(CONTROLS)('%s on a campaign that does not exist is a 404', async (control) => {
    const w = world('draft')
    expect(await controlCampaign(w.deps, actor, 'nope', control)).toEqual({ ok: false, status: 404, message: 'That campaign does not exist.' })
    expect(w.campaigns.transitions).toBe(0)
  })
})

describe('controlCampaign: the pulse chain', () => {
  it.each(['start', 'resume'] as const)('%s claims a new chain, runs the gate over held leads first, then enqueues exactly one pulse', async (control) => {
    const w = world(control === 'start' ? 'draft' : 'paused')
    await controlCampaign(w.deps, actor, 'c1', control)
    // The chain id is the first id drawn; the audit event's id the second.
    expect(await w.campaigns.chain('c1')).toMatchObject({ chainId: 'id-1', running: true })
    expect(w.admitted).toEqual([{ campaignId: 'c1', pulsesBefore: 0 }])
    expect(w.queue.messages).toEqual([{ pulse: { campaignId: 'c1', chainId: 'id-1' }, delaySeconds: 0 }])
  })

  it.each<[Control, CampaignStatus]>([
    ['pause', 'active'],
    ['abort', 'active'],
    ['abort', 'paused'],
    ['abort', 'draft'],
  ])('%s on a %s campaign stops the chain and enqueues nothing', async (control, from) => {
    const w = world(from)
    await controlCampaign(w.deps, actor, 'c1', control)
    expect(await w.campaigns.chain('c1')).toMatchObject({ chainId: 'chain-0', running: false })
    expect(w.queue.messages).toEqual([])
    expect(w.admitted).toEqual([])
  })

  it.each<[string, (w: ReturnType<typeof world>) => void, Control, CampaignStatus]>([
    ['another writer saved the campaign first', (w) => w.campaigns.loseNextTransition(), 'start', 'draft'],
    ['another writer saved the campaign first', (w) => w.campaigns.loseNextTransition(), 'resume', 'paused'],
    ['another writer saved the campaign first', (w) => w.campaigns.loseNextTransition(), 'pause', 'active'],
    ['another writer saved the campaign first', (w) => w.campaigns.loseNextTransition(), 'abort', 'active'],
    ['a chain is still running', (w) => w.campaigns.chains.set('c1', { chainId: 'chain-0', running: true, cursor: null, lastMailboxId: null, waitingFor: null }), 'resume', 'paused'],
  ])('answers 409 when %s (%s), enqueuing no pulse and running no gate', async (_label, arrange, control, from) => {
    const w = world(from, { leads: [lead(1)] })
    arrange(w)
    expect(await controlCampaign(w.deps, actor, 'c1', control)).toEqual({ ok: false, status: 409, message: CONFLICT })
    expect(w.queue.messages).toEqual([])
    expect(w.admitted).toEqual([])
    expect(w.campaigns.events).toEqual([])
    expect(w.leads.events).toEqual([])
    expect(w.leads.leads.get('L1')!.status).toBe('active')
  })

  it('lets one of two simultaneous Starts through and tells the other the campaign changed', async () => {
    const w = world('draft')
    const results = await Promise.all([controlCampaign(w.deps, actor, 'c1', 'start'), controlCampaign(w.deps, actor, 'c1', 'start')])
    expect(results).toContainEqual({ ok: true, status: 'active' })
    expect(results).toContainEqual({ ok: false, status: 409, message: CONFLICT })
    expect(w.queue.messages).toHaveLength(1)
    expect(await w.campaigns.chain('c1')).toMatchObject({ chainId: w.queue.messages[0]!.pulse.chainId, running: true })
  })
})

describe('controlCampaign: what is recorded', () => {
  it.each<[Control, CampaignStatus, string, Record<string, unknown>, string | null]>([
    ['start', 'draft', 'tester@drason.test started campaign "Founders India" (draft → active).', { from: 'draft', to: 'active', chainId: 'id-1' }, null],
    ['resume', 'paused', 'tester@drason.test resumed campaign "Founders India" (paused → active).', { from: 'paused', to: 'active', chainId: 'id-1' }, null],
    ['pause', 'active', 'tester@drason.test paused campaign "Founders India" (active → paused).', { from: 'active', to: 'paused' }, 'paused by tester@drason.test'],
    ['abort', 'paused', 'tester@drason.test aborted campaign "Founders India" (paused → aborted).', { from: 'paused', to: 'aborted' }, null],
  ])('%s from %s: the audit event and the pause reason', async (control, from, sentence, details, pauseReason) => {
    const w = world(from)
    await controlCampaign(w.deps, actor, 'c1', control)
    expect(w.campaigns.events).toEqual([
      { id: 'id-2', at: NOW, actor, entityType: 'campaign', entityId: 'c1', action: { start: 'started', resume: 'resumed', pause: 'paused', abort: 'aborted' }[control], sentence, details },
    ])
    // Resuming (or aborting) clears the reason the campaign was paused for.
    expect((await w.campaigns.get('c1'))!.value.pauseReason).toBe(pauseReason)
  })
})

describe('controlCampaign: Abort returns unsent leads to held', () => {
  const reason = 'campaign "Founders India" was aborted by tester@drason.test'

  it('holds every queued lead that has no send, audited, completes one that was sent, and leaves held leads alone', async () => {
    const w = world('active', { leads: [lead(1), lead(2), lead(3), lead(4, { status: 'held', holdReason: 'awaiting gate' })] })
    await w.sends.claim({ campaignId: 'c1', leadId: 'L1', sendId: 's1', state: 'sent', mailboxId: 'mb-a', claimedAt: NOW })
    expect(await controlCampaign(w.deps, actor, 'c1', 'abort')).toEqual({ ok: true, status: 'aborted' })
    expect([...w.leads.leads.values()].map((l) => [l.id, l.status, l.holdReason])).toEqual([
      ['L1', 'completed', null],
      ['L2', 'held', reason],
      ['L3', 'held', reason],
      ['L4', 'held', 'awaiting gate'],
    ])
    expect(w.leads.events).toEqual(
      ['L2', 'L3'].map((id, i) => ({
        id: `id-${i + 3}`,
        at: NOW,
        actor,
        entityType: 'lead',
        entityId: id,
        action: 'returned_to_held',
        sentence: `Returned lead${id.slice(1)}@acme.example to held: ${reason}; it was not sent.`,
      })),
    )
  })

  it("says a Smartlead campaign's leads were handed to Smartlead, which may have sent them, not that they were not sent", async () => {
    const w = world('active', { leads: [lead(1)] })
    const stored = w.campaigns.campaigns.get('c1')!
    stored.value = { ...stored.value, sender: { kind: 'smartlead', externalId: '3001' } }
    await controlCampaign(w.deps, actor, 'c1', 'abort')
    const handed = 'it was handed to Smartlead campaign 3001, which may have sent it'
    expect(w.leads.leads.get('L1')).toMatchObject({ status: 'held', holdReason: `${reason}; ${handed}` })
    expect(w.leads.events.map((e) => e.sentence)).toEqual([`Returned ${lead(1).email} to held: ${reason}; ${handed}.`])
  })

  it('pages through a long queue', async () => {
    const many = Array.from({ length: 250 }, (_, i) => lead(i + 1))
    const w = world('paused', { leads: many })
    await controlCampaign(w.deps, actor, 'c1', 'abort')
    expect([...w.leads.leads.values()].filter((l) => l.status === 'held')).toHaveLength(250)
    expect(w.leads.events).toHaveLength(250)
  })

  it('only Abort returns leads (start leaves the queue as it is)', async () => {
    const w = world('draft', { leads: [lead(1)] })
    await controlCampaign(w.deps, actor, 'c1', 'start')
    expect(w.leads.leads.get('L1')!.status).toBe('active')
    expect(w.leads.events).toEqual([])
  })

  it('Pause moves queued leads to paused (audited) and Resume puts them back at their place; Abort of a paused campaign holds them', async () => {
    const w = world('active', { leads: [lead(1), lead(2)] })
    await controlCampaign(w.deps, actor, 'c1', 'pause')
    expect([...w.leads.leads.values()].map((l) => l.status)).toEqual(['paused', 'paused'])
    expect(w.leads.events.map((e) => [e.entityId, e.action, e.sentence])).toEqual([
      ['L1', 'paused', `Paused ${lead(1).email} in campaign "Founders India": ${actor.id} paused the campaign.`],
      ['L2', 'paused', `Paused ${lead(2).email} in campaign "Founders India": ${actor.id} paused the campaign.`],
    ])
    await controlCampaign(w.deps, actor, 'c1', 'resume')
    expect([...w.leads.leads.values()].map((l) => [l.status, l.queuedAt])).toEqual([
      ['active', lead(1).queuedAt ?? undefined],
      ['active', lead(2).queuedAt ?? undefined],
    ])
    expect(w.leads.events.slice(2).map((e) => e.action)).toEqual(['resumed', 'resumed'])
    await controlCampaign(w.deps, actor, 'c1', 'pause')
    await controlCampaign(w.deps, actor, 'c1', 'abort')
    expect([...w.leads.leads.values()].map((l) => l.status)).toEqual(['held', 'held'])
  })
})

describe('finishControls: what a Pause, Resume or Abort left to move', () => {
  const gate = { type: 'system', id: 'gate' } as const
  const reason = 'campaign "Founders India" was aborted'
  const campaignsOf = async (w: ReturnType<typeof world>) => [(await w.campaigns.get('c1'))!.value]

  it('returns to held the active and paused leads an aborted campaign still has, audited, and completes a sent one', async () => {
    // An Abort whose clean-up was cut short: the campaign is aborted, its queue still holds leads.
    const w = world('aborted', { leads: [lead(1), lead(2, { status: 'paused' }), lead(3)] })
    await w.sends.claim({ campaignId: 'c1', leadId: 'L3', sendId: 's3', state: 'sent', mailboxId: 'mb-a', claimedAt: NOW })
    expect(await finishControls(w.deps, await campaignsOf(w))).toEqual({ paused: 0, resumed: 0, returned: 2 })
    expect([...w.leads.leads.values()].map((l) => [l.id, l.status, l.holdReason])).toEqual([
      ['L1', 'held', reason],
      ['L2', 'held', reason],
      ['L3', 'completed', null],
    ])
    expect(w.leads.events.map((e) => [e.entityId, e.actor, e.action, e.sentence])).toEqual([
      ['L1', gate, 'returned_to_held', `Returned ${lead(1).email} to held: ${reason}; it was not sent.`],
      ['L2', gate, 'returned_to_held', `Returned ${lead(2).email} to held: ${reason}; it was not sent.`],
    ])
    // The next run finds nothing left.
    expect(await finishControls(w.deps, await campaignsOf(w))).toEqual({ paused: 0, resumed: 0, returned: 0 })
    expect(w.leads.events).toHaveLength(2)
  })

  it("pauses a paused campaign's queued leads with its reason, and puts an active campaign's paused leads back", async () => {
    const paused = world('paused', { leads: [lead(1), lead(2, { status: 'paused' })] })
    expect(await finishControls(paused.deps, await campaignsOf(paused))).toEqual({ paused: 1, resumed: 0, returned: 0 })
    expect([...paused.leads.leads.values()].map((l) => l.status)).toEqual(['paused', 'paused'])
    expect(paused.leads.events.map((e) => [e.entityId, e.actor, e.sentence])).toEqual([['L1', gate, `Paused ${lead(1).email} in campaign "Founders India": ${SES_REASON.replace(/\.$/, '')}.`]])

    const active = world('active', { leads: [lead(1), lead(2, { status: 'paused' })] })
    expect(await finishControls(active.deps, await campaignsOf(active))).toEqual({ paused: 0, resumed: 1, returned: 0 })
    expect([...active.leads.leads.values()].map((l) => l.status)).toEqual(['active', 'active'])
    expect(active.leads.events.map((e) => [e.entityId, e.actor, e.sentence])).toEqual([['L2', gate, `Resumed ${lead(2).email} in campaign "Founders India": the campaign was resumed.`]])
  })

  it('acts on the campaign as it is now, not as the list read it a moment ago', async () => {
    const w = world('active', { leads: [lead(1)] })
    const listed = await campaignsOf(w)
    await controlCampaign(w.deps, actor, 'c1', 'pause')
    // The list still says active; the campaign is paused: its queued lead is not put back.
    expect(await finishControls(w.deps, listed)).toEqual({ paused: 0, resumed: 0, returned: 0 })
    expect(w.leads.leads.get('L1')!.status).toBe('paused')
  })

  it.each(['draft', 'completed'] as const)('leaves the lists of a %s campaign alone', async (status) => {
    const w = world(status, { leads: [lead(1), lead(2, { status: 'paused' })] })
    expect(await finishControls(w.deps, await campaignsOf(w))).toEqual({ paused: 0, resumed: 0, returned: 0 })
    expect([...w.leads.leads.values()].map((l) => l.status)).toEqual(['active', 'paused'])
    expect(w.leads.events).toEqual([])
  })
})

describe('controls on a long queue: a bounded number of moves in the request, the rest by the scheduled run', () => {
  const many = (status: 'active' | 'paused' = 'active') => Array.from({ length: IN_REQUEST_MOVES + 150 }, (_, i) => lead(i + 1, { status }))
  const count = (w: ReturnType<typeof world>, status: string) => [...w.leads.leads.values()].filter((l) => l.status === status).length

  it.each<[Control, CampaignStatus, 'active' | 'paused', string]>([
    ['pause', 'active', 'active', 'paused'],
    ['resume', 'paused', 'paused', 'active'],
    ['abort', 'active', 'active', 'held'],
  ])('%s moves %s leads in the request and the scheduled run moves the rest', async (control, from, leadStatus, to) => {
    const w = world(from, { leads: many(leadStatus) })
    expect(await controlCampaign(w.deps, actor, 'c1', control)).toMatchObject({ ok: true })
    expect(count(w, to)).toBe(IN_REQUEST_MOVES)
    await finishControls(w.deps, [(await w.campaigns.get('c1'))!.value])
    expect(count(w, to)).toBe(IN_REQUEST_MOVES + 150)
  })
})

describe('pauseForReason', () => {
  it('pauses an active campaign with the reason, stops its chain and audits the SES signal', async () => {
    const w = world('active')
    expect(await pauseForReason(w.deps, 'c1', SES_REASON)).toBe(true)
    expect(await w.campaigns.get('c1')).toMatchObject({ value: { status: 'paused', pauseReason: SES_REASON }, version: 2 })
    expect(await w.campaigns.chain('c1')).toMatchObject({ running: false })
    expect(w.campaigns.events).toEqual([
      {
        id: 'id-1',
        at: NOW,
        actor: { type: 'system', id: 'send-loop' },
        entityType: 'campaign',
        entityId: 'c1',
        action: 'paused',
        signals: ['ses_refused'],
        sentence: `Paused campaign "Founders India": ${SES_REASON}`,
      },
    ])
  })

  it.each(['draft', 'paused', 'aborted', 'completed'] as const)('leaves a %s campaign as it is', async (status) => {
    const w = world(status)
    const before = await w.campaigns.get('c1')
    expect(await pauseForReason(w.deps, 'c1', SES_REASON)).toBe(false)
    expect(await w.campaigns.get('c1')).toEqual(before)
    expect(w.campaigns.events).toEqual([])
  })

  it('is false for a campaign that does not exist, or when another writer got there first', async () => {
    const w = world('active')
    expect(await pauseForReason(w.deps, 'nope', SES_REASON)).toBe(false)
    w.campaigns.loseNextTransition()
    expect(await pauseForReason(w.deps, 'c1', SES_REASON)).toBe(false)
    expect((await w.campaigns.get('c1'))!.value.status).toBe('active')
  })
})
