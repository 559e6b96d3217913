import { describe, expect, it } from 'vitest'
import type { Campaign } from '../../src/shared/domain/entities'
import { controlCampaign } from '../../src/shared/services/campaign-controls'
import { admin, apiHeaders, directDeps, get, postForm, signIn } from '../support/world'

async function draftCampaign(): Promise<string> {
  const deps = directDeps()
  const base = (await deps.campaigns.get('founders-india'))!.value
  const id = `ctl-${Date.now()}-${Math.floor(Math.random() * 1e6)}`
  const campaign: Campaign = { ...base, id, name: `Controls ${id}`, status: 'draft', createdAt: new Date().toISOString() }
  await deps.campaigns.insert(campaign, { id: `evt-${id}`, at: new Date().toISOString(), actor: { type: 'system', id: 'test' }, entityType: 'campaign', entityId: id, action: 'created', sentence: 'Test campaign.' })
  return id
}

describe('campaign controls', () => {
  it('Start, Pause, Resume and Abort work as form actions on the campaign page, each audited with who clicked', async () => {
    const id = await draftCampaign()
    const deps = directDeps()
    const cookie = await signIn(admin())
    const click = (control: string) => postForm(`/campaigns/${id}`, { control }, cookie)
    const status = async () => (await deps.campaigns.get(id))!.value.status

    const start = await click('start')
    expect(start.status).toBe(302)
    expect(start.headers.get('location')).toBe(`/campaigns/${id}`)
    expect(await status()).toBe('active')
    expect((await click('pause')).status).toBe(302)
    expect(await status()).toBe('paused')
    // Resume answers on the page (with any warning about the cause of the pause) instead of redirecting.
    const resumed = await click('resume')
    expect(resumed.status).toBe(200)
    expect(await status()).toBe('active')
    expect((await click('abort')).status).toBe(302)
    expect(await status()).toBe('aborted')
    const events = (await deps.audit.forEntity('campaign', id, 10)).items.reverse()
    expect(events.map((e) => e.action)).toEqual(['created', 'started', 'paused', 'resumed', 'aborted'])
    expect(events.slice(1).every((e) => e.actor.type === 'user' && e.actor.id === admin().email)).toBe(true)
  })

  it('ten simultaneous Starts create exactly one pulse chain', async () => {
    const id = await draftCampaign()
    const pulses: { campaignId: string; chainId: string }[] = []
    const deps = directDeps({ pulseQueue: { enqueue: async (p) => void pulses.push(p) } })
    const actor = { type: 'user' as const, id: 'tester@drason.test' }
    const results = await Promise.all(Array.from({ length: 10 }, () => controlCampaign(deps, actor, id, 'start')))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.status === 409)).toBe(true)
    expect(pulses).toHaveLength(1)
    const chain = await deps.campaigns.chain(id)
    expect(chain).toMatchObject({ running: true, chainId: pulses[0]!.chainId })
    expect((await deps.campaigns.get(id))!.value.status).toBe('active')
    const started = (await deps.audit.forEntity('campaign', id, 10)).items.filter((e) => e.action === 'started')
    expect(started).toHaveLength(1)
  })

  it('pauses, refuses a double pause, resumes with a new chain, and aborts; each audited with who did it', async () => {
    const id = await draftCampaign()
    const pulses: { campaignId: string; chainId: string }[] = []
    const deps = directDeps({ pulseQueue: { enqueue: async (p) => void pulses.push(p) } })
    const actor = { type: 'user' as const, id: 'ops@drason.test' }
    expect(await controlCampaign(deps, actor, id, 'start')).toEqual({ ok: true, status: 'active' })
    expect(await controlCampaign(deps, actor, id, 'pause')).toEqual({ ok: true, status: 'paused' })
    expect((await deps.campaigns.chain(id)).running).toBe(false)
    expect(await controlCampaign(deps, actor, id, 'pause')).toEqual({ ok: false, status: 409, message: 'A paused campaign cannot be paused.' })
    expect((await deps.metrics.totals('overall', 'all')).campaigns_paused).toBeGreaterThanOrEqual(1)
    expect(await controlCampaign(deps, actor, id, 'resume')).toEqual({ ok: true, status: 'active' })
    expect(pulses).toHaveLength(2)
    expect(pulses[1]!.chainId).not.toBe(pulses[0]!.chainId)
    expect((await deps.campaigns.chain(id)).chainId).toBe(pulses[1]!.chainId)
    expect(await controlCampaign(deps, actor, id, 'abort')).toEqual({ ok: true, status: 'aborted' })
    expect(await controlCampaign(deps, actor, id, 'start')).toMatchObject({ ok: false, status: 409 })
    const actions = (await deps.audit.forEntity('campaign', id, 10)).items.map((e) => e.action).reverse()
    expect(actions).toEqual(['created', 'started', 'paused', 'resumed', 'aborted'])
    expect((await deps.audit.forEntity('campaign', id, 1)).items[0]).toMatchObject({ actor, sentence: expect.stringContaining('ops@drason.test aborted') })
  })

  it('is on the JSON API: list, detail with chain state, and controls', async () => {
    const id = await draftCampaign()
    const list = await (await get('/api/campaigns', { headers: apiHeaders() })).json()
    expect(list.items.map((c: { id: string }) => c.id)).toContain(id)
    const started = await get(`/api/campaigns/${id}/start`, { method: 'POST', headers: apiHeaders() })
    expect(started.status).toBe(200)
    expect(await started.json()).toEqual({ status: 'active' })
    const detail = await (await get(`/api/campaigns/${id}`, { headers: apiHeaders() })).json()
    expect(detail).toMatchObject({
      campaign: { id, status: 'active' },
      counts: { sentToday: 0, dailyCap: expect.any(Number), lastDays: 7, sends: 0, hardBounces: 0, complaints: 0, deliveryFailures: 0, verified: 0, verifyPassed: 0 },
      chain: { running: true, state: expect.any(String), explained: expect.any(String) },
    })
    const again = await get(`/api/campaigns/${id}/start`, { method: 'POST', headers: apiHeaders() })
    expect(again.status).toBe(409)
    expect((await get(`/api/campaigns/${id}/pause`, { method: 'POST', headers: apiHeaders() })).status).toBe(200)
    expect((await get('/api/campaigns/nope/pause', { method: 'POST', headers: apiHeaders() })).status).toBe(404)
    const [event] = (await directDeps().audit.forEntity('campaign', id, 1)).items
    expect(event).toMatchObject({ action: 'paused', actor: { type: 'integration', id: 'api' } })
  })
})
