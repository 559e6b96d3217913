import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { drasonTags, parseFeedbackBody } from './ses-event'
import { fixturePath } from '../../../test/support/contracts'

const fixtures = fixturePath('ses')
const read = (p: string) => readFileSync(join(fixtures, p), 'utf8')

describe('parseFeedbackBody', () => {
  it('reads an SQS body that is an SNS envelope (raw delivery off)', () => {
    const sqs = JSON.parse(read('sqs/receive-message.raw-delivery-off.json')) as { Messages: { Body: string }[] }
    const parsed = parseFeedbackBody(sqs.Messages[0]!.Body)
    expect(parsed).toMatchObject({ ok: true, event: { type: 'Bounce', snsMessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324' } })
  })

  it('reads an SQS body that is the bare event (raw delivery on)', () => {
    const sqs = JSON.parse(read('sqs/receive-message.raw-delivery-on.json')) as { Messages: { Body: string }[] }
    const parsed = parseFeedbackBody(sqs.Messages[0]!.Body)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.event.snsMessageId).toBeNull()
  })

  it.each(['events/send.json', 'events/delivery.json', 'events/bounce-permanent-general.json', 'notifications/bounce-permanent-general.json', 'notifications/delivery.json'])(
    'reads %s (eventType and notificationType forms)',
    (file) => {
      const body = read(file)
      const parsed = parseFeedbackBody(body)
      const expected = (JSON.parse(body) as { eventType?: string; notificationType?: string })
      expect(parsed).toMatchObject({ ok: true, event: { type: expected.eventType ?? expected.notificationType } })
    },
  )

  it.each([
    ['not json', 'the body is not JSON'],
    [JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: '{nope' }), 'the SNS Message is not JSON'],
    [JSON.stringify({ hello: 'world' }), 'not an SES event (no mail.messageId)'],
    [JSON.stringify({ mail: { messageId: 'x' } }), 'the SES event has no eventType or notificationType'],
  ])('refuses %s as unreadable (a poison message, not by design)', (body, reason) => {
    expect(parseFeedbackBody(body)).toEqual({ ok: false, reason, byDesign: false })
  })

  it.each([
    [
      'the identity notification topic subscribed',
      { notificationType: 'AmazonSnsSubscriptionSucceeded', message: "You have successfully subscribed your Amazon SNS topic 'arn:aws:sns:us-east-1:123456789012:ses' to receive 'Bounce' notifications from Amazon SES for identity 'mail.example.com'." },
    ],
    ['the same in event-publishing form', { eventType: 'AmazonSnsSubscriptionSucceeded' }],
  ])('acknowledges %s as a setup notice (by design), enveloped or raw', (_name, notice) => {
    const raw = parseFeedbackBody(JSON.stringify(notice))
    expect(raw).toMatchObject({ ok: false, byDesign: true })
    expect(parseFeedbackBody(JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: JSON.stringify(notice) }))).toEqual(raw)
  })

  it('acknowledges the event destination validation text as a setup notice; other plain text is unreadable', () => {
    const wrap = (Message: string) => JSON.stringify({ Type: 'Notification', MessageId: 'm', Message })
    expect(parseFeedbackBody(wrap('Successfully validated SNS topic for Amazon SES event publishing.'))).toMatchObject({ ok: false, byDesign: true })
    expect(parseFeedbackBody(wrap('Successfully bounced'))).toEqual({ ok: false, reason: 'the SNS Message is not JSON', byDesign: false })
  })
})

describe('drasonTags', () => {
  it('reads the lead, campaign, send and mailbox tags Drason puts on every send', () => {
    const body = JSON.stringify({ eventType: 'Send', mail: { messageId: 'm1', tags: { lead: ['l1'], campaign: ['c1'], send: ['s1'], mailbox: ['anita@mail.example.com'] } } })
    const parsed = parseFeedbackBody(body)
    expect(parsed.ok && drasonTags(parsed.event)).toEqual({ leadId: 'l1', campaignId: 'c1', sendId: 's1', mailboxId: 'anita@mail.example.com' })
  })

  it('is null for mail Drason did not tag (the contract fixture uses other tag names)', () => {
    const parsed = parseFeedbackBody(read('events/send.json'))
    expect(parsed.ok && drasonTags(parsed.event)).toBeNull()
  })
})
