import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import * as z from 'zod'
import { campaignInput } from '../../src/shared/domain/campaign-input'
import type { Campaign } from '../../src/shared/domain/entities'
import { saveCampaign } from '../../src/shared/services/campaigns'
import { getCampaignMetrics } from '../../src/shared/services/campaign-metrics'
import { CONTROLS, controlCampaign, type Control } from '../../src/shared/services/campaign-controls'
import { campaignResumeWarning, resumeCampaign } from '../../src/shared/services/resume'
import { previewVariants } from '../../src/shared/domain/template'
import type { Lead } from '../../src/shared/domain/entities'
import { CampaignMetricsCard } from '../components/campaign-metrics'
import { ConfirmStep, Flash } from '../components/confirm'
import { Button, ErrorList, Field } from '../components/forms'
import { Badge, Card, PageTitle, healthTone } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Campaign · Drason' }]

const form = campaignInput.safeExtend({ version: z.coerce.number().int().min(0) })
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

const SAMPLE_LEAD: Lead = {
  id: 'sample',
  email: 'priya.sharma@acme.example.com',
  fullName: 'Priya Sharma',
  firstName: 'Priya',
  firstNameConfidence: 0.9,
  company: 'Acme Fintech',
  persona: 'cfo',
  leadScore: 80,
  source: 'manual',
  enrichment: {},
  status: 'held',
  healthState: 'healthy',
  campaignId: null,
  holdReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const [settings, domains] = await Promise.all([deps.settings(), deps.senders.domains()])
  const mailboxes = (await Promise.all(domains.map((d) => deps.senders.mailboxesOf(d.id)))).flat()
  if (params.id === 'new') {
    const s = settings.sending
    const draft: Omit<Campaign, 'id' | 'status' | 'pauseReason' | 'createdAt' | 'sender'> = {
      name: '',
      subjectTemplate: '',
      bodyTemplate: '',
      htmlTemplate: null,
      extraVariables: [],
      mailboxIds: [],
      dailyCap: 50,
      delay: { meanSeconds: s.delayMeanSeconds, sdSeconds: s.delaySdSeconds, minSeconds: s.delayMinSeconds, maxSeconds: s.delayMaxSeconds },
      window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' },
    }
    return json({ campaign: null, draft, version: 0, mailboxes, canChange, preview: null, confirmResume: null, metrics: null })
  }
  const found = await deps.campaigns.get(params.id ?? '')
  if (!found) throw new Response('Not found', { status: 404 })
  const c = found.value
  // Preview with a real lead of this campaign when there is one, else a typical sample.
  const [first, metrics] = await Promise.all([deps.leads.firstOfCampaign(c.id), getCampaignMetrics(deps, c)])
  const sample: Lead = first ?? SAMPLE_LEAD
  const subjects = previewVariants(c.subjectTemplate, sample, 3, deps.random)
  const bodies = previewVariants(c.bodyTemplate, sample, 3, deps.random)
  const preview = { lead: `${sample.fullName} <${sample.email}> at ${sample.company}`, variants: bodies.map((b, i) => ({ subject: subjects[i % subjects.length]!, body: b })) }
  // `?resume=1`: the confirmation step, with the warning when the cause of the pause is still there.
  const confirmResume = canChange && c.status === 'paused' && new URL(request.url).searchParams.has('resume') ? { warning: await campaignResumeWarning(deps, c) } : null
  return json({ campaign: c, draft: c, version: found.version, mailboxes, canChange, preview, confirmResume, metrics })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const formData = await request.formData()
  const control = formData.get('control')
  if (typeof control === 'string' && params.id !== 'new') {
    // A control's refusal is shown beside the controls, not at the foot of the campaign's form.
    if (!(CONTROLS as readonly string[]).includes(control)) return json({ controlError: 'Unknown control.' }, { status: 400 })
    if (control === 'resume') {
      // Through the resume service, so the person sees whether the cause of the pause is still there.
      const resumed = await resumeCampaign(deps, actor, params.id ?? '')
      if (!resumed.ok) return json({ controlError: resumed.message }, { status: resumed.status })
      return json({ resumed: { warning: resumed.warning } })
    }
    const result = await controlCampaign(deps, actor, params.id ?? '', control as Control)
    if (!result.ok) return json({ controlError: result.message }, { status: result.status })
    return redirect(`/campaigns/${params.id}`)
  }
  const submission = parseWithZod(formData, { schema: form })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  const { version, ...input } = submission.value
  const id = params.id === 'new' ? null : (params.id ?? null)
  const allMailboxes = async () => (await Promise.all((await deps.senders.domains()).map((d) => deps.senders.mailboxesOf(d.id)))).flat()
  const result = await saveCampaign({ ...deps, allMailboxes }, actor, id, input, version)
  if (!result.ok) {
    return json(submission.reply(result.fieldErrors ? { fieldErrors: result.fieldErrors } : { formErrors: [result.message ?? 'Not saved.'] }), { status: result.status })
  }
  return redirect(`/campaigns/${result.id}?saved=1`)
}

export default function CampaignPage() {
  const { campaign, draft, version, mailboxes, canChange, preview, confirmResume, metrics } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const resumed = actionData && 'resumed' in actionData ? actionData.resumed : null
  const controlError = actionData && 'controlError' in actionData ? actionData.controlError : null
  const lastResult = actionData && !('resumed' in actionData) && !('controlError' in actionData) ? actionData : undefined
  const [f, fields] = useForm({
    id: `campaign-${campaign?.id ?? 'new'}-${version}`,
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: form }),
    defaultValue: {
      ...draft,
      senderKind: campaign?.sender.kind ?? 'ses',
      smartleadCampaignId: campaign?.sender.kind === 'smartlead' ? campaign.sender.externalId : '',
      htmlTemplate: draft.htmlTemplate ?? '',
      extraVariables: draft.extraVariables.join(', '),
      dailyCap: String(draft.dailyCap),
      delay: Object.fromEntries(Object.entries(draft.delay).map(([k, v]) => [k, String(v)])),
      window: { ...draft.window, days: draft.window.days.map(String), startHour: String(draft.window.startHour), endHour: String(draft.window.endHour) },
    },
  })
  const delay = fields.delay.getFieldset()
  const win = fields.window.getFieldset()
  return (
    <>
      <Link to="/campaigns" className="text-sm text-indigo-700 underline">
        ← Campaigns
      </Link>
      <PageTitle
        subtitle={
          campaign
            ? `Sender: ${campaign.sender.kind === 'smartlead' ? `Smartlead campaign ${campaign.sender.externalId}` : 'SES'} · created ${campaign.createdAt.slice(0, 10)}`
            : 'A new campaign starts as a draft.'
        }
      >
        {campaign ? campaign.name : 'New campaign'} {campaign ? <Badge tone={healthTone(campaign.status)}>{campaign.status}</Badge> : null}
      </PageTitle>
      {resumed ? <Flash message="Campaign resumed: it sends again from where it stopped, within its window and caps." warning={resumed.warning} /> : null}
      {campaign && campaign.status === 'paused' ? (
        <p className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900" data-testid="pause-reason">
          <strong className="font-semibold">Paused: </strong>
          {campaign.pauseReason ?? 'no reason was recorded.'}
        </p>
      ) : null}
      {campaign && confirmResume ? (
        <ConfirmStep
          title={`Resume campaign ${campaign.name}?`}
          warning={confirmResume.warning}
          action={`/campaigns/${encodeURIComponent(campaign.id)}`}
          fields={{ control: 'resume' }}
          confirmLabel="Confirm: resume the campaign"
          cancelTo={`/campaigns/${encodeURIComponent(campaign.id)}`}
        >
          <p>
            The campaign becomes active again: its paused leads go back to active, and it sends from where it stopped, within its sending window and caps. The resume is recorded in the
            audit log with your name.
          </p>
        </ConfirmStep>
      ) : null}
      {campaign && canChange ? (
        <div role="group" className="mb-4 flex flex-wrap gap-2" aria-label="Campaign controls">
          {(
            [
              ['start', 'Start', ['draft']],
              ['pause', 'Pause', ['active']],
              ['resume', 'Resume', ['paused']],
              ['abort', 'Abort', ['draft', 'active', 'paused']],
            ] as const
          )
            .filter(([, , from]) => (from as readonly string[]).includes(campaign.status))
            .map(([control, label]) =>
              control === 'resume' ? (
                // Resume goes through a confirmation step that shows whether the cause is still present.
                <Link key={control} to="?resume=1" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-semibold text-white">
                  {label}
                </Link>
              ) : (
                <Form key={control} method="post">
                  <input type="hidden" name="control" value={control} />
                  <button
                    type="submit"
                    className={`rounded-md px-3 py-1.5 text-sm font-semibold ${control === 'abort' ? 'bg-red-100 text-red-800' : 'bg-slate-800 text-white'}`}
                    onClick={(e) => {
                      if (control === 'abort' && !window.confirm('Abort this campaign? Unsent leads go back to held. This cannot be undone.')) e.preventDefault()
                    }}
                  >
                    {label}
                  </button>
                </Form>
              ),
            )}
        </div>
      ) : null}
      <ErrorList errors={controlError ? [controlError] : null} />
      {campaign && metrics ? (
        <div className="mb-4">
          <CampaignMetricsCard metrics={metrics} timeZone={campaign.window.timeZone} />
        </div>
      ) : null}
      <Form method="post" {...getFormProps(f)} className="space-y-4">
        <input type="hidden" name="version" value={version} />
        <fieldset disabled={!canChange} className="space-y-4">
          <Card title="Message">
            <div className="space-y-3">
              <Field label="Name" errorId={fields.name.errorId} errors={fields.name.errors} inputProps={getInputProps(fields.name, { type: 'text' })} />
              <div className="grid gap-3 md:grid-cols-2">
                <label className="block text-sm font-medium text-slate-700">
                  Sender
                  <select {...getSelectProps(fields.senderKind)} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1">
                    <option value="ses">Drason sends through SES</option>
                    <option value="smartlead">A Smartlead campaign sends (Drason gates and controls it)</option>
                  </select>
                  <span className="mt-1 block text-xs font-normal text-slate-500">Fixed once the campaign has started.</span>
                  <ErrorList id={fields.senderKind.errorId} errors={fields.senderKind.errors} />
                </label>
                <Field
                  label="Smartlead campaign id"
                  hint="Only for the Smartlead sender: the number in the campaign's Smartlead URL."
                  errorId={fields.smartleadCampaignId.errorId}
                  errors={fields.smartleadCampaignId.errors}
                  inputProps={{ ...getInputProps(fields.smartleadCampaignId, { type: 'text' }), inputMode: 'numeric' }}
                />
              </div>
              <Field
                label="Subject"
                hint="Spintax {Hi|Hello}, variables {{FirstName|there}}, {{Company}}."
                errorId={fields.subjectTemplate.errorId}
                errors={fields.subjectTemplate.errors}
                inputProps={getInputProps(fields.subjectTemplate, { type: 'text' })}
              />
              <label className="block text-sm font-medium text-slate-700">
                Body (plain text)
                <textarea {...getTextareaProps(fields.bodyTemplate)} key={fields.bodyTemplate.key} rows={8} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm" />
              </label>
              <ErrorList id={fields.bodyTemplate.errorId} errors={fields.bodyTemplate.errors} />
              <Field
                label="Extra fields the templates use (comma-separated)"
                hint="Enrichment columns such as City or Job Title; {{City|your city}} then works. A lead without the value gets the fallback."
                errorId={fields.extraVariables.errorId}
                errors={fields.extraVariables.errors}
                inputProps={getInputProps(fields.extraVariables, { type: 'text' })}
              />
              <label className="block text-sm font-medium text-slate-700">
                HTML body (optional)
                <textarea {...getTextareaProps(fields.htmlTemplate)} key={fields.htmlTemplate.key} rows={4} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm" />
              </label>
              <ErrorList id={fields.htmlTemplate.errorId} errors={fields.htmlTemplate.errors} />
            </div>
          </Card>
          <Card title="Mailboxes and caps">
            <fieldset>
              <legend className="text-sm font-medium text-slate-700">Mailbox pool (sends rotate across active mailboxes under their caps)</legend>
              <div className="mt-2 grid gap-1 sm:grid-cols-2">
                {mailboxes.map((m) => (
                  <label key={m.id} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" name={fields.mailboxIds.name} value={m.id} defaultChecked={draft.mailboxIds.includes(m.id)} />
                    <span className="font-mono text-xs">{m.address}</span> <Badge tone={healthTone(m.status)}>{m.status}</Badge>
                  </label>
                ))}
              </div>
              <ErrorList id={fields.mailboxIds.errorId} errors={fields.mailboxIds.errors} />
            </fieldset>
            <div className="mt-3 max-w-xs">
              <Field label="Campaign daily cap" errorId={fields.dailyCap.errorId} errors={fields.dailyCap.errors} inputProps={{ ...getInputProps(fields.dailyCap, { type: 'text' }), inputMode: 'numeric' }} />
            </div>
          </Card>
          <div className="grid gap-4 md:grid-cols-2">
            <Card title="Pacing between sends (seconds, Gaussian, clamped)">
              <div className="grid grid-cols-2 gap-3">
                <Field label="Average" errorId={delay.meanSeconds.errorId} errors={delay.meanSeconds.errors} inputProps={getInputProps(delay.meanSeconds, { type: 'text' })} />
                <Field label="Spread (sd)" errorId={delay.sdSeconds.errorId} errors={delay.sdSeconds.errors} inputProps={getInputProps(delay.sdSeconds, { type: 'text' })} />
                <Field label="Shortest" errorId={delay.minSeconds.errorId} errors={delay.minSeconds.errors} inputProps={getInputProps(delay.minSeconds, { type: 'text' })} />
                <Field label="Longest" errorId={delay.maxSeconds.errorId} errors={delay.maxSeconds.errors} inputProps={getInputProps(delay.maxSeconds, { type: 'text' })} />
              </div>
            </Card>
            <Card title="Sending window">
              <fieldset>
                <legend className="text-sm font-medium text-slate-700">Days</legend>
                <div className="mt-1 flex flex-wrap gap-3">
                  {DAYS.map((d, i) => (
                    <label key={d} className="flex items-center gap-1 text-sm">
                      <input type="checkbox" name={win.days.name} value={i + 1} defaultChecked={draft.window.days.includes(i + 1)} /> {d}
                    </label>
                  ))}
                </div>
                <ErrorList id={win.days.errorId} errors={win.days.errors} />
              </fieldset>
              <div className="mt-3 grid grid-cols-3 gap-3">
                <Field label="From hour" errorId={win.startHour.errorId} errors={win.startHour.errors} inputProps={getInputProps(win.startHour, { type: 'text' })} />
                <Field label="To hour" errorId={win.endHour.errorId} errors={win.endHour.errors} inputProps={getInputProps(win.endHour, { type: 'text' })} />
                <Field label="Time zone" errorId={win.timeZone.errorId} errors={win.timeZone.errors} inputProps={getInputProps(win.timeZone, { type: 'text' })} />
              </div>
            </Card>
          </div>
        </fieldset>
        <ErrorList id={f.errorId} errors={f.errors} />
        {canChange ? <Button type="submit">{campaign ? 'Save campaign' : 'Create campaign'}</Button> : null}
      </Form>
      {preview ? (
        <div className="mt-6">
          <Card title={`Preview for ${preview.lead}`}>
            <ol className="space-y-3" data-testid="template-preview">
              {preview.variants.map((v, i) => (
                <li key={i} className="rounded border border-slate-200 p-3 text-sm">
                  {v.subject.ok && v.body.ok ? (
                    <>
                      <p className="font-semibold">{v.subject.text}</p>
                      <pre className="mt-1 whitespace-pre-wrap font-sans">{v.body.text}</pre>
                    </>
                  ) : (
                    <p className="text-red-700">Cannot be sent to this lead: {!v.subject.ok ? v.subject.reason : !v.body.ok ? v.body.reason : ''}</p>
                  )}
                </li>
              ))}
            </ol>
          </Card>
        </div>
      ) : null}
    </>
  )
}
