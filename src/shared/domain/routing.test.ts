import { describe, expect, it } from 'vitest'
import type { RoutingRule, RuleCondition } from './entities'
import { route, type RoutableLead } from './routing'

const rule = (id: string, conditions: RuleCondition[], enabled = true): RoutingRule => ({
  id,
  name: `Rule ${id}`,
  enabled,
  conditions,
  campaignId: `campaign-${id}`,
})

const lead = (persona: string, leadScore: number): RoutableLead => ({ persona, leadScore })

describe('route', () => {
  it('picks the first enabled rule that matches, even when a later one also matches', () => {
    const rules = [
      rule('a', [{ field: 'lead_score', op: 'gte', value: 90 }]),
      rule('b', [{ field: 'persona', op: 'equals', value: 'CTO' }]),
      rule('c', [{ field: 'lead_score', op: 'gte', value: 50 }]),
    ]
    expect(route(rules, lead('CTO', 70))).toEqual({ matched: true, ruleId: 'b', campaignId: 'campaign-b', reason: 'matched rule "Rule b"' })
  })

  it('skips a disabled rule that would have matched', () => {
    const rules = [rule('off', [{ field: 'persona', op: 'equals', value: 'cto' }], false), rule('on', [{ field: 'persona', op: 'equals', value: 'cto' }])]
    expect(route(rules, lead('cto', 10))).toMatchObject({ matched: true, ruleId: 'on' })
  })

  it('needs every condition of a rule to hold', () => {
    const rules = [
      rule('both', [
        { field: 'persona', op: 'equals', value: 'cto' },
        { field: 'lead_score', op: 'gte', value: 80 },
      ]),
      rule('fallback', [{ field: 'lead_score', op: 'gte', value: 0 }]),
    ]
    expect(route(rules, lead('cto', 79))).toMatchObject({ ruleId: 'fallback' })
    expect(route(rules, lead('cto', 80))).toMatchObject({ ruleId: 'both' })
  })

  it.each([
    ['no rules', [] as RoutingRule[]],
    ['only disabled rules', [rule('off', [{ field: 'lead_score', op: 'gte', value: 0 }], false)]],
    ['no rule that holds', [rule('x', [{ field: 'persona', op: 'equals', value: 'cfo' }])]],
  ])('says so, and picks no campaign, with %s', (_label, rules) => {
    expect(route(rules, lead('cto', 50))).toEqual({ matched: false, reason: 'no routing rule matched' })
  })

  it('treats a rule with no conditions as matching every lead', () => {
    expect(route([rule('all', [])], lead('', 0))).toMatchObject({ matched: true, ruleId: 'all' })
  })

  describe('conditions', () => {
    const holds = (c: RuleCondition, l: RoutableLead) => route([rule('r', [c])], l).matched

    it.each([
      // persona: case- and space-insensitive on both sides
      [{ field: 'persona', op: 'equals', value: 'CTO' }, lead('cto', 0), true],
      [{ field: 'persona', op: 'equals', value: ' Head of Sales ' }, lead('head of sales', 0), true],
      [{ field: 'persona', op: 'equals', value: 'cto' }, lead('  CTO  ', 0), true],
      [{ field: 'persona', op: 'equals', value: 'cto' }, lead('ceo', 0), false],
      [{ field: 'persona', op: 'equals', value: 'cto' }, lead('cto office', 0), false],
      [{ field: 'persona', op: 'one_of', values: ['CEO', 'Founder'] }, lead('founder', 0), true],
      [{ field: 'persona', op: 'one_of', values: ['ceo', ' founder '] }, lead('FOUNDER', 0), true],
      [{ field: 'persona', op: 'one_of', values: ['ceo', 'founder'] }, lead('cfo', 0), false],
      [{ field: 'persona', op: 'one_of', values: [] }, lead('cfo', 0), false],
      // lead score: inclusive edges
      [{ field: 'lead_score', op: 'gte', value: 70 }, lead('x', 70), true],
      [{ field: 'lead_score', op: 'gte', value: 70 }, lead('x', 69.9), false],
      [{ field: 'lead_score', op: 'gte', value: 70 }, lead('x', 71), true],
      [{ field: 'lead_score', op: 'lte', value: 30 }, lead('x', 30), true],
      [{ field: 'lead_score', op: 'lte', value: 30 }, lead('x', 30.1), false],
      [{ field: 'lead_score', op: 'lte', value: 30 }, lead('x', 0), true],
      [{ field: 'lead_score', op: 'between', min: 40, max: 60 }, lead('x', 40), true],
      [{ field: 'lead_score', op: 'between', min: 40, max: 60 }, lead('x', 60), true],
      [{ field: 'lead_score', op: 'between', min: 40, max: 60 }, lead('x', 50), true],
      [{ field: 'lead_score', op: 'between', min: 40, max: 60 }, lead('x', 39), false],
      [{ field: 'lead_score', op: 'between', min: 40, max: 60 }, lead('x', 61), false],
      [{ field: 'lead_score', op: 'between', min: 60, max: 40 }, lead('x', 50), false],
    ] as [RuleCondition, RoutableLead, boolean][])('%j with %j holds: %s', (condition, l, expected) => {
      expect(holds(condition, l)).toBe(expected)
    })
  })
})
