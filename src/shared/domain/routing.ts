import type { RoutingRule, RuleCondition } from './entities'

/** The lead facts routing looks at. */
export interface RoutableLead {
  persona: string
  leadScore: number
}

export type RoutingDecision =
  | { matched: true; ruleId: string; campaignId: string; reason: string }
  | { matched: false; reason: 'no routing rule matched' }

function holds(c: RuleCondition, lead: RoutableLead): boolean {
  const persona = lead.persona.trim().toLowerCase()
  switch (c.op) {
    case 'equals':
      return persona === c.value.trim().toLowerCase()
    case 'one_of':
      return c.values.some((v) => v.trim().toLowerCase() === persona)
    case 'gte':
      return lead.leadScore >= c.value
    case 'lte':
      return lead.leadScore <= c.value
    case 'between':
      return lead.leadScore >= c.min && lead.leadScore <= c.max
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
  return { matched: false, reason: 'no routing rule matched' }
}
