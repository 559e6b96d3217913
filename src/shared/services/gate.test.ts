import { describe, expect, it } from 'vitest'
import type { Campaign, CampaignStatus, Lead } from '../domain/entities'
import { DEFAULT_SETTINGS } from '../domain/settings'
import {
  campaign as plainCampaign,
  campaignLead,
  fixedClock,
  memoryCampaignLeads,
  memoryCampaignStore,
  memorySenders,
  memorySends,
  memorySuppression,
  sequentialIds,
  testDomain,
  testMailbox,
  memoryAccount,
} from '../../../test/support/memory'
import { evaluateHeldLeads, reevaluateAll, REEVALUATE_BUDGET_MS, type GateDeps } from './gate'

// Monday 11:30 in Kolkata: inside the default Mon–Fri 09:00–17:00 window, and the same day in UTC.
const NOW = '2026-11-23T06:00:00.000Z'
const DAY = '2026-11-23'
const GATE = { type: 'system', id: 'gate' } as const

const MAILBOX = testMailbox('mb-a', 'asha@mail.drason.test', 'Asha Rao')
const DOMAIN = testDomain('d1', 'mail.drason.test')

const campaign = (id: string, patch: Partial<Campaign> = {}): Campaign => ({ ...plainCampaign(id, `Campaign ${id}`), mailboxIds: ['mb-a'], ...patch })

/** A held lead of `campaignId` waiting for the gate; `n` orders the queue. */
const held = (n: number, campaignId = 'c1', patch: Partial<Lead> = {}): Lead => campaignLead(n, { status: 'held', holdReason: 'awaiting gate', campaignId, ...patch })

function world(options: { campaigns?: Campaign[]; leads?: Lead[]; suppressed?: string[] } = {}) {
  const campaigns = memoryCampaignStore(options.campaigns ?? [campaign('c1')])
  const leads = memoryCampaignLeads(options.leads ?? [held(1), held(2)])
  const sends = memorySends()
  const account = memoryAccount()
  const deps: GateDeps = {
    campaigns,
    senders: memorySenders([MAILBOX], [DOMAIN]),
    leads,
    sendsOn: sends.sendsOn,
    suppression: memorySuppression(options.suppressed),
    account,
    settings: async () => DEFAULT_SETTINGS,
    clock: fixedClock(NOW),
    ids: sequentialIds('id'),
  }
  const lead = (id: string) => leads.leads.get(id)!
  return { deps, campaigns, leads, sends, lead, account }
}

const CAPS_REACHED = 'Campaign daily cap reached: 50 of 50 sent today; Global daily cap reached: 300 of 300 sent today (UTC)'

describe('evaluateHeldLeads: the gate passes', () => {
  it('lets every held lead in, each with its admitted event', async () => {
    const w = world()
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 2, held: 0 })
    expect([w.lead('L1'), w.lead('L2')].map((l) => [l.status, l.holdReason])).toEqual([
      ['active', null],
      ['active', null],
    ])
    expect(w.leads.events).toEqual(
      [1, 2].map((n) => ({
        id: `id-${n}`,
        // Each admission takes its own place in the queue, strictly after the one before (the clock is frozen).
        at: new Date(Date.parse(NOW) + n - 1).toISOString(),
        actor: GATE,
        entityType: 'lead',
        entityId: `L${n}`,
        action: 'admitted',
        sentence: `Let lead${n}@acme.example into campaign "Campaign c1": the gate passed, queued to send.`,
        details: { campaignId: 'c1', mailboxAvailable: 'mb-a' },
      })),
    )
  })

  it('does not count a lead something else moved on between the read and the admit', async () => {
    const w = world()
    const admit = w.deps.leads.admit
    w.deps.leads.admit = async (lead, event) => {
      if (lead.id === 'L1') w.lead('L1').status = 'active'
      return admit(lead, event)
    }
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 1, held: 0 })
    expect(w.leads.events.map((e) => e.entityId)).toEqual(['L2'])
  })

  it('looks at no more than 500 held leads in one run, oldest first', async () => {
    const w = world({ leads: Array.from({ length: 501 }, (_, i) => held(i + 1)) })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 500, held: 0 })
    expect(w.lead('L501').status).toBe('held')
    expect(w.lead('L1').status).toBe('active')
  })
})

describe('evaluateHeldLeads: the gate refuses', () => {
  it('keeps the leads held with every reason joined, audited with the signals', async () => {
    const w = world()
    w.sends.seedSends('campaign', 'c1', DAY, 50)
    w.sends.seedSends('overall', 'all', DAY, 300)
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect([w.lead('L1'), w.lead('L2')].map((l) => [l.status, l.holdReason])).toEqual([
      ['held', CAPS_REACHED],
      ['held', CAPS_REACHED],
    ])
    expect(w.leads.events[0]).toEqual({
      id: 'id-1',
      at: NOW,
      actor: GATE,
      entityType: 'lead',
      entityId: 'L1',
      action: 'held',
      signals: ['campaign_cap_reached', 'global_cap_reached'],
      sentence: `Kept lead1@acme.example held for campaign "Campaign c1": ${CAPS_REACHED}.`,
      details: {
        campaignId: 'c1',
        reasons: [
          expect.objectContaining({ code: 'campaign_cap_reached', sent: 50, cap: 50 }),
          expect.objectContaining({ code: 'global_cap_reached', sent: 300, cap: 300 }),
        ],
      },
    })
    expect(w.leads.events.map((e) => [e.action, e.entityId])).toEqual([
      ['held', 'L1'],
      ['held', 'L2'],
    ])
  })

  it.each<[string, Partial<Campaign>, string]>([
    ['paused', { status: 'paused' }, 'Campaign is paused, not active'],
    ['draft', { status: 'draft' }, 'Campaign is draft, not active'],
    ['without mailboxes', { mailboxIds: [] }, 'The campaign has no mailboxes'],
  ])('keeps the leads of a %s campaign held with that reason', async (_label, patch, reason) => {
    const w = world({ campaigns: [campaign('c1', patch)] })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect(w.lead('L1').holdReason).toBe(reason)
  })

  it('audits a held lead only when its reason changes', async () => {
    const w = world({ leads: [held(1), held(2, 'c1', { holdReason: CAPS_REACHED })] })
    w.sends.seedSends('campaign', 'c1', DAY, 50)
    w.sends.seedSends('overall', 'all', DAY, 300)
    // L2 already carries this reason: counted as held, nothing written.
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect(w.leads.events.map((e) => e.entityId)).toEqual(['L1'])
    // The same reasons five minutes later: nothing new.
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect(w.leads.events).toHaveLength(1)
    // One reason clears: the new reason is recorded for both.
    w.sends.seedSends('overall', 'all', DAY, 0)
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect(w.leads.events.slice(1).map((e) => [e.entityId, e.signals])).toEqual([
      ['L1', ['campaign_cap_reached']],
      ['L2', ['campaign_cap_reached']],
    ])
    expect(w.lead('L2').holdReason).toBe('Campaign daily cap reached: 50 of 50 sent today')
  })

  it('keeps the same reason all night outside the window: the leads are written and audited once, not every run', async () => {
    const w = world()
    // Monday 19:30 in Kolkata, after the default Mon–Fri 09:00–17:00 window closed.
    let now = Date.parse('2026-11-23T14:00:00.000Z')
    w.deps.clock = { now: () => new Date(now) }
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    expect(w.leads.events.map((e) => e.entityId)).toEqual(['L1', 'L2'])
    const reason = 'Outside the sending window (Mon–Fri 09:00–17:00 Asia/Kolkata): it next opens Tue 2026-11-24 09:00.'
    expect(w.lead('L1').holdReason).toBe(reason.replace(/\.$/, ''))
    // Every scheduled run of the night: 5 minutes later, and 7 hours later.
    for (const later of [5 * 60_000, 7 * 3_600_000]) {
      now += later
      expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 2 })
    }
    expect(w.leads.events).toHaveLength(2)
  })

  it('judges suppression per lead: a suppressed lead stays held while the others go in', async () => {
    const w = world({ leads: [held(1), held(2), held(3)], suppressed: ['lead2@acme.example'] })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 2, held: 1 })
    expect([1, 2, 3].map((n) => [w.lead(`L${n}`).status, w.lead(`L${n}`).holdReason])).toEqual([
      ['active', null],
      ['held', 'The lead is on the suppression list'],
      ['active', null],
    ])
    expect(w.leads.events.map((e) => [e.entityId, e.action])).toEqual([
      ['L1', 'admitted'],
      ['L2', 'held'],
      ['L3', 'admitted'],
    ])
  })
})

describe('evaluateHeldLeads: suppressed leads wait at the back', () => {
  it("moves a suppressed lead after the campaign's other held leads, audited once", async () => {
    const w = world({ leads: [held(1), held(2)], suppressed: ['lead1@acme.example'] })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 1, held: 1 })
    expect(w.lead('L1')).toMatchObject({ status: 'held', heldLast: true, holdReason: 'The lead is on the suppression list' })
    // A lead routed later still comes before it.
    w.leads.leads.set('L3', held(3))
    expect((await w.leads.heldOfCampaign('c1', 10)).map((l) => l.id)).toEqual(['L3', 'L1'])
    const events = w.leads.events.length
    w.leads.leads.delete('L3')
    await evaluateHeldLeads(w.deps, 'c1')
    expect(w.leads.events).toHaveLength(events)
  })

  it('so a front full of suppressed leads cannot keep the leads behind them out for ever', async () => {
    // More suppressed leads than one run reads, all older than the one lead that could go in.
    const suppressed = Array.from({ length: 500 }, (_, i) => held(i + 1))
    const w = world({ leads: [...suppressed, held(501)], suppressed: suppressed.map((l) => l.email) })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 500 })
    expect(w.lead('L501').status).toBe('held')
    expect(await evaluateHeldLeads(w.deps, 'c1')).toMatchObject({ admitted: 1 })
    expect(w.lead('L501').status).toBe('active')
    expect(w.lead('L1')).toMatchObject({ status: 'held', heldLast: true })
  })

  it('goes in, losing the mark, once its address is no longer suppressed', async () => {
    const w = world({ leads: [held(1)], suppressed: ['lead1@acme.example'] })
    await evaluateHeldLeads(w.deps, 'c1')
    expect(w.lead('L1').heldLast).toBe(true)
    // Removed from the list by hand (in the DynamoDB console: decision 070).
    const open = world({ leads: [w.lead('L1')] })
    expect(await evaluateHeldLeads(open.deps, 'c1')).toEqual({ admitted: 1, held: 0 })
    expect(open.lead('L1').status).toBe('active')
    expect(open.lead('L1').heldLast).toBeUndefined()
  })
})

describe('evaluateHeldLeads: a campaign that cannot send now', () => {
  it('holds every lead for the campaign\'s reason without asking the suppression list about each', async () => {
    const w = world({ leads: [held(1), held(2), held(3)], suppressed: ['lead2@acme.example'], campaigns: [campaign('c1', { status: 'paused' })] })
    let lookups = 0
    const isSuppressed = w.deps.suppression.isSuppressed
    w.deps.suppression.isSuppressed = async (email) => (lookups++, isSuppressed(email))
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 0, held: 3 })
    expect(lookups).toBe(0)
    const reasons = [1, 2, 3].map((n) => w.lead(`L${n}`).holdReason)
    expect(new Set(reasons).size).toBe(1)
    expect(reasons[0]).toMatch(/paused/i)
    expect(reasons[0]).not.toMatch(/suppress/i)
  })

  it('keeps a lead already held for its address held for it too, at the back', async () => {
    const w = world({ leads: [held(1), held(2)], suppressed: ['lead1@acme.example'] })
    await evaluateHeldLeads(w.deps, 'c1')
    const blocked = world({ leads: [w.lead('L1'), held(3)], suppressed: ['lead1@acme.example'], campaigns: [campaign('c1', { status: 'paused' })] })
    await evaluateHeldLeads(blocked.deps, 'c1')
    expect(blocked.lead('L1')).toMatchObject({ status: 'held', heldLast: true, holdReason: expect.stringMatching(/suppression list/) })
    expect(blocked.lead('L3').holdReason).not.toMatch(/suppress/i)
    expect((await blocked.leads.heldOfCampaign('c1', 10)).map((l) => l.id)).toEqual(['L3', 'L1'])
  })
})

describe('evaluateHeldLeads: which leads', () => {
  it('looks at one lead only when asked to (after intake)', async () => {
    const w = world({ leads: [held(1), held(2), held(3)] })
    expect(await evaluateHeldLeads(w.deps, 'c1', 'L2')).toEqual({ admitted: 1, held: 0 })
    expect([1, 2, 3].map((n) => w.lead(`L${n}`).status)).toEqual(['held', 'active', 'held'])
    expect(w.leads.events.map((e) => e.entityId)).toEqual(['L2'])
  })

  it.each<[string, string]>([
    ['a lead that is not held', 'L9'],
    ['a lead of another campaign', 'X1'],
  ])('does nothing when asked about %s', async (_label, id) => {
    const w = world({ leads: [held(1), { ...held(1, 'c2'), id: 'X1' }] })
    expect(await evaluateHeldLeads(w.deps, 'c1', id)).toEqual({ admitted: 0, held: 0 })
    expect(w.leads.events).toEqual([])
  })

  it('leaves leads of other campaigns and leads that are not held alone', async () => {
    const w = world({ campaigns: [campaign('c1'), campaign('c2')], leads: [held(1), held(2, 'c2'), held(3, 'c1', { status: 'paused' })] })
    expect(await evaluateHeldLeads(w.deps, 'c1')).toEqual({ admitted: 1, held: 0 })
    expect([w.lead('L2').status, w.lead('L3').status]).toEqual(['held', 'paused'])
  })

  it('answers zeros for a campaign that does not exist, without reading its leads', async () => {
    const w = world()
    expect(await evaluateHeldLeads(w.deps, 'nope')).toEqual({ admitted: 0, held: 0 })
    expect(w.leads.heldAsked).toEqual([])
    expect(w.leads.events).toEqual([])
  })
})

describe('reevaluateAll', () => {
  it.each<[CampaignStatus[], string[]]>([
    [['active', 'paused', 'draft', 'aborted', 'completed', 'active'], ['c1', 'c6']],
    [['paused', 'draft'], []],
  ])('visits only the active campaigns (%j)', async (statuses, visited) => {
    const campaigns = statuses.map((status, i) => campaign(`c${i + 1}`, { status }))
    const w = world({ campaigns, leads: campaigns.map((c, i) => held(i + 1, c.id)) })
    expect(await reevaluateAll(w.deps)).toEqual({ campaigns: visited.length, admitted: visited.length, held: 0 })
    expect([...w.leads.heldAsked].sort()).toEqual(visited)
    for (const c of campaigns) {
      const lead = [...w.leads.leads.values()].find((l) => l.campaignId === c.id)!
      expect([c.id, lead.status]).toEqual([c.id, visited.includes(c.id) ? 'active' : 'held'])
    }
    expect(w.leads.events.every((e) => e.action === 'admitted')).toBe(true)
  })

  it('starts each run one campaign further along, so every campaign is first in its turn', async () => {
    const campaigns = ['c1', 'c2', 'c3'].map((id) => campaign(id))
    const slot = 5 * 60_000
    const orders: string[][] = []
    for (let run = 0; run < 3; run++) {
      const w = world({ campaigns, leads: [] })
      w.deps.clock = { now: () => new Date(slot * (3 * 1_000_000 + run)) }
      await reevaluateAll(w.deps)
      orders.push(w.leads.heldAsked)
    }
    expect(orders).toEqual([
      ['c1', 'c2', 'c3'],
      ['c2', 'c3', 'c1'],
      ['c3', 'c1', 'c2'],
    ])
  })

  it('starts no campaign once the run has used its time', async () => {
    const campaigns = ['c1', 'c2', 'c3'].map((id) => campaign(id))
    const w = world({ campaigns, leads: campaigns.map((c, i) => held(i + 1, c.id)) })
    // Each campaign's pass takes half the budget (a long backlog on a slow day). The run starts inside the
    // sending window, in a 5-minute slot whose turn puts c1 first.
    const slot = 5 * 60_000
    let t = Date.parse(NOW) - (Math.floor(Date.parse(NOW) / slot) % 3) * slot
    w.deps.clock = { now: () => new Date(t) }
    const heldOf = w.deps.leads.heldOfCampaign
    w.deps.leads.heldOfCampaign = async (id, limit) => {
      t += REEVALUATE_BUDGET_MS / 2
      return heldOf(id, limit)
    }
    expect(await reevaluateAll(w.deps)).toMatchObject({ admitted: 2 })
    expect(w.leads.heldAsked).toEqual(['c1', 'c2'])
  })

  it('adds up what each campaign admitted and kept held', async () => {
    const w = world({ campaigns: [campaign('c1'), campaign('c2')], leads: [held(1), held(2), held(3, 'c2')], suppressed: ['lead2@acme.example'] })
    expect(await reevaluateAll(w.deps)).toEqual({ campaigns: 2, admitted: 2, held: 1 })
  })
})
