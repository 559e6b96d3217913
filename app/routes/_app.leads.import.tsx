import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { MAX_UPLOAD_BYTES } from '../../src/shared/domain/lead-import'
import { createImport } from '../../src/shared/services/lead-import'
import { Button, ErrorList } from '../components/forms'
import { Card, PageTitle } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'
import { readUploadedFile } from '../lib/upload.server'

export const meta: MetaFunction = () => [{ title: 'Import leads · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  return json({ maxBytes: MAX_UPLOAD_BYTES })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const file = await readUploadedFile(request)
  if (!file.ok) return json({ error: file.message }, { status: file.status })
  const created = await createImport(deps, actor, { name: file.name, bytes: file.bytes })
  if (!created.ok) return json({ error: created.reason }, { status: 400 })
  return redirect(`/leads/imports/${created.job.id}`)
}

export default function ImportUpload() {
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
    </>
  )
}
