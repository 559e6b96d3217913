import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getOverview } from '../../src/shared/services/overview'
import { SeriesChart } from '../components/series-chart'
import { Card, PageTitle, Stat, percent } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Overview · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  return json(await getOverview(deps))
}

export default function Overview() {
  const o = useLoaderData<typeof loader>()
  return (
    <>
      <PageTitle subtitle="Counts come from pre-aggregated counters, updated with every change.">Overview</PageTitle>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Active leads" value={o.leads.active} testId="leads-active" />
        <Stat label="Held leads" value={o.leads.held} testId="leads-held" />
        <Stat label="Held: no rule matched" value={<Link to="/leads?status=held&reason=unrouted" className="underline">{o.leads.unrouted}</Link>} testId="leads-unrouted" />
        <Stat label="Paused leads" value={o.leads.paused} testId="leads-paused" />
        <Stat label="Paused domains" value={o.pausedDomains} testId="domains-paused" tone={o.pausedDomains > 0 ? 'bad' : 'ok'} />
      </div>
      <div className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-3">
        <Stat label="Sent today / daily cap" value={`${o.today.sends} / ${o.today.cap}`} testId="sends-today" />
        <Stat
          label={`Bounce rate (pause at ${percent(o.bounce.threshold)})`}
          value={percent(o.bounce.rate)}
          testId="bounce-rate"
          tone={o.bounce.breached ? 'bad' : 'ok'}
        />
        <Stat
          label={`Complaint rate (pause at ${percent(o.complaint.threshold, 3)})`}
          value={percent(o.complaint.rate, 3)}
          testId="complaint-rate"
          tone={o.complaint.breached ? 'bad' : 'ok'}
        />
      </div>
      <div className="mt-6">
        <Card title="Last 14 days: sends (indigo), hard bounces (red), complaints (amber)">
          <SeriesChart series={o.series} />
        </Card>
      </div>
    </>
  )
}
