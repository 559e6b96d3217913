import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import { senderOf, type CampaignInput } from '../domain/campaign-input'
import type { Campaign, Mailbox } from '../domain/entities'
import { STANDARD_VARIABLES, checkTemplate, type TemplateError } from '../domain/template'
import type { Clock, IdSource } from './ports'

export interface CampaignStore {
  get(id: string): Promise<{ value: Campaign; version: number } | null>
  save(campaign: Campaign, expectedVersion: number, event: AuditEvent, previous: Campaign | null): Promise<'saved' | 'conflict'>
}
export interface CampaignDeps {
  campaigns: CampaignStore
  /** Every mailbox that exists (a campaign may only use those). */
  allMailboxes(): Promise<Mailbox[]>
  clock: Clock
  ids: IdSource
}

export type CampaignResult =
  | { ok: true; id: string }
  | { ok: false; status: 400 | 404 | 409; fieldErrors?: Record<string, string[]>; message?: string }

function templateErrors(input: CampaignInput): Record<string, string[]> {
  const errors: Record<string, string[]> = {}
  const check = (field: string, source: string | null) => {
    if (!source) return
    // The standard variables every lead has, plus the enrichment fields this campaign declares.
    const found: TemplateError[] = checkTemplate(source, [...STANDARD_VARIABLES, ...input.extraVariables])
    if (found.length) errors[field] = found.map((e) => `Line ${e.line}, column ${e.column}: ${e.message}${e.excerpt ? ` (${e.excerpt})` : ''}`)
  }
  check('subjectTemplate', input.subjectTemplate)
  check('bodyTemplate', input.bodyTemplate)
  check('htmlTemplate', input.htmlTemplate)
  return errors
}

function senderName(campaign: Campaign): string {
  return campaign.sender.kind === 'smartlead' ? `Smartlead campaign ${campaign.sender.externalId}` : 'SES'
}

/** Creates (id null) or changes a campaign. Templates are checked on save, with the position of each problem. */
export async function saveCampaign(deps: CampaignDeps, actor: Actor, id: string | null, input: CampaignInput, expectedVersion: number): Promise<CampaignResult> {
  const fieldErrors = templateErrors(input)
  const mailboxes = new Set((await deps.allMailboxes()).map((m) => m.id))
  const unknown = input.mailboxIds.filter((m) => !mailboxes.has(m))
  if (unknown.length) fieldErrors.mailboxIds = [`No such mailbox: ${unknown.join(', ')}.`]
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors }

  const current = id ? await deps.campaigns.get(id) : null
  if (id && !current) return { ok: false, status: 404, message: 'That campaign does not exist.' }
  if (current && current.version !== expectedVersion) return { ok: false, status: 409, message: 'Someone else changed this campaign since you loaded the page. Reload and try again.' }
  if (current && (current.value.status === 'aborted' || current.value.status === 'completed')) {
    return { ok: false, status: 409, message: `This campaign is ${current.value.status}; it can no longer be changed.` }
  }
  const now = deps.clock.now()
  const { senderKind: _kind, smartleadCampaignId: _external, ...fields } = input
  const sender = senderOf(input)
  // Once started, a campaign's leads belong to its sender: leads handed to Smartlead are `active` with no
  // send of Drason's, so an SES chain would send them a second time, and leads queued for SES would never
  // be pushed. The sender is chosen for good when the campaign leaves draft (decision 041).
  if (current && current.value.status !== 'draft' && JSON.stringify(current.value.sender) !== JSON.stringify(sender)) {
    return {
      ok: false,
      status: 409,
      fieldErrors: { senderKind: [`The sender cannot change once a campaign has started: its leads were handed to ${senderName(current.value)}. Abort it and create a new campaign for the other sender.`] },
    }
  }
  const campaign: Campaign = current
    ? { ...current.value, ...fields, sender }
    : { id: deps.ids.next(), status: 'draft', pauseReason: null, createdAt: now.toISOString(), ...fields, sender }
  const changed = current ? ([...Object.keys(fields), 'sender'] as (keyof Campaign)[]).filter((k) => JSON.stringify(current.value[k]) !== JSON.stringify(campaign[k])) : []
  if (current && changed.length === 0) return { ok: true, id: campaign.id }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'campaign',
      entityId: campaign.id,
      action: current ? 'updated' : 'created',
      sentence: current
        ? `${actor.id} changed campaign "${campaign.name}": ${changed.join(', ')}.`
        : `${actor.id} created campaign "${campaign.name}" (draft) with ${campaign.mailboxIds.length} mailbox${campaign.mailboxIds.length === 1 ? '' : 'es'} and a daily cap of ${campaign.dailyCap}.`,
      ...(current ? { details: { before: Object.fromEntries(changed.map((k) => [k, current.value[k]])), after: Object.fromEntries(changed.map((k) => [k, campaign[k]])) } } : {}),
    },
    deps.ids.next(),
    now,
  )
  const saved = await deps.campaigns.save(campaign, current ? expectedVersion : 0, event, current?.value ?? null)
  if (saved === 'conflict') return { ok: false, status: 409, message: 'Someone else changed this campaign at the same moment. Reload and try again.' }
  return { ok: true, id: campaign.id }
}
