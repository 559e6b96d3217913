import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import type { AppDeps } from '../../src/shared/composition.server'
import { domainInput, mailboxInput } from '../../src/shared/domain/senders'
import { domainResumeWarning, mailboxResumeWarning, resumeDomain, resumeMailbox } from '../../src/shared/services/resume'
import { domainsWithHealth, mailboxesWithHealth } from '../../src/shared/services/sender-health'
import { addDomain, addMailbox, editMailbox } from '../../src/shared/services/senders'
import { ConfirmStep, Flash } from '../components/confirm'
import { Button, ErrorList, Field } from '../components/forms'
import { Badge, Card, PageTitle, Table, healthTone, percent } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Domains & mailboxes · Drason' }]

const addDomainForm = domainInput.extend({ intent: z.literal('add-domain') })
const addMailboxForm = mailboxInput.extend({ intent: z.literal('add-mailbox') })
const editMailboxForm = mailboxInput.pick({ fromName: true, dailyCap: true }).extend({
  intent: z.literal('edit-mailbox'),
  id: z.string().min(1).max(254),
  version: z.coerce.number().int().min(1),
})
const senderId = z.string().min(1).max(254)
const resumeMailboxForm = z.object({ intent: z.literal('resume-mailbox'), id: senderId })
const resumeDomainForm = z.object({ intent: z.literal('resume-domain'), id: senderId })
const anyForm = z.discriminatedUnion('intent', [addDomainForm, addMailboxForm, editMailboxForm, resumeMailboxForm, resumeDomainForm])

/** `?resume=mailbox:<id>` or `?resume=domain:<id>`: what will be resumed, and the warning if its cause is still there. */
async function resumeStep(deps: AppDeps, param: string | null) {
  const match = /^(mailbox|domain):(.+)$/.exec(param ?? '')
  if (!match) return null
  const id = match[2]!
  if (match[1] === 'mailbox') {
    const kind = 'mailbox' as const
    const found = await deps.senders.getMailbox(id)
    if (!found || found.value.status !== 'paused') return null
    return { kind, id, name: found.value.address, paused: true, reason: found.value.pauseReason, warning: await mailboxResumeWarning(deps, found.value) }
  }
  const kind = 'domain' as const
  const found = await deps.senders.getDomain(id)
  if (!found || found.value.status === 'healthy') return null
  // A domain in warning still sends: "resuming" it clears the warning (the resume service makes it healthy).
  return { kind, id, name: found.value.name, paused: found.value.status === 'paused', reason: found.value.pauseReason, warning: await domainResumeWarning(deps, found.value) }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const params = new URL(request.url).searchParams
  const editId = params.get('edit')
  const [domains, mailboxes, editing, confirm] = await Promise.all([
    domainsWithHealth(deps),
    mailboxesWithHealth(deps),
    editId ? deps.senders.getMailbox(editId) : null,
    canChange ? resumeStep(deps, params.get('resume')) : null,
  ])
  return json({ domains, mailboxes, canChange, confirm, editing: editing ? { ...editing.value, version: editing.version } : null })
}

/** Every answer names its form (the page has several) and may carry a flash of what was done. */
const answer = (intent: string, result: SubmissionResult, init?: ResponseInit, flash: { message: string; warning: string | null } | null = null) => json({ intent, result, flash }, init)

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const submission = parseWithZod(formData, { schema: anyForm })
  if (submission.status !== 'success') return answer(intent, submission.reply(), { status: 400 })
  const v = submission.value
  if (v.intent === 'resume-mailbox' || v.intent === 'resume-domain') {
    // Whether the domain was paused or only in warning decides what the person is told happened.
    const domainBefore = v.intent === 'resume-domain' ? await deps.senders.getDomain(v.id) : null
    const resumed = v.intent === 'resume-mailbox' ? await resumeMailbox(deps, actor, v.id) : await resumeDomain(deps, actor, v.id)
    if (!resumed.ok) return answer(intent, submission.reply({ formErrors: [resumed.message] }), { status: resumed.status })
    const domainName = domainBefore?.value.name ?? v.id
    const message =
      v.intent === 'resume-mailbox'
        ? `Resumed mailbox ${(await deps.senders.getMailbox(v.id))?.value.address ?? v.id}: it is active and healthy again, and its bounce count starts afresh.`
        : domainBefore?.value.status === 'warning'
          ? `Cleared the warning on domain ${domainName}: it is healthy again and its rate is judged afresh from now. It never stopped sending, so its campaigns are as they were.`
          : `Resumed domain ${domainName}: it is healthy again, and the campaigns its pause stopped carry on.`
    return answer(intent, submission.reply({ resetForm: true }), undefined, { message, warning: resumed.warning })
  }
  const result =
    v.intent === 'add-domain'
      ? await addDomain(deps, actor, v.name)
      : v.intent === 'add-mailbox'
        ? await addMailbox(deps, actor, v)
        : await editMailbox(deps, actor, v.id, { fromName: v.fromName, dailyCap: v.dailyCap }, v.version)
  if (!result.ok) {
    const reply = result.field ? submission.reply({ fieldErrors: { [result.field]: [result.message] } }) : submission.reply({ formErrors: [result.message] })
    return answer(intent, reply, { status: result.status })
  }
  return answer(intent, submission.reply({ resetForm: true }))
}

const resumeLinkClass = 'inline-block rounded-md bg-slate-800 px-2.5 py-1 text-xs font-semibold text-white hover:bg-slate-700'

export default function Domains() {
  const { domains, mailboxes, canChange, confirm, editing } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const resultFor = (intent: string) => (actionData?.intent === intent ? actionData.result : undefined)
  const flash = actionData?.flash ?? null
  const resumeErrors = actionData?.intent.startsWith('resume-') ? (actionData.result.error?.[''] ?? null) : null
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
      <PageTitle subtitle="Health state, pause reasons and counters of every sending domain and mailbox.">Domains &amp; mailboxes</PageTitle>
      {flash ? <Flash message={flash.message} warning={flash.warning} /> : null}
      <ErrorList errors={resumeErrors} />
      {confirm ? (
        <ConfirmStep
          title={confirm.paused ? `Resume ${confirm.kind} ${confirm.name}?` : `Clear the warning on ${confirm.kind} ${confirm.name}?`}
          warning={confirm.warning}
          action="/domains"
          fields={{ intent: `resume-${confirm.kind}`, id: confirm.id }}
          confirmLabel={confirm.paused ? `Confirm: resume ${confirm.name}` : `Confirm: clear the warning on ${confirm.name}`}
          cancelTo="/domains"
        >
          {confirm.reason ? <p>{confirm.paused ? 'It was paused' : 'It is in warning (it still sends)'}: {confirm.reason}</p> : null}
          {!confirm.paused ? (
            <p>
              The domain is marked healthy and its rate is judged afresh from now. It never stopped sending, so its campaigns and mailboxes stay as they are. Recorded in the audit log with your
              name.
            </p>
          ) : confirm.kind === 'mailbox' ? (
            <p>
              The mailbox becomes active and healthy, and campaigns send from it again within their caps. Its count of bounces and delivery failures starts afresh: the ones so far no longer
              count toward a pause. The resume is recorded in the audit log with your name.
            </p>
          ) : (
            <p>
              The domain becomes healthy and its rate is judged afresh from now; the campaigns its pause stopped resume. Mailboxes paused on their own stay paused until resumed one by one.
              The resume is recorded in the audit log with your name.
            </p>
          )}
        </ConfirmStep>
      ) : null}
      <div className="space-y-4">
        {domains.length === 0 ? <p className="text-slate-500">No domains yet.</p> : null}
        {domains.map((d) => {
          const boxes = mailboxes.filter((m) => m.domainId === d.id)
          return (
            <Card key={d.id}>
              <div className="mb-3 flex flex-wrap items-center gap-2" data-testid={`domain-${d.id}`}>
                <h2 className="font-semibold">{d.name}</h2>
                <Badge tone={healthTone(d.status)}>{d.status}</Badge>
                <span className="text-sm text-slate-600">
                  {d.mailboxes} {d.mailboxes === 1 ? 'mailbox' : 'mailboxes'}, {d.pausedMailboxes} paused · last {d.counters.windowDays} days: {d.counters.sends} sends, {d.counters.hardBounces} hard bounces (
                  {percent(d.counters.hardBounceRate)}), {d.counters.complaints} complaints
                </span>
                {canChange && d.status !== 'healthy' ? (
                  <Link
                    to={`?resume=${encodeURIComponent(`domain:${d.id}`)}`}
                    className={`${resumeLinkClass} ml-auto`}
                    aria-label={d.status === 'paused' ? `Resume ${d.name}` : `Clear the warning on ${d.name}`}
                  >
                    {d.status === 'paused' ? 'Resume' : 'Clear warning'}
                  </Link>
                ) : null}
              </div>
              {d.pauseReason ? <p className="mb-3 text-sm text-red-800">{d.pauseReason}</p> : null}
              <Table
                head={['Mailbox', 'From', 'Status', 'Health', 'Hard bounces', 'Delivery failures', 'Sent today / cap', 'Reason', ...(canChange ? ['Actions'] : [])]}
                empty={boxes.length === 0}
              >
                {boxes.map((m) => (
                  <tr key={m.id} data-testid={`mailbox-${m.id}`}>
                    <td className="px-3 py-2 font-mono text-xs">{m.address}</td>
                    <td className="px-3 py-2">{m.fromName}</td>
                    <td className="px-3 py-2">
                      <Badge tone={healthTone(m.status)}>{m.status}</Badge>
                    </td>
                    <td className="px-3 py-2">
                      <Badge tone={healthTone(m.healthState)}>{m.healthState}</Badge>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {m.counters.hardBouncesInWindow} <span className="text-xs text-slate-500">in last {m.counters.hardBounceWindowSends} sends</span>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {m.counters.deliveryFailuresInWindow} <span className="text-xs text-slate-500">in last {m.counters.deliveryFailureWindowSends} sends</span>
                    </td>
                    <td className="px-3 py-2">
                      {m.counters.today.sends} / {m.dailyCap}
                    </td>
                    <td className="px-3 py-2 text-slate-600">{m.pauseReason ?? ''}</td>
                    {canChange ? (
                      <td className="px-3 py-2">
                        <div className="flex items-center gap-3">
                          {m.status === 'paused' ? (
                            <Link to={`?resume=${encodeURIComponent(`mailbox:${m.id}`)}`} className={resumeLinkClass} aria-label={`Resume ${m.address}`}>
                              Resume
                            </Link>
                          ) : null}
                          <Link to={`?edit=${encodeURIComponent(m.id)}`} className="text-xs underline">
                            Edit
                          </Link>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </Table>
            </Card>
          )
        })}
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
