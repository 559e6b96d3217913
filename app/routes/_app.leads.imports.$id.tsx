import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import * as z from 'zod'
import { FIELDS, type Field } from '../../src/shared/domain/column-mapping'
import type { ColumnMapping } from '../../src/shared/domain/lead-import'
import { previewRows, requeueImport, startImport } from '../../src/shared/services/lead-import'
import { Button, ErrorList } from '../components/forms'
import { Card, PageTitle, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Import · Drason' }]

const LABELS: Record<Field, string> = {
  email: 'Email (required)',
  full_name: 'Full name (or first name)',
  first_name: 'First name',
  last_name: 'Last name',
  company: 'Company (required)',
  persona: 'Persona',
  lead_score: 'Lead score',
}

/** A mapping from form or query fields `map.<field>` = column index or "" (not in the file). */
function mappingFrom(values: Record<string, unknown>, fallback: ColumnMapping, headerCount: number): ColumnMapping {
  const out = { ...fallback }
  for (const field of FIELDS) {
    const raw = values[`map.${field}`]
    if (raw === undefined) continue
    const n = z.coerce.number().int().min(0).max(headerCount - 1).safeParse(raw)
    out[field] = raw === '' || !n.success ? null : n.data
  }
  return out
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const job = await deps.imports.get(params.id ?? '')
  if (!job) throw new Response('Not found', { status: 404 })
  const query = Object.fromEntries(new URL(request.url).searchParams)
  const mapping = job.status === 'mapping' ? mappingFrom(query, job.mapping, job.headers.length) : job.mapping
  // Aborted and completed campaigns take no more leads (startImport refuses them too).
  const campaigns = (await deps.campaigns.list()).filter((c) => c.status !== 'aborted' && c.status !== 'completed').map((c) => ({ id: c.id, name: c.name }))
  return json({ job, mapping, preview: job.status === 'mapping' ? previewRows(job, mapping) : [], campaigns, canChange })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const job = await deps.imports.get(params.id ?? '')
  if (!job) throw new Response('Not found', { status: 404 })
  const form = Object.fromEntries(await request.formData())
  if (form.intent === 'requeue') {
    const requeued = await requeueImport(deps, actor, job.id)
    if (!requeued.ok) return json({ errors: requeued.errors }, { status: requeued.status })
    return json({ errors: [] as string[], requeued: requeued.requeued })
  }
  const mapping = mappingFrom(form, job.mapping, job.headers.length)
  const routing = typeof form.routing === 'string' && form.routing.startsWith('campaign:') ? form.routing.slice('campaign:'.length) : null
  const started = await startImport(deps, actor, job.id, mapping, routing)
  if (!started.ok) return json({ errors: started.errors }, { status: started.status })
  return json({ errors: [] as string[] })
}

function Progress({ done, total, errors }: { done: number; total: number; errors: number }) {
  const share = total > 0 ? Math.min(1, done / total) : 0
  return (
    <div>
      <div className="h-3 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="Import progress">
        <div className="h-full bg-indigo-600 transition-all" style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <p className="mt-2 text-sm" data-testid="import-progress">
        {done} of {total} rows done · {errors} with errors
      </p>
    </div>
  )
}

export default function ImportJob() {
  const { job, mapping, preview, campaigns, canChange } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const revalidator = useRevalidator()
  const running = job.status === 'queued' || job.status === 'running'
  const requeued = actionData && 'requeued' in actionData ? Number(actionData.requeued) : null
  // The progress lives in the database, so a reload shows it too; while running, refresh every 1.5 s.
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 1500)
    return () => clearInterval(timer)
  }, [running, revalidator])

  if (job.status !== 'mapping') {
    return (
      <>
        <PageTitle subtitle={`${job.fileName} · ${job.totalRows} rows`}>Import {job.status === 'done' ? 'finished' : 'in progress'}</PageTitle>
        <Card>
          <Progress done={job.counts.done} total={job.totalRows} errors={job.counts.errors} />
          <p className="mt-2 text-sm text-slate-700" data-testid="import-counts">
            {job.counts.imported} new leads · {job.counts.existing} already known · {job.counts.errors} rows with errors
          </p>
          {job.counts.errors > 0 ? (
            <a href={`/leads/imports/${job.id}/errors.csv`} className="mt-3 inline-block text-sm text-indigo-700 underline" download>
              Download the error report (CSV)
            </a>
          ) : null}
          {running && canChange ? (
            <Form method="post" className="mt-4 border-t border-slate-200 pt-3 text-sm text-slate-600">
              <input type="hidden" name="intent" value="requeue" />
              <p>Progress stopped for several minutes? The rows not done yet can be queued again; none is taken in twice.</p>
              <button type="submit" className="mt-2 rounded border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-50">
                Queue the unfinished rows again
              </button>
              {requeued !== null ? <p className="mt-2" role="status">Queued {requeued} part{requeued === 1 ? '' : 's'} again.</p> : null}
              {actionData?.errors.length ? <ErrorList errors={actionData.errors} /> : null}
            </Form>
          ) : null}
        </Card>
      </>
    )
  }

  return (
    <>
      <PageTitle subtitle={`Step 2 of 3: match the columns of ${job.fileName} (${job.totalRows} rows) and check the preview.`}>Import leads</PageTitle>
      <Form method="get" className="space-y-4" id="mapping">
        <Card title="Columns">
          <div className="grid gap-3 sm:grid-cols-2 md:grid-cols-4">
            {FIELDS.map((field) => (
              <label key={field} className="block text-sm font-medium text-slate-700">
                {LABELS[field]}
                <select name={`map.${field}`} defaultValue={mapping[field] === null ? '' : String(mapping[field])} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5">
                  <option value="">— not in the file —</option>
                  {job.headers.map((h, i) => (
                    <option key={i} value={i}>
                      {h || `column ${i + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <button type="submit" className="mt-3 rounded-md bg-slate-800 px-3 py-1.5 text-sm text-white">
            Update preview
          </button>
        </Card>
      </Form>
      <div className="mt-4">
        <Table head={['Row', ...job.headers.map((h, i) => h || `column ${i + 1}`), 'Problems']}>
          {preview.map((p) => (
            <tr key={p.row} className={p.problems.length ? 'bg-red-50' : ''}>
              <td className="px-3 py-2">{p.row}</td>
              {job.headers.map((_, i) => (
                <td key={i} className="max-w-48 truncate px-3 py-2">
                  {p.cells[i] ?? ''}
                </td>
              ))}
              <td className="px-3 py-2 text-red-700" data-testid="preview-problems">
                {p.problems.map((x) => `${x.field} ${x.problem}`).join('; ')}
              </td>
            </tr>
          ))}
        </Table>
      </div>
      {canChange ? (
        <Form method="post" className="mt-4 space-y-3">
          {FIELDS.map((field) => (
            <input key={field} type="hidden" name={`map.${field}`} value={mapping[field] === null ? '' : String(mapping[field])} />
          ))}
          <Card title="Step 3 of 3: routing">
            <label className="block text-sm font-medium text-slate-700">
              Send the new leads
              <select name="routing" defaultValue="rules" className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 md:w-96">
                <option value="rules">through the routing rules</option>
                {campaigns.map((c) => (
                  <option key={c.id} value={`campaign:${c.id}`}>
                    all to campaign “{c.name}”
                  </option>
                ))}
              </select>
            </label>
            <ErrorList errors={actionData?.errors} />
            <Button type="submit" className="mt-3">
              Import {job.totalRows} rows
            </Button>
          </Card>
        </Form>
      ) : null}
    </>
  )
}
