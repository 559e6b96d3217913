import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { releaseAccountBrake } from '../../src/shared/services/account-brake'
import { getOverview } from '../../src/shared/services/overview'
import { ActivityChart } from '../components/activity-chart'
import { AlertBanner, ConfirmStep, Flash } from '../components/confirm'
import { ErrorList } from '../components/forms'
import { Card, PageTitle, Stat, capText, percent } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Overview · Drason' }]

const releaseForm = z.object({ intent: z.literal('release-brake') })
// Unknown sends are rare (most settle from SES's Send event in minutes): counted up to this, then "or more".
const UNKNOWN_SHOWN = 100

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const [overview, unknownSends] = await Promise.all([getOverview(deps), deps.sends.countUnknown(UNKNOWN_SHOWN)])
  return json({ overview, unknownSends, canChange })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const submission = parseWithZod(await request.formData(), { schema: releaseForm })
  if (submission.status !== 'success') return json({ result: submission.reply(), flash: null }, { status: 400 })
  const released = await releaseAccountBrake(deps, actor)
  if (released === 'not_engaged') return json({ result: submission.reply({ formErrors: ['Sending is not paused: nothing to resume.'] }), flash: null }, { status: 409 })
  return json({ result: submission.reply(), flash: 'All sending resumed: every active campaign carries on at its own pace, and the account is judged afresh from now.' })
}

export default function Overview() {
  const { overview: o, unknownSends, canChange } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const confirming = canChange && o.brake !== null && params.has('release')
  // Releasing while a rate is still over its threshold: the person sees it before confirming.
  const stillBreached = [
    o.bounce.breached ? `the hard-bounce rate is ${percent(o.bounce.rate)} (threshold ${percent(o.bounce.threshold)})` : null,
    o.complaint.breached ? `the complaint rate is ${percent(o.complaint.rate, 3)} (threshold ${percent(o.complaint.threshold, 3)})` : null,
  ].filter((s) => s !== null)
  const releaseWarning = stillBreached.length
    ? `The cause is still present: over the last ${o.rateWindowDays} days ${stillBreached.join(' and ')}. Counting starts afresh from now, so only new bounces and complaints stop sending again.`
    : null
  return (
    <>
      <PageTitle subtitle="Counts come from pre-aggregated counters, updated with every change.">Overview</PageTitle>
      {actionData?.flash ? <Flash message={actionData.flash} /> : null}
      <ErrorList errors={actionData?.result.error?.[''] ?? null} />
      {o.brake ? (
        <AlertBanner title="All sending is paused">
          <p>{o.brake.sentence}</p>
          <p className="text-xs">
            Since {o.brake.at.replace('T', ' ').slice(0, 16)} UTC, by {o.brake.by}. No campaign sends until a person resumes sending; campaigns keep their own status.
          </p>
          {canChange && !confirming ? (
            <Link to="?release=1" className="inline-block rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-600">
              Resume all sending
            </Link>
          ) : null}
        </AlertBanner>
      ) : null}
      {confirming ? (
        <ConfirmStep title="Resume all sending?" warning={releaseWarning} action="/?index" fields={{ intent: 'release-brake' }} confirmLabel="Confirm: resume all sending" cancelTo="/">
          <p>
            Every campaign that is active sends again at its own pace, within its window and caps. The account&apos;s bounce and complaint counts start afresh from now (today&apos;s so far become the
            baseline). The resume is recorded in the audit log with your name.
          </p>
        </ConfirmStep>
      ) : null}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Active leads" value={o.leads.active} testId="leads-active" />
        <Stat label="Held leads" value={o.leads.held} testId="leads-held" />
        <Stat label="Held: no rule matched" value={<Link to="/leads?status=held&reason=unrouted" className="underline">{o.leads.unrouted}</Link>} testId="leads-unrouted" />
        <Stat label="Paused leads" value={o.leads.paused} testId="leads-paused" />
        <Stat label="Paused domains" value={<Link to="/domains" className="underline">{o.pausedDomains}</Link>} testId="domains-paused" tone={o.pausedDomains > 0 ? 'bad' : 'ok'} />
      </div>
      <div className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-3">
        <Stat label="Sent today / daily cap (all campaigns)" value={capText(o.today.sends, o.today.cap, o.today.capShare)} testId="sends-today" tone={o.today.cap > 0 && o.today.capShare >= 1 ? 'bad' : 'ok'} />
        <Stat
          label={`Bounce rate, last ${o.rateWindowDays} days (pause at ${percent(o.bounce.threshold)})`}
          value={percent(o.bounce.rate)}
          testId="bounce-rate"
          tone={o.bounce.breached ? 'bad' : 'ok'}
        />
        <Stat
          label={`Complaint rate, last ${o.rateWindowDays} days (pause at ${percent(o.complaint.threshold, 3)})`}
          value={percent(o.complaint.rate, 3)}
          testId="complaint-rate"
          tone={o.complaint.breached ? 'bad' : 'ok'}
        />
      </div>
      {unknownSends > 0 ? (
        <div className="mt-3">
          <Stat
            label="Sends whose outcome is unknown (never resent blindly)"
            value={
              <Link to="/sends" className="underline">
                {unknownSends >= UNKNOWN_SHOWN ? `${UNKNOWN_SHOWN} or more` : unknownSends}: settle them
              </Link>
            }
            testId="unknown-sends"
            tone="bad"
          />
        </div>
      ) : null}
      <div className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-2">
        <Stat
          label={`Verification pass rate, last ${o.rateWindowDays} days`}
          value={percent(o.verification.rate, 1)}
          testId="verification-rate"
          hint={`${o.verification.part} of ${o.verification.whole} just-in-time checks passed (each check whose answer was used for a send or a skip).`}
        />
        <Stat label={`Open rate, last ${o.rateWindowDays} days`} value={percent(o.opens.rate, 1)} testId="open-rate" hint="display only — opens are unreliable (privacy proxies)" />
      </div>
      {o.campaigns.length > 0 ? (
        <div className="mt-3">
          <Card title="Active campaigns: sent today against each campaign's cap (in its sending window's time zone)">
            <ul className="divide-y divide-slate-100 text-sm" data-testid="campaign-caps">
              {o.campaigns.map((c) => (
                <li key={c.id} className="flex justify-between gap-4 py-1">
                  <Link to={`/campaigns/${encodeURIComponent(c.id)}`} className="underline">
                    {c.name}
                  </Link>
                  <span className={c.cap > 0 && c.capShare >= 1 ? 'font-semibold text-red-700' : ''}>{capText(c.sends, c.cap, c.capShare)}</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      ) : null}
      <div className="mt-6">
        <Card title={`Last ${o.series.length} days: sends, hard bounces and complaints`}>
          <ActivityChart series={o.series} />
        </Card>
      </div>
    </>
  )
}
