import { describe, expect, it } from 'vitest'
import { campaign, fixedClock, sequentialIds } from '../../../test/support/memory'
import { testLead } from '../../../test/support/factories'
import type { AuditEvent } from '../domain/audit'
import type { Mailbox } from '../domain/entities'
import type { SendRecord } from './pulse'
import type { SendCounters } from './send-confirmation'
import { listUnknownSends, settleUnknownSend, type UnknownSendsDeps } from './unknown-sends'

const PERSON = { type: 'user' as const, id: 'ops@example.com' }
const mailbox: Mailbox = {
  id: 'mb-a',
  address: 'anita@mail.example.com',
  fromName: 'Anita',
  domainId: 'd1',
  status: 'active',
  healthState: 'healthy',
  dailyCap: 40,
  pauseReason: null,
  lastActivityAt: null,
}

function world(records: SendRecord[]) {
  const stored = new Map(records.map((r) => [`${r.campaignId}|${r.leadId}`, structuredClone(r)]))
  const settled: { record: SendRecord; event: AuditEvent; counters: SendCounters }[] = []
  let raceLost = false
  const completed: string[] = []
  const lead = testLead('L1', { email: 'priya@acme.example', status: 'active', campaignId: 'c1' })
  const c = { ...campaign('c1', 'Founders India'), window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' } }
  const deps: UnknownSendsDeps = {
    sends: {
      get: async (campaignId, leadId) => structuredClone(stored.get(`${campaignId}|${leadId}`) ?? null),
      listUnknown: async (limit) => ({ items: [...stored.values()].filter((r) => r.state === 'unknown').slice(0, limit), nextCursor: null }),
      async settleByPerson(record, event, counters) {
        const now = stored.get(`${record.campaignId}|${record.leadId}`)
        if (raceLost || !now || now.state !== 'unknown' || now.sendId !== record.sendId) return 'changed'
        stored.set(`${record.campaignId}|${record.leadId}`, structuredClone(record))
        settled.push({ record, event, counters })
        return 'settled'
      },
    },
    leads: {
      getMany: async (ids) => ids.filter((id) => id === 'L1').map((id) => testLead(id, { email: 'priya@acme.example' })),
      get: async (id) => (id === 'L1' ? lead : null),
      async complete(l) {
        completed.push(l.id)
        return 'moved'
      },
    },
    campaigns: { get: async (id) => (id === 'c1' ? { value: c } : null) },
    senders: { getMailbox: async (id) => (id === 'mb-a' ? { value: mailbox } : null) },
    clock: fixedClock('2026-11-24T08:00:00.000Z'),
    ids: sequentialIds('ev'),
  }
  return { deps, stored, settled, completed, loseTheRace: () => (raceLost = true) }
}

// Claimed at 20:00 UTC on the 23rd: the 24th in Kolkata, the campaign's day; the 23rd for the rest.
const unknown: SendRecord = { campaignId: 'c1', leadId: 'L1', sendId: 's1', state: 'unknown', mailboxId: 'mb-a', claimedAt: '2026-11-23T20:00:00.000Z', reason: 'timed out after 10 s' }
const REF = { campaignId: 'c1', leadId: 'L1', sendId: 's1' }

describe('listUnknownSends', () => {
  it("names each send's lead, campaign and mailbox, and keeps ids where one is gone", async () => {
    const w = world([unknown, { ...unknown, leadId: 'L9', sendId: 's9', campaignId: 'gone', mailboxId: null }, { ...unknown, leadId: 'L2', sendId: 's2', state: 'sent' }])
    const page = await listUnknownSends(w.deps, 50)
    expect(page.items).toEqual([
      { campaignId: 'c1', campaignName: 'Founders India', leadId: 'L1', email: 'priya@acme.example', sendId: 's1', mailbox: 'anita@mail.example.com', claimedAt: unknown.claimedAt, reason: 'timed out after 10 s' },
      { campaignId: 'gone', campaignName: 'gone', leadId: 'L9', email: 'L9', sendId: 's9', mailbox: null, claimedAt: unknown.claimedAt, reason: 'timed out after 10 s' },
    ])
  })
})

describe('settleUnknownSend', () => {
  it('records a send a person found with its MessageId, counted on the days it was claimed, and audited with their name', async () => {
    const w = world([unknown])
    expect(await settleUnknownSend(w.deps, PERSON, REF, { outcome: 'sent', messageId: '0100018c2f9e6c71-1234', note: 'Found in the SES console' })).toEqual({ ok: true, state: 'sent' })
    const [done] = w.settled
    expect(done!.record).toEqual({ ...unknown, state: 'sent', messageId: '0100018c2f9e6c71-1234' })
    expect(done!.counters).toEqual([
      { scope: 'overall', id: 'all', day: '2026-11-23' },
      { scope: 'campaign', id: 'c1', day: '2026-11-24' },
      { scope: 'mailbox', id: 'mb-a', day: '2026-11-23' },
      { scope: 'domain', id: 'd1', day: '2026-11-23' },
    ])
    expect(done!.event).toMatchObject({
      actor: PERSON,
      entityType: 'lead',
      entityId: 'L1',
      action: 'send_settled',
      sentence: 'ops@example.com recorded that the email to lead L1 went out (MessageId 0100018c2f9e6c71-1234); it is now counted as sent. Note: Found in the SES console',
      details: { campaignId: 'c1', sendId: 's1', was: 'unknown', now: 'sent', messageId: '0100018c2f9e6c71-1234', note: 'Found in the SES console' },
    })
  })

  it('records a send that did not go out as failed, uncounted, never retried', async () => {
    const w = world([unknown])
    expect(await settleUnknownSend(w.deps, PERSON, REF, { outcome: 'not_sent' })).toEqual({ ok: true, state: 'failed' })
    const [done] = w.settled
    expect(done!.record).toMatchObject({ state: 'failed', reason: 'not sent, as ops@example.com found (was: timed out after 10 s)' })
    expect(done!.record).not.toHaveProperty('messageId')
    expect(done!.counters).toEqual([])
    // Done in its campaign either way: the lead leaves the active ones.
    expect(w.completed).toEqual(['L1'])
    expect(done!.event.sentence).toBe('ops@example.com recorded that the email to lead L1 did not go out; it stays unsent and is not retried in this campaign.')
  })

  it.each([
    ['a send that is no longer unknown', [{ ...unknown, state: 'sent' as const, messageId: 'm' }], REF, 409, 'already settled (sent)'],
    ['a send id that is not the stored one', [unknown], { ...REF, sendId: 'other' }, 404, 'no longer exists'],
    ['a lead with no send', [], REF, 404, 'no longer exists'],
  ])('refuses %s and changes nothing', async (_label, records, ref, status, message) => {
    const w = world(records)
    expect(await settleUnknownSend(w.deps, PERSON, ref, { outcome: 'not_sent' })).toEqual({ ok: false, status, message: expect.stringContaining(message) })
    expect(w.settled).toEqual([])
    expect(w.completed).toEqual([])
  })

  it('says so when SES or another person settled it between the read and the write', async () => {
    const w = world([unknown])
    w.loseTheRace()
    expect(await settleUnknownSend(w.deps, PERSON, REF, { outcome: 'sent', messageId: '0100018c2f9e6c71-1234' })).toEqual({ ok: false, status: 409, message: expect.stringContaining('settled meanwhile') })
    expect(w.stored.get('c1|L1')).toEqual(unknown)
  })
})
