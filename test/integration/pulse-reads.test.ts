import { describe, expect, it } from 'vitest'
import { dayOf } from '../../src/shared/domain/metrics'
import { engageAccountBrake, releaseAccountBrake } from '../../src/shared/services/account-brake'
import { scriptedFeedbackFile, senders, sentLead, unique } from '../support/feedback-world'
import { directDeps } from '../support/world'

// The reads the send loop combines to spend fewer request units (decision 060), on DynamoDB Local: each
// combined read must answer exactly what the separate reads it replaced answered.
const deps = directDeps()
scriptedFeedbackFile(deps, 'Pulse read tests')
const TESTER = { type: 'user' as const, id: 'pulse-reads@drason.test' }

describe("the send loop's combined reads", () => {
  it('reads a campaign and its chain with one query, as get and chain read them', async () => {
    const { campaign } = await senders(deps, 1)
    const both = await deps.campaigns.withChain(campaign.id)
    expect(both.campaign).toEqual(await deps.campaigns.get(campaign.id))
    expect(both.chain).toEqual({ ...(await deps.campaigns.chain(campaign.id)), preverified: null })
    expect(await deps.campaigns.withChain(`missing-${unique()}`)).toMatchObject({ campaign: null, chain: { running: false, chainId: null } })
  })

  it("keeps a pre-verification on the chain only for the pulse the chain expects, and returns it with the chain's read", async () => {
    const { campaign } = await senders(deps, 1)
    const at = new Date().toISOString()
    expect(await deps.campaigns.transition({ ...campaign, status: 'active' }, 1, setup(campaign.id, at), campaign, { startChain: `chain-${unique()}` })).toBe('saved')
    const chain = await deps.campaigns.chain(campaign.id)
    const verification = { email: 'next@recipient.example.com', verdict: 'valid' as const, status: 'Valid', diagnosis: '', checkedAt: at, raw: { Status: 'Valid' } }
    // The chain expects its first pulse (the chain id stands for its token): another token is refused.
    expect(await deps.chainCursor.advance(campaign.id, chain.chainId!, { cursor: null, lastMailboxId: null, waitingFor: null, rejectedInRow: 0 }, { expected: chain.chainId!, next: 'tok-2' }, at)).toBe('moved')
    expect(await deps.chainCursor.notePreverified(campaign.id, chain.chainId!, 'tok-other', verification)).toBe('stale')
    expect((await deps.campaigns.withChain(campaign.id)).chain.preverified).toBeNull()
    expect(await deps.chainCursor.notePreverified(campaign.id, chain.chainId!, 'tok-2', verification)).toBe('noted')
    expect((await deps.campaigns.withChain(campaign.id)).chain.preverified).toEqual(verification)
    // A move may carry one too (a throttled lead keeps its own while it waits).
    const own = { ...verification, email: 'own@recipient.example.com' }
    expect(await deps.chainCursor.advance(campaign.id, chain.chainId!, { cursor: null, lastMailboxId: null, waitingFor: null, rejectedInRow: 0 }, { expected: 'tok-2', next: 'tok-3' }, at, own)).toBe('moved')
    expect((await deps.campaigns.withChain(campaign.id)).chain).toMatchObject({ pulseToken: 'tok-3', preverified: own })
    // A long gap's end rides on a move, and the next move without one clears it (as it does rejections in a row).
    const gapEnds = new Date(Date.now() + 2_400_000).toISOString()
    const position = { cursor: null, lastMailboxId: null, waitingFor: null, rejectedInRow: 2 }
    expect(await deps.chainCursor.advance(campaign.id, chain.chainId!, { ...position, notBefore: gapEnds }, { expected: 'tok-3', next: 'tok-4' }, at)).toBe('moved')
    expect((await deps.campaigns.withChain(campaign.id)).chain).toMatchObject({ notBefore: gapEnds, rejectedInRow: 2 })
    expect(await deps.chainCursor.advance(campaign.id, chain.chainId!, { ...position, rejectedInRow: 0 }, { expected: 'tok-4', next: 'tok-5' }, at)).toBe('moved')
    const cleared = (await deps.campaigns.withChain(campaign.id)).chain
    expect(cleared).not.toHaveProperty('notBefore')
    expect(cleared).not.toHaveProperty('rejectedInRow')
  })

  it("reads a day's sends of every scope with one query: the same counts as the per-scope reads, other days apart", async () => {
    const { boxes, campaign } = await senders(deps, 2)
    const now = new Date()
    const today = dayOf(now)
    await sentLead(deps, campaign, boxes[0]!)
    await sentLead(deps, campaign, boxes[0]!)
    await sentLead(deps, campaign, boxes[1]!)
    const onToday = await deps.sendsOnDay(today)
    expect(onToday('mailbox', boxes[0]!.id)).toBe(2)
    expect(onToday('mailbox', boxes[1]!.id)).toBe(1)
    expect(onToday('overall', 'all')).toBe(await deps.sendsOn('overall', 'all', today))
    expect(onToday('mailbox', `never-${unique()}`)).toBe(0)
    // A campaign counts on its own (local) day: here a day of its own, which today's read does not see.
    const id = unique()
    const send = { campaignId: campaign.id, leadId: `pr-${id}`, sendId: `s-${id}`, state: 'sending' as const, mailboxId: boxes[1]!.id, claimedAt: now.toISOString() }
    expect(await deps.sends.claim(send)).toBe('claimed')
    const otherDay = '2031-01-02'
    expect(await deps.sends.settle({ ...send, state: 'sent', messageId: `msg-${id}` }, setup(campaign.id, now.toISOString()), [{ scope: 'campaign', id: campaign.id, day: otherDay }])).toBe('settled')
    expect((await deps.sendsOnDay(otherDay))('campaign', campaign.id)).toBe(1)
    expect((await deps.sendsOnDay(otherDay))('campaign', campaign.id)).toBe(await deps.sendsOn('campaign', campaign.id, otherDay))
    expect((await deps.sendsOnDay(today))('campaign', campaign.id)).toBe(0)
    expect((await deps.sendsOnDay(otherDay))('mailbox', boxes[0]!.id)).toBe(0)
  })

  it("reads a pool's mailboxes with one batch, in the pool's order, leaving out ids that do not exist", async () => {
    const { boxes } = await senders(deps, 3)
    const ids = [boxes[2]!.id, `gone-${unique()}`, boxes[0]!.id]
    expect((await deps.senders.mailboxesById(ids)).map((m) => m.id)).toEqual([boxes[2]!.id, boxes[0]!.id])
    expect(await deps.senders.mailboxesById([])).toEqual([])
  })

  it('reads the settings and the account brake together: the brake while engaged, null once released', async () => {
    const settings = (await deps.settingsStore.get()).settings
    expect(await deps.settingsWithBrake()).toEqual({ settings, brake: null })
    try {
      expect(await engageAccountBrake(deps, { actor: TESTER, signal: 'test', sentence: 'Pulse read test.' })).toBe('engaged')
      expect(await deps.settingsWithBrake()).toEqual({ settings, brake: await deps.account.brake() })
      expect((await deps.settingsWithBrake()).brake).toMatchObject({ engaged: true, sentence: 'Pulse read test.' })
    } finally {
      await releaseAccountBrake(deps, TESTER)
    }
    expect((await deps.settingsWithBrake()).brake).toBeNull()
  })

  it("peeks at a lead's send without a strongly consistent read, answering what get answers", async () => {
    const { boxes, campaign } = await senders(deps, 1)
    const { lead, send } = await sentLead(deps, campaign, boxes[0]!)
    expect(await deps.sends.peek(campaign.id, lead.id)).toEqual(send)
    expect(await deps.sends.peek(campaign.id, `nobody-${unique()}`)).toBeNull()
  })
})

function setup(campaignId: string, at: string) {
  return { id: `evt-${unique()}`, at, actor: TESTER, entityType: 'campaign' as const, entityId: campaignId, action: 'started', sentence: 'Started for a test.' }
}
