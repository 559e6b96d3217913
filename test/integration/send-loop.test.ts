import { describe, expect, it } from 'vitest'
import type { Campaign, Lead } from '../../src/shared/domain/entities'
import { dayOf } from '../../src/shared/domain/metrics'
import { controlCampaign } from '../../src/shared/services/campaign-controls'
import { MAX_PULSE_RETRIES, pulse, type PulseResult } from '../../src/shared/services/pulse'
import { sweepStuckSends } from '../../src/shared/services/send-sweep'
import { restartStalledChains, STALLED_AFTER_MS } from '../../src/shared/services/chain-watchdog'
import { evaluateHeldLeads } from '../../src/shared/services/gate'
import { confirmFromSendEvent } from '../../src/shared/services/send-confirmation'
import { parseFeedbackBody } from '../../src/shared/domain/ses-event'
import { setupEvent, testLead } from '../support/factories'
import { directDeps, world } from '../support/world'

const actor = { type: 'user' as const, id: 'tester@drason.test' }
let n = 0

/** An active campaign (always inside its window) with these leads admitted, and a recording pulse queue. */
async function runningCampaign(emails: string[], patch: Partial<Campaign> = {}) {
  const pulses: { pulse: { campaignId: string; chainId: string }; delay: number }[] = []
  const deps = directDeps({ pulseQueue: { enqueue: async (pulse, delay) => void pulses.push({ pulse, delay }) } })
  const base = (await deps.campaigns.get('founders-india'))!.value
  const id = `loop-${Date.now()}-${++n}`
  const campaign: Campaign = {
    ...base,
    id,
    name: `Loop ${id}`,
    status: 'draft',
    window: { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24, timeZone: 'UTC' },
    subjectTemplate: '{Quick question|A thought} for {{Company}}',
    bodyTemplate: '{Hi|Hello} {{FirstName|there}},\nHow is {{Company}} doing?',
    ...patch,
  }
  await deps.campaigns.insert(campaign, { id: `e-${id}`, at: new Date().toISOString(), actor, entityType: 'campaign', entityId: id, action: 'created', sentence: 'Test.' })
  const leads: Lead[] = []
  for (const email of emails) {
    const lead = testLead(`${id}-l${leads.length}`, { email, campaignId: id, createdAt: new Date(Date.now() + leads.length).toISOString() })
    await deps.leads.insert(lead, setupEvent('lead', lead.id, lead.createdAt))
    leads.push(lead)
  }
  expect(await controlCampaign(deps, actor, id, 'start')).toMatchObject({ ok: true })
  return { deps, id, leads, pulses }
}

async function mailsTo(address: string) {
  const store = (await (await fetch(`${world().sesUrl}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; headers?: { name: string; value: string }[] }[] }
  return store.emails.filter((e) => JSON.stringify(e.destination).includes(address))
}

describe('the send loop', () => {
  it('verifies just in time, skips an invalid address at once, sends the rest with Gaussian gaps, and records each send', async () => {
    const tag = Date.now()
    const good = [`one.${tag}@acme.example.com`, `two.${tag}@acme.example.com`]
    const { deps, id, pulses } = await runningCampaign([good[0]!, `bad.${tag}@invalid.test`, good[1]!])
    const overallBefore = (await deps.metrics.days('overall', 'all', [dayOf(new Date())]))[0]!
    const results: PulseResult[] = []
    for (let i = 0; i < 4; i++) results.push(await pulse(deps, pulses.at(-1)!.pulse))
    expect(results.map((r) => r.kind)).toEqual(['sent', 'skipped', 'sent', 'idle'])
    // Skipping does not wait; a send is followed by a delay inside the campaign's bounds.
    const delays = pulses.slice(1).map((p) => p.delay)
    expect(delays[0]).toBeGreaterThanOrEqual(60)
    expect(delays[0]).toBeLessThanOrEqual(180)
    expect(delays[1]).toBe(0)

    for (const address of good) {
      const [mail] = await mailsTo(address)
      expect(mail?.subject).toMatch(/^(Quick question|A thought) for Acme$/)
      const headers = Object.fromEntries((mail?.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]))
      expect(headers['list-unsubscribe']).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+\.[\w-]+\.[\w-]+>$/)
      expect(headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    }
    const sent = results[0] as Extract<PulseResult, { kind: 'sent' }>
    const record = await deps.sends.get(id, sent.leadId)
    expect(record).toMatchObject({ state: 'sent', messageId: sent.messageId })
    // The variant is kept once, in the audit event (stored deflated, read back whole), not on the record.
    expect(record).not.toHaveProperty('variant')
    const [event] = (await deps.audit.forEntity('lead', sent.leadId, 1)).items
    expect(event).toMatchObject({
      action: 'sent',
      details: { messageId: sent.messageId, variant: { subject: expect.stringMatching(/for Acme$/), text: expect.stringMatching(/^(Hi|Hello) Priya,/), choices: { subject: [expect.any(Number)] } } },
    })
    const skipped = (await deps.audit.forEntity('lead', `${id}-l1`, 1)).items[0]
    expect(skipped).toMatchObject({ action: 'skipped_invalid', sentence: expect.stringContaining('Invalid') })
    expect((await deps.metrics.days('campaign', id, [dayOf(new Date())]))[0]!.sends).toBe(2)
    // The verification pass rate's counters: three checks used, two passed (the sends).
    const overall = (await deps.metrics.days('overall', 'all', [dayOf(new Date())]))[0]!
    expect([overall.verified - overallBefore.verified, overall.verify_passed - overallBefore.verify_passed]).toEqual([3, 2])
    // The campaign's own pass rate (its page) counts the same checks.
    expect((await deps.metrics.days('campaign', id, [dayOf(new Date())]))[0]).toMatchObject({ sends: 2, verified: 3, verify_passed: 2 })
  })

  it('never sends a lead twice, even with two pulses of the chain at once', async () => {
    const address = `once.${Date.now()}@acme.example.com`
    const { deps, pulses } = await runningCampaign([address])
    const message = pulses.at(-1)!.pulse
    const results = await Promise.all([pulse(deps, message), pulse(deps, message), pulse(deps, message)])
    expect(results.filter((r) => r.kind === 'sent')).toHaveLength(1)
    expect(await mailsTo(address)).toHaveLength(1)
  })

  it('ends a pulse from an old chain, and stops at once after Pause', async () => {
    const address = `paused.${Date.now()}@acme.example.com`
    const { deps, id, pulses } = await runningCampaign([address])
    const first = pulses.at(-1)!.pulse
    expect(await controlCampaign(deps, actor, id, 'pause')).toMatchObject({ ok: true })
    expect(await pulse(deps, first)).toEqual({ kind: 'stale' })
    expect(await controlCampaign(deps, actor, id, 'resume')).toMatchObject({ ok: true })
    expect(await pulse(deps, first)).toEqual({ kind: 'stale' })
    expect(await mailsTo(address)).toHaveLength(0)
    expect((await pulse(deps, pulses.at(-1)!.pulse)).kind).toBe('sent')
  })

  it('waits without sending when the campaign cap is reached, audited once', async () => {
    const tag = Date.now()
    const { deps, id, pulses } = await runningCampaign([`c1.${tag}@acme.example.com`, `c2.${tag}@acme.example.com`], { dailyCap: 1 })
    expect((await pulse(deps, pulses.at(-1)!.pulse)).kind).toBe('sent')
    const waiting = await pulse(deps, pulses.at(-1)!.pulse)
    expect(waiting).toMatchObject({ kind: 'waiting', reason: 'campaign_cap_reached' })
    await pulse(deps, pulses.at(-1)!.pulse)
    const waits = (await deps.audit.forEntity('campaign', id, 10)).items.filter((e) => e.action === 'sending_waits')
    expect(waits).toHaveLength(1)
    expect((await deps.campaigns.get(id))!.value.status).toBe('active')
    expect(await mailsTo(`c2.${tag}@acme.example.com`)).toHaveLength(0)
  })

  it('a sent lead is completed; Abort returns every unsent lead to held with the reason, the sent one keeps its send', async () => {
    const tag = Date.now()
    const { deps, id, leads, pulses } = await runningCampaign([`a1.${tag}@acme.example.com`, `a2.${tag}@acme.example.com`, `a3.${tag}@acme.example.com`])
    expect((await pulse(deps, pulses.at(-1)!.pulse)).kind).toBe('sent')
    expect(await controlCampaign(deps, actor, id, 'abort')).toMatchObject({ ok: true, status: 'aborted' })
    const [sent, second, third] = await Promise.all(leads.map((l) => deps.leads.get(l.id)))
    expect(sent!.status).toBe('completed')
    expect(await deps.sends.get(id, sent!.id)).toMatchObject({ state: 'sent' })
    for (const lead of [second, third]) {
      expect(lead).toMatchObject({ status: 'held', holdReason: expect.stringContaining('was aborted by tester@drason.test') })
      expect((await deps.audit.forEntity('lead', lead!.id, 1)).items[0]?.action).toBe('returned_to_held')
    }
    expect(await pulse(deps, pulses.at(-1)!.pulse)).toEqual({ kind: 'stale' })
  })

  it('restarts a chain whose next pulse was lost: the watchdog re-enqueues the expected pulse and the loop carries on', async () => {
    const tag = Date.now()
    const { deps, id, leads, pulses } = await runningCampaign([`w1.${tag}@acme.example.com`, `w2.${tag}@acme.example.com`])
    expect((await pulse(deps, pulses.at(-1)!.pulse)).kind).toBe('sent')
    // The next pulse is lost (the enqueue failed after the cursor moved): nothing is delivered.
    const expected = pulses.at(-1)!.pulse
    const later = { now: () => new Date(Date.now() + STALLED_AFTER_MS + 60_000) }
    // Other campaigns of this file look stalled too from 21 minutes on; only this one's pulse is delivered.
    const restarted: (typeof expected)[] = []
    const watchdog = directDeps({ clock: later, pulseQueue: { enqueue: async (p) => void (p.campaignId === id && restarted.push(p)) } })
    expect(await restartStalledChains(watchdog)).toContain(id)
    expect(restarted).toEqual([expected])
    expect(await pulse(deps, restarted[0]!)).toMatchObject({ kind: 'sent', leadId: leads[1]!.id })
    expect((await deps.audit.forEntity('campaign', id, 5)).items.map((e) => e.action)).toContain('chain_restarted')
    // A fresh chain is not restarted again.
    expect(await restartStalledChains(directDeps({ pulseQueue: { enqueue: async () => undefined } }))).not.toContain(id)
  })

  it('marks a send interrupted after its claim as unknown, and never sends that lead again', async () => {
    const address = `crash.${Date.now()}@acme.example.com`
    const { deps, id, leads, pulses } = await runningCampaign([address])
    // The process died after claiming (and perhaps after SES took the mail), before recording the outcome.
    const claimedAt = new Date(Date.now() - 10 * 60_000).toISOString()
    expect(await deps.sends.claim({ campaignId: id, leadId: leads[0]!.id, sendId: 'crashed-send', state: 'sending', mailboxId: 'anita@mail.example.com', claimedAt })).toBe('claimed')
    expect(await sweepStuckSends(deps)).toBeGreaterThanOrEqual(1)
    expect(await deps.sends.get(id, leads[0]!.id)).toMatchObject({ state: 'unknown', sendId: 'crashed-send' })
    // Never resent: the lead is done in its campaign (the pulse that died would have completed it).
    expect((await deps.leads.get(leads[0]!.id))!.status).toBe('completed')
    expect((await deps.audit.forEntity('lead', leads[0]!.id, 5)).items.map((e) => e.action)).toContain('send_unknown')
    expect(await pulse(deps, pulses.at(-1)!.pulse)).toMatchObject({ kind: 'idle' })
    expect(await mailsTo(address)).toHaveLength(0)
  })

  it('settles an unknown send as sent from the SES Send event carrying its send id, once', async () => {
    const address = `confirm.${Date.now()}@acme.example.com`
    const { deps, id, leads } = await runningCampaign([address])
    const claimedAt = new Date(Date.now() - 10 * 60_000).toISOString()
    await deps.sends.claim({ campaignId: id, leadId: leads[0]!.id, sendId: 'send-x', state: 'sending', mailboxId: 'anita@mail.example.com', claimedAt })
    await sweepStuckSends(deps)
    const before = (await deps.metrics.days('campaign', id, [dayOf(new Date(claimedAt))]))[0]!.sends
    const body = JSON.stringify({
      Type: 'Notification',
      MessageId: 'sns-1',
      Message: JSON.stringify({ eventType: 'Send', mail: { messageId: 'ses-msg-1', tags: { lead: [leads[0]!.id], campaign: [id], send: ['send-x'], mailbox: ['anita@mail.example.com'] } }, send: {} }),
    })
    const parsed = parseFeedbackBody(body)
    if (!parsed.ok) throw new Error(parsed.reason)
    expect(await confirmFromSendEvent(deps, parsed.event)).toBe('confirmed')
    expect(await confirmFromSendEvent(deps, parsed.event)).toBe('not_applicable')
    expect(await deps.sends.get(id, leads[0]!.id)).toMatchObject({ state: 'sent', messageId: 'ses-msg-1' })
    expect((await deps.metrics.days('campaign', id, [dayOf(new Date(claimedAt))]))[0]!.sends).toBe(before + 1)
    expect((await deps.audit.forEntity('lead', leads[0]!.id, 1)).items[0]).toMatchObject({ action: 'send_confirmed', actor: { type: 'integration', id: 'ses' } })
  })

  it('backs off while the verifier is down, then lets the pulse fail to the queue with nothing claimed', async () => {
    const { deps, id, leads, pulses } = await runningCampaign([`down.${Date.now()}@error.test`])
    const first = pulses.at(-1)!.pulse
    expect(await pulse(deps, first)).toEqual({ kind: 'retrying', reason: 'the verifier is unavailable', delaySeconds: 30 })
    expect(pulses.at(-1)).toMatchObject({ pulse: { attempt: 1, token: expect.any(String) }, delay: 30 })
    // The first pulse handed over: it is stale now, and the chain's current pulse carries the retry count.
    expect(await pulse(deps, first)).toEqual({ kind: 'stale' })
    expect(await pulse(deps, { ...pulses.at(-1)!.pulse, attempt: 3 })).toMatchObject({ kind: 'retrying', delaySeconds: 240 })
    await expect(pulse(deps, { ...pulses.at(-1)!.pulse, attempt: MAX_PULSE_RETRIES })).rejects.toMatchObject({ retryable: true })
    expect(await deps.sends.get(id, leads[0]!.id)).toBeNull()
  })

  it('a pulse delivered twice does not start a second chain: the duplicate sends nothing and schedules nothing', async () => {
    const tag = Date.now()
    const { deps, pulses } = await runningCampaign([`d1.${tag}@acme.example.com`, `d2.${tag}@acme.example.com`])
    const message = pulses.at(-1)!.pulse
    const queued = pulses.length
    const [a, b] = await Promise.all([pulse(deps, message), pulse(deps, message)])
    expect([a.kind, b.kind].filter((k) => k === 'sent')).toHaveLength(1)
    expect(pulses.length - queued).toBe(1)
    expect(await pulse(deps, message)).toEqual({ kind: 'stale' })
    expect(pulses.length - queued).toBe(1)
  })

  it('queues a lead admitted later behind the cursor position, so it is still sent', async () => {
    const tag = Date.now()
    const { deps, id, pulses } = await runningCampaign([`first.${tag}@acme.example.com`])
    expect((await pulse(deps, pulses.at(-1)!.pulse)).kind).toBe('sent')
    // A lead created long ago, routed to the campaign only now.
    const late = testLead(`${id}-late`, { email: `late.${tag}@acme.example.com`, campaignId: id, createdAt: '2020-01-01T00:00:00.000Z' })
    await deps.leads.insert(late, setupEvent('lead', late.id, late.createdAt))
    await evaluateHeldLeads(deps, id)
    expect((await deps.leads.get(late.id))!.status).toBe('active')
    expect(await pulse(deps, pulses.at(-1)!.pulse)).toMatchObject({ kind: 'sent', leadId: late.id })
  })

  it('settles a claim still `sending` from the SES Send event, before the sweep could make it unknown, and counts it once', async () => {
    const address = `early.${Date.now()}@acme.example.com`
    const { deps, id, leads } = await runningCampaign([address])
    // The pulse died after SES took the mail, ten minutes ago: the claim is still `sending`.
    const claimedAt = new Date(Date.now() - 10 * 60_000).toISOString()
    await deps.sends.claim({ campaignId: id, leadId: leads[0]!.id, sendId: 'send-early', state: 'sending', mailboxId: 'anita@mail.example.com', claimedAt })
    const before = (await deps.metrics.days('campaign', id, [dayOf(new Date(claimedAt))]))[0]!.sends
    const event = { type: 'Send', messageId: 'ses-early', tags: { lead: [leads[0]!.id], campaign: [id], send: ['send-early'], mailbox: ['anita@mail.example.com'] }, snsMessageId: 'sns-early', raw: {} }
    expect(await confirmFromSendEvent(deps, event)).toBe('confirmed')
    expect(await confirmFromSendEvent(deps, event)).toBe('not_applicable')
    // It left the sweep's index: the sweep does not turn it into `unknown`.
    await sweepStuckSends(deps)
    expect(await deps.sends.get(id, leads[0]!.id)).toMatchObject({ state: 'sent', messageId: 'ses-early' })
    expect((await deps.metrics.days('campaign', id, [dayOf(new Date(claimedAt))]))[0]!.sends).toBe(before + 1)
  })

  it('counts a send once when its Send event is processed before the pulse records it', async () => {
    const address = `race.${Date.now()}@acme.example.com`
    const { deps, id, leads, pulses } = await runningCampaign([address])
    const racing = {
      ...deps,
      sender: {
        send: async (message: Parameters<typeof deps.sender.send>[0]) => {
          const outcome = await deps.sender.send(message)
          if (outcome.kind === 'sent') {
            const event = { type: 'Send', messageId: outcome.messageId, tags: { lead: [message.tags.lead], campaign: [message.tags.campaign], send: [message.tags.send], mailbox: [message.tags.mailbox] }, snsMessageId: 'sns-race', raw: {} }
            expect(await confirmFromSendEvent(deps, event)).toBe('confirmed')
          }
          return outcome
        },
      },
    }
    expect(await pulse(racing, pulses.at(-1)!.pulse)).toMatchObject({ kind: 'sent' })
    expect(await deps.sends.get(id, leads[0]!.id)).toMatchObject({ state: 'sent' })
    expect((await deps.metrics.days('campaign', id, [dayOf(new Date())]))[0]!.sends).toBe(1)
    // The Send event's record of it, and the pulse's own (the variant sent): one each.
    const actions = (await deps.audit.forEntity('lead', leads[0]!.id, 10)).items.map((e) => e.action).filter((a) => a.startsWith('sen'))
    expect(actions.sort()).toEqual(['send_confirmed', 'sent'])
  })

  it('pauses the campaign, with the error in plain words, when SES refuses the setup; the lead stays unsent', async () => {
    const tag = Date.now()
    const { deps, id, leads, pulses } = await runningCampaign([`cfg1.${tag}@acme.example.com`, `cfg2.${tag}@acme.example.com`])
    const broken = {
      ...deps,
      sender: { send: async () => ({ kind: 'misconfigured' as const, code: 'NotFoundException', message: 'Configuration set <drason> does not exist.', explanation: 'SES cannot find the configuration set' }) },
    }
    expect(await pulse(broken, pulses.at(-1)!.pulse)).toEqual({ kind: 'stopped', reason: 'NotFoundException' })
    const campaign = (await deps.campaigns.get(id))!.value
    expect(campaign).toMatchObject({ status: 'paused', pausedBy: 'send-loop', pauseReason: expect.stringContaining('SES cannot find the configuration set (NotFoundException') })
    expect((await deps.audit.forEntity('campaign', id, 1)).items[0]).toMatchObject({ action: 'paused', sentence: expect.stringContaining('a setup problem, not because of this email') })
    for (const lead of leads) {
      expect(await deps.sends.get(id, lead.id)).toBeNull()
      expect((await deps.leads.get(lead.id))!.status).toBe('paused')
    }
    expect(await pulse(deps, pulses.at(-1)!.pulse)).toEqual({ kind: 'stale' })
  })

  it('pauses the campaign at the third rejection in a row, kept on the chain between pulses; Resume counts afresh', async () => {
    const tag = Date.now()
    const { deps, id, leads, pulses } = await runningCampaign([1, 2, 3, 4].map((i) => `rj${i}.${tag}@acme.example.com`))
    const rejecting = { ...deps, sender: { send: async () => ({ kind: 'rejected' as const, code: 'BadRequestException', message: 'Invalid.' }) } }
    expect((await pulse(rejecting, pulses.at(-1)!.pulse)).kind).toBe('failed')
    expect(await deps.campaigns.chain(id)).toMatchObject({ rejectedInRow: 1 })
    expect((await pulse(rejecting, pulses.at(-1)!.pulse)).kind).toBe('failed')
    expect(await pulse(rejecting, pulses.at(-1)!.pulse)).toEqual({ kind: 'stopped', reason: '3 rejected in a row' })
    expect((await deps.campaigns.get(id))!.value.status).toBe('paused')
    const states = await Promise.all(leads.map(async (l) => (await deps.sends.get(id, l.id))?.state ?? null))
    expect(states).toEqual(['failed', 'failed', null, null])
    expect(await controlCampaign(deps, actor, id, 'resume')).toMatchObject({ ok: true })
    expect(await deps.campaigns.chain(id)).not.toHaveProperty('rejectedInRow')
    // The lead whose claim was given back is the next one sent.
    expect(await pulse(deps, pulses.at(-1)!.pulse)).toMatchObject({ kind: 'sent', leadId: leads[2]!.id })
  })

  it.each(['pause', 'abort'] as const)('a %s that returns while the pulse verifies inline stops it before the claim: nothing is sent', async (control) => {
    const address = `${control}-mid.${Date.now()}@acme.example.com`
    const { deps, id, leads, pulses } = await runningCampaign([address])
    const slow = {
      ...deps,
      verifier: {
        verify: async (email: string) => {
          expect(await controlCampaign(deps, actor, id, control)).toMatchObject({ ok: true })
          return deps.verifier.verify(email)
        },
      },
    }
    expect(await pulse(slow, pulses.at(-1)!.pulse)).toEqual({ kind: 'stale' })
    expect(await deps.sends.get(id, leads[0]!.id)).toBeNull()
    expect(await mailsTo(address)).toHaveLength(0)
    expect((await deps.leads.get(leads[0]!.id))!.status).toBe(control === 'pause' ? 'paused' : 'held')
  })
})
