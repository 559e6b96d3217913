import { describe, expect, it } from 'vitest'
import { publishToSandboxQueue, simulatedEvent, snsEnvelope } from '../../scripts/local/ses-events'
import { scriptedFeedbackFile, senders, sentLead } from '../support/feedback-world'
import { listed } from '../support/suppression'
import { directDeps } from '../support/world'

// The sandbox's events port (test/support/global-setup.ts): where `npm run feedback` and `simulate` post.
const EVENTS_PORT = 4499
const deps = directDeps()
scriptedFeedbackFile(deps, 'Feedback queue tests')

describe('the feedback queue handler in the sandbox (what npm run feedback / simulate feed)', () => {
  it('an enveloped bounce for a sent lead reaches the handler: the send is bounced and the address suppressed', async () => {
    const { boxes, campaign } = await senders(deps, 1)
    const { lead, send } = await sentLead(deps, campaign, boxes[0]!)
    const now = new Date()
    const event = simulatedEvent('bounce', lead.email, { leadId: lead.id, campaignId: campaign.id, mailboxId: boxes[0]!.id, sendId: send.sendId, messageId: send.messageId ?? null, source: boxes[0]!.address }, now)
    await publishToSandboxQueue(EVENTS_PORT, 'feedback', snsEnvelope(event, now))
    await expect.poll(async () => (await deps.sends.get(campaign.id, lead.id))?.state, { timeout: 15_000 }).toBe('bounced')
    expect(await deps.suppression.isSuppressed(lead.email)).toBe(true)
    // The feedback's own write puts the address on the list a person reads, too.
    expect((await listed(lead.email)).entry).toMatchObject({ kind: 'address', reason: expect.stringContaining('bounce') })
    expect((await deps.audit.forEntity('lead', lead.id, 5)).items[0]).toMatchObject({ action: 'hard_bounce', actor: { id: 'ses' } })
  })

  it('a raw delay is counted as a delivery failure, not suppressed; a body that is not an SES event changes nothing', async () => {
    const { boxes, campaign } = await senders(deps, 1)
    const { lead, send } = await sentLead(deps, campaign, boxes[0]!)
    await publishToSandboxQueue(EVENTS_PORT, 'feedback', { hello: 'world' })
    const event = simulatedEvent('delay', lead.email, { leadId: lead.id, campaignId: campaign.id, mailboxId: boxes[0]!.id, sendId: send.sendId, messageId: null, source: null }, new Date())
    await publishToSandboxQueue(EVENTS_PORT, 'feedback', event)
    await expect.poll(async () => (await deps.feedback.window(boxes[0]!.id)).window.failureMarks.length, { timeout: 15_000 }).toBe(1)
    expect(await deps.suppression.isSuppressed(lead.email)).toBe(false)
    expect((await deps.sends.get(campaign.id, lead.id))?.state).toBe('sent')
  })
})
