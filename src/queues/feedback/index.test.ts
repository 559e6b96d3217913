import type { SQSEvent } from 'aws-lambda'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// The handler's wiring only: which records SQS is told failed (retried, then dead-lettered) and which are
// acknowledged. Parsing is tested in ses-event.test.ts, classification in feedback.test.ts, the service on
// DynamoDB Local in test/integration/feedback.test.ts.
const deps = { marker: 'deps' }
vi.mock('../../shared/composition.server', () => ({ appDeps: vi.fn(async () => deps) }))
vi.mock('../../shared/services/feedback', () => ({ processFeedback: vi.fn() }))

const { processFeedback } = await import('../../shared/services/feedback')
const { handler } = await import('./index')

const sqs = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body, i) => ({ messageId: `sqs-${i}`, body })) }) as unknown as SQSEvent
const envelope = (message: unknown) => JSON.stringify({ Type: 'Notification', MessageId: 'sns-1', Message: typeof message === 'string' ? message : JSON.stringify(message) })
const bounce = { eventType: 'Bounce', mail: { messageId: 'ses-1' }, bounce: { bounceType: 'Sideways', bouncedRecipients: [] } }
const open = { eventType: 'Open', mail: { messageId: 'ses-2' }, open: { ipAddress: '192.0.2.1' } }

describe('feedback queue handler', () => {
  beforeEach(() => {
    vi.mocked(processFeedback).mockReset()
    vi.spyOn(console, 'log').mockImplementation(() => undefined)
  })

  it('reports a body it cannot read as failed, so SQS dead-letters it instead of deleting it', async () => {
    const out = await handler(sqs('not json', envelope('{nope'), JSON.stringify({ hello: 'world' })))
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'sqs-0' }, { itemIdentifier: 'sqs-1' }, { itemIdentifier: 'sqs-2' }])
    expect(processFeedback).not.toHaveBeenCalled()
  })

  it('acknowledges the setup notices SES sends when a topic is subscribed (ignored by design)', async () => {
    const out = await handler(
      sqs(envelope({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed your Amazon SNS topic ...' }), envelope('Successfully validated SNS topic for Amazon SES event publishing.')),
    )
    expect(out.batchItemFailures).toEqual([])
  })

  it('reports an unreadable bounce as failed after the service kept it; acknowledges what Drason ignores or applied', async () => {
    vi.mocked(processFeedback).mockImplementation(async (_deps, event) =>
      event.type === 'Bounce' ? { outcome: 'unreadable', kind: 'unreadable', feedbackId: 'unreadable:x', reason: 'a bounce that could not be read' } : { outcome: 'applied', kind: 'open', feedbackId: 'o' },
    )
    const out = await handler(sqs(envelope(bounce), envelope(open), JSON.stringify({ eventType: 'Shipment', mail: { messageId: 'ses-3' } })))
    expect(processFeedback).toHaveBeenCalledTimes(3)
    expect(vi.mocked(processFeedback).mock.calls[0]![0]).toBe(deps)
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'sqs-0' }])
  })

  it('reports a record whose processing throws, and only that one', async () => {
    vi.mocked(processFeedback).mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce({ outcome: 'ignored', kind: 'ignored', reason: 'an SES event of unknown type' })
    const out = await handler(sqs(envelope(open), envelope(open)))
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'sqs-0' }])
  })
})
