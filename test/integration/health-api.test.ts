import { describe, expect, it } from 'vitest'
import type { Lead } from '../../src/shared/domain/entities'
import { handleApi } from '../../src/shared/http/api.server'
import type { ApiRequest } from '../../src/shared/http/json.server'
import { envelope, eventFor, pausedMailbox, scriptedFeedbackFile, senders, sentLead } from '../support/feedback-world'
import { signSnsMessage, snsCertificateFetch, snsConfirmation, snsNotification, TEST_SNS_TOPIC_ARN } from '../support/sns-signing'
import { apiHeaders, directDeps, get, world } from '../support/world'
import { parseFeedbackBody } from '../../src/shared/domain/ses-event'
import { processFeedback } from '../../src/shared/services/feedback'
import { testLead, setupEvent } from '../support/factories'

const deps = directDeps()
scriptedFeedbackFile(deps, 'Health API tests')


const api = (path: string, init: RequestInit = {}) => get(path, { ...init, headers: { ...apiHeaders(), ...(init.headers ?? {}) } })

describe('JSON API: mailboxes and domains with their health', () => {
  it('GET /api/mailboxes and /api/domains show health state, counters and the pause reason', async () => {
    const { box, domain } = await pausedMailbox(deps)
    const mailboxes = (await (await api('/api/mailboxes')).json()) as { items: { id: string; status: string; healthState: string; pauseReason: string; counters: Record<string, unknown> }[] }
    expect(mailboxes.items.find((m) => m.id === box.id)).toMatchObject({
      status: 'paused',
      healthState: 'paused',
      pauseReason: `Paused mailbox ${box.address}: 5 hard bounces in its last 5 sends (threshold 5).`,
      counters: { sendsSinceResume: 5, hardBouncesInWindow: 5, hardBounceWindowSends: 100, today: expect.objectContaining({ hard_bounces: 5, sends: 5 }) },
    })
    const domains = (await (await api('/api/domains')).json()) as { items: { id: string; status: string; pausedMailboxes: number; counters: Record<string, unknown> }[] }
    expect(domains.items.find((d) => d.id === domain.id)).toMatchObject({ status: 'healthy', mailboxes: 4, pausedMailboxes: 1, counters: { windowDays: 7, sends: 5, hardBounces: 5, hardBounceRate: 1 } })
    expect((await get('/api/mailboxes')).status).toBe(401)
  })

  it('POST /api/mailboxes/:id/resume resumes with a warning while the cause is present, audited; a second resume is refused', async () => {
    const { box } = await pausedMailbox(deps)
    const res = await api(`/api/mailboxes/${encodeURIComponent(box.id)}/resume`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'active', warning: expect.stringContaining('The cause is still present: 5 hard bounces in its last 5 sends') })
    expect((await deps.senders.getMailbox(box.id))!.value).toMatchObject({ status: 'active', healthState: 'healthy', pauseReason: null })
    // Counting starts afresh: the old bounces no longer count.
    expect((await deps.feedback.window(box.id)).window).toMatchObject({ baseline: 5, hardBounceMarks: [], hardBounces: 0 })
    const [event] = (await deps.audit.forEntity('mailbox', box.id, 1)).items
    expect(event).toMatchObject({ action: 'resumed', actor: { type: 'integration', id: 'api' } })
    const again = await api(`/api/mailboxes/${encodeURIComponent(box.id)}/resume`, { method: 'POST' })
    expect(again.status).toBe(409)
    expect((await api('/api/mailboxes/nope/resume', { method: 'POST' })).status).toBe(404)
  })

  it('POST /api/domains/:id/resume resumes a paused domain and the campaigns its pause stopped; /api/campaigns/:id/resume warns of degraded mailboxes', async () => {
    // Both of the campaign's mailboxes pause: the campaign and (2 of 2 = 100%) the domain pause too.
    const { boxes, campaign, domain } = await senders(deps, 2, 2)
    const queued: Lead = testLead(`q-${Date.now()}`, { campaignId: campaign.id, status: 'active', queuedAt: new Date().toISOString() })
    await deps.leads.insert(queued, setupEvent('lead', queued.id))
    for (const box of boxes) {
      for (let i = 0; i < 5; i++) {
        const s = await sentLead(deps, campaign, box)
        const parsed = parseFeedbackBody(envelope(eventFor('bounce-permanent-general.json', s.lead, s.send)))
        if (parsed.ok) await processFeedback(deps, parsed.event)
      }
    }
    expect((await deps.senders.getDomain(domain.id))!.value.status).toBe('paused')
    expect((await deps.campaigns.get(campaign.id))!.value.status).toBe('paused')
    expect((await deps.leads.get(queued.id))!.status).toBe('paused')

    const res = await api(`/api/domains/${encodeURIComponent(domain.id)}/resume`, { method: 'POST' })
    expect(await res.json()).toEqual({ status: 'healthy', warning: `2 mailboxes of ${domain.name} are still paused (${boxes.map((b) => b.address).join(', ')}); they stay paused until resumed one by one.` })
    expect((await deps.senders.getDomain(domain.id))!.value).toMatchObject({ status: 'healthy', baseline: expect.objectContaining({ hardBounces: 10 }) })
    // The first paused mailbox was half the domain: the domain paused, and its pause paused the campaign, so
    // resuming the domain resumes the campaign and puts its queued lead back.
    expect((await deps.campaigns.get(campaign.id))!.value).toMatchObject({ status: 'active', pausedBy: null })
    expect((await deps.leads.get(queued.id))!.status).toBe('active')
    // A person pausing and resuming the campaign is warned that its mailboxes are still degraded.
    expect((await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/pause`, { method: 'POST' })).status).toBe(200)
    expect((await deps.leads.get(queued.id))!.status).toBe('paused')
    const resumed = await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/resume`, { method: 'POST' })
    expect(await resumed.json()).toEqual({ status: 'active', warning: expect.stringMatching(/^The cause is still present: 2 of its 2 mailboxes are still degraded/) })
    expect((await deps.leads.get(queued.id))!.status).toBe('active')
  })
})

describe('SES events over SNS HTTPS: POST /api/webhooks/ses', () => {
  const fetcher = snsCertificateFetch()
  const webhookDeps = directDeps({ snsFetchText: fetcher.fetchText }, { SES_FEEDBACK_TOPIC_ARNS: TEST_SNS_TOPIC_ARN })
  const post = (body: string): Promise<{ status: number; body: unknown }> => {
    const req: ApiRequest = { method: 'POST', path: '/api/webhooks/ses', headers: {}, query: {}, body, rawBody: Buffer.from(body), client: '203.0.113.9' }
    return handleApi(webhookDeps, req)
  }

  it('a signed notification (v1 and v2) is processed as feedback, without a bearer token', async () => {
    const { boxes, campaign } = await senders(deps, 2)
    for (const version of ['1', '2'] as const) {
      const s = await sentLead(deps, campaign, boxes[0]!)
      const body = JSON.stringify(signSnsMessage(snsNotification(eventFor('bounce-permanent-general.json', s.lead, s.send)), { version }))
      expect(await post(body)).toMatchObject({ status: 200, body: { outcome: 'applied', kind: 'hard_bounce' } })
      expect(await post(body)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } })
      expect(await deps.suppression.isSuppressed(s.lead.email)).toBe(true)
    }
  })

  it('a forged or altered message is refused with 403, audited, and changes nothing', async () => {
    const { boxes, campaign } = await senders(deps, 1)
    const s = await sentLead(deps, campaign, boxes[0]!)
    const signed = signSnsMessage(snsNotification(eventFor('complaint-abuse.json', s.lead, s.send)))
    const altered = { ...signed, Message: signed.Message.replace('abuse', 'not-spam') }
    const res = await post(JSON.stringify(altered))
    expect(res.status).toBe(403)
    expect(await deps.suppression.isSuppressed(s.lead.email)).toBe(false)
    const wrongTopic = signSnsMessage(snsNotification(eventFor('complaint-abuse.json', s.lead, s.send), { topicArn: 'arn:aws:sns:us-east-1:123456789012:someone-else' }))
    expect((await post(JSON.stringify(wrongTopic))).status).toBe(403)
    const audit = await deps.audit.forEntity('account', 'ses-webhook', 2)
    expect(audit.items.map((e) => e.signals?.[0])).toEqual(['topic_not_allowed', 'bad_signature'])
    expect((await deps.sends.get(campaign.id, s.lead.id))?.state).toBe('sent')
  })

  it('confirms a subscription of an allowed topic by fetching only its SubscribeURL; never another topic', async () => {
    const before = fetcher.calls.length
    expect(await post(JSON.stringify(signSnsMessage(snsConfirmation('SubscriptionConfirmation'))))).toMatchObject({ status: 200, body: { confirmed: true } })
    const fetched = fetcher.calls.slice(before).filter((u) => u.includes('ConfirmSubscription'))
    expect(fetched).toHaveLength(1)
    expect(fetched[0]).toContain('Action=ConfirmSubscription')
    const other = signSnsMessage(snsConfirmation('SubscriptionConfirmation', { topicArn: 'arn:aws:sns:us-east-1:123456789012:intruder' }))
    const calls = fetcher.calls.length
    expect((await post(JSON.stringify(other))).status).toBe(403)
    expect(fetcher.calls.length).toBe(calls)
  })

  it('keeps a signed notification it cannot read in the audit log, with its text, instead of dropping it; a setup notice is only acknowledged', async () => {
    const before = (await deps.audit.forEntity('account', 'ses-webhook', 50)).items.length
    // A bounce whose `mail` is missing: nothing to attribute it to, but a person must see it.
    const unreadable = snsNotification({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'someone@example.com' }] } })
    const res = await post(JSON.stringify(signSnsMessage(unreadable)))
    expect(res).toMatchObject({ status: 200, body: { kept: expect.any(String) } })
    const [kept] = (await deps.audit.forEntity('account', 'ses-webhook', 1)).items
    expect(kept).toMatchObject({ action: 'feedback_unreadable', signals: ['unreadable_feedback'], details: { messageId: unreadable.MessageId, topic: TEST_SNS_TOPIC_ARN, message: unreadable.Message } })
    expect(kept!.sentence).toMatch(/^Kept an SES notification that could not be read \(.+\): nothing was counted from it/)

    const setup = snsNotification({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed your Amazon SNS topic.' })
    expect(await post(JSON.stringify(signSnsMessage(setup)))).toMatchObject({ status: 200, body: { ignored: expect.any(String) } })
    expect((await deps.audit.forEntity('account', 'ses-webhook', 50)).items.length).toBe(before + 1)
  })

  it('the sandbox route answers 403 to an unsigned body (nothing configured there trusts it)', async () => {
    const res = await fetch(`${world().baseUrl}/api/webhooks/ses`, { method: 'POST', body: JSON.stringify({ Type: 'Notification', MessageId: 'x' }) })
    expect(res.status).toBe(403)
  })
})
