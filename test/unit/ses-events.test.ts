import { describe, expect, it } from 'vitest'
import { classifyFeedback } from '../../src/shared/domain/feedback'
import { drasonTags, parseFeedbackBody } from '../../src/shared/domain/ses-event'
import { simulatedEvent, snsEnvelope, SIMULATED_KINDS } from '../../scripts/local/ses-events'

const NOW = new Date('2026-11-21T10:00:00.000Z')
const SEND = { leadId: 'L1', campaignId: 'c1', mailboxId: 'anita@mail.example.com', sendId: 's1', messageId: 'm1', source: 'anita@mail.example.com' }

describe('npm run simulate: the events it builds', () => {
  it.each([
    ['bounce', 'hard_bounce', 'hard_bounce', true],
    ['complaint', 'complaint', 'complaint', true],
    ['delay', 'delivery_failure', 'delivery_failure', false],
  ] as const)('a %s is read by the feedback parser as %s', (kind, expectedKind, signal, suppressed) => {
    const parsed = parseFeedbackBody(JSON.stringify(snsEnvelope(simulatedEvent(kind, 'raj@globex.example.com', SEND, NOW), NOW)))
    if (!parsed.ok) throw new Error(parsed.reason)
    const c = classifyFeedback(parsed.event)
    expect(c).toMatchObject({ kind: expectedKind, signal })
    expect(c.suppress.map((s) => s.email)).toEqual(suppressed ? ['raj@globex.example.com'] : [])
    expect(drasonTags(parsed.event)).toEqual({ leadId: 'L1', campaignId: 'c1', sendId: 's1', mailboxId: 'anita@mail.example.com' })
  })

  it('builds untagged events for an address Drason never sent to, and a fresh id each time', () => {
    const a = parseFeedbackBody(JSON.stringify(snsEnvelope(simulatedEvent('bounce', 'x@y.example.com', null, NOW), NOW)))
    const b = parseFeedbackBody(JSON.stringify(snsEnvelope(simulatedEvent('bounce', 'x@y.example.com', null, NOW), NOW)))
    if (!a.ok || !b.ok) throw new Error('not parsed')
    expect(drasonTags(a.event)).toBeNull()
    expect(classifyFeedback(a.event).feedbackId).not.toBe(classifyFeedback(b.event).feedbackId)
    expect(SIMULATED_KINDS).toEqual(['bounce', 'complaint', 'delay'])
  })
})
