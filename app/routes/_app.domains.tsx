import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { domainInput, mailboxInput } from '../../src/shared/domain/senders'
import { addDomain, addMailbox, editMailbox } from '../../src/shared/services/senders'
import { Button, ErrorList, Field } from '../components/forms'
import { Badge, Card, PageTitle, Table, healthTone } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Domains & mailboxes · Drason' }]

const addDomainForm = domainInput.extend({ intent: z.literal('add-domain') })
const addMailboxForm = mailboxInput.extend({ intent: z.literal('add-mailbox') })
const editMailboxForm = mailboxInput.pick({ fromName: true, dailyCap: true }).extend({
  intent: z.literal('edit-mailbox'),
  id: z.string().min(1).max(254),
  version: z.coerce.number().int().min(1),
})
const anyForm = z.discriminatedUnion('intent', [addDomainForm, addMailboxForm, editMailboxForm])

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const domains = await deps.senders.domains()
  const withMailboxes = await Promise.all(domains.map(async (d) => ({ ...d, mailboxes: await deps.senders.mailboxesOf(d.id) })))
  const editId = new URL(request.url).searchParams.get('edit')
  const editing = editId ? await deps.senders.getMailbox(editId) : null
  return json({ domains: withMailboxes, canChange, editing: editing ? { ...editing.value, version: editing.version } : null })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const submission = parseWithZod(formData, { schema: anyForm })
  if (submission.status !== 'success') return json({ intent, result: submission.reply() }, { status: 400 })
  const v = submission.value
  const result =
    v.intent === 'add-domain'
      ? await addDomain(deps, actor, v.name)
      : v.intent === 'add-mailbox'
        ? await addMailbox(deps, actor, v)
        : await editMailbox(deps, actor, v.id, { fromName: v.fromName, dailyCap: v.dailyCap }, v.version)
  if (!result.ok) {
    const reply = result.field ? submission.reply({ fieldErrors: { [result.field]: [result.message] } }) : submission.reply({ formErrors: [result.message] })
    return json({ intent, result: reply }, { status: result.status })
  }
  return json({ intent, result: submission.reply({ resetForm: true }) })
}

export default function Domains() {
  const { domains, canChange, editing } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const resultFor = (intent: string) => (actionData?.intent === intent ? actionData.result : undefined)
  const [domainForm, domainFields] = useForm({ id: 'add-domain', lastResult: resultFor('add-domain'), onValidate: ({ formData }) => parseWithZod(formData, { schema: addDomainForm }), shouldValidate: 'onBlur' })
  const [mailboxForm, mailboxFields] = useForm({
    id: 'add-mailbox',
    lastResult: resultFor('add-mailbox'),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addMailboxForm }),
    shouldValidate: 'onBlur',
    defaultValue: { dailyCap: '40' },
  })
  const [editForm, editFields] = useForm({
    id: `edit-${editing?.id ?? 'none'}`,
    lastResult: resultFor('edit-mailbox'),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: editMailboxForm }),
    shouldValidate: 'onBlur',
    defaultValue: editing ? { fromName: editing.fromName, dailyCap: String(editing.dailyCap) } : {},
  })
  return (
    <>
      <PageTitle subtitle="Health state and pause reasons of every sending domain and mailbox.">Domains &amp; mailboxes</PageTitle>
      <div className="space-y-4">
        {domains.length === 0 ? <p className="text-slate-500">No domains yet.</p> : null}
        {domains.map((d) => (
          <Card key={d.id}>
            <div className="mb-3 flex flex-wrap items-center gap-2">
              <h2 className="font-semibold">{d.name}</h2>
              <Badge tone={healthTone(d.status)}>{d.status}</Badge>
              {d.pauseReason ? <span className="text-sm text-slate-600">{d.pauseReason}</span> : null}
            </div>
            <Table head={['Mailbox', 'From', 'Status', 'Health', 'Daily cap', 'Reason', ...(canChange ? [''] : [])]} empty={d.mailboxes.length === 0}>
              {d.mailboxes.map((m) => (
                <tr key={m.id}>
                  <td className="px-3 py-2 font-mono text-xs">{m.address}</td>
                  <td className="px-3 py-2">{m.fromName}</td>
                  <td className="px-3 py-2">
                    <Badge tone={healthTone(m.status)}>{m.status}</Badge>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={healthTone(m.healthState)}>{m.healthState}</Badge>
                  </td>
                  <td className="px-3 py-2">{m.dailyCap}</td>
                  <td className="px-3 py-2 text-slate-600">{m.pauseReason ?? ''}</td>
                  {canChange ? (
                    <td className="px-3 py-2">
                      <Link to={`?edit=${encodeURIComponent(m.id)}`} className="text-xs underline">
                        Edit
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </Table>
          </Card>
        ))}
      </div>
      {canChange && editing && params.get('edit') ? (
        <div className="mt-6">
          <Card title={`Edit ${editing.address}`}>
            <Form method="post" {...getFormProps(editForm)} className="grid gap-3 md:grid-cols-3">
              <input type="hidden" name="intent" value="edit-mailbox" />
              <input type="hidden" name="id" value={editing.id} />
              <input type="hidden" name="version" value={editing.version} />
              <Field label="From name" errorId={editFields.fromName.errorId} errors={editFields.fromName.errors} inputProps={getInputProps(editFields.fromName, { type: 'text' })} />
              <Field label="Daily cap" errorId={editFields.dailyCap.errorId} errors={editFields.dailyCap.errors} inputProps={{ ...getInputProps(editFields.dailyCap, { type: 'text' }), inputMode: 'numeric' }} />
              <div className="flex items-end gap-3">
                <Button type="submit">Save mailbox</Button>
                <Link to="." className="text-sm underline">
                  Done
                </Link>
              </div>
              <div className="md:col-span-3">
                <ErrorList id={editForm.errorId} errors={editForm.errors} />
              </div>
            </Form>
          </Card>
        </div>
      ) : null}
      {canChange ? (
        <div className="mt-6 grid gap-4 md:grid-cols-2">
          <Card title="Add a sending domain">
            <Form method="post" {...getFormProps(domainForm)} className="space-y-3">
              <input type="hidden" name="intent" value="add-domain" />
              <Field label="Domain" errorId={domainFields.name.errorId} errors={domainFields.name.errors} inputProps={getInputProps(domainFields.name, { type: 'text' })} />
              <Button type="submit">Add domain</Button>
            </Form>
          </Card>
          <Card title="Add a mailbox">
            <Form method="post" {...getFormProps(mailboxForm)} className="space-y-3">
              <input type="hidden" name="intent" value="add-mailbox" />
              <label className="block text-sm font-medium text-slate-700">
                Domain
                <select {...getSelectProps(mailboxFields.domainId)} key={mailboxFields.domainId.key} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2">
                  <option value="">Choose…</option>
                  {domains.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </label>
              <ErrorList id={mailboxFields.domainId.errorId} errors={mailboxFields.domainId.errors} />
              <Field label="Address" errorId={mailboxFields.address.errorId} errors={mailboxFields.address.errors} inputProps={getInputProps(mailboxFields.address, { type: 'text' })} />
              <Field label="From name" errorId={mailboxFields.fromName.errorId} errors={mailboxFields.fromName.errors} inputProps={getInputProps(mailboxFields.fromName, { type: 'text' })} />
              <Field label="Daily cap" errorId={mailboxFields.dailyCap.errorId} errors={mailboxFields.dailyCap.errors} inputProps={{ ...getInputProps(mailboxFields.dailyCap, { type: 'text' }), inputMode: 'numeric' }} />
              <ErrorList id={mailboxForm.errorId} errors={mailboxForm.errors} />
              <Button type="submit">Add mailbox</Button>
            </Form>
          </Card>
        </div>
      ) : null}
    </>
  )
}
