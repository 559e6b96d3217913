import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSmartleadClient } from '../../src/shared/adapters/smartlead.server'
import type { Campaign, Lead } from '../../src/shared/domain/entities'
import { dayOf } from '../../src/shared/domain/metrics'
import { localDay } from '../../src/shared/domain/sending-window'
import { controlCampaign } from '../../src/shared/services/campaign-controls'
import { pushHeldToSmartlead } from '../../src/shared/services/smartlead-sender'
import { setupEvent, testLead } from '../support/factories'
import { scriptedFeedbackFile } from '../support/feedback-world'
import { admin, directDeps, get, postForm, signIn, TEST_VIEWER, world } from '../support/world'
import { fixturePath } from '../support/contracts'

const FIXTURES = fixturePath('smartlead')
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>
// Smartlead campaigns never pulse through SES; a Start still enqueues one (it ends at once), kept here.
const pulses: unknown[] = []
const deps = directDeps({ pulseQueue: { enqueue: async (pulse) => void pulses.push(pulse) } })
const TESTER = { type: 'user' as const, id: 'tester@drason.test' }
let n = 0
const unique = () => `${Date.now().toString(36)}${++n}`

scriptedFeedbackFile(deps, 'Smartlead tests')

/** What the world's fake Smartlead says about a campaign, read through the real client. */
const smartleadClient = () => createSmartleadClient({ baseUrl: world().env.SMARTLEAD_BASE_URL!, apiKey: world().env.SMARTLEAD_API_KEY!, clock: { now: () => new Date() } })

/** A webhook as Smartlead sends it: a contract fixture with our secret and addresses of this test. */
function webhook(name: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture(name), secret_key: world().env.SMARTLEAD_WEBHOOK_SECRET, stats_id: `stats-${unique()}`, campaign_id: 3001, from_email: 'maya@outreach.drason-demo.test', ...patch }
}
const post = (body: unknown) => get('/api/webhooks/smartlead', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('Smartlead webhooks: POST /api/webhooks/smartlead', () => {
  it('EMAIL_BOUNCE: a hard-bounce signal for the mailbox and its domain, the address suppressed; a redelivery changes nothing', async () => {
    const to = `bounced.${unique()}@globex.example.com`
    const before = (await deps.metrics.days('mailbox', 'maya@outreach.drason-demo.test', [dayOf(new Date())]))[0]!
    const body = webhook('webhook.email_bounce.json', { to_email: to })
    const res = await post(body)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ outcome: 'applied', type: 'bounce' })
    expect(await deps.suppression.isSuppressed(to)).toBe(true)
    const after = (await deps.metrics.days('mailbox', 'maya@outreach.drason-demo.test', [dayOf(new Date())]))[0]!
    expect(after.hard_bounces - before.hard_bounces).toBe(1)
    const domain = (await deps.metrics.days('domain', 'outreach.drason-demo.test', [dayOf(new Date())]))[0]!
    expect(domain.hard_bounces).toBeGreaterThanOrEqual(1)
    expect(await (await post(body)).json()).toEqual({ outcome: 'duplicate', type: 'bounce' })
    expect((await deps.metrics.days('mailbox', 'maya@outreach.drason-demo.test', [dayOf(new Date())]))[0]!.hard_bounces).toBe(after.hard_bounces)
  })

  it('EMAIL_SENT counts a send; EMAIL_REPLY is evidence only; LEAD_UNSUBSCRIBED suppresses; other events are stored and ignored', async () => {
    // A campaign counts on its own local day (the demo's are in Asia/Kolkata).
    const day = localDay((await deps.campaigns.get('agencies-smartlead'))!.value.window.timeZone, new Date())
    const before = (await deps.metrics.days('campaign', 'agencies-smartlead', [day]))[0]!
    expect(await (await post(webhook('webhook.email_sent.json'))).json()).toEqual({ outcome: 'applied', type: 'sent' })
    expect(await (await post(webhook('webhook.email_reply.json'))).json()).toEqual({ outcome: 'applied', type: 'reply' })
    const after = (await deps.metrics.days('campaign', 'agencies-smartlead', [day]))[0]!
    expect([after.sends - before.sends, after.replies - before.replies, after.hard_bounces - before.hard_bounces]).toEqual([1, 1, 0])
    const gone = `gone.${unique()}@acme.example.com`
    expect(await (await post(webhook('webhook.lead_unsubscribed.json', { to_email: gone, lead_email: gone, sl_lead_email: gone }))).json()).toEqual({ outcome: 'applied', type: 'unsubscribed' })
    expect(await deps.suppression.isSuppressed(gone)).toBe(true)
    expect(await (await post(webhook('webhook.email_open.json'))).json()).toEqual({ outcome: 'applied', type: 'ignored' })
  })

  it('a wrong or missing secret_key is refused with 403 and audited; nothing is counted', async () => {
    const to = `forged.${unique()}@globex.example.com`
    expect((await post({ ...webhook('webhook.email_bounce.json', { to_email: to }), secret_key: 'not-the-secret-0000' })).status).toBe(403)
    const { secret_key: _drop, ...unsigned } = webhook('webhook.lead_unsubscribed.json', { to_email: to })
    expect((await post(unsigned)).status).toBe(403)
    expect(await deps.suppression.isSuppressed(to)).toBe(false)
    const audit = await deps.audit.forEntity('account', 'smartlead-webhook', 2)
    expect(audit.items.map((e) => e.action)).toEqual(['webhook_refused', 'webhook_refused'])
    expect((await post('not json at all')).status).toBe(400)
  })
})

describe('Smartlead sender mode: the gate, the push, and pauses that reach Smartlead', () => {
  async function smartleadCampaign(leads: string[]): Promise<{ campaign: Campaign; leads: Lead[] }> {
    const base = (await deps.campaigns.get('agencies-smartlead'))!.value
    const campaign: Campaign = { ...base, id: `sl-${unique()}`, name: `Smartlead ${unique()}`, status: 'draft' }
    await deps.campaigns.insert(campaign, setupEvent('campaign', campaign.id))
    const stored: Lead[] = []
    for (const email of leads) {
      const lead = testLead(`sl-lead-${unique()}`, { email, campaignId: campaign.id, status: 'held', holdReason: 'awaiting gate' })
      await deps.leads.insert(lead, setupEvent('lead', lead.id))
      stored.push(lead)
    }
    return { campaign, leads: stored }
  }

  it('Start pushes safe leads (active), holds what Smartlead refuses with its reason, and sets the Smartlead campaign to START; Pause sets PAUSED', async () => {
    const tag = unique()
    const { campaign, leads } = await smartleadCampaign([`ok1.${tag}@acme.example.com`, `ok2.${tag}@acme.example.com`, `no.${tag}@unsubscribed.test`])
    expect(await controlCampaign(deps, TESTER, campaign.id, 'start')).toMatchObject({ ok: true, status: 'active' })
    const [ok1, ok2, refused] = await Promise.all(leads.map((l) => deps.leads.get(l.id)))
    expect([ok1!.status, ok2!.status]).toEqual(['active', 'active'])
    // Refused for good: it waits after the campaign's other held leads (decision 015), so it cannot crowd out the rest.
    expect(refused).toMatchObject({ status: 'held', heldLast: true, holdReason: "Not added: the address is on Smartlead's unsubscribe list." })
    expect((await deps.audit.forEntity('lead', ok1!.id, 1)).items[0]).toMatchObject({ action: 'admitted', actor: { id: 'smartlead' } })
    expect((await smartleadClient().getCampaign('3001'))).toMatchObject({ ok: true, value: { status: 'ACTIVE' } })

    expect(await controlCampaign(deps, TESTER, campaign.id, 'pause')).toMatchObject({ ok: true })
    expect((await smartleadClient().getCampaign('3001'))).toMatchObject({ ok: true, value: { status: 'PAUSED' } })
    expect((await deps.audit.forEntity('campaign', campaign.id, 5)).items.map((e) => e.action)).toContain('smartlead_paused')
    expect(await controlCampaign(deps, TESTER, campaign.id, 'resume')).toMatchObject({ ok: true })
    expect((await smartleadClient().getCampaign('3001'))).toMatchObject({ ok: true, value: { status: 'ACTIVE' } })
  })

  it('keeps leads held, saying why, while the Smartlead campaign is not ACTIVE or a lead is suppressed', async () => {
    const tag = unique()
    const { campaign, leads } = await smartleadCampaign([`wait.${tag}@acme.example.com`])
    await deps.campaigns.save({ ...campaign, status: 'active' }, 1, setupEvent('campaign', campaign.id), campaign)
    await smartleadClient().setCampaignStatus('3001', 'PAUSED')
    try {
      expect(await pushHeldToSmartlead(deps, { ...campaign, status: 'active' })).toMatchObject({ admitted: 0, held: 1 })
      expect((await deps.leads.get(leads[0]!.id))!.holdReason).toMatch(/Smartlead campaign is PAUSED|not active/i)
    } finally {
      await smartleadClient().setCampaignStatus('3001', 'START')
    }
  })

  it('a 401 from Smartlead pauses the integration with an audit event; leads stay held', async () => {
    const wrongKey = directDeps({}, { SMARTLEAD_API_KEY: 'a-wrong-smartlead-key' })
    const tag = unique()
    const { campaign, leads } = await smartleadCampaign([`key.${tag}@acme.example.com`])
    try {
      expect(await pushHeldToSmartlead(wrongKey, { ...campaign, status: 'active' })).toMatchObject({ admitted: 0, held: 1 })
      expect(await wrongKey.smartleadIntegration.get()).toMatchObject({ status: 'paused', reason: expect.stringContaining('Smartlead refused the API key') })
      expect((await deps.leads.get(leads[0]!.id))!.status).toBe('held')
      expect((await deps.audit.forEntity('account', 'smartlead', 1)).items[0]).toMatchObject({ action: 'integration_paused' })
    } finally {
      await deps.smartleadIntegration.set({ status: 'ok', reason: null, at: new Date().toISOString() }, setupEvent('account', 'smartlead'))
    }
  })

  it('a paused integration shows a banner on every page; an admin resumes it (audited), a viewer cannot', async () => {
    const reason = 'Paused the Smartlead integration: Smartlead refused the API key (test). Set a valid SMARTLEAD_API_KEY, then resume the integration in Settings.'
    await deps.smartleadIntegration.set({ status: 'paused', reason, at: new Date().toISOString() }, setupEvent('account', 'smartlead'))
    try {
      const viewer = await signIn(TEST_VIEWER)
      const page = await (await get('/campaigns', { headers: { cookie: viewer } })).text()
      expect(page).toContain('Smartlead refused the API key (test)')
      expect((await postForm('/integrations/smartlead', {}, viewer)).status).toBe(403)
      const cookie = await signIn(admin())
      const res = await postForm('/integrations/smartlead', {}, cookie)
      expect(res.status).toBe(302)
      expect(await deps.smartleadIntegration.get()).toMatchObject({ status: 'ok', reason: null })
      expect((await deps.audit.forEntity('account', 'smartlead', 1)).items[0]).toMatchObject({ action: 'integration_resumed', actor: { type: 'user', id: admin().email } })
      expect(await (await get('/campaigns', { headers: { cookie } })).text()).not.toContain('Smartlead refused the API key (test)')
    } finally {
      await deps.smartleadIntegration.set({ status: 'ok', reason: null, at: new Date().toISOString() }, setupEvent('account', 'smartlead'))
    }
  })

  it('a mailbox paused by Smartlead bounces says what a person must do in Smartlead (its API cannot pause one account)', async () => {
    const box = 'arjun@outreach.drason-demo.test'
    // Bounces count against the sends Smartlead reported (EMAIL_SENT): a mark needs a send to stand on.
    for (let i = 0; i < 5; i++) expect((await post(webhook('webhook.email_sent.json', { from_email: box }))).status).toBe(200)
    for (let i = 0; i < 5; i++) {
      expect((await post(webhook('webhook.email_bounce.json', { from_email: box, to_email: `b${i}.${unique()}@globex.example.com` }))).status).toBe(200)
    }
    try {
      const mailbox = (await deps.senders.getMailbox(box))!.value
      expect(mailbox.status).toBe('paused')
      expect(mailbox.pauseReason).toBe(
        `Paused mailbox ${box}: 5 hard bounces in its last 5 sends (threshold 5). Smartlead cannot pause a single email account through its API: in Smartlead, open Email Accounts, find ${box} and pause it (or remove it from the campaign).`,
      )
    } finally {
      // Half the demo domain's mailboxes paused it too: put both back for the files that follow.
      const { resumeDomain, resumeMailbox } = await import('../../src/shared/services/resume')
      await resumeMailbox(deps, TESTER, box)
      if ((await deps.senders.getDomain('outreach.drason-demo.test'))!.value.status !== 'healthy') await resumeDomain(deps, TESTER, 'outreach.drason-demo.test')
    }
  })
})
