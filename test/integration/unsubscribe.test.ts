import { describe, expect, it } from 'vitest'
import type { Lead } from '../../src/shared/domain/entities'
import { setupEvent, testLead } from '../support/factories'
import { directDeps, get, world } from '../support/world'

async function someLead(): Promise<Lead> {
  const deps = directDeps()
  const id = `unsub-${Date.now()}`
  const lead = testLead(id, { campaignId: 'founders-india', fullName: 'Unsub Test', firstName: 'Unsub' })
  await deps.leads.insert(lead, setupEvent('lead', id))
  return lead
}

describe('one-click unsubscribe', () => {
  it('shows a confirmation page on GET and suppresses on POST (RFC 8058), idempotently and audited', async () => {
    const lead = await someLead()
    const deps = directDeps()
    const url = new URL(deps.unsubscribeUrl(lead.id, 'founders-india'))
    const path = url.pathname
    const page = await get(path)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Stop all emails to un…@acme.example.com?')
    expect(await deps.suppression.isSuppressed(lead.email)).toBe(false)

    const oneClick = await fetch(`${world().baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(oneClick.status).toBe(200)
    expect(await deps.suppression.isSuppressed(lead.email)).toBe(true)
    const again = await fetch(`${world().baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(again.status).toBe(200)
    const events = (await deps.audit.forEntity('suppression', lead.email, 5)).items
    expect(events.map((e) => e.action)).toEqual(['unsubscribed'])
  })

  it('refuses a forged or altered token', async () => {
    const lead = await someLead()
    const path = new URL(directDeps().unsubscribeUrl(lead.id, 'founders-india')).pathname
    const [payloadLead, campaign, signature] = path.slice('/u/'.length).split('.') as [string, string, string]
    const otherLead = Buffer.from('someone-else', 'utf8').toString('base64url')
    for (const forged of [`${otherLead}.${campaign}.${signature}`, `${payloadLead}.${campaign}.${signature.slice(0, -2)}AA`, `${payloadLead}.${campaign}`, 'nonsense']) {
      expect((await fetch(`${world().baseUrl}/u/${forged}`, { method: 'POST', redirect: 'manual' })).status).toBe(404)
    }
    expect(await directDeps().suppression.isSuppressed(lead.email)).toBe(false)
  })
})
