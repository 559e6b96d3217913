import { describe, expect, it } from 'vitest'
import type { Campaign, CampaignStatus } from '../../src/shared/domain/entities'
import { NO_RULE_MATCHED } from '../../src/shared/domain/routing'
import { setupEvent, testLead } from '../support/factories'
import { TEST_VIEWER, admin, directDeps, get, postForm, signIn } from '../support/world'

const deps = directDeps()
let n = 0
const unique = () => `${Date.now().toString(36)}-${++n}`

async function campaignIn(status: CampaignStatus): Promise<Campaign> {
  const base = (await deps.campaigns.get('founders-india'))!.value
  const id = `assign-${unique()}`
  const campaign: Campaign = { ...base, id, name: `Assign ${status} ${id}`, status }
  await deps.campaigns.insert(campaign, setupEvent('campaign', id))
  return campaign
}

describe('giving a held lead to a campaign (the lead page)', () => {
  it('moves an unrouted lead into a campaign, where it waits for the gate; audited and counted', async () => {
    const cookie = await signIn(admin())
    const lead = testLead(`assign-${unique()}`, { holdReason: NO_RULE_MATCHED })
    expect(await deps.leads.insert(lead, setupEvent('lead', lead.id))).toBe('created')
    const draft = await campaignIn('draft')
    const aborted = await campaignIn('aborted')

    const page = await (await get(`/leads/${lead.id}`, { headers: { cookie } })).text()
    expect(page).toContain('Give to campaign')
    expect(page).toContain(`<option value="${draft.id}">${draft.name} (draft)</option>`)
    // An aborted campaign is not offered, and refused if posted anyway.
    expect(page).not.toContain(`value="${aborted.id}"`)
    const refused = await postForm(`/leads/${lead.id}`, { campaignId: aborted.id }, cookie)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain(`is aborted: it will never send this lead.`)

    const before = await deps.metrics.totals('overall', 'all')
    const res = await postForm(`/leads/${lead.id}`, { campaignId: draft.id }, cookie)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`/leads/${lead.id}?assigned=1`)
    expect(await deps.leads.get(lead.id)).toMatchObject({ status: 'held', campaignId: draft.id, holdReason: 'awaiting gate' })
    expect((await deps.leads.heldOfCampaign(draft.id, 10)).map((l) => l.id)).toEqual([lead.id])
    expect((await deps.metrics.totals('overall', 'all')).leads_unrouted).toBe(before.leads_unrouted - 1)
    const [event] = (await deps.audit.forEntity('lead', lead.id, 1)).items
    expect(event).toMatchObject({ action: 'assigned', actor: { id: admin().email }, details: { from: null, to: draft.id } })

    // Posting it again: it is already there.
    const again = await postForm(`/leads/${lead.id}`, { campaignId: draft.id }, cookie)
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('This lead is already in campaign')
    // What a browser sends with the placeholder still chosen: no field at all (a disabled option).
    for (const fields of [{ campaignId: '' }, {}] as Record<string, string>[]) {
      const empty = await postForm(`/leads/${lead.id}`, fields, cookie)
      expect(empty.status).toBe(400)
      expect(await empty.text()).toContain('Choose a campaign.')
    }
  })

  it('shows a viewer no form and refuses their post', async () => {
    const lead = testLead(`assign-${unique()}`, { holdReason: NO_RULE_MATCHED })
    await deps.leads.insert(lead, setupEvent('lead', lead.id))
    const draft = await campaignIn('draft')
    const cookie = await signIn(TEST_VIEWER)
    expect(await (await get(`/leads/${lead.id}`, { headers: { cookie } })).text()).not.toContain('Give to campaign')
    expect((await postForm(`/leads/${lead.id}`, { campaignId: draft.id }, cookie)).status).toBe(403)
    expect((await deps.leads.get(lead.id))!.campaignId).toBeNull()
  })
})
