/**
 * Smartlead push: 10,000 gated leads through the Smartlead adapter (src/shared/adapters/smartlead.server.ts)
 * to the local fake Smartlead (test/fakes/smartlead.ts) over HTTP, in one process. The issue's questions:
 * API requests per lead (target ≤ 0.012, with the campaign status and email accounts read through a cache)
 * and how long the push takes under Smartlead's 60 requests a minute.
 *
 * The adapter's limiter and the fake's token bucket share a fake clock that moves only when the adapter
 * sleeps, so the minute-long waits of the 60/min limit are computed, not slept: the simulated time is what
 * the push would take against Smartlead (network time aside), the wall time is what this machine spent.
 *
 * The cached gate check is the one a push service would run: before each batch, `gateCheckDue` (policy:
 * at most a minute old, at most 25 batches since) decides whether to read the campaign and its accounts
 * again (2 requests), and `smartleadGate` decides whether to go on.
 */
import { performance } from 'node:perf_hooks'
import { createSmartleadClient, type AddLeadsResult } from '../src/shared/adapters/smartlead.server'
import { DEFAULT_SMARTLEAD_POLICY, gateCheckDue, smartleadGate, type SmartleadLeadInput, type SmartleadPolicy } from '../src/shared/domain/smartlead'
import { seededRandom } from '../src/shared/domain/random'
import { DEMO_SMARTLEAD_CAMPAIGN_ID, startFakeSmartlead, type FakeSmartlead } from '../test/fakes/smartlead'
import { fmtInt, table, type TargetResult } from './format'
import { benchLead } from './leads-data'

/** The issue's target: requests per pushed lead, status checks included. */
export const SMARTLEAD_PUSH_TARGETS = { maxRequestsPerLead: 0.012 }

/**
 * The issue's size: 10,000 gated leads. 100 batches at 60 requests a minute is over a minute of simulated
 * time but well under a second of wall time here, so there is no reason to measure fewer.
 */
export const SMARTLEAD_PUSH = { leads: 10_000 }

const API_KEY = 'bench-smartlead-key'
const SEED = 6
const T0 = Date.parse('2026-11-23T09:00:00Z')

export interface SmartleadPushResult {
  leads: number
  batchSize: number
  ratePerMinute: number
  policy: Pick<SmartleadPolicy, 'gateCheckMaxAgeSeconds' | 'gateCheckEveryBatches'>
  requests: { total: number; addLeads: number; campaignReads: number; accountReads: number; rateLimited: number; failed: number }
  requestsPerLead: number
  gateChecks: number
  outcomes: Record<string, number>
  /** On the shared fake clock: the push as it would run against Smartlead at 60 a minute. */
  simulated: { pushSeconds: number; waitedSeconds: number; floorSeconds: number }
  /** Real time on this machine: HTTP to the local fake, JSON, the mapping. */
  wall: { pushMs: number; perRequestMs: number }
}

/** Smartlead's floor for n requests at `limit` a minute, starting with a full minute's allowance: (⌈n/limit⌉ − 1) minutes. */
function floorSeconds(n: number, limit: number): number {
  return Math.max(0, Math.ceil(n / limit) - 1) * 60
}

function leadsFor(n: number): SmartleadLeadInput[] {
  const rand = seededRandom(SEED)
  return Array.from({ length: n }, (_, i) => {
    const l = benchLead(rand, i, 'sl')
    const [first, ...rest] = l.fullName.split(' ')
    return {
      email: l.email,
      first_name: first,
      last_name: rest.join(' '),
      company_name: l.company,
      location: l.city,
      linkedin_profile: l.linkedin,
      custom_fields: { Title: l.title, Persona: l.persona, Employees: l.employees },
    }
  })
}

export async function benchSmartleadPush(options: { leads: number; log: (msg: string) => void }): Promise<SmartleadPushResult> {
  const { log } = options
  const policy = DEFAULT_SMARTLEAD_POLICY
  const state = { t: T0 }
  const clock = { now: () => new Date(state.t) }
  let slept = 0
  const sleep = async (ms: number) => {
    slept += ms
    state.t += ms
  }
  const fake: FakeSmartlead = await startFakeSmartlead({ port: 0, apiKey: API_KEY, clock, ratePerMinute: policy.requestsPerMinute })
  try {
    log(`smartlead push: ${fmtInt(options.leads)} leads to the fake Smartlead on ${fake.url}, ${policy.requestsPerMinute} requests a minute on a fake clock...`)
    const client = createSmartleadClient({
      baseUrl: fake.url,
      apiKey: API_KEY,
      clock,
      sleep,
      rateLimit: [{ limit: policy.requestsPerMinute, windowMs: 60_000 }],
      batchSize: policy.batchSize,
    })
    const leads = leadsFor(options.leads)

    let last: { checkedAt: number; batchesSince: number } | null = null
    let gateChecks = 0
    const started = performance.now()
    const result: AddLeadsResult = await client.addLeads(DEMO_SMARTLEAD_CAMPAIGN_ID, leads, {
      beforeBatch: async () => {
        if (gateCheckDue(last, state.t, policy)) {
          gateChecks++
          const campaign = await client.getCampaign(DEMO_SMARTLEAD_CAMPAIGN_ID)
          const accounts = await client.listEmailAccounts(DEMO_SMARTLEAD_CAMPAIGN_ID)
          if (!campaign.ok) return { proceed: false, reason: campaign.message }
          if (!accounts.ok) return { proceed: false, reason: accounts.message }
          const gate = smartleadGate(campaign.value, accounts.value, policy)
          if (!gate.allow) return { proceed: false, reason: gate.reasons.map((r) => r.message).join(' ') }
          last = { checkedAt: state.t, batchesSince: 0 }
        }
        last!.batchesSince++
        return { proceed: true }
      },
    })
    const pushMs = performance.now() - started
    if (result.stopped) throw new Error(`the push stopped: ${result.stopped.message}`)

    const reqs = fake.requests
    const path = (suffix: RegExp) => reqs.filter((r) => suffix.test(r.path)).length
    const outcomes: Record<string, number> = {}
    for (const l of result.leads) outcomes[`${l.status}/${l.code}`] = (outcomes[`${l.status}/${l.code}`] ?? 0) + 1
    const total = client.requestCount
    return {
      leads: options.leads,
      batchSize: policy.batchSize,
      ratePerMinute: policy.requestsPerMinute,
      policy: { gateCheckMaxAgeSeconds: policy.gateCheckMaxAgeSeconds, gateCheckEveryBatches: policy.gateCheckEveryBatches },
      requests: {
        total,
        addLeads: path(/\/leads$/),
        campaignReads: path(/\/campaigns\/\d+$/),
        accountReads: path(/\/email-accounts$/),
        rateLimited: reqs.filter((r) => r.status === 429).length,
        failed: reqs.filter((r) => r.status !== 200).length,
      },
      requestsPerLead: total / options.leads,
      gateChecks,
      outcomes,
      simulated: { pushSeconds: (state.t - T0) / 1000, waitedSeconds: slept / 1000, floorSeconds: floorSeconds(total, policy.requestsPerMinute) },
      wall: { pushMs, perRequestMs: pushMs / total },
    }
  } finally {
    await fake.close()
  }
}

export function smartleadPushTargets(r: SmartleadPushResult): TargetResult[] {
  const t = SMARTLEAD_PUSH_TARGETS
  return [
    {
      id: 'smartlead/push',
      what: `API requests per lead (${fmtInt(r.leads)} leads, status checks cached)`,
      actual: `${r.requestsPerLead.toFixed(4)} (${r.requests.total} requests)`,
      limit: `<= ${t.maxRequestsPerLead}`,
      pass: r.requestsPerLead <= t.maxRequestsPerLead,
    },
    {
      id: 'smartlead/push',
      what: 'requests answered 429 (the client keeps to the limit itself)',
      actual: String(r.requests.rateLimited),
      limit: '= 0',
      pass: r.requests.rateLimited === 0,
    },
  ]
}

export function smartleadPushReport(r: SmartleadPushResult, targets: TargetResult[]): string[] {
  const lines: string[] = []
  lines.push(
    `Smartlead push (createSmartleadClient -> the fake Smartlead over local HTTP; ${fmtInt(r.leads)} leads in batches of ${r.batchSize}; ${r.ratePerMinute} requests a minute on a fake clock shared by the client's limiter and the fake's token bucket; campaign and accounts re-read when ${r.policy.gateCheckMaxAgeSeconds} s old or after ${r.policy.gateCheckEveryBatches} batches)`,
  )
  lines.push(
    table(
      ['requests', 'count', 'per lead'],
      [
        ['POST /campaigns/{id}/leads', fmtInt(r.requests.addLeads), (r.requests.addLeads / r.leads).toFixed(4)],
        [`GET /campaigns/{id} (${r.gateChecks} cached gate checks)`, fmtInt(r.requests.campaignReads), (r.requests.campaignReads / r.leads).toFixed(4)],
        ['GET /campaigns/{id}/email-accounts', fmtInt(r.requests.accountReads), (r.requests.accountReads / r.leads).toFixed(4)],
        ['total', fmtInt(r.requests.total), r.requestsPerLead.toFixed(4)],
      ],
      'lrr',
    ),
  )
  lines.push(
    `Time under the limit (simulated): ${r.simulated.pushSeconds.toFixed(1)} s for ${r.requests.total} requests, ${r.simulated.waitedSeconds.toFixed(1)} s of it waiting for the limiter; the floor at ${r.ratePerMinute} a minute (a full first minute, then ${r.ratePerMinute} a minute) is ${r.simulated.floorSeconds.toFixed(0)} s. Network time is not simulated: add Smartlead's answer time per request.`,
  )
  lines.push(`Wall time here: ${(r.wall.pushMs / 1000).toFixed(2)} s (${r.wall.perRequestMs.toFixed(1)} ms a request to the local fake).`)
  lines.push(`Lead outcomes: ${Object.entries(r.outcomes).map(([k, n]) => `${fmtInt(n)} ${k}`).join(', ')}.`)
  lines.push(table(['', 'target', 'actual', 'limit'], targets.map((t) => [t.pass ? 'PASS' : 'FAIL', t.what, t.actual, t.limit]), 'llrl'))
  return lines
}
