import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { capShare } from '../../src/shared/domain/overview'
import { campaignsSentToday } from '../../src/shared/services/campaign-metrics'
import { Badge, PageTitle, Table, capText, healthTone } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Campaigns · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const campaigns = await deps.campaigns.list()
  // One counter item per campaign: its sends on its window's local day, as its cap counts them.
  const sentToday = await campaignsSentToday(deps, campaigns)
  return json({ campaigns: campaigns.map((c, i) => ({ ...c, sentToday: sentToday[i]! })), canChange })
}

export default function Campaigns() {
  const { campaigns, canChange } = useLoaderData<typeof loader>()
  return (
    <>
      <PageTitle subtitle="Each campaign has one sender, a mailbox pool, a daily cap and a sending window.">Campaigns</PageTitle>
      {canChange ? (
        <Link to="/campaigns/new" className="mb-4 inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white">
          New campaign
        </Link>
      ) : null}
      <Table head={['Name', 'Sender', 'Status', 'Mailboxes', 'Sent today / cap', 'Window', 'Subject']} empty={campaigns.length === 0}>
        {campaigns.map((c) => (
          <tr key={c.id}>
            <td className="px-3 py-2 font-medium">
              <Link to={`/campaigns/${c.id}`} className="text-indigo-700 underline">
                {c.name}
              </Link>
            </td>
            <td className="px-3 py-2">{c.sender.kind.toUpperCase()}</td>
            <td className="px-3 py-2">
              <Badge tone={healthTone(c.status)}>{c.status}</Badge>
              {c.pauseReason ? <div className="text-xs text-slate-600">{c.pauseReason}</div> : null}
            </td>
            <td className="px-3 py-2">{c.mailboxIds.length}</td>
            <td className={`px-3 py-2 ${c.dailyCap > 0 && c.sentToday >= c.dailyCap ? 'font-semibold text-red-700' : ''}`} data-testid="campaign-row-sent-today">
              {capText(c.sentToday, c.dailyCap, capShare(c.sentToday, c.dailyCap))}
            </td>
            <td className="px-3 py-2 text-xs">
              {c.window.startHour}:00–{c.window.endHour}:00 {c.window.timeZone}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{c.subjectTemplate}</td>
          </tr>
        ))}
      </Table>
    </>
  )
}
