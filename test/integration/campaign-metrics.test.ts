import { describe, expect, it } from 'vitest'
import type { Campaign, Mailbox } from '../../src/shared/domain/entities'
import { dayOf } from '../../src/shared/domain/metrics'
import { localDay } from '../../src/shared/domain/sending-window'
import { parseFeedbackBody } from '../../src/shared/domain/ses-event'
import { processFeedback } from '../../src/shared/services/feedback'
import type { SendRecord } from '../../src/shared/services/pulse'
import { setupEvent, testLead } from '../support/factories'
import { envelope, eventFor, scriptedFeedbackFile, senders, unique } from '../support/feedback-world'
import { admin, directDeps, signIn, world } from '../support/world'

const deps = directDeps()

// One bounce is scripted below: keep the account-wide brake out of the way, as the feedback tests do.
scriptedFeedbackFile(deps, 'Campaign metrics tests')

/** A send of the campaign settled as the pulse settles it: counted for the campaign on its window's local day. */
async function countedSend(campaign: Campaign, mailbox: Mailbox) {
  const id = unique()
  const lead = testLead(`cm-${id}`, { email: `lead.${id}@recipient.example.com`, campaignId: campaign.id, status: 'completed' })
  await deps.leads.insert(lead, setupEvent('lead', lead.id))
  const now = new Date()
  const send: SendRecord = { campaignId: campaign.id, leadId: lead.id, sendId: `s-${id}`, state: 'sending', mailboxId: mailbox.id, claimedAt: now.toISOString() }
  expect(await deps.sends.claim(send)).toBe('claimed')
  const sent: SendRecord = { ...send, state: 'sent', messageId: `msg-${id}` }
  const today = dayOf(now)
  expect(
    await deps.sends.settle(sent, setupEvent('lead', lead.id), [
      { scope: 'overall', id: 'all', day: today },
      { scope: 'campaign', id: campaign.id, day: localDay(campaign.window.timeZone, now) },
      { scope: 'mailbox', id: mailbox.id, day: today },
      { scope: 'domain', id: mailbox.domainId, day: today },
    ]),
  ).toBe('settled')
  return { lead, send: sent }
}

/** The text of the element carrying `data-testid`, tags and React's text separators removed. */
function testIdText(html: string, testId: string): string | null {
  const m = html.match(new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</(dd|td|ul)>`))
  return m ? m[1]!.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '').trim() : null
}

describe('per-campaign metrics on the campaign page and list', () => {
  it('shows sent today against the cap, the window totals and the bounce rate once sends are counted', async () => {
    const { boxes, campaign } = await senders(deps, 1)
    const cookie = await signIn(admin())
    const page = async () => (await fetch(`${world().baseUrl}/campaigns/${campaign.id}`, { headers: { cookie } })).text()

    const before = await page()
    expect(testIdText(before, 'campaign-sent-today')).toBe(`0 / ${campaign.dailyCap} (0%)`)
    expect(testIdText(before, 'campaign-sends')).toBe('0')
    expect(testIdText(before, 'campaign-bounce-rate')).toBe('—')

    const sends = [await countedSend(campaign, boxes[0]!), await countedSend(campaign, boxes[0]!), await countedSend(campaign, boxes[0]!), await countedSend(campaign, boxes[0]!)]
    const bounce = parseFeedbackBody(envelope(eventFor('bounce-permanent-general.json', sends[0]!.lead, sends[0]!.send)))
    if (!bounce.ok) throw new Error(bounce.reason)
    await processFeedback(deps, bounce.event)

    const after = await page()
    expect(testIdText(after, 'campaign-sent-today')).toBe(`4 / ${campaign.dailyCap} (${Math.round((4 / campaign.dailyCap) * 100)}%)`)
    expect(testIdText(after, 'campaign-sends')).toBe('4')
    expect(testIdText(after, 'campaign-bounce-rate')).toBe('25.00%')
    expect(testIdText(after, 'campaign-complaint-rate')).toBe('0.000%')
    // The campaign was inserted active, but no Start ever began its send loop: the page says so.
    expect(testIdText(after, 'campaign-chain-state')).toBe('Not started')
    // An SES campaign has no replies to show.
    expect(after).not.toContain('data-testid="campaign-replies"')

    const list = await (await fetch(`${world().baseUrl}/campaigns`, { headers: { cookie } })).text()
    const row = list.slice(list.indexOf(`/campaigns/${campaign.id}"`))
    expect(testIdText(row, 'campaign-row-sent-today')).toBe(`4 / ${campaign.dailyCap} (${Math.round((4 / campaign.dailyCap) * 100)}%)`)
  })
})
