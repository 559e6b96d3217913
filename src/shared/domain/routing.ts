import type { RoutingRule, RuleCondition } from './entities'

/** The lead facts routing looks at. A field that is absent never equals anything. */
export interface RoutableLead {
  persona: string
  leadScore: number | null
  company?: string
  source?: string
  enrichment?: Readonly<Record<string, string>>
}

/**
 * A field name as a person types it and as a file's header or Clay's column spells it: `LinkedIn URL`,
 * `linkedin_url` and `linkedin-url` are one field. Letters and digits kept, any run of others one `_`.
 */
export function normaliseFieldName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '')
}

/** Names a rule may not use for "another field": they have their own conditions, or decide nothing. */
export const RESERVED_FIELD_NAMES: readonly string[] = ['persona', 'lead_score', 'score', 'email']

const sameText = (a: string, b: string) => a.normalize('NFKC').trim().toLowerCase() === b.normalize('NFKC').trim().toLowerCase()

/** The lead's value of a field named by a rule, or undefined when the lead has no such field. */
export function fieldValue(lead: RoutableLead, name: string): string | undefined {
  const key = normaliseFieldName(name)
  if (key === 'company') return lead.company
  if (key === 'source') return lead.source
  for (const [k, v] of Object.entries(lead.enrichment ?? {})) if (normaliseFieldName(k) === key) return v
  return undefined
}

/** The hold reason of a lead no rule matched (shown on Leads and counted on the Overview). */
export const NO_RULE_MATCHED = 'no routing rule matched'

export type RoutingDecision =
  | { matched: true; ruleId: string; campaignId: string; reason: string }
  | { matched: false; reason: 'no routing rule matched' }

function holds(c: RuleCondition, lead: RoutableLead): boolean {
  if (c.field === 'other') {
    const value = fieldValue(lead, c.name)
    // An empty cell is no value: "industry is ''" would otherwise match every lead without the column.
    return value !== undefined && value.trim() !== '' && sameText(value, c.value)
  }
  const persona = lead.persona.trim().toLowerCase()
  switch (c.op) {
    case 'equals':
      return persona === c.value.trim().toLowerCase()
    case 'one_of':
      return c.values.some((v) => v.trim().toLowerCase() === persona)
    case 'gte':
      return lead.leadScore !== null && lead.leadScore >= c.value
    case 'lte':
      return lead.leadScore !== null && lead.leadScore <= c.value
    case 'between':
      return lead.leadScore !== null && lead.leadScore >= c.min && lead.leadScore <= c.max
  }
}

/**
 * Pure and deterministic: the first enabled rule whose every condition holds picks the campaign.
 * No match means no campaign: Drason never guesses.
 */
export function route(rules: readonly RoutingRule[], lead: RoutableLead): RoutingDecision {
  for (const rule of rules) {
    if (rule.enabled && rule.conditions.every((c) => holds(c, lead))) {
      return { matched: true, ruleId: rule.id, campaignId: rule.campaignId, reason: `matched rule "${rule.name}"` }
    }
  }
  return { matched: false, reason: NO_RULE_MATCHED }
}

/** Edits to the ordered rule set; each returns a new array (the set is saved whole, atomically). */
export type RuleEdit =
  | { kind: 'add'; rule: RoutingRule }
  | { kind: 'update'; rule: RoutingRule }
  | { kind: 'delete'; id: string }
  | { kind: 'move'; id: string; direction: 'up' | 'down' }
  | { kind: 'enable'; id: string; enabled: boolean }

export function applyRuleEdit(rules: readonly RoutingRule[], edit: RuleEdit): { ok: true; rules: RoutingRule[] } | { ok: false; reason: string } {
  const index = edit.kind === 'add' ? -1 : rules.findIndex((r) => r.id === (edit.kind === 'update' ? edit.rule.id : edit.id))
  if (edit.kind !== 'add' && index < 0) return { ok: false, reason: 'That rule no longer exists; someone may have deleted it.' }
  const next = [...rules]
  switch (edit.kind) {
    case 'add':
      if (rules.some((r) => r.id === edit.rule.id)) return { ok: false, reason: 'A rule with that id exists already.' }
      next.push(edit.rule)
      break
    case 'update':
      next[index] = edit.rule
      break
    case 'delete':
      next.splice(index, 1)
      break
    case 'move': {
      const to = edit.direction === 'up' ? index - 1 : index + 1
      if (to < 0 || to >= next.length) return { ok: true, rules: next }
      ;[next[index], next[to]] = [next[to]!, next[index]!]
      break
    }
    case 'enable':
      next[index] = { ...next[index]!, enabled: edit.enabled }
      break
  }
  return { ok: true, rules: next }
}

/** A plain-words description of a rule's conditions, for the rules page, the test box and the audit log. */
export function describeConditions(conditions: readonly RuleCondition[]): string {
  if (conditions.length === 0) return 'every lead'
  return conditions
    .map((c) => {
      if (c.field === 'other') return `${c.name} is "${c.value}"`
      switch (c.op) {
        case 'equals':
          return `persona is "${c.value}"`
        case 'one_of':
          return `persona is one of ${c.values.map((v) => `"${v}"`).join(', ')}`
        case 'gte':
          return `lead score ≥ ${c.value}`
        case 'lte':
          return `lead score ≤ ${c.value}`
        case 'between':
          return `lead score between ${c.min} and ${c.max}`
      }
    })
    .join(' and ')
}

/** Why each rule did or did not match a sample lead, in order, for the "test a lead" box. */
export function explainRouting(rules: readonly RoutingRule[], lead: RoutableLead): { ruleId: string; name: string; outcome: 'matched' | 'no match' | 'disabled' | 'not reached'; failing: string[] }[] {
  let matched = false
  return rules.map((rule) => {
    if (matched) return { ruleId: rule.id, name: rule.name, outcome: 'not reached' as const, failing: [] }
    if (!rule.enabled) return { ruleId: rule.id, name: rule.name, outcome: 'disabled' as const, failing: [] }
    const failing = rule.conditions.filter((c) => !holds(c, lead)).map((c) => describeConditions([c]))
    if (failing.length === 0) matched = true
    return { ruleId: rule.id, name: rule.name, outcome: failing.length === 0 ? ('matched' as const) : ('no match' as const), failing }
  })
}
