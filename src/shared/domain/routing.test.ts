import { describe, expect, it } from 'vitest'
import type { RoutingRule, RuleCondition } from './entities'
import { applyRuleEdit, describeConditions, explainRouting, fieldValue, normaliseFieldName, route, type RoutableLead, type RuleEdit } from './routing'

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

describe('route: leads without a score', () => {
  const unscored: RoutableLead = { persona: 'cto', leadScore: null }

  it.each([
    [{ field: 'lead_score', op: 'gte', value: 0 }],
    [{ field: 'lead_score', op: 'gte', value: -1000 }],
    [{ field: 'lead_score', op: 'lte', value: 100 }],
    [{ field: 'lead_score', op: 'lte', value: 0 }],
    [{ field: 'lead_score', op: 'between', min: -1000, max: 1000 }],
  ] as [RuleCondition][])('never match %j', (condition) => {
    expect(route([rule('r', [condition])], unscored)).toEqual({ matched: false, reason: 'no routing rule matched' })
  })

  it('still match persona rules, after a score rule that needs a score', () => {
    const rules = [rule('score', [{ field: 'lead_score', op: 'gte', value: 0 }]), rule('persona', [{ field: 'persona', op: 'equals', value: 'CTO' }])]
    expect(route(rules, unscored)).toMatchObject({ matched: true, ruleId: 'persona' })
  })
})

describe('route: another field equals a value', () => {
  const enriched: RoutableLead = {
    persona: 'cto',
    leadScore: 60,
    company: 'Acme Fintech',
    source: 'clay',
    enrichment: { Industry: 'FinTech ', 'Company Country': 'India', employees: '250', notes: '' },
  }
  const other = (name: string, value: string): RuleCondition => ({ field: 'other', name, op: 'equals', value })

  it.each([
    ['an enrichment column, case- and space-insensitive', other('industry', 'fintech'), true],
    ['a column named with spaces, typed with an underscore', other('company_country', 'INDIA'), true],
    ['a column typed with other punctuation', other('Company-Country', 'india'), true],
    ['a number kept as text', other('employees', '250'), true],
    ['a different value', other('industry', 'healthcare'), false],
    ['a value that only starts the same', other('industry', 'fin'), false],
    ['the company', other('Company', 'acme fintech'), true],
    ['the source', other('source', 'CLAY'), true],
    ['a column the lead does not have', other('region', 'india'), false],
    ['an empty cell, even against an empty value', other('notes', ''), false],
  ] as [string, RuleCondition, boolean][])('%s: %j holds %s', (_label, condition, expected) => {
    expect(route([rule('r', [condition])], enriched).matched).toBe(expected)
  })

  it('combines with persona and score conditions, every one needed', () => {
    const rules = [
      rule('fintech-ctos', [{ field: 'persona', op: 'equals', value: 'CTO' }, { field: 'lead_score', op: 'gte', value: 50 }, other('industry', 'fintech')]),
      rule('rest', []),
    ]
    expect(route(rules, enriched)).toMatchObject({ ruleId: 'fintech-ctos' })
    expect(route(rules, { ...enriched, enrichment: { Industry: 'retail' } })).toMatchObject({ ruleId: 'rest' })
    expect(route(rules, { ...enriched, leadScore: 49 })).toMatchObject({ ruleId: 'rest' })
  })

  it('never matches a lead with no fields beyond persona and score', () => {
    expect(route([rule('r', [other('company', 'acme')])], lead('cto', 90))).toEqual({ matched: false, reason: 'no routing rule matched' })
  })

  it('explains a failing field condition in the test box', () => {
    const [only] = explainRouting([rule('r', [other('Industry', 'healthcare')])], enriched)
    expect(only).toMatchObject({ outcome: 'no match', failing: ['Industry is "healthcare"'] })
  })
})

describe('normaliseFieldName / fieldValue', () => {
  it.each([
    ['LinkedIn URL', 'linkedin_url'],
    ['linkedin-url', 'linkedin_url'],
    ['  Company   Country ', 'company_country'],
    ['__odd__name__', 'odd_name'],
    ['Stadt/Städte', 'stadt_städte'],
    ['ＩＮＤＵＳＴＲＹ', 'industry'],
  ])('%j → %j', (name, expected) => {
    expect(normaliseFieldName(name)).toBe(expected)
  })

  it('takes the company and source from the lead itself, before any column of the same name', () => {
    const l: RoutableLead = { persona: '', leadScore: null, company: 'Real Co', source: 'csv', enrichment: { company: 'Column Co', source: 'x' } }
    expect(fieldValue(l, 'company')).toBe('Real Co')
    expect(fieldValue(l, 'Source')).toBe('csv')
  })
})

describe('applyRuleEdit', () => {
  const a = rule('a', [{ field: 'persona', op: 'equals', value: 'cfo' }])
  const b = rule('b', [{ field: 'lead_score', op: 'gte', value: 80 }])
  const c = rule('c', [])
  const rules = [a, b, c]
  const ids = (result: ReturnType<typeof applyRuleEdit>) => (result.ok ? result.rules.map((r) => r.id) : result.reason)

  it.each([
    ['add appends at the end', { kind: 'add', rule: rule('d', []) }, ['a', 'b', 'c', 'd']],
    ['delete removes the rule', { kind: 'delete', id: 'b' }, ['a', 'c']],
    ['move up swaps with the rule above', { kind: 'move', id: 'b', direction: 'up' }, ['b', 'a', 'c']],
    ['move down swaps with the rule below', { kind: 'move', id: 'b', direction: 'down' }, ['a', 'c', 'b']],
    ['move up of the first rule changes nothing', { kind: 'move', id: 'a', direction: 'up' }, ['a', 'b', 'c']],
    ['move down of the last rule changes nothing', { kind: 'move', id: 'c', direction: 'down' }, ['a', 'b', 'c']],
    ['move down of the first rule', { kind: 'move', id: 'a', direction: 'down' }, ['b', 'a', 'c']],
    ['move up of the last rule', { kind: 'move', id: 'c', direction: 'up' }, ['a', 'c', 'b']],
  ] as [string, RuleEdit, string[]][])('%s', (_label, edit, expected) => {
    expect(ids(applyRuleEdit(rules, edit))).toEqual(expected)
  })

  it('update replaces the rule in place', () => {
    const changed = { ...b, name: 'High scores', conditions: [{ field: 'lead_score', op: 'gte', value: 90 }] as RuleCondition[], campaignId: 'campaign-x' }
    expect(applyRuleEdit(rules, { kind: 'update', rule: changed })).toEqual({ ok: true, rules: [a, changed, c] })
  })

  it.each([false, true])('enable sets enabled to %s and changes nothing else', (enabled) => {
    const result = applyRuleEdit([a, { ...b, enabled: !enabled }, c], { kind: 'enable', id: 'b', enabled })
    expect(result).toEqual({ ok: true, rules: [a, { ...b, enabled }, c] })
  })

  it.each([
    ['update', { kind: 'update', rule: rule('gone', []) }],
    ['delete', { kind: 'delete', id: 'gone' }],
    ['move', { kind: 'move', id: 'gone', direction: 'up' }],
    ['enable', { kind: 'enable', id: 'gone', enabled: true }],
  ] as [string, RuleEdit][])('%s of an unknown id is refused', (_label, edit) => {
    expect(applyRuleEdit(rules, edit)).toEqual({ ok: false, reason: 'That rule no longer exists; someone may have deleted it.' })
  })

  it('add of an id that exists is refused', () => {
    expect(applyRuleEdit(rules, { kind: 'add', rule: rule('b', []) })).toEqual({ ok: false, reason: 'A rule with that id exists already.' })
  })

  it('never changes the array it was given', () => {
    const before = structuredClone(rules)
    const edits: RuleEdit[] = [
      { kind: 'add', rule: rule('d', []) },
      { kind: 'update', rule: { ...a, name: 'x' } },
      { kind: 'delete', id: 'a' },
      { kind: 'move', id: 'a', direction: 'down' },
      { kind: 'enable', id: 'a', enabled: false },
    ]
    for (const edit of edits) applyRuleEdit(rules, edit)
    expect(rules).toEqual(before)
  })

  it('works on an empty set: add only', () => {
    expect(applyRuleEdit([], { kind: 'add', rule: a })).toEqual({ ok: true, rules: [a] })
    expect(applyRuleEdit([], { kind: 'delete', id: 'a' })).toMatchObject({ ok: false })
  })
})

describe('describeConditions', () => {
  it.each([
    [[], 'every lead'],
    [[{ field: 'persona', op: 'equals', value: 'CFO' }], 'persona is "CFO"'],
    [[{ field: 'persona', op: 'one_of', values: ['CEO', 'Founder'] }], 'persona is one of "CEO", "Founder"'],
    [[{ field: 'lead_score', op: 'gte', value: 80 }], 'lead score ≥ 80'],
    [[{ field: 'lead_score', op: 'lte', value: 30 }], 'lead score ≤ 30'],
    [[{ field: 'lead_score', op: 'between', min: 40, max: 60 }], 'lead score between 40 and 60'],
    [[{ field: 'other', name: 'industry', op: 'equals', value: 'Fintech' }], 'industry is "Fintech"'],
    [
      [
        { field: 'persona', op: 'equals', value: 'cto' },
        { field: 'lead_score', op: 'gte', value: 70 },
      ],
      'persona is "cto" and lead score ≥ 70',
    ],
  ] as [RuleCondition[], string][])('%j → %s', (conditions, expected) => {
    expect(describeConditions(conditions)).toBe(expected)
  })
})

describe('explainRouting', () => {
  const cfo = rule('cfo', [{ field: 'persona', op: 'equals', value: 'cfo' }])
  const hot = rule('hot', [
    { field: 'persona', op: 'one_of', values: ['cto', 'ceo'] },
    { field: 'lead_score', op: 'gte', value: 80 },
  ])
  const off = rule('off', [], false)
  const any = rule('any', [])

  it('says which rule matched, why earlier ones did not, and that later ones were not reached', () => {
    expect(explainRouting([cfo, off, hot, any], lead('cto', 90))).toEqual([
      { ruleId: 'cfo', name: 'Rule cfo', outcome: 'no match', failing: ['persona is "cfo"'] },
      { ruleId: 'off', name: 'Rule off', outcome: 'disabled', failing: [] },
      { ruleId: 'hot', name: 'Rule hot', outcome: 'matched', failing: [] },
      { ruleId: 'any', name: 'Rule any', outcome: 'not reached', failing: [] },
    ])
  })

  it('lists only the conditions that fail', () => {
    expect(explainRouting([hot], lead('cto', 79))).toEqual([{ ruleId: 'hot', name: 'Rule hot', outcome: 'no match', failing: ['lead score ≥ 80'] }])
    expect(explainRouting([hot], { persona: 'cfo', leadScore: null })).toEqual([
      { ruleId: 'hot', name: 'Rule hot', outcome: 'no match', failing: ['persona is one of "cto", "ceo"', 'lead score ≥ 80'] },
    ])
  })

  it('calls a disabled rule disabled even when it would have matched, and keeps looking', () => {
    expect(explainRouting([rule('x', [], false), any], lead('cto', 1)).map((r) => r.outcome)).toEqual(['disabled', 'matched'])
  })

  it('calls a disabled rule after the match not reached', () => {
    expect(explainRouting([any, off], lead('cto', 1)).map((r) => r.outcome)).toEqual(['matched', 'not reached'])
  })

  it('agrees with route on which rule matches', () => {
    const rules = [cfo, off, hot, any]
    for (const l of [lead('cfo', 1), lead('cto', 80), lead('cto', 79), lead('x', 0)]) {
      const decision = route(rules, l)
      const matched = explainRouting(rules, l).find((r) => r.outcome === 'matched')
      expect(matched?.ruleId).toBe(decision.matched ? decision.ruleId : undefined)
    }
  })

  it('is empty for no rules', () => {
    expect(explainRouting([], lead('cto', 1))).toEqual([])
  })
})
