import { describe, expect, it } from 'vitest'
import type { HealthState } from './entities'
import { clearedReasons, evaluateGate, type GateDecision, type GateInput, type GateMailbox, type GateReason, type GateReasonCode } from './gate'

const mb = (id: string, sentToday: number, options: Partial<GateMailbox> = {}): GateMailbox => ({
  id,
  domainId: 'd1',
  status: 'active',
  dailyCap: 40,
  sentToday,
  ...options,
})

// Monday 9 March 2026, 11:00 in New York (EDT): inside a Mon–Fri 09–17 window.
const MONDAY_11AM = new Date('2026-03-09T15:00:00Z')

function input(overrides: Partial<GateInput> = {}): GateInput {
  return {
    campaign: {
      status: 'active',
      dailyCap: 80,
      sentToday: 10,
      window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'America/New_York' },
    },
    domainStatuses: { d1: 'healthy', d2: 'warning' },
    mailboxes: [mb('m1', 5), mb('m2', 3), mb('m3', 3, { domainId: 'd2' })],
    global: { dailyCap: 300, sentToday: 50 },
    suppressed: false,
    now: MONDAY_11AM,
    rotationCursor: null,
    ...overrides,
  }
}

const withCampaign = (patch: Partial<GateInput['campaign']>) => input({ campaign: { ...input().campaign, ...patch } })
const denied = (decision: GateDecision): GateReason[] => {
  if (decision.allow) throw new Error(`expected a denial, got mailbox ${decision.mailboxId}`)
  return decision.reasons
}
const codes = (decision: GateDecision): GateReasonCode[] => denied(decision).map((r) => r.code)

describe('evaluateGate: one failing condition', () => {
  it.each<[string, GateInput, GateReasonCode, string]>([
    ['a paused campaign', withCampaign({ status: 'paused' }), 'campaign_not_active', 'Campaign is paused, not active.'],
    ['a draft campaign', withCampaign({ status: 'draft' }), 'campaign_not_active', 'Campaign is draft, not active.'],
    ['an aborted campaign', withCampaign({ status: 'aborted' }), 'campaign_not_active', 'Campaign is aborted, not active.'],
    ['a completed campaign', withCampaign({ status: 'completed' }), 'campaign_not_active', 'Campaign is completed, not active.'],
    ['a suppressed lead', input({ suppressed: true }), 'suppressed', 'The lead is on the suppression list.'],
    [
      'the account-wide brake engaged',
      input({ accountBrake: 'The SES bounce rate alarm fired.' }),
      'account_paused',
      'All sending is paused: The SES bounce rate alarm fired.',
    ],
    ['the campaign cap reached', withCampaign({ sentToday: 80 }), 'campaign_cap_reached', 'Campaign daily cap reached: 80 of 80 sent today.'],
    ['the campaign cap lowered below the count', withCampaign({ dailyCap: 60, sentToday: 75 }), 'campaign_cap_reached', 'Campaign daily cap reached: 75 of 60 sent today.'],
    ['a campaign cap of 0', withCampaign({ dailyCap: 0, sentToday: 0 }), 'campaign_cap_reached', 'Campaign daily cap reached: 0 of 0 sent today.'],
    ['the global cap reached', input({ global: { dailyCap: 300, sentToday: 300 } }), 'global_cap_reached', 'Global daily cap reached: 300 of 300 sent today (UTC).'],
    ['the global cap lowered below the count', input({ global: { dailyCap: 100, sentToday: 120 } }), 'global_cap_reached', 'Global daily cap reached: 120 of 100 sent today (UTC).'],
    [
      'Saturday morning',
      input({ now: new Date('2026-03-07T15:00:00Z') }),
      'outside_window',
      'Outside the sending window (Mon–Fri 09:00–17:00 America/New_York): it next opens Mon 2026-03-09 09:00.',
    ],
    [
      'Monday before the window opens',
      input({ now: new Date('2026-03-09T12:30:00Z') }),
      'outside_window',
      'Outside the sending window (Mon–Fri 09:00–17:00 America/New_York): it next opens Mon 2026-03-09 09:00.',
    ],
    [
      'Friday at the close',
      input({ now: new Date('2026-03-06T22:00:00Z') }),
      'outside_window',
      'Outside the sending window (Mon–Fri 09:00–17:00 America/New_York): it next opens Mon 2026-03-09 09:00.',
    ],
    [
      'a window with an unknown time zone',
      withCampaign({ window: { days: [1], startHour: 9, endHour: 17, timeZone: 'Mars/Olympus_Mons' } }),
      'outside_window',
      'The sending window can never open: unknown time zone "Mars/Olympus_Mons".',
    ],
    [
      'an overnight window',
      withCampaign({ window: { days: [1], startHour: 22, endHour: 6, timeZone: 'UTC' } }),
      'outside_window',
      'The sending window can never open: end hour 6 must be after start hour 22 (windows do not run overnight).',
    ],
    ['a campaign with no mailboxes', input({ mailboxes: [] }), 'no_mailbox_available', 'The campaign has no mailboxes.'],
    [
      'every mailbox paused',
      input({ mailboxes: [mb('m1', 0, { status: 'paused' }), mb('m2', 0, { status: 'paused' })] }),
      'no_mailbox_available',
      "None of the campaign's 2 mailboxes can send (2 paused).",
    ],
    [
      'every mailbox at its cap',
      input({ mailboxes: [mb('m1', 40), mb('m2', 41), mb('m3', 0, { dailyCap: 0 })] }),
      'no_mailbox_available',
      "None of the campaign's 3 mailboxes can send (3 at its daily cap).",
    ],
    [
      'the only mailbox on a domain with no known status',
      input({ mailboxes: [mb('m1', 0, { domainId: 'd9' })] }),
      'no_mailbox_available',
      "None of the campaign's 1 mailbox can send (1 on a domain with no known status).",
    ],
  ])('denies %s', (_label, gateInput, code, message) => {
    expect(denied(evaluateGate(gateInput))).toEqual([expect.objectContaining({ code, message })])
  })

  it('says when the window opens as data, for re-evaluation', () => {
    expect(denied(evaluateGate(input({ now: new Date('2026-03-07T15:00:00Z') })))).toEqual([
      expect.objectContaining({ code: 'outside_window', opensAt: '2026-03-09T13:00:00.000Z' }),
    ])
    expect(denied(evaluateGate(withCampaign({ window: { days: [], startHour: 9, endHour: 17, timeZone: 'UTC' } })))).toEqual([
      expect.objectContaining({ code: 'outside_window', opensAt: null }),
    ])
  })

  it('carries the numbers of a cap as data', () => {
    expect(denied(evaluateGate(withCampaign({ sentToday: 80 })))[0]).toEqual({
      code: 'campaign_cap_reached',
      message: 'Campaign daily cap reached: 80 of 80 sent today.',
      sent: 80,
      cap: 80,
    })
  })
})

describe('evaluateGate: paused domains', () => {
  it.each<[string, Record<string, HealthState>, GateMailbox[], GateDecision]>([
    [
      'the only domain paused',
      { d1: 'paused' },
      [mb('m1', 0), mb('m2', 0)],
      {
        allow: false,
        reasons: [
          { code: 'domain_paused', message: 'Sender domain d1 is paused.', domainIds: ['d1'] },
          {
            code: 'no_mailbox_available',
            message: "None of the campaign's 2 mailboxes can send (2 on a paused domain).",
            blocked: [
              { mailboxId: 'm1', why: ['domain_paused'] },
              { mailboxId: 'm2', why: ['domain_paused'] },
            ],
          },
        ],
      },
    ],
    [
      'both domains paused',
      { d1: 'paused', d2: 'paused' },
      [mb('m3', 0, { domainId: 'd2' }), mb('m1', 0)],
      {
        allow: false,
        reasons: [
          { code: 'domain_paused', message: 'Sender domains d1, d2 are paused.', domainIds: ['d1', 'd2'] },
          expect.objectContaining({ code: 'no_mailbox_available', message: "None of the campaign's 2 mailboxes can send (2 on a paused domain)." }),
        ],
      },
    ],
    [
      'one domain paused and the other domain at cap: both reasons',
      { d1: 'paused', d2: 'healthy' },
      [mb('m1', 0), mb('m3', 40, { domainId: 'd2' })],
      {
        allow: false,
        reasons: [
          { code: 'domain_paused', message: 'Sender domain d1 is paused.', domainIds: ['d1'] },
          expect.objectContaining({ message: "None of the campaign's 2 mailboxes can send (1 on a paused domain, 1 at its daily cap)." }),
        ],
      },
    ],
    [
      'a mailbox blocked three ways at once: each counted',
      { d1: 'paused' },
      [mb('m1', 40, { status: 'paused' })],
      {
        allow: false,
        reasons: [
          { code: 'domain_paused', message: 'Sender domain d1 is paused.', domainIds: ['d1'] },
          {
            code: 'no_mailbox_available',
            message: "None of the campaign's 1 mailbox can send (1 paused, 1 on a paused domain, 1 at its daily cap).",
            blocked: [{ mailboxId: 'm1', why: ['paused', 'domain_paused', 'at_cap'] }],
          },
        ],
      },
    ],
    ['one domain paused, another healthy: sends from the healthy one', { d1: 'paused', d2: 'healthy' }, [mb('m1', 0), mb('m3', 9, { domainId: 'd2' })], { allow: true, mailboxId: 'm3' }],
    ['a domain in warning still sends', { d1: 'warning' }, [mb('m1', 0)], { allow: true, mailboxId: 'm1' }],
    ["a domain named like Object's prototype is not known", { d1: 'healthy' }, [mb('m1', 0, { domainId: 'constructor' }), mb('m2', 1)], { allow: true, mailboxId: 'm2' }],
  ])('%s', (_label, domainStatuses, mailboxes, expected) => {
    expect(evaluateGate(input({ domainStatuses, mailboxes }))).toEqual(expected)
  })
})

describe('evaluateGate: several failing conditions', () => {
  it('lists every one, in a fixed order', () => {
    const everything = input({
      campaign: { status: 'paused', dailyCap: 80, sentToday: 80, window: input().campaign.window },
      domainStatuses: { d1: 'paused' },
      mailboxes: [mb('m1', 0)],
      global: { dailyCap: 300, sentToday: 300 },
      suppressed: true,
      now: new Date('2026-03-07T15:00:00Z'),
    })
    expect(codes(evaluateGate(everything))).toEqual([
      'campaign_not_active',
      'suppressed',
      'campaign_cap_reached',
      'global_cap_reached',
      'outside_window',
      'domain_paused',
      'no_mailbox_available',
    ])
  })

  it.each<[string, GateInput, GateReasonCode[]]>([
    ['suppressed and outside the window', input({ suppressed: true, now: new Date('2026-03-07T15:00:00Z') }), ['suppressed', 'outside_window']],
    ['both caps', input({ campaign: { ...input().campaign, sentToday: 80 }, global: { dailyCap: 300, sentToday: 300 } }), ['campaign_cap_reached', 'global_cap_reached']],
    ['paused campaign and no mailboxes', input({ campaign: { ...input().campaign, status: 'paused' }, mailboxes: [] }), ['campaign_not_active', 'no_mailbox_available']],
    ['campaign cap and every mailbox at cap', input({ campaign: { ...input().campaign, sentToday: 80 }, mailboxes: [mb('m1', 40)] }), ['campaign_cap_reached', 'no_mailbox_available']],
  ])('%s', (_label, gateInput, expected) => {
    expect(codes(evaluateGate(gateInput))).toEqual(expected)
  })
})

describe('evaluateGate: boundaries that still allow', () => {
  it.each<[string, GateInput]>([
    ['one under the campaign cap', withCampaign({ sentToday: 79 })],
    ['one under the global cap', input({ global: { dailyCap: 300, sentToday: 299 } })],
    ['the first second of the window (09:00 EDT)', input({ now: new Date('2026-03-09T13:00:00Z') })],
    ['the last second of the window (16:59:59 EDT)', input({ now: new Date('2026-03-09T20:59:59Z') })],
    ['one mailbox one under its cap', input({ mailboxes: [mb('m1', 39)] })],
    ['a paused mailbox beside an active one', input({ mailboxes: [mb('m1', 0, { status: 'paused' }), mb('m2', 10)] })],
  ])('allows %s', (_label, gateInput) => {
    expect(evaluateGate(gateInput).allow).toBe(true)
  })
})

describe('evaluateGate: mailbox rotation', () => {
  it.each<[string, GateMailbox[], string | null, string]>([
    ['the fewest sends today wins', [mb('a', 5), mb('b', 3), mb('c', 4)], null, 'b'],
    ['the fewest sends wins even over the cursor order', [mb('a', 1), mb('b', 3)], 'a', 'a'],
    ['a tie with no cursor goes to the first id', [mb('c', 3), mb('a', 3), mb('b', 3)], null, 'a'],
    ['a tie goes to the id after the cursor', [mb('a', 3), mb('b', 3), mb('c', 3)], 'a', 'b'],
    ['... and the next one', [mb('a', 3), mb('b', 3), mb('c', 3)], 'b', 'c'],
    ['... wrapping round after the last id', [mb('a', 3), mb('b', 3), mb('c', 3)], 'c', 'a'],
    ['a cursor no longer in the list: the next id after it', [mb('a', 3), mb('c', 3)], 'b', 'c'],
    ['a cursor past every id wraps', [mb('a', 3), mb('c', 3)], 'z', 'a'],
    ['only the tied mailboxes take part in the tie-break', [mb('a', 2), mb('b', 1), mb('c', 1)], 'b', 'c'],
    ['a paused mailbox with fewer sends is passed over', [mb('a', 0, { status: 'paused' }), mb('b', 5), mb('c', 6)], null, 'b'],
    ['a mailbox at its cap is passed over', [mb('a', 40), mb('b', 39)], null, 'b'],
    ['ids compare by code unit, not by number ("mb-10" < "mb-9")', [mb('mb-9', 0), mb('mb-10', 0)], null, 'mb-10'],
    ['upper case sorts before lower case', [mb('a', 0), mb('B', 0)], null, 'B'],
  ])('%s', (_label, mailboxes, rotationCursor, expected) => {
    expect(evaluateGate(input({ mailboxes, rotationCursor }))).toEqual({ allow: true, mailboxId: expected })
  })

  it('does not depend on the order mailboxes are listed in', () => {
    const mailboxes = [mb('a', 3), mb('b', 3), mb('c', 3), mb('d', 4)]
    const reversed = [...mailboxes].reverse()
    for (const cursor of [null, 'a', 'b', 'c', 'd']) {
      expect(evaluateGate(input({ mailboxes, rotationCursor: cursor }))).toEqual(evaluateGate(input({ mailboxes: reversed, rotationCursor: cursor })))
    }
  })

  function simulate(start: GateInput, sends: number): { sequence: string[]; last: GateDecision } {
    let state = start
    const sequence: string[] = []
    for (let i = 0; i < sends; i++) {
      const decision = evaluateGate(state)
      if (!decision.allow) return { sequence, last: decision }
      sequence.push(decision.mailboxId)
      state = {
        ...state,
        campaign: { ...state.campaign, sentToday: state.campaign.sentToday + 1 },
        global: { ...state.global, sentToday: state.global.sentToday + 1 },
        mailboxes: state.mailboxes.map((m) => (m.id === decision.mailboxId ? { ...m, sentToday: m.sentToday + 1 } : m)),
        rotationCursor: decision.mailboxId,
      }
    }
    return { sequence, last: evaluateGate(state) }
  }

  it('spreads a day across mailboxes and stops at the campaign cap', () => {
    const start = input({
      campaign: { ...input().campaign, dailyCap: 10, sentToday: 0 },
      mailboxes: [mb('a', 0, { dailyCap: 3 }), mb('b', 0, { dailyCap: 5 }), mb('c', 0, { dailyCap: 4 })],
    })
    const { sequence, last } = simulate(start, 50)
    expect(sequence).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'b'])
    expect(denied(last)).toEqual([expect.objectContaining({ message: 'Campaign daily cap reached: 10 of 10 sent today.' })])
  })

  it('never sends a mailbox past its own cap, and says so when all are full', () => {
    const start = input({
      campaign: { ...input().campaign, dailyCap: 100, sentToday: 0 },
      mailboxes: [mb('a', 0, { dailyCap: 3 }), mb('b', 0, { dailyCap: 5 }), mb('c', 0, { dailyCap: 4 })],
    })
    const { sequence, last } = simulate(start, 50)
    expect(sequence).toHaveLength(12)
    expect(['a', 'b', 'c'].map((id) => sequence.filter((s) => s === id).length)).toEqual([3, 5, 4])
    expect(denied(last)).toEqual([expect.objectContaining({ code: 'no_mailbox_available', message: "None of the campaign's 3 mailboxes can send (3 at its daily cap)." })])
  })

  it('keeps rotating on the cursor when the counts it is given lag behind', () => {
    let cursor: string | null = null
    const sequence: string[] = []
    for (let i = 0; i < 6; i++) {
      const decision = evaluateGate(input({ mailboxes: [mb('a', 2), mb('b', 2), mb('c', 2)], rotationCursor: cursor }))
      if (!decision.allow) throw new Error('expected a send')
      sequence.push(decision.mailboxId)
      cursor = decision.mailboxId
    }
    expect(sequence).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
  })
})

describe('clearedReasons', () => {
  const reasonsOf = (gateInput: GateInput) => denied(evaluateGate(gateInput))
  const capAndWindow = reasonsOf(input({ campaign: { ...input().campaign, sentToday: 80 }, now: new Date('2026-03-07T15:00:00Z') }))

  it.each<[string, GateReason[], GateDecision, GateReasonCode[]]>([
    ['the window opened, the cap still holds', capAndWindow, evaluateGate(withCampaign({ sentToday: 80 })), ['outside_window']],
    ['the day rolled over, the window still closed', capAndWindow, evaluateGate(input({ now: new Date('2026-03-07T15:00:00Z') })), ['campaign_cap_reached']],
    ['everything cleared: the send is allowed', capAndWindow, evaluateGate(input()), ['campaign_cap_reached', 'outside_window']],
    ['nothing cleared', capAndWindow, { allow: false, reasons: capAndWindow }, []],
    ['a new reason appeared, the old one cleared', reasonsOf(input({ suppressed: true })), evaluateGate(withCampaign({ status: 'paused' })), ['suppressed']],
    ['no previous reasons', [], evaluateGate(input()), []],
  ])('%s', (_label, previous, current, expected) => {
    expect(clearedReasons(previous, current).map((r) => r.code)).toEqual(expected)
  })
})
