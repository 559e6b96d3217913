import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { MAX_SUPPRESSION_NOTE, suppressManually } from '../../src/shared/services/suppression'
import { Flash } from '../components/confirm'
import { Button, ErrorList, Field } from '../components/forms'
import { Badge, Card, PageTitle, Pager, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Suppression list · Drason' }]

const PAGE_SIZE = 50

const addForm = z.object({
  target: z.string({ error: 'Enter an address or a domain.' }).trim().min(1, 'Enter an address or a domain.').max(320, 'At most 320 characters.'),
  note: z.string().max(MAX_SUPPRESSION_NOTE, `At most ${MAX_SUPPRESSION_NOTE} characters.`).optional(),
})
const listQuery = z.object({ cursor: z.string().max(2048).optional() })

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const query = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams))
  const page = await deps.suppression.list(PAGE_SIZE, query.success ? query.data.cursor : null)
  return json({ ...page, canChange })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const submission = parseWithZod(await request.formData(), { schema: addForm })
  if (submission.status !== 'success') return json({ result: submission.reply(), flash: null }, { status: 400 })
  const done = await suppressManually(deps, actor, submission.value)
  if (!done.ok) return json({ result: submission.reply({ fieldErrors: { [done.field]: [done.message] } }), flash: null }, { status: done.status })
  const what = done.kind === 'address' ? done.value : `every address on ${done.value}`
  const flash = done.added ? `Suppressed ${what}: no campaign will email it again.` : `${done.value} was already on the suppression list; nothing changed.`
  return json({ result: submission.reply({ resetForm: true }), flash })
}

export default function Suppressions() {
  const { items, nextCursor, canChange } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({ id: 'suppress', lastResult: actionData?.result, onValidate: ({ formData }) => parseWithZod(formData, { schema: addForm }), shouldValidate: 'onBlur' })
  return (
    <>
      <PageTitle subtitle="Addresses and whole domains Drason never sends to: hard bounces, complaints, unsubscribes and the ones added here. The gate and every send check this list.">
        Suppression list
      </PageTitle>
      {actionData?.flash ? <Flash message={actionData.flash} warning={null} /> : null}
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
