import { describe, expect, it } from 'vitest'
import { buildCampaignMetrics, campaignMetricsDays, type CampaignMetricsInput, type ChainSnapshot } from './campaign-metrics'
import { DAY_COUNTERS, emptyCounters, type Counters, type DayCounter } from './metrics'
import { DEFAULT_SETTINGS, type Settings } from './settings'

// Monday 2026-11-23 11:30 in Kolkata (UTC+5:30): inside a Mon–Fri 09–17 window.
const INSIDE = new Date('2026-11-23T06:00:00.000Z')
// Monday 18:30 in Kolkata: the window closed for the day.
const AFTER_HOURS = new Date('2026-11-23T13:00:00.000Z')

type CampaignPart = CampaignMetricsInput['campaign']
const campaign = (over: Partial<CampaignPart> = {}): CampaignPart => ({
  status: 'active',
  dailyCap: 50,
  window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' },
  sender: { kind: 'ses' },
  pauseReason: null,
  ...over,
})
const running: ChainSnapshot = { chainId: 'ch1', running: true, cursor: '2026-11-20T10:00:00.000Z#lead-7', waitingFor: null }
const day = (date: string, counts: Partial<Counters<DayCounter>> = {}) => ({ day: date, counters: { ...emptyCounters(DAY_COUNTERS), ...counts } })
const settings = (edit: (s: Settings) => void = () => {}): Settings => {
  const s = structuredClone(DEFAULT_SETTINGS)
  edit(s)
  return s
}

function input(over: Partial<CampaignMetricsInput> = {}): CampaignMetricsInput {
  return { campaign: campaign(), chain: running, days: [day('2026-11-23', { sends: 10 })], brake: null, settings: DEFAULT_SETTINGS, now: INSIDE, ...over }
}

describe('campaignMetricsDays', () => {
  it.each([
    // [zone, now, last day read, why]
    ['Asia/Kolkata', '2026-11-23T06:00:00.000Z', '2026-11-23', 'same day in both calendars'],
    // 01:30 on the 24th in Kolkata while UTC is still the 23rd: the local day (where today's sends are) is read.
    ['Asia/Kolkata', '2026-11-23T20:00:00.000Z', '2026-11-24', 'local day ahead of UTC'],
    // 21:00 on the 23rd in New York while UTC is the 24th: the UTC day (where today's bounces are) is read.
    ['America/New_York', '2026-11-24T02:00:00.000Z', '2026-11-24', 'local day behind UTC'],
  ])('%s at %s ends at %s (%s)', (zone, now, last) => {
    const days = campaignMetricsDays(zone, new Date(now), DEFAULT_SETTINGS)
    expect(days.at(-1)).toBe(last)
    expect(days).toHaveLength(14)
  })

  it('reads the whole account rate window when it is longer than the chart', () => {
    const days = campaignMetricsDays('UTC', INSIDE, settings((s) => void (s.account.rateWindowDays = 30)))
    expect(days).toHaveLength(30)
    expect(days[0]).toBe('2026-10-25')
  })
})

describe('buildCampaignMetrics: sent today against the cap', () => {
  it.each([
    // [label, zone, now, days, expected sends today]
    ['the local day is the last day', 'Asia/Kolkata', INSIDE, [day('2026-11-22', { sends: 40 }), day('2026-11-23', { sends: 12 })], 12],
    ['the local day is ahead of UTC', 'Asia/Kolkata', new Date('2026-11-23T20:00:00.000Z'), [day('2026-11-23', { sends: 40 }), day('2026-11-24', { sends: 3 })], 3],
    // The cap counts New York's 23rd, which is not the last day read (that is UTC's 24th).
    ['the local day is behind UTC', 'America/New_York', new Date('2026-11-24T02:00:00.000Z'), [day('2026-11-23', { sends: 31 }), day('2026-11-24', { sends: 2 })], 31],
    ['no counter for the day', 'Asia/Kolkata', INSIDE, [day('2026-11-22', { sends: 40 })], 0],
  ])('%s', (_label, timeZone, now, days, sends) => {
    const m = buildCampaignMetrics(input({ campaign: campaign({ window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone } }), days, now }))
    expect(m.today.sends).toBe(sends)
    expect(m.today.capShare).toBe(sends / 50)
  })

  it('never divides by a cap of 0', () => {
    expect(buildCampaignMetrics(input({ campaign: campaign({ dailyCap: 0 }) })).today).toEqual({ day: '2026-11-23', sends: 10, cap: 0, capShare: 0 })
  })
})

describe('buildCampaignMetrics: the send loop in plain words', () => {
  it.each<[string, Partial<CampaignMetricsInput>, string, RegExp[]]>([
    ['an active chain inside its window, under its cap', {}, 'running', []],
    ['a draft', { campaign: campaign({ status: 'draft' }), chain: { chainId: null, running: false, cursor: null, waitingFor: null } }, 'not_started', [/draft/]],
    ['an active campaign whose chain was never started', { chain: { chainId: null, running: false, cursor: null, waitingFor: null } }, 'not_started', [/no send loop has been started/]],
    ['a paused campaign, with its reason', { campaign: campaign({ status: 'paused', pauseReason: 'paused by ops@x.test' }), chain: { ...running, running: false } }, 'paused', [/^paused by ops@x\.test$/]],
    ['a paused campaign without a reason', { campaign: campaign({ status: 'paused' }), chain: { ...running, running: false } }, 'paused', [/no reason was recorded/]],
    ['an aborted campaign', { campaign: campaign({ status: 'aborted' }), chain: { ...running, running: false } }, 'ended', []],
    ['an active campaign whose chain is stopped', { chain: { ...running, running: false } }, 'stopped', [/send loop is stopped/]],
    ['a Smartlead campaign (Smartlead paces it)', { campaign: campaign({ sender: { kind: 'smartlead', externalId: '3001' } }) }, 'smartlead', [/Smartlead paces/]],
    // The status stays "active" at the cap and outside the window on purpose: this is what the person must see.
    ['at its cap', { days: [day('2026-11-23', { sends: 50 })] }, 'cap_reached', [/daily cap is reached: 50 of 50 sent today \(Asia\/Kolkata\)/]],
    ['over a lowered cap', { campaign: campaign({ dailyCap: 20 }), days: [day('2026-11-23', { sends: 25 })] }, 'cap_reached', [/25 of 20/]],
    ['after hours', { now: AFTER_HOURS }, 'waiting_window', [/outside the sending window \(Mon–Fri 09:00–17:00 Asia\/Kolkata\): it is Mon 18:30 there; it opens Tue 2026-11-24 09:00/]],
    ['on a Saturday', { now: new Date('2026-11-21T09:00:00.000Z') }, 'waiting_window', [/it opens Mon 2026-11-23 09:00/]],
    ['at its cap and after hours: both said, the cap first', { now: AFTER_HOURS, days: [day('2026-11-23', { sends: 50 })] }, 'cap_reached', [/daily cap/, /outside the sending window/]],
    ['a window that can never open', { campaign: campaign({ window: { days: [], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' } }) }, 'waiting_window', [/can never open: no sending days/]],
    ['the account brake engaged', { brake: 'Account bounce rate 5% over 7 days (pause at 4%).' }, 'waiting', [/^all sending is paused: Account bounce rate 5% over 7 days \(pause at 4%\)$/]],
    ['the chain last waited for its mailboxes', { chain: { ...running, waitingFor: 'no_mailbox_available' } }, 'waiting', [/at its last check, none of its mailboxes could send/]],
    ['the chain last waited for the global cap and a paused domain', { chain: { ...running, waitingFor: 'global_cap_reached,domain_paused' } }, 'waiting', [/global daily cap/, /sender domain is paused/]],
    // A stored wait for the window or the cap is judged afresh: the window is open and the cap not reached now.
    ['a stale stored wait for the window and the cap', { chain: { ...running, waitingFor: 'campaign_cap_reached,outside_window' } }, 'running', []],
  ])('%s', (_label, over, kind, reasons) => {
    const { chain } = buildCampaignMetrics(input(over))
    expect(chain.kind).toBe(kind)
    expect(chain.reasons).toHaveLength(reasons.length)
    reasons.forEach((r, i) => expect(chain.reasons[i]).toMatch(r))
  })

  it('keeps the queue position, or none at the start of the queue', () => {
    expect(buildCampaignMetrics(input()).chain.position).toBe('2026-11-20T10:00:00.000Z#lead-7')
    // The store says when that lead was queued; the page says the position in those words.
    expect(buildCampaignMetrics(input({ chain: { ...running, cursorQueuedAt: '2026-11-20T10:00:00.000Z' } })).chain.positionQueuedAt).toBe('2026-11-20T10:00:00.000Z')
    expect(buildCampaignMetrics(input()).chain.positionQueuedAt).toBeNull()
    expect(buildCampaignMetrics(input({ chain: { ...running, cursor: null } })).chain.position).toBeNull()
  })
})

describe('buildCampaignMetrics: rates over the account rate window', () => {
  const policy = settings((s) => {
    s.account.rateWindowDays = 2
    s.account.pauseBounceRate = 0.04
    s.account.pauseBounceMinSends = 100
    s.account.pauseComplaintRate = 0.001
    s.account.pauseComplaintMinSends = 1000
  })
  // The oldest day falls outside a two-day window: its bounces must not count.
  const days = [
    day('2026-11-21', { sends: 500, hard_bounces: 100, complaints: 9, delivery_failures: 9, verified: 9, verify_passed: 0, opens: 500, replies: 9 }),
    day('2026-11-22', { sends: 60, hard_bounces: 2, complaints: 0, delivery_failures: 1, verified: 70, verify_passed: 63, opens: 30, replies: 1 }),
    day('2026-11-23', { sends: 40, hard_bounces: 3, complaints: 1, delivery_failures: 2, verified: 50, verify_passed: 45, opens: 25, replies: 2 }),
  ]

  it('sums only the window: sends, bounces against the brake threshold, failures, verification, opens', () => {
    const m = buildCampaignMetrics(input({ days, settings: policy }))
    expect(m.rateWindowDays).toBe(2)
    expect(m.sends).toBe(100)
    expect(m.bounce).toEqual({ rate: 0.05, threshold: 0.04, minSends: 100, breached: true })
    // 1 in 100 is over 0.1%, but 100 sends are far below the 1,000 needed to judge complaints.
    expect(m.complaint).toEqual({ rate: 0.01, threshold: 0.001, minSends: 1000, breached: false })
    expect([m.hardBounces, m.complaints, m.deliveryFailures]).toEqual([5, 1, 3])
    expect(m.verification).toEqual({ part: 108, whole: 120, rate: 0.9 })
    expect(m.opens).toEqual({ part: 55, whole: 100, rate: 0.55 })
  })

  it.each([
    ['an SES campaign has no replies to show', { kind: 'ses' as const }, null],
    ['a Smartlead campaign shows its replies', { kind: 'smartlead' as const, externalId: '3001' }, 3],
  ])('%s', (_label, sender, replies) => {
    expect(buildCampaignMetrics(input({ days, settings: policy, campaign: campaign({ sender }) })).replies).toBe(replies)
  })

  it('shows no rate without sends (not 0%)', () => {
    const m = buildCampaignMetrics(input({ days: [day('2026-11-23')] }))
    expect([m.bounce.rate, m.complaint.rate, m.verification.rate, m.opens.rate]).toEqual([null, null, null, null])
  })

  it('charts the last 14 days, oldest first, even when the rate window is longer', () => {
    const long = Array.from({ length: 30 }, (_, i) => day(new Date(Date.UTC(2026, 9, 25 + i)).toISOString().slice(0, 10), { sends: i, hard_bounces: i % 2, complaints: i === 29 ? 1 : 0 }))
    const m = buildCampaignMetrics(input({ days: long, settings: settings((s) => void (s.account.rateWindowDays = 30)) }))
    expect(m.series).toHaveLength(14)
    expect(m.series.at(-1)).toEqual({ day: '2026-11-23', sends: 29, hardBounces: 1, complaints: 1 })
    expect(m.series[0]!.day).toBe('2026-11-10')
    expect(m.sends).toBe((29 * 30) / 2)
  })
})
