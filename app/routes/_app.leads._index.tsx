import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import * as z from 'zod'
import { LEAD_STATUSES } from '../../src/shared/domain/entities'
import { validateLead } from '../../src/shared/domain/lead-intake'
import { NO_RULE_MATCHED } from '../../src/shared/domain/routing'
import { normaliseEmail } from '../../src/shared/domain/sanitise'
import { ingestLead } from '../../src/shared/services/intake'
import { Button, ErrorList, Field, LookupForm } from '../components/forms'
import { Badge, Card, PageTitle, Table, healthTone } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

// The manual form's own checks give field-level messages in the browser; the server then runs the same
// intake validation every path uses (sanitising, address rules, names).
const manualLead = z.object({
  email: z.string({ error: 'Enter the email address.' }).trim().min(3, 'Enter the email address.').max(320),
  full_name: z.string({ error: 'Enter the name.' }).trim().min(1, 'Enter the name.').max(256),
  company: z.string({ error: 'Enter the company.' }).trim().min(1, 'Enter the company.').max(256),
  persona: z.string().trim().max(128).optional(),
  lead_score: z.string().trim().regex(/^\d{1,4}$/, 'Use a whole number, like 85.').optional(),
})

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const submission = parseWithZod(await request.formData(), { schema: manualLead })
  if (submission.status !== 'success') return json({ result: submission.reply(), created: null }, { status: 400 })
  const checked = validateLead(submission.value, 'row')
  if (!checked.ok) {
    const fieldErrors: Record<string, string[]> = {}
    for (const p of checked.problems) (fieldErrors[p.field === 'name' ? 'full_name' : p.field] ??= []).push(`${p.field === 'name' ? 'Name' : p.field} ${p.problem}.`)
    return json({ result: submission.reply({ fieldErrors }), created: null }, { status: 400 })
  }
  const result = await ingestLead(deps, checked.lead, 'manual', actor)
  if (!result.created) {
    return json({ result: submission.reply({ formErrors: [`A lead with this address exists already (${result.status}).`] }), created: null }, { status: 409 })
  }
  return json({ result: submission.reply({ resetForm: true }), created: result })
}

export const meta: MetaFunction = () => [{ title: 'Leads · Drason' }]

const query = z.object({
  status: z.enum(LEAD_STATUSES).catch('held'),
  cursor: z.string().max(2048).optional().catch(undefined),
  reason: z.enum(['unrouted']).optional().catch(undefined),
  find: z.string().max(320).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const { status, cursor, reason, find } = query.parse(Object.fromEntries(new URL(request.url).searchParams))
  // Find one lead by its address, spelled any way intake would accept it (the id is derived from it).
  let found: { asked: string; problem: string } | null = null
  if (find?.trim()) {
    const email = normaliseEmail(find)
    const id = email.ok ? await deps.leads.idForEmail(email.email) : null
    if (id) throw redirect(`/leads/${encodeURIComponent(id)}`)
    found = { asked: find.trim(), problem: email.ok ? 'No lead has that address.' : `That is not an address: ${email.reason}.` }
  }
  const onlyUnrouted = status === 'held' && reason === 'unrouted'
  const [page, totals] = await Promise.all([deps.leads.listByStatus(status, 50, cursor, onlyUnrouted ? NO_RULE_MATCHED : undefined), deps.metrics.totals('overall', 'all')])
  return json({ status, page, totals, canChange, onlyUnrouted, found })
}

export default function Leads() {
  const { status, page, totals, canChange, onlyUnrouted, found } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: manualLead }),
  })
  return (
    <>
      <PageTitle subtitle="Leads are never deleted. A held lead shows why it is held.">Leads</PageTitle>
      {canChange ? (
        <Link to="/leads/import" className="mb-4 inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white">
          Import a CSV or Excel file
        </Link>
      ) : null}
      <LookupForm name="find" label="Find a lead by address" button="Find" defaultValue={found?.asked ?? ''} placeholder="priya@example.com" />
      <ErrorList errors={found ? [`${found.asked}: ${found.problem}`] : null} />
      <nav aria-label="Lead status" className="mb-4 flex flex-wrap gap-2 text-sm">
        {LEAD_STATUSES.map((s) => (
          <Link
            key={s}
            to={`?status=${s}`}
            aria-current={s === status && !onlyUnrouted ? 'page' : undefined}
            className={`rounded-full px-3 py-1 ring-1 ring-slate-300 ${s === status && !onlyUnrouted ? 'bg-slate-800 text-white' : 'bg-white'}`}
          >
            {s} ({totals[`leads_${s}`]})
          </Link>
        ))}
        <Link
          to="?status=held&reason=unrouted"
          aria-current={onlyUnrouted ? 'page' : undefined}
          className={`rounded-full px-3 py-1 ring-1 ring-slate-300 ${onlyUnrouted ? 'bg-slate-800 text-white' : 'bg-white'}`}
        >
          held: no rule matched ({totals.leads_unrouted})
        </Link>
      </nav>
      {onlyUnrouted && page.items.length === 0 && page.nextCursor ? (
        <p className="mb-2 text-sm text-slate-600">None among the newest held leads searched so far; More searches further back.</p>
      ) : null}
      <Table head={['Email', 'Name', 'Greeting', 'Company', 'Persona', 'Score', 'Status', 'Reason']} empty={page.items.length === 0}>
        {page.items.map((l) => (
          <tr key={l.id}>
            <td className="px-3 py-2 font-mono text-xs">
              <Link to={`/leads/${l.id}`} className="text-indigo-700 underline">
                {l.email}
              </Link>
            </td>
            <td className="px-3 py-2">{l.fullName}</td>
            <td className="px-3 py-2">
              {l.firstName} <span className="text-xs text-slate-500">({Math.round(l.firstNameConfidence * 100)}%)</span>
            </td>
            <td className="px-3 py-2">{l.company}</td>
            <td className="px-3 py-2">{l.persona}</td>
            <td className="px-3 py-2">{l.leadScore ?? '—'}</td>
            <td className="px-3 py-2">
              <Badge tone={healthTone(l.status)}>{l.status}</Badge>
            </td>
            <td className="px-3 py-2 text-slate-600">{l.holdReason ?? ''}</td>
          </tr>
        ))}
      </Table>
      {page.nextCursor ? (
        <Link to={`?status=${status}${onlyUnrouted ? '&reason=unrouted' : ''}&cursor=${encodeURIComponent(page.nextCursor)}`} className="mt-4 inline-block text-sm text-indigo-700 underline">
          More
        </Link>
      ) : null}
      {canChange ? (
        <div className="mt-8">
          <Card title="Add a lead by hand">
            <Form method="post" {...getFormProps(form)} className="grid gap-3 md:grid-cols-3">
              <Field label="Email" errorId={fields.email.errorId} errors={fields.email.errors} inputProps={getInputProps(fields.email, { type: 'text' })} />
              <Field label="Full name" errorId={fields.full_name.errorId} errors={fields.full_name.errors} inputProps={getInputProps(fields.full_name, { type: 'text' })} />
              <Field label="Company" errorId={fields.company.errorId} errors={fields.company.errors} inputProps={getInputProps(fields.company, { type: 'text' })} />
              <Field label="Persona" errorId={fields.persona.errorId} errors={fields.persona.errors} inputProps={getInputProps(fields.persona, { type: 'text' })} />
              <Field label="Lead score" errorId={fields.lead_score.errorId} errors={fields.lead_score.errors} inputProps={{ ...getInputProps(fields.lead_score, { type: 'text' }), inputMode: 'numeric' }} />
              <div className="flex items-end">
                <Button type="submit">Add lead</Button>
              </div>
              <div className="md:col-span-3">
                <ErrorList id={form.errorId} errors={form.errors} />
                {actionData?.created ? (
                  <p role="status" className="text-sm text-emerald-700">
                    Added: {actionData.created.status}, {actionData.created.reason}.
                  </p>
                ) : null}
              </div>
            </Form>
          </Card>
        </div>
      ) : null}
    </>
  )
}
