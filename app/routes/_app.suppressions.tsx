import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { MAX_SUPPRESSION_LIST_ROWS, suppressionTarget, type SuppressionEntry, type SuppressionTarget } from '../../src/shared/domain/suppression-list'
import { MAX_SUPPRESSION_NOTE, suppressList, suppressManually, type SuppressionListResult } from '../../src/shared/services/suppression'
import { Flash } from '../components/confirm'
import { Button, ErrorList, Field, LookupForm } from '../components/forms'
import { Badge, Card, PageTitle, Pager, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'
import { readUploadedFile } from '../lib/upload.server'

export const meta: MetaFunction = () => [{ title: 'Suppression list · Drason' }]

const PAGE_SIZE = 50

const addForm = z.object({
  target: z.string({ error: 'Enter an address or a domain.' }).trim().min(1, 'Enter an address or a domain.').max(320, 'At most 320 characters.'),
  note: z.string().max(MAX_SUPPRESSION_NOTE, `At most ${MAX_SUPPRESSION_NOTE} characters.`).optional(),
})
const listQuery = z.object({ cursor: z.string().max(2048).optional(), check: z.string().trim().max(320).optional() })

/** "Is this address suppressed, and why?": the entries that stop it (itself or its domain), or a reason it is not an address. */
async function checkOne(deps: { suppression: { lookup(t: SuppressionTarget): Promise<SuppressionEntry[]> } }, raw: string): Promise<{ asked: string; error: string | null; entries: SuppressionEntry[] }> {
  const parsed = suppressionTarget(raw)
  if (!parsed.ok) return { asked: raw, error: parsed.reason, entries: [] }
  return { asked: parsed.target.value, error: null, entries: await deps.suppression.lookup(parsed.target) }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const query = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams))
  const check = query.success && query.data.check ? query.data.check : null
  const [page, checked] = await Promise.all([deps.suppression.list(PAGE_SIZE, query.success ? query.data.cursor : null), check ? checkOne(deps, check) : null])
  return json({ ...page, canChange, checked })
}

type UploadAnswer = { upload: Extract<SuppressionListResult, { ok: true }> | { ok: false; message: string } }

/** A list uploaded as a file: read in the request (at most MAX_SUPPRESSION_LIST_ROWS rows), answered with counts. */
async function uploadList(request: Request, deps: Parameters<typeof suppressList>[0], actor: Parameters<typeof suppressList>[1]) {
  const file = await readUploadedFile(request)
  if (!file.ok) return json<UploadAnswer>({ upload: { ok: false, message: file.message } }, { status: file.status })
  const done = await suppressList(deps, actor, { name: file.name, bytes: file.bytes })
  if (!done.ok) return json<UploadAnswer>({ upload: { ok: false, message: done.message } }, { status: done.status })
  return json<UploadAnswer>({ upload: done })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return uploadList(request, deps, actor)
  const submission = parseWithZod(await request.formData(), { schema: addForm })
  if (submission.status !== 'success') return json({ result: submission.reply(), flash: null }, { status: 400 })
  const done = await suppressManually(deps, actor, submission.value)
  if (!done.ok) return json({ result: submission.reply({ fieldErrors: { [done.field]: [done.message] } }), flash: null }, { status: done.status })
  const what = done.kind === 'address' ? done.value : `every address on ${done.value}`
  const flash = done.added ? `Suppressed ${what}: no campaign will email it again.` : `${done.value} was already on the suppression list; nothing changed.`
  return json({ result: submission.reply({ resetForm: true }), flash })
}

/** What an uploaded list did, in words, with the rows that could not be suppressed. */
function UploadOutcome({ upload }: UploadAnswer) {
  if (!upload.ok) return <ErrorList errors={[upload.message]} />
  const shown = upload.refused.slice(0, 20)
  const summary =
    `Added ${upload.added} ${upload.added === 1 ? 'entry' : 'entries'}; ${upload.already} already on the list` +
    `${upload.repeats ? `, ${upload.repeats} repeated in the file` : ''}${upload.blank ? `, ${upload.blank} blank` : ''}; ` +
    `${upload.refused.length} could not be suppressed.`
  return (
    <div role="status" className="mt-3 text-sm" data-testid="upload-outcome">
      <p>{summary}</p>
      {shown.length ? (
        <ul className="mt-1 list-disc pl-5 text-red-800">
          {shown.map((r) => (
            <li key={r.row}>{`Row ${r.row} (${r.value}): ${r.reason}`}</li>
          ))}
          {upload.refused.length > shown.length ? <li>…and {upload.refused.length - shown.length} more.</li> : null}
        </ul>
      ) : null}
    </div>
  )
}

export default function Suppressions() {
  const { items, nextCursor, canChange, checked } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [params] = useSearchParams()
  const single = actionData && 'result' in actionData ? actionData : undefined
  const upload = actionData && 'upload' in actionData ? actionData.upload : undefined
  const [form, fields] = useForm({ id: 'suppress', lastResult: single?.result, onValidate: ({ formData }) => parseWithZod(formData, { schema: addForm }), shouldValidate: 'onBlur' })
  return (
    <>
      <PageTitle subtitle="Addresses and whole domains Drason never sends to: hard bounces, complaints, unsubscribes and the ones added here. The gate and every send check this list.">
        Suppression list
      </PageTitle>
      {single?.flash ? <Flash message={single.flash} warning={null} /> : null}
      <LookupForm name="check" label="Is this address or domain suppressed?" button="Check" defaultValue={checked?.asked ?? ''} placeholder="priya@example.com" className="mb-6" />
      {checked ? (
        <div role="status" className="-mt-4 mb-6 text-sm" data-testid="suppression-check">
          {checked.error ? (
            <ErrorList errors={[`"${checked.asked}": ${checked.error}`]} />
          ) : checked.entries.length === 0 ? (
            <p>{checked.asked} is not suppressed: campaigns may email it.</p>
          ) : (
            <ul className="list-disc pl-5">
              {checked.entries.map((e) => (
                <li key={`${e.kind}:${e.value}`}>
                  {e.kind === 'domain' && e.value !== checked.asked ? `Suppressed through its domain ${e.value}` : `${e.value} is suppressed`}: {e.reason}
                  {e.at ? `, since ${e.at.replace('T', ' ').slice(0, 16)} UTC` : ''}.
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      {canChange ? (
        <div className="mb-6">
          <Card title="Suppress an address or a whole domain">
            <Form method="post" {...getFormProps(form)} className="grid gap-3 md:grid-cols-3">
              <Field
                label="Address or domain"
                hint="priya@example.com, or example.com for every address on it"
                errorId={fields.target.errorId}
                errors={fields.target.errors}
                inputProps={getInputProps(fields.target, { type: 'text' })}
              />
              <Field label="Note (optional)" errorId={fields.note.errorId} errors={fields.note.errors} inputProps={getInputProps(fields.note, { type: 'text' })} />
              <div className="flex items-end">
                <Button type="submit">Suppress</Button>
              </div>
              <div className="md:col-span-3">
                <ErrorList id={form.errorId} errors={form.errors} />
              </div>
            </Form>
            <p className="mt-2 text-xs text-slate-500">An entry is permanent: it is what keeps an unsubscribe or a complaint from ever being emailed again.</p>
          </Card>
          <div className="mt-4">
            <Card title="Upload a do-not-contact list">
              <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-end gap-3">
                <label className="block text-sm font-medium text-slate-700">
                  CSV or Excel (.xlsx): one address or domain a row, at most {MAX_SUPPRESSION_LIST_ROWS.toLocaleString('en')} rows
                  <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className="mt-1 block w-full text-sm" />
                </label>
                <Button type="submit" disabled={navigation.state !== 'idle'}>
                  Upload list
                </Button>
              </Form>
              <p className="mt-2 text-xs text-slate-500">The column headed Email, Address or Domain is read (else the first). Entries already on the list stay as they are.</p>
              {upload ? <UploadOutcome upload={upload} /> : null}
            </Card>
          </div>
        </div>
      ) : null}
      <Table head={['Address or domain', 'Kind', 'Why', 'Since']} empty={items.length === 0}>
        {items.map((s) => (
          <tr key={`${s.kind}:${s.value}`} data-testid={`suppressed-${s.value}`}>
            <td className="px-3 py-2 font-mono text-xs">{s.value}</td>
            <td className="px-3 py-2">
              <Badge tone={s.kind === 'domain' ? 'warn' : 'neutral'}>{s.kind}</Badge>
            </td>
            <td className="px-3 py-2">{s.reason}</td>
            <td className="px-3 py-2 whitespace-nowrap text-slate-600">{s.at.replace('T', ' ').slice(0, 16)} UTC</td>
          </tr>
        ))}
      </Table>
      <Pager newestTo={params.get('cursor') ? '.' : null} olderTo={nextCursor ? `?cursor=${encodeURIComponent(nextCursor)}` : null} />
    </>
  )
}
