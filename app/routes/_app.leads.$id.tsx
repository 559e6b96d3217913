import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { auditEventKey } from '../../src/shared/domain/audit'
import * as z from 'zod'
import { assignLead } from '../../src/shared/services/lead-assignment'
import { EventDetails } from '../components/event-details'
import { Button, ErrorList } from '../components/forms'
import { Badge, Card, PageTitle, Pager, healthTone } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Lead · Drason' }]

const HISTORY_PAGE = 50

// A browser leaves the disabled placeholder out of the form: a missing field is "choose", like an empty one.
const assignForm = z.object({ campaignId: z.string({ error: 'Choose a campaign.' }).trim().min(1, 'Choose a campaign.').max(200) })

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const lead = await deps.leads.get(params.id ?? '')
  if (!lead) throw new Response('Not found', { status: 404 })
  // A held lead can be given to a campaign that can still send it (lead-assignment.ts).
  const assignable =
    canChange && lead.status === 'held'
      ? (await deps.campaigns.list()).filter((c) => c.id !== lead.campaignId && c.status !== 'aborted' && c.status !== 'completed').map((c) => ({ id: c.id, name: c.name, status: c.status }))
      : []
  const cursor = z.string().max(2048).optional().catch(undefined).parse(new URL(request.url).searchParams.get('cursor') ?? undefined)
  const [history, campaign, send] = await Promise.all([
    deps.audit.forEntity('lead', lead.id, HISTORY_PAGE, cursor),
    lead.campaignId ? deps.campaigns.get(lead.campaignId) : null,
    // The send in its campaign, if any: what happened to it there (sent, skipped, unknown, bounced, ...).
    lead.campaignId ? deps.sends.get(lead.campaignId, lead.id) : null,
  ])
  return json({
    lead,
    campaign: campaign ? { id: campaign.value.id, name: campaign.value.name } : null,
    send: send ? { state: send.state, at: send.claimedAt, messageId: send.messageId ?? null, reason: send.reason ?? send.feedback ?? null } : null,
    history: history.items,
    olderCursor: history.nextCursor,
    paged: Boolean(cursor),
    assignable,
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const parsed = assignForm.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? 'Choose a campaign.' }, { status: 400 })
  const result = await assignLead(deps, actor, params.id ?? '', parsed.data.campaignId)
  if (!result.ok) return json({ error: result.message }, { status: result.status })
  return redirect(`/leads/${encodeURIComponent(params.id ?? '')}?assigned=1`)
}

export default function LeadDetail() {
  const { lead, campaign, send, history, olderCursor, paged, assignable } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [search] = useSearchParams()
  const facts: [string, React.ReactNode][] = [
    ['Email', <span className="font-mono">{lead.email}</span>],
    ['Name', lead.fullName],
    ['Greeting', `${lead.firstName || '—'} (${Math.round(lead.firstNameConfidence * 100)}% sure)`],
    ['Company', lead.company],
    ['Persona', lead.persona || '—'],
    ['Lead score', lead.leadScore ?? '—'],
    // An imported lead's own audit history starts at the gate: the import's page records its intake (decision 050).
    [
      'Source',
      lead.importId ? (
        <>
          {lead.source} ·{' '}
          <Link to={`/leads/imports/${lead.importId}`} className="text-indigo-700 underline" data-testid="lead-import">
            import {lead.importId}
          </Link>
        </>
      ) : (
        lead.source
      ),
    ],
    ['Status', <Badge tone={healthTone(lead.status)}>{lead.status}</Badge>],
    ['Health', <Badge tone={healthTone(lead.healthState)}>{lead.healthState}</Badge>],
    ['Hold reason', lead.holdReason ?? '—'],
    [
      'Campaign',
      campaign ? (
        <Link to={`/campaigns/${encodeURIComponent(campaign.id)}`} className="text-indigo-700 underline">
          {campaign.name}
        </Link>
      ) : (
        (lead.campaignId ?? '—')
      ),
    ],
    [
      'Send',
      send ? (
        <span data-testid="lead-send">
          <Badge tone={send.state === 'sent' ? 'good' : send.state === 'sending' ? 'neutral' : 'warn'}>{send.state}</Badge> {send.at.replace('T', ' ').slice(0, 16)} UTC
          {send.messageId ? <span className="block font-mono text-xs text-slate-500">MessageId {send.messageId}</span> : null}
          {send.reason ? <span className="block text-xs text-slate-600">{send.reason}</span> : null}
          {send.state === 'unknown' ? (
            <Link to="/sends" className="block text-xs text-indigo-700 underline">
              Settle it on Unknown sends
            </Link>
          ) : null}
        </span>
      ) : (
        'not sent'
      ),
    ],
    ['Created', lead.createdAt],
  ]
  return (
    <>
      <Link to="/leads" className="text-sm text-indigo-700 underline">
        ← Leads
      </Link>
      <PageTitle>{lead.fullName || lead.email}</PageTitle>
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Lead">
          <dl className="grid grid-cols-3 gap-1 text-sm">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="col-span-2">{v}</dd>
              </div>
            ))}
            {Object.entries(lead.enrichment).map(([k, v]) => (
              <div key={`e-${k}`} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="col-span-2 break-words">{v}</dd>
              </div>
            ))}
          </dl>
          {search.get('assigned') ? (
            <p role="status" className="mt-3 text-sm text-emerald-700">
              Given to the campaign: it waits for the gate there.
            </p>
          ) : null}
          {assignable.length > 0 ? (
            <Form method="post" className="mt-4 border-t border-slate-200 pt-3 text-sm" aria-label="Give to a campaign">
              <label htmlFor="assign-campaign" className="block text-slate-700">
                Give this held lead to a campaign (it then waits for that campaign's gate)
              </label>
              <div className="mt-1 flex gap-2">
                <select id="assign-campaign" name="campaignId" className="rounded border border-slate-300 px-2 py-1" defaultValue="">
                  <option value="" disabled>
                    Choose a campaign
                  </option>
                  {assignable.map((c) => (
                    <option key={c.id} value={c.id}>
                      {`${c.name} (${c.status})`}
                    </option>
                  ))}
                </select>
                <Button type="submit">Give to campaign</Button>
              </div>
              {actionData?.error ? <ErrorList errors={[actionData.error]} /> : null}
            </Form>
          ) : null}
        </Card>
        <Card title="History">
          <ol className="space-y-2 text-sm" data-testid="lead-history">
            {history.map((e) => (
              <li key={auditEventKey(e)}>
                <time className="text-xs text-slate-500" dateTime={e.at}>
                  {e.at.replace('T', ' ').slice(0, 19)}
                </time>
                <p>{e.sentence}</p>
                <EventDetails event={e} />
              </li>
            ))}
          </ol>
          <Pager newestTo={paged ? '?' : null} olderTo={olderCursor ? `?cursor=${encodeURIComponent(olderCursor)}` : null} olderLabel="Older history" />
        </Card>
      </div>
    </>
  )
}
