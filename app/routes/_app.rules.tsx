import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import type { RoutingRule, RuleCondition } from '../../src/shared/domain/entities'
import { RESERVED_FIELD_NAMES, describeConditions, explainRouting, normaliseFieldName, type RoutableLead, type RuleEdit } from '../../src/shared/domain/routing'
import { editRules } from '../../src/shared/services/routing-rules'
import { Button, ErrorList, Field } from '../components/forms'
import { Badge, Card, PageTitle, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Routing rules · Drason' }]

const ruleForm = z
  .object({
    intent: z.literal('save'),
    version: z.coerce.number().int().min(0),
    ruleId: z.string().max(64).optional(),
    name: z.string({ error: 'Give the rule a name.' }).trim().min(1, 'Give the rule a name.').max(80),
    campaignId: z.string({ error: 'Choose a campaign.' }).min(1, 'Choose a campaign.'),
    personaOp: z.enum(['any', 'equals', 'one_of']).default('any'),
    persona: z.string().trim().max(500).optional(),
    scoreOp: z.enum(['any', 'gte', 'lte', 'between']).default('any'),
    score: z.coerce.number().int('Use a whole number.').min(0).max(1000).optional(),
    scoreMin: z.coerce.number().int('Use a whole number.').min(0).max(1000).optional(),
    scoreMax: z.coerce.number().int('Use a whole number.').min(0).max(1000).optional(),
    // "Another field equals a value": an enrichment column, the company or the source.
    otherName: z.string().trim().max(64, 'Use at most 64 characters.').optional(),
    otherValue: z.string().trim().max(200, 'Use at most 200 characters.').optional(),
    enabled: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.personaOp !== 'any' && !v.persona) ctx.addIssue({ code: 'custom', path: ['persona'], message: 'Enter the persona (comma-separated for "one of").' })
    if ((v.scoreOp === 'gte' || v.scoreOp === 'lte') && v.score === undefined) ctx.addIssue({ code: 'custom', path: ['score'], message: 'Enter the score.' })
    if (v.scoreOp === 'between') {
      if (v.scoreMin === undefined) ctx.addIssue({ code: 'custom', path: ['scoreMin'], message: 'Enter the lowest score.' })
      if (v.scoreMax === undefined) ctx.addIssue({ code: 'custom', path: ['scoreMax'], message: 'Enter the highest score.' })
      if (v.scoreMin !== undefined && v.scoreMax !== undefined && v.scoreMin > v.scoreMax) ctx.addIssue({ code: 'custom', path: ['scoreMax'], message: 'The highest score must not be below the lowest.' })
    }
    if (v.otherName && !v.otherValue) ctx.addIssue({ code: 'custom', path: ['otherValue'], message: 'Enter the value the field must equal.' })
    if (v.otherValue && !v.otherName) ctx.addIssue({ code: 'custom', path: ['otherName'], message: 'Enter the field name (a column of the lead, such as industry).' })
    if (v.otherName) {
      const key = normaliseFieldName(v.otherName)
      if (key === '') ctx.addIssue({ code: 'custom', path: ['otherName'], message: 'Use letters or digits in the field name.' })
      else if (RESERVED_FIELD_NAMES.includes(key)) ctx.addIssue({ code: 'custom', path: ['otherName'], message: `Use the persona or score conditions above for "${v.otherName}".` })
    }
  })
const rowAction = z.object({
  intent: z.enum(['move-up', 'move-down', 'enable', 'disable', 'delete']),
  version: z.coerce.number().int().min(0),
  ruleId: z.string().min(1).max(64),
})
// A blank score is a lead without one (score rules never match it), not a score of 0.
const testQuery = z.object({
  persona: z.string().trim().max(128, 'Use at most 128 characters.').default(''),
  score: z
    .string()
    .trim()
    .default('')
    .transform((v) => (v === '' ? null : Number(v)))
    .pipe(z.number('Use a whole number.').int('Use a whole number.').min(0, 'Use 0 to 1000.').max(1000, 'Use 0 to 1000.').nullable()),
  field: z.string().trim().max(64, 'Use at most 64 characters.').default(''),
  value: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
})

function conditionsOf(v: z.infer<typeof ruleForm>): RuleCondition[] {
  const out: RuleCondition[] = []
  if (v.personaOp === 'equals') out.push({ field: 'persona', op: 'equals', value: v.persona! })
  if (v.personaOp === 'one_of') out.push({ field: 'persona', op: 'one_of', values: v.persona!.split(',').map((s) => s.trim()).filter(Boolean) })
  if (v.scoreOp === 'gte' || v.scoreOp === 'lte') out.push({ field: 'lead_score', op: v.scoreOp, value: v.score! })
  if (v.scoreOp === 'between') out.push({ field: 'lead_score', op: 'between', min: v.scoreMin!, max: v.scoreMax! })
  if (v.otherName && v.otherValue) out.push({ field: 'other', name: v.otherName, op: 'equals', value: v.otherValue })
  return out
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const url = new URL(request.url)
  const [{ rules, version }, campaigns] = await Promise.all([deps.routing.get(), deps.campaigns.list()])
  const names = Object.fromEntries(campaigns.map((c) => [c.id, c.name]))
  const parsed = url.searchParams.has('persona') ? testQuery.safeParse(Object.fromEntries(url.searchParams)) : null
  const tested = parsed?.success ? parsed.data : null
  const testErrors = parsed && !parsed.success ? parsed.error.issues.map((i) => `${TEST_LABELS[String(i.path[0])] ?? 'Input'}: ${i.message}`) : null
  const explanation = tested
    ? explainRouting(rules, { persona: tested.persona, leadScore: tested.score, ...testField(tested.field, tested.value) })
    : null
  return json({
    rules: rules.map((r) => ({ ...r, campaignName: names[r.campaignId] ?? r.campaignId, description: describeConditions(r.conditions) })),
    version,
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name })),
    canChange,
    tested,
    testErrors,
    explanation,
  })
}

/** The test box's field as a lead holds it: the company and the source are the lead's own, the rest enrichment. */
function testField(field: string, value: string): Pick<RoutableLead, 'company' | 'source' | 'enrichment'> {
  if (!field) return {}
  const key = normaliseFieldName(field)
  if (key === 'company') return { company: value }
  if (key === 'source') return { source: value }
  return { enrichment: { [field]: value } }
}

const TEST_LABELS: Record<string, string> = { persona: 'Persona', score: 'Lead score', field: 'Field', value: 'Value' }

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const formData = await request.formData()
  if (formData.get('intent') === 'save') {
    const submission = parseWithZod(formData, { schema: ruleForm })
    if (submission.status !== 'success') return json({ result: submission.reply(), rowError: null }, { status: 400 })
    const v = submission.value
    const rule: RoutingRule = { id: v.ruleId || `rule-${deps.ids.next()}`, name: v.name, enabled: v.enabled, conditions: conditionsOf(v), campaignId: v.campaignId }
    const edit: RuleEdit = v.ruleId ? { kind: 'update', rule } : { kind: 'add', rule }
    const result = await editRules(deps, actor, edit, v.version)
    if (!result.ok) return json({ result: submission.reply({ formErrors: [result.message] }), rowError: null }, { status: result.status })
    return json({ result: submission.reply({ resetForm: true }), rowError: null })
  }
  const row = rowAction.safeParse(Object.fromEntries(formData))
  if (!row.success) return json({ result: null, rowError: 'That action was not understood.' }, { status: 400 })
  const { intent, ruleId, version } = row.data
  const edit: RuleEdit =
    intent === 'delete'
      ? { kind: 'delete', id: ruleId }
      : intent === 'enable' || intent === 'disable'
        ? { kind: 'enable', id: ruleId, enabled: intent === 'enable' }
        : { kind: 'move', id: ruleId, direction: intent === 'move-up' ? 'up' : 'down' }
  const result = await editRules(deps, actor, edit, version)
  if (!result.ok) return json({ result: null, rowError: result.message }, { status: result.status })
  return json({ result: null, rowError: null })
}

function RowButton({ intent, ruleId, version, children, label, confirm }: { intent: string; ruleId: string; version: number; children: React.ReactNode; label: string; confirm?: string }) {
  return (
    <Form method="post" className="inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="ruleId" value={ruleId} />
      <input type="hidden" name="version" value={version} />
      <button
        type="submit"
        aria-label={label}
        className="rounded px-2 py-1 text-xs ring-1 ring-slate-300 hover:bg-slate-100"
        onClick={(e) => {
          if (confirm && !window.confirm(confirm)) e.preventDefault()
        }}
      >
        {children}
      </button>
    </Form>
  )
}

export default function Rules() {
  const { rules, version, campaigns, canChange, tested, testErrors, explanation } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const editing = rules.find((r) => r.id === params.get('edit')) ?? null
  const persona = editing?.conditions.find((c) => c.field === 'persona')
  const score = editing?.conditions.find((c) => c.field === 'lead_score')
  const other = editing?.conditions.find((c) => c.field === 'other')
  const [form, fields] = useForm({
    id: editing ? `edit-${editing.id}` : 'add-rule',
    lastResult: actionData?.result ?? undefined,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ruleForm }),
    defaultValue: editing
      ? {
          name: editing.name,
          campaignId: editing.campaignId,
          enabled: editing.enabled ? 'on' : undefined,
          personaOp: persona?.op ?? 'any',
          persona: persona ? (persona.op === 'equals' ? persona.value : persona.op === 'one_of' ? persona.values.join(', ') : '') : '',
          scoreOp: score?.op ?? 'any',
          score: score && (score.op === 'gte' || score.op === 'lte') ? String(score.value) : '',
          scoreMin: score?.op === 'between' ? String(score.min) : '',
          scoreMax: score?.op === 'between' ? String(score.max) : '',
          otherName: other?.name ?? '',
          otherValue: other?.value ?? '',
        }
      : { personaOp: 'any', scoreOp: 'any', enabled: 'on' },
  })
  return (
    <>
      <PageTitle subtitle="Checked in order; the first enabled rule that matches picks the campaign. No match: the lead stays held.">Routing rules</PageTitle>
      <ErrorList errors={actionData?.rowError ? [actionData.rowError] : null} />
      <Table head={['#', 'Rule', 'When', 'Campaign', 'State', ...(canChange ? ['Change'] : [])]} empty={rules.length === 0}>
        {rules.map((r, i) => (
          <tr key={r.id} data-testid={`rule-${i + 1}`}>
            <td className="px-3 py-2">{i + 1}</td>
            <td className="px-3 py-2 font-medium">{r.name}</td>
            <td className="px-3 py-2">{r.description}</td>
            <td className="px-3 py-2">{r.campaignName}</td>
            <td className="px-3 py-2">
              <Badge tone={r.enabled ? 'good' : 'neutral'}>{r.enabled ? 'enabled' : 'disabled'}</Badge>
            </td>
            {canChange ? (
              <td className="space-x-1 whitespace-nowrap px-3 py-2">
                <RowButton intent="move-up" ruleId={r.id} version={version} label={`Move ${r.name} up`}>↑</RowButton>
                <RowButton intent="move-down" ruleId={r.id} version={version} label={`Move ${r.name} down`}>↓</RowButton>
                <RowButton intent={r.enabled ? 'disable' : 'enable'} ruleId={r.id} version={version} label={`${r.enabled ? 'Disable' : 'Enable'} ${r.name}`}>
                  {r.enabled ? 'Disable' : 'Enable'}
                </RowButton>
                <Link to={`?edit=${r.id}`} className="rounded px-2 py-1 text-xs ring-1 ring-slate-300 hover:bg-slate-100">
                  Edit
                </Link>
                <RowButton intent="delete" ruleId={r.id} version={version} label={`Delete ${r.name}`} confirm={`Delete rule "${r.name}"? Leads it would have routed then fall to the next rule, or stay held.`}>
                  Delete
                </RowButton>
              </td>
            ) : null}
          </tr>
        ))}
      </Table>

      <div className="mt-6 grid gap-4 md:grid-cols-2">
        {canChange ? (
          <Card title={editing ? `Edit rule "${editing.name}"` : 'Add a rule'}>
            <Form method="post" {...getFormProps(form)} className="space-y-3">
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="version" value={version} />
              {editing ? <input type="hidden" name="ruleId" value={editing.id} /> : null}
              <Field label="Name" errorId={fields.name.errorId} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
              <label className="block text-sm font-medium text-slate-700">
                Campaign
                <select {...getSelectProps(fields.campaignId)} key={fields.campaignId.key} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2">
                  <option value="">Choose…</option>
                  {campaigns.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <ErrorList id={fields.campaignId.errorId} errors={fields.campaignId.errors} />
              <div className="grid grid-cols-2 gap-2">
                <label className="block text-sm font-medium text-slate-700">
                  Persona
                  <select {...getSelectProps(fields.personaOp)} key={fields.personaOp.key} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-2">
                    <option value="any">any</option>
                    <option value="equals">is</option>
                    <option value="one_of">is one of</option>
                  </select>
                </label>
                <Field label="Persona value(s)" errorId={fields.persona.errorId} errors={fields.persona.errors} inputProps={getInputProps(fields.persona, { type: 'text' })} />
              </div>
              <div className="grid grid-cols-4 gap-2">
                <label className="block text-sm font-medium text-slate-700">
                  Score
                  <select {...getSelectProps(fields.scoreOp)} key={fields.scoreOp.key} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-2">
                    <option value="any">any</option>
                    <option value="gte">≥</option>
                    <option value="lte">≤</option>
                    <option value="between">between</option>
                  </select>
                </label>
                <Field label="Score value" errorId={fields.score.errorId} errors={fields.score.errors} inputProps={{ ...getInputProps(fields.score, { type: 'text' }), inputMode: 'numeric' }} />
                <Field label="From" errorId={fields.scoreMin.errorId} errors={fields.scoreMin.errors} inputProps={{ ...getInputProps(fields.scoreMin, { type: 'text' }), inputMode: 'numeric' }} />
                <Field label="To" errorId={fields.scoreMax.errorId} errors={fields.scoreMax.errors} inputProps={{ ...getInputProps(fields.scoreMax, { type: 'text' }), inputMode: 'numeric' }} />
              </div>
              <div className="grid grid-cols-2 gap-2">
                <Field label="Another field (optional)" errorId={fields.otherName.errorId} errors={fields.otherName.errors} inputProps={{ ...getInputProps(fields.otherName, { type: 'text' }), placeholder: 'industry' }} />
                <Field label="equals" errorId={fields.otherValue.errorId} errors={fields.otherValue.errors} inputProps={{ ...getInputProps(fields.otherValue, { type: 'text' }), placeholder: 'Fintech' }} />
              </div>
              <p className="text-xs text-slate-500">A column of the lead (from Clay or the file), the company or the source; compared without regard to case.</p>
              <label className="flex items-center gap-2 text-sm">
                <input {...getInputProps(fields.enabled, { type: 'checkbox' })} key={fields.enabled.key} /> Enabled
              </label>
              <ErrorList id={form.errorId} errors={form.errors} />
              <div className="flex gap-3">
                <Button type="submit">{editing ? 'Save rule' : 'Add rule'}</Button>
                {editing ? (
                  <Link to="." className="self-center text-sm underline">
                    Cancel
                  </Link>
                ) : null}
              </div>
            </Form>
          </Card>
        ) : null}
        <Card title="Test a lead">
          <Form method="get" className="flex flex-wrap items-end gap-2">
            <label className="text-sm">
              Persona
              <input name="persona" defaultValue={tested?.persona ?? ''} className="mt-1 block rounded border border-slate-300 px-2 py-1" />
            </label>
            <label className="text-sm">
              Lead score
              <input name="score" inputMode="numeric" defaultValue={tested?.score != null ? String(tested.score) : ''} className="mt-1 block w-24 rounded border border-slate-300 px-2 py-1" />
            </label>
            <label className="text-sm">
              Field
              <input name="field" defaultValue={tested?.field ?? ''} placeholder="industry" className="mt-1 block w-28 rounded border border-slate-300 px-2 py-1" />
            </label>
            <label className="text-sm">
              Value
              <input name="value" defaultValue={tested?.value ?? ''} className="mt-1 block w-28 rounded border border-slate-300 px-2 py-1" />
            </label>
            <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm text-white">
              Test
            </button>
          </Form>
          <ErrorList errors={testErrors} />
          {explanation ? (
            <div className="mt-3 text-sm" data-testid="routing-test">
              <p className="font-medium">
                {explanation.find((e) => e.outcome === 'matched')
                  ? `Matches rule "${explanation.find((e) => e.outcome === 'matched')!.name}".`
                  : 'No rule matches: the lead would stay held ("no routing rule matched").'}
              </p>
              <ol className="mt-2 list-decimal pl-5 text-slate-700">
                {explanation.map((e) => (
                  <li key={e.ruleId}>{`${e.name}: ${e.outcome}${e.failing.length ? ` (fails: ${e.failing.join(', ')})` : ''}`}</li>
                ))}
              </ol>
            </div>
          ) : null}
        </Card>
      </div>
    </>
  )
}
