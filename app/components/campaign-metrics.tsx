import type { CampaignMetrics } from '../../src/shared/domain/campaign-metrics'
import { ActivityChart } from './activity-chart'
import { Card, capText, percent } from './ui'

function Metric({ label, value, testId, tone, hint }: { label: string; value: React.ReactNode; testId: string; tone?: 'bad' | 'ok'; hint?: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd data-testid={testId} className={`mt-0.5 text-lg font-semibold ${tone === 'bad' ? 'text-red-700' : ''}`}>
        {value}
      </dd>
      {hint ? <dd className="text-xs text-slate-500">{hint}</dd> : null}
    </div>
  )
}

const CHAIN_TONE: Record<CampaignMetrics['chain']['kind'], string> = {
  running: 'text-emerald-800',
  smartlead: 'text-emerald-800',
  waiting_window: 'text-amber-800',
  cap_reached: 'text-amber-800',
  waiting: 'text-red-700',
  stopped: 'text-red-700',
  paused: 'text-red-700',
  not_started: 'text-slate-700',
  ended: 'text-slate-700',
}

// A queue position means something only for a chain that has run (Smartlead keeps its own queue).
const HAS_QUEUE = new Set<CampaignMetrics['chain']['kind']>(['running', 'waiting_window', 'cap_reached', 'waiting', 'paused', 'stopped'])

/**
 * A campaign's metrics: sent today against its cap, what its send loop is doing and why, and over the
 * account rate window its sends, rates and the chart. From counters only (see services/campaign-metrics).
 */
export function CampaignMetricsCard({ metrics: m, timeZone }: { metrics: CampaignMetrics; timeZone: string }) {
  const days = m.rateWindowDays
  return (
    <Card title="Metrics">
      <dl className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <Metric
          label="Sent today / daily cap"
          value={capText(m.today.sends, m.today.cap, m.today.capShare)}
          testId="campaign-sent-today"
          tone={m.today.cap > 0 && m.today.capShare >= 1 ? 'bad' : 'ok'}
          hint={`Today is ${m.today.day} in ${timeZone}, the sending window's time zone, as the cap counts it.`}
        />
        <div className="md:col-span-2">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Send loop</dt>
          <dd data-testid="campaign-chain-state" className={`mt-0.5 text-lg font-semibold ${CHAIN_TONE[m.chain.kind]}`}>
            {m.chain.label}
          </dd>
          {m.chain.reasons.length > 0 ? (
            <dd>
              <ul className="list-disc pl-5 text-sm text-slate-700" data-testid="campaign-chain-reasons">
                {m.chain.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </dd>
          ) : null}
          {HAS_QUEUE.has(m.chain.kind) ? (
            <dd className="mt-1 text-xs text-slate-500" data-testid="campaign-queue-position">
              Queue position:{' '}
              {!m.chain.position
                ? 'at the start of the queue'
                : m.chain.positionQueuedAt
                  ? `past the leads queued up to ${m.chain.positionQueuedAt.replace('T', ' ').slice(0, 19)} UTC`
                  : <span className="font-mono">past {m.chain.position}</span>}
            </dd>
          ) : null}
        </div>
      </dl>
      <h3 className="mb-2 mt-4 text-sm font-semibold text-slate-600">Last {days} days (the account policy&apos;s rate window)</h3>
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
        <Metric label="Sends" value={m.sends} testId="campaign-sends" />
        <Metric
          label={`Hard-bounce rate (brake at ${percent(m.bounce.threshold)})`}
          value={percent(m.bounce.rate)}
          testId="campaign-bounce-rate"
          tone={m.bounce.breached ? 'bad' : 'ok'}
          hint={m.bounce.rate !== null && m.sends < m.bounce.minSends ? `fewer than ${m.bounce.minSends} sends: too few to judge` : undefined}
        />
        <Metric
          label={`Complaint rate (brake at ${percent(m.complaint.threshold, 3)})`}
          value={percent(m.complaint.rate, 3)}
          testId="campaign-complaint-rate"
          tone={m.complaint.breached ? 'bad' : 'ok'}
          hint={m.complaint.rate !== null && m.sends < m.complaint.minSends ? `fewer than ${m.complaint.minSends} sends: too few to judge` : undefined}
        />
        <Metric label="Delivery failures" value={m.deliveryFailures} testId="campaign-delivery-failures" hint="soft bounces, delays and rejects" />
        <Metric
          label="Verification pass rate"
          value={percent(m.verification.rate, 1)}
          testId="campaign-verification-rate"
          hint={`${m.verification.part} of ${m.verification.whole} just-in-time checks passed`}
        />
        <Metric label="Open rate" value={percent(m.opens.rate, 1)} testId="campaign-open-rate" hint="display only — opens are unreliable (privacy proxies)" />
        {m.replies !== null ? <Metric label="Replies (Smartlead)" value={m.replies} testId="campaign-replies" hint="supporting evidence only, never a trigger" /> : null}
      </dl>
      <h3 className="mb-2 mt-4 text-sm font-semibold text-slate-600">Last {m.series.length} days: sends, hard bounces and complaints</h3>
      {/* Narrower than the page: the chart keeps its ratio, and full width it would fill the screen. */}
      <div className="max-w-3xl">
        <ActivityChart series={m.series} />
      </div>
    </Card>
  )
}
