import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { auditEventKey } from '../../src/shared/domain/audit'
import { Badge, Card, PageTitle, healthTone } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Lead · Drason' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const lead = await deps.leads.get(params.id ?? '')
  if (!lead) throw new Response('Not found', { status: 404 })
  const history = await deps.audit.forEntity('lead', lead.id, 50)
  return json({ lead, history: history.items })
}

export default function LeadDetail() {
  const { lead, history } = useLoaderData<typeof loader>()
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
    ['Hold reason', lead.holdReason ?? '—'],
    ['Campaign', lead.campaignId ?? '—'],
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
        </Card>
        <Card title="History">
          <ol className="space-y-2 text-sm" data-testid="lead-history">
            {history.map((e) => (
              <li key={auditEventKey(e)}>
                <time className="text-xs text-slate-500" dateTime={e.at}>
                  {e.at.replace('T', ' ').slice(0, 19)}
                </time>
                <p>{e.sentence}</p>
              </li>
            ))}
          </ol>
        </Card>
      </div>
    </>
  )
}
