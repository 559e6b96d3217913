import { randomUUID } from 'node:crypto'

/**
 * SES events for local tools, shaped like the contract's fixtures (shared/contracts/ses-sns-events.md):
 * what `npm run simulate` feeds the sandbox. Tagged like Drason's own sends when the send is known, so
 * the feedback service can attribute them to a lead, campaign and mailbox.
 */
export type SimulatedKind = 'bounce' | 'complaint' | 'delay'
export const SIMULATED_KINDS: readonly SimulatedKind[] = ['bounce', 'complaint', 'delay']

export interface SendTags {
  leadId: string
  campaignId: string
  mailboxId: string | null
  sendId: string
  messageId: string | null
  source: string | null
}

export function simulatedEvent(kind: SimulatedKind, address: string, send: SendTags | null, now: Date): Record<string, unknown> {
  const at = now.toISOString()
  const mail = {
    timestamp: at,
    messageId: send?.messageId ?? `local-${randomUUID()}`,
    source: send?.source ?? 'local@drason.local',
    destination: [address],
    tags: send
      ? { lead: [send.leadId], campaign: [send.campaignId], send: [send.sendId], ...(send.mailboxId ? { mailbox: [send.mailboxId] } : {}) }
      : {},
  }
  switch (kind) {
    case 'bounce':
      return {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown (simulated)' }],
          timestamp: at,
          feedbackId: `local-${randomUUID()}`,
          reportingMTA: 'dns; local.drason',
        },
      }
    case 'complaint':
      return {
        eventType: 'Complaint',
        mail,
        complaint: { complainedRecipients: [{ emailAddress: address }], timestamp: at, feedbackId: `local-${randomUUID()}`, complaintFeedbackType: 'abuse', userAgent: 'simulate' },
      }
    case 'delay':
      return {
        eventType: 'DeliveryDelay',
        mail,
        deliveryDelay: { timestamp: at, delayType: 'MailboxFull', expirationTime: new Date(now.getTime() + 86_400_000).toISOString(), delayedRecipients: [{ emailAddress: address, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 mailbox full (simulated)' }] },
      }
  }
}

/** As SNS hands it to SQS with raw delivery off. */
export function snsEnvelope(event: unknown, now: Date): Record<string, unknown> {
  return { Type: 'Notification', MessageId: randomUUID(), TopicArn: 'arn:aws:sns:us-east-1:000000000000:drason-local-feedback', Message: JSON.stringify(event), Timestamp: now.toISOString() }
}

/** Hands a message to the running sandbox's feedback queue (the sandbox invokes the handler at once). */
export async function publishToSandboxQueue(eventsPort: number, queue: string, payload: unknown): Promise<void> {
  const res = await fetch(`http://localhost:${eventsPort}/queues`, { method: 'POST', body: JSON.stringify({ name: queue, payload }) })
  if (!res.ok) throw new Error(`the sandbox refused the message (${res.status}): ${await res.text()}`)
}
