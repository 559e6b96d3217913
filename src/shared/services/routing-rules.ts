import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign, RoutingRule } from '../domain/entities'
import { applyRuleEdit, describeConditions, type RuleEdit } from '../domain/routing'
import type { Clock, IdSource } from './ports'

export interface RuleStore {
  get(): Promise<{ rules: RoutingRule[]; version: number }>
  save(rules: RoutingRule[], expectedVersion: number, event: AuditEvent): Promise<'saved' | 'conflict'>
}

export interface RulesDeps {
  routing: RuleStore
  campaigns: { list(): Promise<Campaign[]> }
  clock: Clock
  ids: IdSource
}

export const RULES_CONFLICT = 'Someone else changed the routing rules since you loaded this page. Nothing was saved: reload and try again.'

function sentenceFor(edit: RuleEdit, before: RoutingRule[], after: RoutingRule[], actor: Actor): string {
  const name = (id: string) => before.find((r) => r.id === id)?.name ?? after.find((r) => r.id === id)?.name ?? id
  switch (edit.kind) {
    case 'add':
      return `${actor.id} added rule "${edit.rule.name}" (${describeConditions(edit.rule.conditions)} → campaign ${edit.rule.campaignId}) at position ${after.length}.`
    case 'update':
      return `${actor.id} changed rule "${edit.rule.name}" to: ${describeConditions(edit.rule.conditions)} → campaign ${edit.rule.campaignId}${edit.rule.enabled ? '' : ' (disabled)'}.`
    case 'delete':
      return `${actor.id} deleted rule "${name(edit.id)}".`
    case 'move':
      return `${actor.id} moved rule "${name(edit.id)}" ${edit.direction} to position ${after.findIndex((r) => r.id === edit.id) + 1}.`
    case 'enable':
      return `${actor.id} ${edit.enabled ? 'enabled' : 'disabled'} rule "${name(edit.id)}".`
  }
}

/**
 * One edit to the ordered rule set, saved whole with a version check: a reorder is one atomic write and a
 * concurrent edit loses with a clear message instead of corrupting the order. Audited with before/after.
 */
export async function editRules(deps: RulesDeps, actor: Actor, edit: RuleEdit, expectedVersion: number): Promise<{ ok: true; rules: RoutingRule[]; version: number } | { ok: false; status: 400 | 409; message: string }> {
  const current = await deps.routing.get()
  if (current.version !== expectedVersion) return { ok: false, status: 409, message: RULES_CONFLICT }
  if (edit.kind === 'add' || edit.kind === 'update') {
    const campaigns = await deps.campaigns.list()
    const target = campaigns.find((c) => c.id === edit.rule.campaignId)
    if (!target) return { ok: false, status: 400, message: 'Choose a campaign that exists.' }
    // Nothing ever admits a lead into an aborted or completed campaign: routed there, it would wait for ever.
    const before = edit.kind === 'update' ? current.rules.find((r) => r.id === edit.rule.id) : undefined
    if ((target.status === 'aborted' || target.status === 'completed') && before?.campaignId !== target.id) {
      return { ok: false, status: 400, message: `Campaign "${target.name}" is ${target.status}: leads routed to it would never be sent. Choose another campaign.` }
    }
  }
  const applied = applyRuleEdit(current.rules, edit)
  if (!applied.ok) return { ok: false, status: 409, message: applied.reason }
  // A move past either end changes nothing: nothing to save, nothing to audit.
  if (JSON.stringify(applied.rules) === JSON.stringify(current.rules)) return { ok: true, rules: current.rules, version: current.version }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'rule',
      entityId: edit.kind === 'add' || edit.kind === 'update' ? edit.rule.id : edit.id,
      action: `rule_${edit.kind === 'enable' ? (edit.enabled ? 'enabled' : 'disabled') : edit.kind === 'move' ? 'moved' : edit.kind === 'add' ? 'added' : edit.kind === 'update' ? 'updated' : 'deleted'}`,
      sentence: sentenceFor(edit, current.rules, applied.rules, actor),
      details: { before: current.rules, after: applied.rules },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  const saved = await deps.routing.save(applied.rules, current.version, event)
  if (saved === 'conflict') return { ok: false, status: 409, message: RULES_CONFLICT }
  return { ok: true, rules: applied.rules, version: current.version + 1 }
}
