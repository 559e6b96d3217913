import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { MAX_UPLOAD_BYTES } from '../../src/shared/domain/lead-import'
import { createImport } from '../../src/shared/services/lead-import'
import { Button, ErrorList } from '../components/forms'
import { Card, PageTitle, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'
import { readUploadedFile } from '../lib/upload.server'

export const meta: MetaFunction = () => [{ title: 'Import leads · Drason' }]

// Enough to find an import left at its column mapping, or one still running, without a page of its own.
const RECENT_IMPORTS = 10

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const recent = await deps.imports.recent(RECENT_IMPORTS)
  return json({
    maxBytes: MAX_UPLOAD_BYTES,
    recent: recent.map((j) => ({ id: j.id, fileName: j.fileName, status: j.status, totalRows: j.totalRows, counts: j.counts, createdBy: j.createdBy, createdAt: j.createdAt })),
  })
}

// What each state asks of a person, in words.
const STATUS_WORDS: Record<string, string> = { mapping: 'waiting for its column mapping', queued: 'queued', running: 'importing', done: 'done' }

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const file = await readUploadedFile(request)
  if (!file.ok) return json({ error: file.message }, { status: file.status })
  const created = await createImport(deps, actor, { name: file.name, bytes: file.bytes })
  if (!created.ok) return json({ error: created.reason }, { status: 400 })
  return redirect(`/leads/imports/${created.job.id}`)
}

export default function ImportUpload() {
  const { recent } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <>
      <PageTitle subtitle="Step 1 of 3: upload. Then match the columns, check the preview, and import.">Import leads</PageTitle>
      <Card>
        <Form method="post" encType="multipart/form-data" className="space-y-3">
          <label className="block text-sm font-medium text-slate-700">
            CSV or Excel (.xlsx) file, up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB
            <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className="mt-1 block w-full text-sm" />
          </label>
          <p className="text-xs text-slate-500">Needed columns: name, email, company. Persona, lead score and any other columns are kept with each lead.</p>
          <ErrorList errors={actionData?.error ? [actionData.error] : null} />
          <Button type="submit" disabled={navigation.state !== 'idle'}>
            Upload
          </Button>
        </Form>
      </Card>
      <h2 className="mb-2 mt-8 text-lg font-semibold">Recent imports</h2>
      <Table head={['File', 'State', 'Rows', 'Imported', 'Errors', 'By', 'Started']} empty={recent.length === 0}>
        {recent.map((j) => (
          <tr key={j.id} data-testid={`recent-import-${j.id}`}>
            <td className="px-3 py-2">
              <Link to={`/leads/imports/${encodeURIComponent(j.id)}`} className="text-indigo-700 underline">
                {j.fileName}
              </Link>
            </td>
            <td className="px-3 py-2">{STATUS_WORDS[j.status] ?? j.status}</td>
            <td className="px-3 py-2">{j.totalRows}</td>
            <td className="px-3 py-2">{j.counts.imported}</td>
            <td className="px-3 py-2">{j.counts.errors}</td>
            <td className="px-3 py-2">{j.createdBy}</td>
            <td className="whitespace-nowrap px-3 py-2 text-slate-600">{j.createdAt.replace('T', ' ').slice(0, 16)} UTC</td>
          </tr>
        ))}
      </Table>
    </>
  )
}
