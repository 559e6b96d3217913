import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import type { RuleCondition } from '../../src/shared/domain/entities'
import { Badge, PageTitle, Table } from '../components/ui'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Routing rules · Drason' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const [{ rules }, campaigns] = await Promise.all([deps.routing.get(), deps.campaigns.list()])
  const names = Object.fromEntries(campaigns.map((c) => [c.id, c.name]))
  return json({ rules: rules.map((r) => ({ ...r, campaignName: names[r.campaignId] ?? r.campaignId })) })
}

function describe(c: RuleCondition): string {
  switch (c.op) {
    case 'equals':
      return `persona is "${c.value}"`
    case 'one_of':
      return `persona is one of ${c.values.map((v) => `"${v}"`).join(', ')}`
    case 'gte':
      return `lead score ≥ ${c.value}`
    case 'lte':
      return `lead score ≤ ${c.value}`
    case 'between':
      return `lead score between ${c.min} and ${c.max}`
  }
}

export default function Rules() {
  const { rules } = useLoaderData<typeof loader>()
  return (
    <>
      <PageTitle subtitle="Checked in order; the first rule that matches picks the campaign. No match: the lead stays held.">Routing rules</PageTitle>
      <Table head={['#', 'Rule', 'When', 'Campaign', 'State']} empty={rules.length === 0}>
        {rules.map((r, i) => (
          <tr key={r.id}>
            <td className="px-3 py-2">{i + 1}</td>
            <td className="px-3 py-2 font-medium">{r.name}</td>
            <td className="px-3 py-2">{r.conditions.map(describe).join(' and ')}</td>
            <td className="px-3 py-2">{r.campaignName}</td>
            <td className="px-3 py-2">
              <Badge tone={r.enabled ? 'good' : 'neutral'}>{r.enabled ? 'enabled' : 'disabled'}</Badge>
            </td>
          </tr>
        ))}
      </Table>
    </>
  )
}
