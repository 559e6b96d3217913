import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useLoaderData, useSearchParams } from '@remix-run/react'
import { auditEventKey, ENTITY_TYPES } from '../../src/shared/domain/audit'
import { auditFilterSchema, listAudit } from '../../src/shared/services/audit-log'
import { ErrorList } from '../components/forms'
import { EventDetails } from '../components/event-details'
import { Badge, PageTitle, Pager } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Audit log · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const params = Object.fromEntries(new URL(request.url).searchParams)
  const filter = auditFilterSchema.safeParse(params)
  if (!filter.success) {
    return json({ items: [], nextCursor: null, partial: null, errors: filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, { status: 400 })
  }
  const page = await listAudit(deps, filter.data)
  // A timeline request searches a bounded part of the log: a short page with a cursor was cut off by that
  // bound, not by the end of the log, and the screen says how far back it got.
  const searchedTo = 'searchedTo' in page && typeof page.searchedTo === 'string' ? page.searchedTo : null
  const partial = page.nextCursor && page.items.length < filter.data.limit ? { searchedTo } : null
  return json({ items: page.items, nextCursor: page.nextCursor, partial, errors: [] as string[] })
}

export default function AuditLog() {
  const { items, nextCursor, partial, errors } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const next = new URLSearchParams(params)
  if (nextCursor) next.set('cursor', nextCursor)
  // Back to the newest events with the same filters.
  const newest = new URLSearchParams(params)
  newest.delete('cursor')
  return (
    <>
      <PageTitle subtitle="Append-only: every action Drason or a person took, newest first.">Audit log</PageTitle>
      <Form method="get" className="mb-4 grid grid-cols-2 gap-2 md:grid-cols-6" aria-label="Filter the audit log">
        <label className="text-sm">
          Entity
          <select name="entityType" defaultValue={params.get('entityType') ?? ''} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1">
            <option value="">Any</option>
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Id
          <input name="entityId" defaultValue={params.get('entityId') ?? ''} placeholder="one of that type" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="text-sm">
          Action
          <input name="action" defaultValue={params.get('action') ?? ''} placeholder="e.g. login_failed" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="text-sm">
          From
          <input type="date" name="from" defaultValue={params.get('from') ?? ''} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="text-sm">
          To
          <input type="date" name="to" defaultValue={params.get('to') ?? ''} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" />
        </label>
        <div className="flex items-end">
          <button type="submit" className="rounded-md bg-slate-800 px-4 py-1.5 text-sm text-white">
            Filter
          </button>
        </div>
      </Form>
      <ErrorList errors={errors} />
      <ol className="space-y-2" data-testid="audit-timeline">
        {items.length === 0 && !partial ? <li className="text-slate-500">No events match.</li> : null}
        {items.map((e) => (
          <li key={auditEventKey(e)} className="rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <time dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 19)} UTC</time>
              <Badge>{e.actor.type}</Badge>
              <Badge tone="neutral">
                {e.entityType}: {e.entityId}
              </Badge>
              <code>{e.action}</code>
              {e.threshold !== undefined ? (
                <span>
                  value {e.value} / threshold {e.threshold}
                  {e.window ? ` over ${e.window}` : ''}
                </span>
              ) : null}
            </div>
            <p className="mt-1 text-sm">{e.sentence}</p>
            <EventDetails event={e} />
          </li>
        ))}
      </ol>
      {partial ? (
        <p className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="audit-partial">
          {partial.searchedTo ? `Searched back to ${partial.searchedTo.replace('T', ' ').slice(0, 16)} UTC` : 'Searched part of the log'}, no {items.length > 0 ? 'more ' : ''}matches yet: older
          events may still match. Search further back with the link below.
        </p>
      ) : null}
      <Pager newestTo={params.get('cursor') ? `?${newest.toString()}` : null} olderTo={nextCursor ? `?${next.toString()}` : null} olderLabel={partial ? 'Search older events' : 'Older events'} />
    </>
  )
}
