import { describe, expect, it } from 'vitest'
import type { SendRecord } from '../../src/shared/services/pulse'
import { localDay } from '../../src/shared/domain/sending-window'
import { TEST_VIEWER, admin, directDeps, get, postForm, signIn } from '../support/world'
import { setupEvent, testLead } from '../support/factories'

/** A lead of the demo's campaign whose send ended unknown (claimed, then the outcome lost). */
async function unknownSend(tag: string): Promise<SendRecord> {
  const deps = directDeps()
  const leadId = `unknown-${tag}-${Date.now()}`
  expect(await deps.leads.insert(testLead(leadId, { email: `${leadId}@acme.example.com`, status: 'completed', campaignId: 'founders-india' }), setupEvent('lead', leadId))).toBe('created')
  const mailboxId = (await deps.senders.mailboxesOf((await deps.senders.domains())[0]!.id))[0]!.id
  const record: SendRecord = { campaignId: 'founders-india', leadId, sendId: `send-${leadId}`, state: 'sending', mailboxId, claimedAt: new Date().toISOString() }
  expect(await deps.sends.claim(record)).toBe('claimed')
  const unknown: SendRecord = { ...record, state: 'unknown', reason: 'timed out after 10 s' }
  expect(await deps.sends.settle(unknown, { ...setupEvent('lead', leadId), id: `unknown-${leadId}`, action: 'send_unknown' }, [])).toBe('settled')
  return unknown
}

const fields = (s: SendRecord) => ({ campaignId: s.campaignId, leadId: s.leadId, sendId: s.sendId })

describe('unknown sends, settled by a person', () => {
  it('lists them with the lead and campaign, flags them on the Overview, and lets an admin record each outcome', async () => {
    const deps = directDeps()
    const wentOut = await unknownSend('out')
    const lost = await unknownSend('lost')
    const cookie = await signIn(admin())

    const page = await (await get('/sends', { headers: { cookie } })).text()
    expect(page).toContain(`${wentOut.leadId}@acme.example.com`)
    expect(page).toContain(`${lost.leadId}@acme.example.com`)
    expect(page).toContain('timed out after 10 s')
    expect(await (await get('/', { headers: { cookie } })).text()).toMatch(/data-testid="unknown-sends"[^>]*>(<a[^>]*>)?\d+/)

    // A MessageId that is not one is answered on the row; nothing changes.
    const bad = await postForm('/sends', { intent: 'sent', ...fields(wentOut), messageId: 'not an id' }, cookie)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('That is not an SES MessageId')
    expect((await deps.sends.get(wentOut.campaignId, wentOut.leadId))!.state).toBe('unknown')

    // The campaign counts on its own day (its window's time zone), the day the send was claimed.
    const zone = (await deps.campaigns.get('founders-india'))!.value.window.timeZone
    const campaignDay = localDay(zone, new Date(wentOut.claimedAt))
    const before = (await deps.metrics.days('campaign', 'founders-india', [campaignDay]))[0]!.sends
    const messageId = '0100018c2f9e6c71-5f4e3d2c-1b0a-4f9e-8d7c-6b5a49382716-000000'
    expect((await postForm('/sends', { intent: 'sent', ...fields(wentOut), messageId: `<${messageId}@email.amazonses.com>`, note: 'in the SES console' }, cookie)).status).toBe(200)
    expect(await deps.sends.get(wentOut.campaignId, wentOut.leadId)).toMatchObject({ state: 'sent', messageId })
    expect((await deps.metrics.days('campaign', 'founders-india', [campaignDay]))[0]!.sends).toBe(before + 1)
    expect((await deps.audit.forEntity('lead', wentOut.leadId, 1)).items[0]).toMatchObject({ action: 'send_settled', actor: { type: 'user', id: admin().email }, details: { messageId, now: 'sent' } })
    // The lead's page says what happened in its campaign, and its history unfolds the event's details.
    const detail = await (await get(`/leads/${encodeURIComponent(wentOut.leadId)}`, { headers: { cookie } })).text()
    expect(detail).toMatch(/href="\/campaigns\/founders-india"[^>]*>Founders — India SaaS/)
    expect(detail).toMatch(/data-testid="lead-send"><span[^>]*>sent<\/span>/)
    expect(detail).toContain(`MessageId ${messageId}`)
    expect(detail).toContain('data-testid="event-details"')
    expect(detail).toContain('SES MessageId')
    expect(detail).toContain('in the SES console')

    expect((await postForm('/sends', { intent: 'not_sent', ...fields(lost) }, cookie)).status).toBe(200)
    expect(await deps.sends.get(lost.campaignId, lost.leadId)).toMatchObject({ state: 'failed', reason: expect.stringContaining('not sent') })
    expect((await deps.metrics.days('campaign', 'founders-india', [campaignDay]))[0]!.sends).toBe(before + 1)

    // Settled twice (a second tab): refused, nothing changes.
    const again = await postForm('/sends', { intent: 'not_sent', ...fields(wentOut) }, cookie)
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('already settled (sent)')
    const after = await (await get('/sends', { headers: { cookie } })).text()
    expect(after).not.toContain(`${wentOut.leadId}@acme.example.com`)
    expect(after).not.toContain(`${lost.leadId}@acme.example.com`)
  })

  it('lets a viewer see them but not settle them', async () => {
    const s = await unknownSend('viewer')
    const cookie = await signIn(TEST_VIEWER)
    expect(await (await get('/sends', { headers: { cookie } })).text()).toContain(`${s.leadId}@acme.example.com`)
    expect((await postForm('/sends', { intent: 'not_sent', ...fields(s) }, cookie)).status).toBe(403)
    expect((await directDeps().sends.get(s.campaignId, s.leadId))!.state).toBe('unknown')
    // Leave nothing unknown behind for other tests' Overview.
    await postForm('/sends', { intent: 'not_sent', ...fields(s) }, await signIn(admin()))
  })
})
