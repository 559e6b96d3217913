import { describe, expect, it } from 'vitest'
import type { RoutingRule } from '../domain/entities'
import type { RuleEdit } from '../domain/routing'
import { fixedClock, memoryCampaigns, memoryRules, sequentialIds } from '../../../test/support/memory'
import { RULES_CONFLICT, editRules } from './routing-rules'

const admin = { type: 'user', id: 'admin@drason.test' } as const
const NOW = '2026-11-21T09:00:00.000Z'

const cfo: RoutingRule = { id: 'cfo', name: 'Finance leaders', enabled: true, conditions: [{ field: 'persona', op: 'equals', value: 'cfo' }], campaignId: 'finance' }
const hot: RoutingRule = { id: 'hot', name: 'Hot leads', enabled: true, conditions: [{ field: 'lead_score', op: 'gte', value: 80 }], campaignId: 'hot' }
const rest: RoutingRule = { id: 'rest', name: 'Everyone else', enabled: false, conditions: [], campaignId: 'finance' }
const founders: RoutingRule = { id: 'founders', name: 'Founders', enabled: true, conditions: [{ field: 'persona', op: 'one_of', values: ['founder', 'ceo'] }], campaignId: 'hot' }

function world(rules: RoutingRule[] = [cfo, hot, rest], version = 7) {
  const routing = memoryRules(rules, version)
  return { routing, deps: { routing, campaigns: memoryCampaigns(['finance', 'hot']), clock: fixedClock(NOW), ids: sequentialIds('ev') } }
}

describe('editRules', () => {
  it.each([
    [
      'add',
      { kind: 'add', rule: founders },
      'rule_added',
      'founders',
      [cfo, hot, rest, founders],
      'admin@drason.test added rule "Founders" (persona is one of "founder", "ceo" → campaign hot) at position 4.',
    ],
    [
      'update',
      { kind: 'update', rule: { ...hot, name: 'Very hot leads', conditions: [{ field: 'lead_score', op: 'gte', value: 90 }] } },
      'rule_updated',
      'hot',
      [cfo, { ...hot, name: 'Very hot leads', conditions: [{ field: 'lead_score', op: 'gte', value: 90 }] }, rest],
      'admin@drason.test changed rule "Very hot leads" to: lead score ≥ 90 → campaign hot.',
    ],
    [
      'update to disabled',
      { kind: 'update', rule: { ...hot, enabled: false } },
      'rule_updated',
      'hot',
      [cfo, { ...hot, enabled: false }, rest],
      'admin@drason.test changed rule "Hot leads" to: lead score ≥ 80 → campaign hot (disabled).',
    ],
    ['delete', { kind: 'delete', id: 'hot' }, 'rule_deleted', 'hot', [cfo, rest], 'admin@drason.test deleted rule "Hot leads".'],
    ['move up', { kind: 'move', id: 'hot', direction: 'up' }, 'rule_moved', 'hot', [hot, cfo, rest], 'admin@drason.test moved rule "Hot leads" up to position 1.'],
    ['move down', { kind: 'move', id: 'hot', direction: 'down' }, 'rule_moved', 'hot', [cfo, rest, hot], 'admin@drason.test moved rule "Hot leads" down to position 3.'],
    ['enable', { kind: 'enable', id: 'rest', enabled: true }, 'rule_enabled', 'rest', [cfo, hot, { ...rest, enabled: true }], 'admin@drason.test enabled rule "Everyone else".'],
    ['disable', { kind: 'enable', id: 'cfo', enabled: false }, 'rule_disabled', 'cfo', [{ ...cfo, enabled: false }, hot, rest], 'admin@drason.test disabled rule "Finance leaders".'],
  ] as [string, RuleEdit, string, string, RoutingRule[], string][])('%s: saves the whole set at the next version, audited with before and after', async (_label, edit, action, entityId, after, sentence) => {
    const w = world()
    expect(await editRules(w.deps, admin, edit, 7)).toEqual({ ok: true, rules: after, version: 8 })
    expect(await w.routing.get()).toEqual({ rules: after, version: 8 })
    expect(w.routing.events).toEqual([
      { id: 'ev-1', at: NOW, actor: admin, entityType: 'rule', entityId, action, sentence, details: { before: [cfo, hot, rest], after } },
    ])
  })

  it('adds the first rule to a set never saved (version 0)', async () => {
    const w = world([], 0)
    expect(await editRules(w.deps, admin, { kind: 'add', rule: cfo }, 0)).toEqual({ ok: true, rules: [cfo], version: 1 })
    expect(w.routing.events[0]!.sentence).toBe('admin@drason.test added rule "Finance leaders" (persona is "cfo" → campaign finance) at position 1.')
  })

  it.each([
    ['an older version', 6],
    ['a newer version', 8],
  ])('refuses an edit made from %s with 409 and saves nothing', async (_label, expectedVersion) => {
    const w = world()
    expect(await editRules(w.deps, admin, { kind: 'delete', id: 'hot' }, expectedVersion)).toEqual({ ok: false, status: 409, message: RULES_CONFLICT })
    expect(w.routing.saves).toBe(0)
    expect(w.routing.events).toEqual([])
    expect(await w.routing.get()).toEqual({ rules: [cfo, hot, rest], version: 7 })
  })

  it('answers 409 when another save lands between reading and writing', async () => {
    const w = world()
    w.routing.loseNextSave()
    expect(await editRules(w.deps, admin, { kind: 'move', id: 'hot', direction: 'up' }, 7)).toEqual({ ok: false, status: 409, message: RULES_CONFLICT })
    expect(w.routing.events).toEqual([])
    expect((await w.routing.get()).rules).toEqual([cfo, hot, rest])
  })

  it.each([
    ['add', { kind: 'add', rule: { ...founders, campaignId: 'nope' } }],
    ['update', { kind: 'update', rule: { ...hot, campaignId: 'nope' } }],
  ] as [string, RuleEdit][])('refuses an %s pointing at an unknown campaign with 400', async (_label, edit) => {
    const w = world()
    expect(await editRules(w.deps, admin, edit, 7)).toEqual({ ok: false, status: 400, message: 'Choose a campaign that exists.' })
    expect(w.routing.saves).toBe(0)
  })

  it('refuses a new target that is aborted or completed (nothing would ever send its leads); a rule already pointing there may still be edited', async () => {
    const w = world([cfo, hot, rest])
    const campaigns = w.deps.campaigns.campaigns
    campaigns.find((c) => c.id === 'hot')!.status = 'aborted'
    campaigns.push({ ...campaigns[0]!, id: 'done', name: 'Done', status: 'completed' })
    expect(await editRules(w.deps, admin, { kind: 'add', rule: founders }, 7)).toEqual({
      ok: false,
      status: 400,
      message: `Campaign "${campaigns.find((c) => c.id === 'hot')!.name}" is aborted: leads routed to it would never be sent. Choose another campaign.`,
    })
    expect(await editRules(w.deps, admin, { kind: 'update', rule: { ...cfo, campaignId: 'done' } }, 7)).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('is completed') })
    expect(w.routing.saves).toBe(0)
    // Disabling the rule that points at the aborted campaign is exactly what a person should do next.
    expect(await editRules(w.deps, admin, { kind: 'update', rule: { ...hot, enabled: false } }, 7)).toMatchObject({ ok: true })
  })

  it.each([
    ['an edit of a rule someone deleted', { kind: 'delete', id: 'gone' }, 'That rule no longer exists; someone may have deleted it.'],
    ['an add with an id in use', { kind: 'add', rule: { ...founders, id: 'hot' } }, 'A rule with that id exists already.'],
  ] as [string, RuleEdit, string][])('refuses %s with 409 and saves nothing', async (_label, edit, message) => {
    const w = world()
    expect(await editRules(w.deps, admin, edit, 7)).toEqual({ ok: false, status: 409, message })
    expect(w.routing.saves).toBe(0)
  })

  it('lets two edits in a row each move the version on', async () => {
    const w = world()
    const first = await editRules(w.deps, admin, { kind: 'enable', id: 'rest', enabled: true }, 7)
    expect(first).toMatchObject({ ok: true, version: 8 })
    expect(await editRules(w.deps, admin, { kind: 'delete', id: 'cfo' }, 8)).toEqual({ ok: true, rules: [hot, { ...rest, enabled: true }], version: 9 })
    // The second edit made from the first page load loses.
    expect(await editRules(w.deps, admin, { kind: 'delete', id: 'hot' }, 8)).toMatchObject({ ok: false, status: 409 })
    expect(w.routing.events.map((e) => e.action)).toEqual(['rule_enabled', 'rule_deleted'])
  })
})
