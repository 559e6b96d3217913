import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import * as z from 'zod'
import { LEAD_STATUSES } from '../../src/shared/domain/entities'
import { Badge, PageTitle, Table, healthTone } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Leads · Drason' }]

const query = z.object({
  status: z.enum(LEAD_STATUSES).catch('held'),
  cursor: z.string().max(2048).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const { status, cursor } = query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const [page, totals] = await Promise.all([deps.leads.listByStatus(status, 50, cursor), deps.metrics.totals('overall', 'all')])
  return json({ status, page, totals })
}

export default function Leads() {
  const { status, page, totals } = useLoaderData<typeof loader>()
  return (
    <>
      <PageTitle subtitle="Leads are never deleted. A held lead shows why it is held.">Leads</PageTitle>
      <nav aria-label="Lead status" className="mb-4 flex flex-wrap gap-2 text-sm">
        {LEAD_STATUSES.map((s) => (
          <Link
            key={s}
            to={`?status=${s}`}
            aria-current={s === status ? 'page' : undefined}
            className={`rounded-full px-3 py-1 ring-1 ring-slate-300 ${s === status ? 'bg-slate-800 text-white' : 'bg-white'}`}
          >
            {s} ({totals[`leads_${s}`]})
          </Link>
        ))}
      </nav>
      <Table head={['Email', 'Name', 'Greeting', 'Company', 'Persona', 'Score', 'Status', 'Reason']} empty={page.items.length === 0}>
        {page.items.map((l) => (
          <tr key={l.id}>
            <td className="px-3 py-2 font-mono text-xs">{l.email}</td>
            <td className="px-3 py-2">{l.fullName}</td>
            <td className="px-3 py-2">
              {l.firstName} <span className="text-xs text-slate-500">({Math.round(l.firstNameConfidence * 100)}%)</span>
            </td>
            <td className="px-3 py-2">{l.company}</td>
            <td className="px-3 py-2">{l.persona}</td>
            <td className="px-3 py-2">{l.leadScore}</td>
            <td className="px-3 py-2">
              <Badge tone={healthTone(l.status)}>{l.status}</Badge>
            </td>
            <td className="px-3 py-2 text-slate-600">{l.holdReason ?? ''}</td>
          </tr>
        ))}
      </Table>
      {page.nextCursor ? (
        <Link to={`?status=${status}&cursor=${encodeURIComponent(page.nextCursor)}`} className="mt-4 inline-block text-sm text-indigo-700 underline">
          More
        </Link>
      ) : null}
    </>
  )
}
