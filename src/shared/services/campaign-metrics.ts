import { buildCampaignMetrics, campaignMetricsDays, type CampaignMetrics, type ChainSnapshot } from '../domain/campaign-metrics'
import type { AccountBrake, Campaign } from '../domain/entities'
import type { Counters, DayCounter } from '../domain/metrics'
import { localDay } from '../domain/sending-window'
import type { Settings } from '../domain/settings'
import type { Clock } from './ports'

export interface CampaignCounters {
  days(scope: 'campaign', scopeId: string, days: string[]): Promise<Counters<DayCounter>[]>
}

export interface CampaignMetricsDeps {
  metrics: CampaignCounters
  campaigns: { chain(id: string): Promise<ChainSnapshot> }
  account: { brake(): Promise<AccountBrake | null> }
  settings(): Promise<Settings>
  clock: Clock
}

/**
 * A campaign's metrics for its page: one batch of its day counters (one item per day shown), its chain
 * item and the brake item. Never reads leads, sends or events, so the cost does not grow with the lead count.
 */
export async function getCampaignMetrics(deps: CampaignMetricsDeps, campaign: Campaign): Promise<CampaignMetrics> {
  const now = deps.clock.now()
  const settings = await deps.settings()
  const days = campaignMetricsDays(campaign.window.timeZone, now, settings)
  const [counters, chain, brake] = await Promise.all([deps.metrics.days('campaign', campaign.id, days), deps.campaigns.chain(campaign.id), deps.account.brake()])
  return buildCampaignMetrics({
    campaign,
    chain,
    days: days.map((day, i) => ({ day, counters: counters[i]! })),
    brake: brake?.engaged ? brake.sentence : null,
    settings,
    now,
  })
}

/**
 * Each campaign's sends today, counted on its sending window's local day as the gate counts them: one
 * counter item per campaign (a person makes a few campaigns), in the order given.
 */
export async function campaignsSentToday(deps: { metrics: CampaignCounters; clock: Clock }, campaigns: readonly Campaign[]): Promise<number[]> {
  const now = deps.clock.now()
  return Promise.all(campaigns.map(async (c) => (await deps.metrics.days('campaign', c.id, [localDay(c.window.timeZone, now)]))[0]?.sends ?? 0))
}
