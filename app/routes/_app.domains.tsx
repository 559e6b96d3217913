import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Badge, Card, PageTitle, Table, healthTone } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Domains & mailboxes · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const domains = await deps.senders.domains()
  const withMailboxes = await Promise.all(domains.map(async (d) => ({ ...d, mailboxes: await deps.senders.mailboxesOf(d.id) })))
  return json({ domains: withMailboxes })
}

export default function Domains() {
  const { domains } = useLoaderData<typeof loader>()
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
            <Table head={['Mailbox', 'From', 'Status', 'Health', 'Daily cap', 'Reason']} empty={d.mailboxes.length === 0}>
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
                </tr>
              ))}
            </Table>
          </Card>
        ))}
      </div>
    </>
  )
}
