import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyFeedback, SEND_STATE_RANK, type ClassifiedFeedback } from './feedback'
import { parseFeedbackBody, type SesEvent } from './ses-event'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('ses')
const read = (p: string) => readFileSync(join(FIXTURES, p), 'utf8')
const json = (p: string) => JSON.parse(read(p)) as Record<string, unknown>

/** Wraps an SES event the way SNS does before it reaches SQS with raw delivery off: Message is a string. */
function envelope(event: unknown, messageId: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events-prod',
    Message: JSON.stringify(event),
    Timestamp: '2025-03-10T14:00:03.650Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=test',
  })
}

function parsed(body: string): SesEvent {
  const result = parseFeedbackBody(body)
  if (!result.ok) throw new Error(`fixture did not parse: ${result.reason}`)
  return result.event
}
const classify = (body: string) => classifyFeedback(parsed(body))

type Expected = Pick<ClassifiedFeedback, 'kind' | 'signal' | 'suppress' | 'sendState' | 'description'>
type Effects = Omit<Expected, 'description'>
const hard = (email: string): Effects => ({ kind: 'hard_bounce', signal: 'hard_bounce', suppress: [{ email, reason: 'hard_bounce' }], sendState: 'bounced' })
const onListBounce = (email: string): Effects => ({ kind: 'suppressed_bounce', signal: null, suppress: [{ email, reason: 'hard_bounce' }], sendState: 'bounced' })
const soft: Effects = { kind: 'soft_bounce', signal: 'delivery_failure', suppress: [], sendState: null }
const complaint = (email: string): Effects => ({ kind: 'complaint', signal: 'complaint', suppress: [{ email, reason: 'complaint' }], sendState: 'complained' })
const onListComplaint = (email: string): Effects => ({ kind: 'suppressed_complaint', signal: null, suppress: [{ email, reason: 'complaint' }], sendState: 'complained' })
const failure: Effects = { kind: 'delivery_failure', signal: 'delivery_failure', suppress: [], sendState: null }
const shown = (kind: 'send' | 'delivery' | 'open' | 'click' | 'ignored'): Effects => ({ kind, signal: null, suppress: [], sendState: null })

/** The NoEmail bounce: an events fixture, and the event inside the SNS and both SQS fixtures. */
const NO_EMAIL: Expected = {
  ...hard('nobody@acme-corp.example.com'),
  description: 'a permanent bounce (NoEmail): 550 5.1.1 The email account that you tried to reach does not exist.',
}
const ON_LIST = 'the address is on the account suppression list, so SES did not try to send'

/**
 * Every fixture, by path under fixtures/ses (SQS files by record: `file#index`). The test below lists the
 * directories, so a fixture added without a row here fails.
 */
const EXPECTED: Record<string, Expected> = {
  'events/bounce-permanent-general.json': {
    ...hard('raj.patel@globex.example.com'),
    description: 'a permanent bounce (General): 550 5.1.1 <raj.patel@globex.example.com>: Recipient address rejected: User unknown in virtual mailbox table',
  },
  'events/bounce-permanent-noemail.json': NO_EMAIL,
  'events/bounce-permanent-onaccountsuppressionlist.json': {
    ...onListBounce('blocked@umbrella.example.com'),
    description: `a permanent bounce (OnAccountSuppressionList): ${ON_LIST}`,
  },
  'events/bounce-permanent-suppressed.json': {
    ...hard('old.user@initech.example.com'),
    description: 'a permanent bounce (Suppressed): Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
  },
  'events/bounce-transient-attachmentrejected.json': { ...soft, description: 'a temporary bounce (AttachmentRejected): 554 5.7.1 Attachment type not allowed' },
  'events/bounce-transient-contentrejected.json': { ...soft, description: 'a temporary bounce (ContentRejected): 554 5.7.1 Message rejected due to content restrictions' },
  'events/bounce-transient-general.json': { ...soft, description: 'a temporary bounce (General): 451 4.3.0 Temporary server error. Please try again later' },
  'events/bounce-transient-mailboxfull.json': { ...soft, description: 'a temporary bounce (MailboxFull): 552 5.2.2 The email account that you tried to reach is over quota.' },
  'events/bounce-transient-messagetoolarge.json': { ...soft, description: 'a temporary bounce (MessageTooLarge): 552 5.3.4 Message size exceeds fixed maximum message size' },
  'events/bounce-undetermined.json': { ...soft, description: 'a bounce of unknown cause (Undetermined)' },
  'events/click.json': { ...shown('click'), description: 'a click on https://ourservice.example.com/demo?utm_source=email' },
  'events/complaint-abuse.json': { ...complaint('jane.doe@acme-corp.example.com'), description: 'a complaint (abuse)' },
  'events/complaint-no-feedback-report.json': { ...complaint('someone@hotmail.example.com'), description: 'a complaint' },
  'events/complaint-onaccountsuppressionlist.json': { ...onListComplaint('complainer@acme-corp.example.com'), description: `a complaint (${ON_LIST})` },
  'events/delivery-delay-ip-failure.json': { ...failure, description: 'a delivery delay (IPFailure)' },
  'events/delivery-delay-mailbox-full.json': { ...failure, description: 'a delivery delay (MailboxFull)' },
  'events/delivery-delay-transient-communication-failure.json': { ...failure, description: 'a delivery delay (TransientCommunicationFailure)' },
  'events/delivery.json': { ...shown('delivery'), description: 'a delivery: 250 2.0.0 OK  1741615201 d75a77b69052e-4c0a3f0a1b2si123456qtb.123 - gsmtp' },
  'events/open.json': { ...shown('open'), description: 'an open' },
  'events/reject.json': { ...failure, description: 'a rejection (Bad content)' },
  'events/rendering-failure.json': { ...failure, description: "a rendering failure (founders-intro-v2): Attribute 'first_name' is not present in the rendering data." },
  'events/send.json': { ...shown('send'), description: 'a send accepted by SES' },
  'events/subscription.json': { ...shown('ignored'), description: 'a contact-list subscription change, which Drason does not use' },
  'notifications/bounce-permanent-general.json': { ...hard('raj.patel@globex.example.com'), description: 'a permanent bounce (General): 550 5.1.1 user unknown' },
  'notifications/complaint-abuse.json': { ...complaint('jane.doe@acme-corp.example.com'), description: 'a complaint (abuse)' },
  'notifications/delivery.json': { ...shown('delivery'), description: 'a delivery: 250 ok:  Message 64111812 accepted' },
  'sns/notification-bounce.body.json': NO_EMAIL,
  'sns/notification-complaint.body.json': { ...complaint('jane.doe@acme-corp.example.com'), description: 'a complaint (abuse)' },
  'sns/notification-delivery-delay.body.json': { ...failure, description: 'a delivery delay (TransientCommunicationFailure)' },
  'sqs/receive-message.raw-delivery-off.json#0': NO_EMAIL,
  'sqs/receive-message.raw-delivery-on.json#0': NO_EMAIL,
}

/** One SQS body as the queue would carry it, named by how it travelled. */
interface Body {
  key: string
  carried: 'raw delivery' | 'SNS envelope'
  body: string
}

function sqsBodies(file: string): string[] {
  return (json(file) as { Messages: { Body: string }[] }).Messages.map((m) => m.Body)
}

/** Lists the fixture directories and turns each file (or SQS record) into the SQS bodies it stands for. */
function fixtureBodies(): Body[] {
  const list = (dir: string, keep: RegExp) => readdirSync(join(FIXTURES, dir)).filter((f) => keep.test(f)).map((f) => `${dir}/${f}`)
  const bodies: Body[] = []
  for (const file of [...list('events', /\.json$/u), ...list('notifications', /\.json$/u)]) {
    bodies.push({ key: file, carried: 'raw delivery', body: read(file) })
    bodies.push({ key: file, carried: 'SNS envelope', body: envelope(json(file), `sns-${file}`) })
  }
  for (const file of list('sns', /^notification-.*\.body\.json$/u)) bodies.push({ key: file, carried: 'SNS envelope', body: read(file) })
  for (const file of list('sqs', /\.json$/u)) {
    sqsBodies(file).forEach((body, i) => bodies.push({ key: `${file}#${i}`, carried: body.includes('"Notification"') ? 'SNS envelope' : 'raw delivery', body }))
  }
  return bodies
}

describe('classifyFeedback: every contract fixture', () => {
  const bodies = fixtureBodies()

  it('has an expectation for every fixture, and a fixture for every expectation', () => {
    expect([...new Set(bodies.map((b) => b.key))].sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  it.each(bodies.map((b) => [b.key, b.carried, b.body] as const))('%s (%s)', (key, _carried, body) => {
    const { kind, signal, suppress, sendState, description } = classify(body)
    expect({ kind, signal, suppress, sendState, description }).toEqual(EXPECTED[key])
  })
})

describe('classifyFeedback: feedbackId (idempotency key)', () => {
  const bounce = json('events/bounce-permanent-general.json')

  it('is the same for every copy of one bounce: SNS redeliveries, and the same bounce published by two topics', () => {
    const first = classify(envelope(bounce, 'msg-1'))
    expect(first.feedbackId).toBe('0100018e2b7d0001-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000')
    expect(classify(envelope(bounce, 'msg-1')).feedbackId).toBe(first.feedbackId)
    // The identity's notification topic and the configuration set's event destination: two SNS messages.
    expect(classify(envelope(bounce, 'msg-2')).feedbackId).toBe(first.feedbackId)
    expect(classify(read('events/bounce-permanent-general.json')).feedbackId).toBe(first.feedbackId)
  })

  it('tells two different bounces apart even inside envelopes with one SNS MessageId', () => {
    const other = { ...(bounce as { bounce: Record<string, unknown> }), bounce: { ...(bounce as { bounce: Record<string, unknown> }).bounce, feedbackId: 'another-feedback' } }
    expect(classify(envelope(other, 'msg-1')).feedbackId).not.toBe(classify(envelope(bounce, 'msg-1')).feedbackId)
  })

  it('keys an enveloped event by its content, and one with no timestamp at all by its SNS MessageId', () => {
    const send = json('events/send.json') as { mail: Record<string, unknown> }
    expect(classify(envelope(send, 'sns-41')).feedbackId).toBe(classify(read('events/send.json')).feedbackId)
    const bare = { ...send, mail: { ...send.mail, timestamp: undefined } }
    expect(classify(envelope(bare, 'sns-42')).feedbackId).toBe('sns-42')
    expect(classify(envelope(json('events/delivery.json'), 'sns-43')).feedbackId).toBe(classify(read('events/delivery.json')).feedbackId)
  })

  it('is the same for one SNS message whether it came by SQS or by HTTP', () => {
    const bySqs = classify(sqsBodies('sqs/receive-message.raw-delivery-off.json')[0]!)
    const byHttp = classify(read('sns/notification-bounce.body.json'))
    expect(bySqs.kind).toBe('hard_bounce')
    expect(bySqs.feedbackId).not.toBe('22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324')
    expect(byHttp.feedbackId).toBe(bySqs.feedbackId)
  })

  it.each([
    ['events/bounce-permanent-general.json', '0100018e2b7d0001-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000'],
    ['notifications/bounce-permanent-general.json', '0100018e2b7d0015-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000'],
    ['events/complaint-abuse.json', '0100018e2b7d000b-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000'],
    ['events/delivery.json', 'Delivery:0100018e2b7c000e-6f1d2c3b-9a8b-4c7d-8e9f-0a1b2c3d4e5f-000000:2025-03-10T14:00:01.733Z'],
    ['events/send.json', 'Send:0100018e2b7c000e-6f1d2c3b-9a8b-4c7d-8e9f-0a1b2c3d4e5f-000000:2025-03-10T14:00:00.512Z'],
  ])('raw delivery of %s is keyed %s (SES feedbackId, else type:messageId:occurredAt)', (file, feedbackId) => {
    expect(classify(read(file)).feedbackId).toBe(feedbackId)
  })

  it('raw delivery through SQS keys a bounce by its SES feedbackId', () => {
    expect(classify(sqsBodies('sqs/receive-message.raw-delivery-on.json')[0]!).feedbackId).toBe('0100018e2b7d0002-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000')
  })

  it('tells two opens of one message apart by their SES timestamps', () => {
    const open = json('events/open.json') as { open: Record<string, unknown> }
    const later = { ...open, open: { ...open.open, timestamp: '2025-03-11T09:00:00.000Z' } }
    expect(classify(JSON.stringify(later)).feedbackId).not.toBe(classify(read('events/open.json')).feedbackId)
  })
})

describe('classifyFeedback: occurredAt', () => {
  it.each([
    ['events/bounce-permanent-general.json', '2025-03-10T14:00:03.201Z'],
    ['events/complaint-abuse.json', '2025-03-11T07:12:30.000Z'],
    ['events/delivery.json', '2025-03-10T14:00:01.733Z'],
    ['events/delivery-delay-mailbox-full.json', '2025-03-10T14:10:00.095Z'],
    ['events/open.json', '2025-03-10T15:12:44.000Z'],
    ['events/click.json', '2025-03-10T15:13:02.000Z'],
    // Send, Reject and Rendering Failure carry no time of their own: the send time stands in.
    ['events/send.json', '2025-03-10T14:00:00.512Z'],
    ['events/reject.json', '2025-03-10T14:00:00.512Z'],
    ['events/rendering-failure.json', '2025-03-10T14:00:00.512Z'],
  ])('%s happened at %s', (file, at) => {
    expect(classify(read(file)).occurredAt).toBe(at)
  })

  it.each([
    ['an offset is normalised to UTC', { bounce: '2025-03-10T15:00:03.201+01:00', mail: '2025-03-10T14:00:00.512Z' }, '2025-03-10T14:00:03.201Z'],
    ['an unreadable own timestamp falls back to the send time', { bounce: 'yesterday', mail: '2025-03-10T14:00:00.512Z' }, '2025-03-10T14:00:00.512Z'],
    ['no readable time at all is null', { bounce: 5, mail: undefined }, null],
  ])('%s', (_name, times, at) => {
    const event = json('events/bounce-permanent-general.json') as { bounce: Record<string, unknown>; mail: Record<string, unknown> }
    const body = JSON.stringify({ ...event, bounce: { ...event.bounce, timestamp: times.bounce }, mail: { ...event.mail, timestamp: times.mail } })
    const result = classify(body)
    expect(result.occurredAt).toBe(at)
    expect(result.kind).toBe('hard_bounce')
  })
})

describe('classifyFeedback: recipients are normalised as intake normalises leads', () => {
  const bounce = json('events/bounce-permanent-general.json') as { bounce: Record<string, unknown> }
  const withRecipients = (addresses: string[]) =>
    JSON.stringify({ ...bounce, bounce: { ...bounce.bounce, bouncedRecipients: addresses.map((emailAddress) => ({ emailAddress, diagnosticCode: 'smtp; 550 5.1.1 user unknown' })) } })
  const complaint = json('events/complaint-abuse.json') as { complaint: Record<string, unknown> }

  it.each([
    ['an upper-case domain and local part', ['Raj.Patel@GLOBEX.Example.COM'], ['raj.patel@globex.example.com'], []],
    ['a display name', ['"Raj Patel" <raj.patel@globex.example.com>'], ['raj.patel@globex.example.com'], []],
    ['the same person twice', ['raj.patel@globex.example.com', 'RAJ.PATEL@globex.example.com'], ['raj.patel@globex.example.com'], []],
    ['an address intake would refuse (reported, not suppressed)', ['not-an-address', 'ops@hooli.example.com'], ['ops@hooli.example.com'], ['not-an-address']],
  ])('bounce with %s', (_name, addresses, suppressed, unreadable) => {
    const result = classify(withRecipients(addresses))
    expect(result.suppress).toEqual(suppressed.map((email) => ({ email, reason: 'hard_bounce' })))
    expect(result.details['unreadableRecipients']).toEqual(unreadable.length > 0 ? unreadable : undefined)
    expect(result.signal).toBe('hard_bounce')
  })

  it('complaint with an upper-case domain', () => {
    const body = JSON.stringify({ ...complaint, complaint: { ...complaint.complaint, complainedRecipients: [{ emailAddress: 'Jane.Doe@ACME-CORP.Example.com' }] } })
    expect(classify(body).suppress).toEqual([{ email: 'jane.doe@acme-corp.example.com', reason: 'complaint' }])
  })
})

describe('classifyFeedback: malformed bounces and complaints are unreadable, unknown events ignored, never thrown', () => {
  const bounce = json('events/bounce-permanent-general.json') as { bounce: Record<string, unknown> }
  const withBounce = (b: unknown) => envelope({ ...bounce, bounce: b }, 'sns-malformed')
  const nothing = { signal: null, suppress: [], sendState: null }

  it.each([
    ['no bounce object', withBounce(undefined), 'a bounce that could not be read (bounce: Invalid input: expected object, received undefined)'],
    ['no bounceType', withBounce({ ...bounce.bounce, bounceType: undefined }), 'a bounce that could not be read (bounce.bounceType: '],
    ['an unknown bounceType', withBounce({ ...bounce.bounce, bounceType: 'Sideways' }), 'a bounce that could not be read (bounce.bounceType: '],
    ['recipients that are not a list', withBounce({ ...bounce.bounce, bouncedRecipients: 'raj.patel@globex.example.com' }), 'a bounce that could not be read (bounce.bouncedRecipients: '],
    ['no recipients', withBounce({ ...bounce.bounce, bouncedRecipients: [] }), 'a bounce that could not be read (bounce.bouncedRecipients: '],
    ['a recipient without an address', withBounce({ ...bounce.bounce, bouncedRecipients: [{ status: '5.1.1' }] }), 'a bounce that could not be read (bounce.bouncedRecipients.0.emailAddress: '],
    ['a complaint without recipients', JSON.stringify({ eventType: 'Complaint', mail: { messageId: 'm1' }, complaint: { feedbackId: 'f1' } }), 'a complaint that could not be read (complaint.complainedRecipients: '],
    ['an unknown event type', JSON.stringify({ eventType: 'Shipment', mail: { messageId: 'm1' } }), 'an SES event of unknown type "Shipment"'],
    ['a type named like an object property', JSON.stringify({ eventType: 'constructor', mail: { messageId: 'm1' } }), 'an SES event of unknown type "constructor"'],
  ])('%s', (_name, body, description) => {
    const result = classify(body)
    // A bounce or complaint Drason cannot read is kept for a person (unreadable); only what Drason leaves
    // alone by design (an unknown type) is ignored.
    expect(result).toMatchObject({ kind: description.startsWith('an SES event') ? 'ignored' : 'unreadable', ...nothing })
    expect(result.description.startsWith(description)).toBe(true)
  })

  it('gives an unreadable event a key that its redeliveries share, so a redelivery is recognised', () => {
    const key = classify(withBounce(undefined)).feedbackId
    expect(key).toBe('Bounce:0100018e2b7c0001-6f1d2c3b-9a8b-4c7d-8e9f-0a1b2c3d4e5f-000000:2025-03-10T14:00:00.512Z')
    expect(classify(withBounce(undefined)).feedbackId).toBe(key)
  })

  it('accepts fields it does not know and informational fields of the wrong type', () => {
    const body = JSON.stringify({ ...bounce, newTopLevel: true, bounce: { ...bounce.bounce, reportingMTA: 7, feedbackId: 9, somethingNew: { a: 1 } } })
    const result = classify(body)
    expect(result).toMatchObject({ kind: 'hard_bounce', suppress: [{ email: 'raj.patel@globex.example.com', reason: 'hard_bounce' }] })
    expect(result.feedbackId).toBe('Bounce:0100018e2b7c0001-6f1d2c3b-9a8b-4c7d-8e9f-0a1b2c3d4e5f-000000:2025-03-10T14:00:03.201Z')
  })
})

describe('classifyFeedback: details for the audit event', () => {
  it.each([
    [
      'notifications/bounce-permanent-general.json',
      {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        status: '5.1.1',
        feedbackId: '0100018e2b7d0015-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000',
        reportingMTA: 'dsn; a8-30.smtp-out.amazonses.com',
        remoteMtaIp: '198.51.100.77',
        recipients: ['raj.patel@globex.example.com'],
      },
    ],
    [
      'events/complaint-abuse.json',
      {
        complaintFeedbackType: 'abuse',
        userAgent: 'Yahoo!-Mail-Feedback/2.0',
        arrivalDate: '2025-03-11T07:12:29.000Z',
        feedbackId: '0100018e2b7d000b-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000',
        recipients: ['jane.doe@acme-corp.example.com'],
      },
    ],
    [
      'events/complaint-onaccountsuppressionlist.json',
      { complaintSubType: 'OnAccountSuppressionList', feedbackId: '0100018e2b7d000d-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000', recipients: ['complainer@acme-corp.example.com'] },
    ],
    [
      'events/delivery-delay-mailbox-full.json',
      {
        delayType: 'MailboxFull',
        expirationTime: '2025-03-10T23:59:59.000Z',
        reportingMTA: '203.0.113.51',
        status: '4.2.2',
        diagnosticCode: 'smtp; 452 4.2.2 The email account that you tried to reach is over quota',
        recipients: ['busy@vandelay.example.com'],
      },
    ],
    ['events/reject.json', { reason: 'Bad content' }],
    ['events/rendering-failure.json', { templateName: 'founders-intro-v2', errorMessage: "Attribute 'first_name' is not present in the rendering data." }],
    ['events/send.json', {}],
  ])('%s', (file, details) => {
    expect(classify(read(file)).details).toEqual(details)
  })
})

describe('SEND_STATE_RANK', () => {
  it('orders sent < bounced < complained, so a late Delivery never undoes a Bounce', () => {
    expect(SEND_STATE_RANK.sent).toBeLessThan(SEND_STATE_RANK.bounced)
    expect(SEND_STATE_RANK.bounced).toBeLessThan(SEND_STATE_RANK.complained)
  })
})
