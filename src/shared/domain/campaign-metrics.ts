import type { Campaign } from './entities'
import type { GateReasonCode } from './gate'
import { dayOf, lastDays, type Counters, type DayCounter } from './metrics'
import { SERIES_DAYS, activitySeries, capShare, rateVs, share, verificationShare, type OverviewModel, type RateVsThreshold, type Share } from './overview'
import { describeLocalTime, describeWindow, isInsideWindow, localDay, nextWindowOpen, windowProblems } from './sending-window'
import type { Settings } from './settings'

/**
 * Per-campaign metrics for the campaign page, from the campaign's day counters and its pulse chain. Pure:
 * the caller reads the counters, the chain and the brake, and passes `now`.
 *
 * Decisions:
 * - "Sent today" is the counter of the campaign's local day (its window's time zone), the one the gate
 *   compares with the daily cap, so the page and the gate never disagree.
 * - The campaign's sends are counted on that local day but its feedback (bounces, complaints, opens) on the
 *   UTC day, as every feedback counter is. The days read therefore end at whichever of the two is later, so
 *   neither today's sends nor today's bounces fall off the end; over the rate window the two calendars
 *   differ by a few hours at each end, too little to move a rate.
 * - Rates use the account policy's window and thresholds (the Overview's), so a campaign's rate reads against
 *   the same line as the account-wide brake.
 * - The chain state is worked out again from what is true now (status, brake, cap, window) rather than only
 *   from what the chain stored when its last pulse waited: a chain waiting for the window says so at once
 *   after the window closes, and stops saying so the moment it opens. Reasons only the pulse can see (the
 *   global cap, the mailboxes and domains) come from the chain's last wait.
 */

/** A chain as the campaign page needs it: whether it runs, its queue position and what it last waited for. */
export interface ChainSnapshot {
  chainId: string | null
  running: boolean
  cursor: string | null
  /** When the lead at the cursor was queued, if the store can say. */
  cursorQueuedAt?: string | null
  waitingFor: string | null
}

export type ChainStateKind = 'running' | 'waiting_window' | 'cap_reached' | 'waiting' | 'paused' | 'not_started' | 'stopped' | 'ended' | 'smartlead'

export interface ChainState {
  kind: ChainStateKind
  /** A short label: "Running", "Waiting for the window to open", "Daily cap reached", ... */
  label: string
  /** Everything that stands in the way, in plain words (empty when running). */
  reasons: string[]
  /** The chain's queue position: the queue key of the last lead it moved past, null at the start of the queue. */
  position: string | null
  /** When that lead was queued (null at the start, or when unknown): the position in words. */
  positionQueuedAt: string | null
}

export interface CampaignMetrics {
  today: { day: string; sends: number; cap: number; capShare: number }
  chain: ChainState
  rateWindowDays: number
  sends: number
  bounce: RateVsThreshold
  complaint: RateVsThreshold
  /** The counts behind the two rates, over the same days. */
  hardBounces: number
  complaints: number
  deliveryFailures: number
  verification: Share
  /** Display only: SES Open events per send. Never used by any policy. */
  opens: Share
  /** Smartlead reply events; null for an SES campaign (SES tells Drason nothing about replies). */
  replies: number | null
  series: OverviewModel['series']
}

export interface CampaignMetricsInput {
  campaign: Pick<Campaign, 'status' | 'dailyCap' | 'window' | 'sender' | 'pauseReason'>
  chain: ChainSnapshot
  /** The campaign's day counters, oldest first, for the days `campaignMetricsDays` named. */
  days: readonly { day: string; counters: Counters<DayCounter> }[]
  /** The account-wide brake's sentence when it is engaged, else null. */
  brake: string | null
  settings: Settings
  now: Date
}

/**
 * The days to read for a campaign: enough for the chart and the account rate window, ending at the later of
 * its local day (the one its cap counts) and the UTC day (see the decisions above).
 */
export function campaignMetricsDays(timeZone: string, now: Date, settings: Settings): string[] {
  const local = localDay(timeZone, now)
  const utc = dayOf(now)
  const end = local > utc ? local : utc
  return lastDays(new Date(`${end}T00:00:00.000Z`), Math.max(SERIES_DAYS, settings.account.rateWindowDays))
}

// What a chain's stored wait means, for the reasons only a pulse can see (the others are judged afresh).
const STORED_REASONS: Partial<Record<GateReasonCode, string>> = {
  global_cap_reached: 'the global daily cap (all campaigns) was reached',
  domain_paused: 'its sender domain is paused',
  no_mailbox_available: 'none of its mailboxes could send (paused, on a paused domain or at their own cap)',
}

function chainState(input: CampaignMetricsInput, sentToday: number): ChainState {
  const { campaign, chain, now } = input
  const position = chain.cursor
  const positionQueuedAt = chain.cursorQueuedAt ?? null
  const state = (kind: ChainStateKind, label: string, reasons: string[] = []): ChainState => ({ kind, label, reasons, position, positionQueuedAt })
  switch (campaign.status) {
    case 'draft':
      return state('not_started', 'Not started', ['the campaign is a draft: Start begins sending'])
    case 'paused':
      return state('paused', 'Paused', [campaign.pauseReason ?? 'no reason was recorded'])
    case 'aborted':
      return state('ended', 'Aborted: nothing more is sent')
    case 'completed':
      return state('ended', 'Completed: nothing more is sent')
    case 'active':
      break
  }
  if (campaign.sender.kind === 'smartlead') return state('smartlead', 'Sending through Smartlead', ['Smartlead paces and sends this campaign; Drason gates its leads and counts its events'])
  if (!chain.chainId) return state('not_started', 'Not started', ['no send loop has been started for this campaign'])
  if (!chain.running) return state('stopped', 'Not running', ['the campaign is active but its send loop is stopped'])

  const reasons: string[] = []
  let kind: ChainStateKind | null = null
  if (input.brake) {
    reasons.push(`all sending is paused: ${input.brake.replace(/\.$/, '')}`)
    kind = 'waiting'
  }
  if (sentToday >= campaign.dailyCap) {
    reasons.push(`the daily cap is reached: ${sentToday} of ${campaign.dailyCap} sent today (${campaign.window.timeZone}); it carries on tomorrow`)
    kind ??= 'cap_reached'
  }
  if (!isInsideWindow(campaign.window, now)) {
    const problems = windowProblems(campaign.window)
    const opens = nextWindowOpen(campaign.window, now)
    reasons.push(
      problems.length > 0
        ? `the sending window can never open: ${problems.join('; ')}`
        : `outside the sending window (${describeWindow(campaign.window)}): it is ${describeLocalTime(campaign.window.timeZone, now)} there${opens ? `; it opens ${describeLocalTime(campaign.window.timeZone, opens, true)}` : ''}`,
    )
    kind ??= 'waiting_window'
  }
  for (const code of (chain.waitingFor ?? '').split(',')) {
    const words = STORED_REASONS[code as GateReasonCode]
    if (words) {
      reasons.push(`at its last check, ${words}`)
      kind ??= 'waiting'
    }
  }
  const labels: Record<string, string> = { waiting: 'Waiting to send', cap_reached: 'Daily cap reached', waiting_window: 'Waiting for the window to open' }
  return kind ? state(kind, labels[kind]!, reasons) : state('running', 'Running: sending within its window and caps')
}

/** Pure: the campaign page's metrics card from the campaign's counters and chain. */
export function buildCampaignMetrics(input: CampaignMetricsInput): CampaignMetrics {
  const { campaign, days, settings, now } = input
  const todayKey = localDay(campaign.window.timeZone, now)
  const sentToday = days.find((d) => d.day === todayKey)?.counters.sends ?? 0
  const window = days.slice(-settings.account.rateWindowDays)
  const sum = (k: DayCounter) => window.reduce((n, d) => n + d.counters[k], 0)
  const sends = sum('sends')
  return {
    today: { day: todayKey, sends: sentToday, cap: campaign.dailyCap, capShare: capShare(sentToday, campaign.dailyCap) },
    chain: chainState(input, sentToday),
    rateWindowDays: window.length,
    sends,
    bounce: rateVs(sum('hard_bounces'), sends, settings.account.pauseBounceRate, settings.account.pauseBounceMinSends),
    complaint: rateVs(sum('complaints'), sends, settings.account.pauseComplaintRate, settings.account.pauseComplaintMinSends),
    hardBounces: sum('hard_bounces'),
    complaints: sum('complaints'),
    deliveryFailures: sum('delivery_failures'),
    verification: verificationShare({ verified: sum('verified'), verify_passed: sum('verify_passed') }),
    // Every Open event counts, repeat opens and privacy-proxy prefetches included, so this can pass 100%.
    opens: share(sum('opens'), sends),
    replies: campaign.sender.kind === 'smartlead' ? sum('replies') : null,
    series: activitySeries(days.slice(-SERIES_DAYS)),
  }
}
