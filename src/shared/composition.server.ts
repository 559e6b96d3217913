/**
 * The composition root: the one place where adapters are chosen and wired into the services' ports.
 * Handlers and Remix loaders ask for `appDeps()` and pass it to services; tests build their own with
 * `buildDeps` (a fixed clock, sequential ids) against DynamoDB Local.
 */
import { config, type Config } from './config.server'
import { dummyPasswordHash, hashPassword, hashToken, newId, newToken, secureRandom, sign, signatureMatches, tokenMatches, verifyPassword } from './adapters/crypto.server'
import { dynamoChainCursor, dynamoSends } from './adapters/dynamo/send-store.server'
import type { VerifyResult } from './adapters/myemailverifier.server'
import type { OutgoingMessage, createSesSender } from './adapters/ses-sender.server'
import { unsubscribePayload } from './domain/unsubscribe'
import { pauseForReason } from './services/campaign-controls'
import { dynamoAuditLog } from './adapters/dynamo/audit-store.server'
import { dynamoCampaigns, dynamoRouting, dynamoSenders } from './adapters/dynamo/campaign-store.server'
import { lambdaDb, type Db } from './adapters/dynamo/db.server'
import { dynamoLeads } from './adapters/dynamo/lead-store.server'
import { dynamoImports } from './adapters/dynamo/import-store.server'
import { dynamoSuppression } from './adapters/dynamo/suppression-store.server'
import { dynamoAccount, dynamoIntegration } from './adapters/dynamo/account-store.server'
import type { SmartleadClient } from './adapters/smartlead.server'
import type { Campaign } from './domain/entities'
import { arcImportQueue, arcPulseQueue } from './adapters/arc-queues.server'
import type { PulseQueue } from './services/campaign-controls'
import type { ImportQueue } from './services/lead-import'
import { dynamoMetrics } from './adapters/dynamo/metrics-store.server'
import { dynamoSettings } from './adapters/dynamo/settings-store.server'
import { dynamoSessions, dynamoUsers } from './adapters/dynamo/user-store.server'
import type { Clock, IdSource } from './services/ports'
import { evaluateHeldLeads } from './services/gate'
import { dynamoFeedback } from './adapters/dynamo/feedback-store.server'
import { runHealth } from './services/health'
import type { FetchText, SnsVerifier } from './adapters/sns-verifier.server'

export const systemClock: Clock = { now: () => new Date() }
export const randomIds: IdSource = { next: newId }

export function buildDeps(
  db: Db,
  cfg: Config,
  overrides: { clock?: Clock; ids?: IdSource; importQueue?: ImportQueue; pulseQueue?: PulseQueue; snsFetchText?: FetchText } = {},
) {
  const settingsStore = dynamoSettings(db)
  const metrics = dynamoMetrics(db)
  const clockSource = overrides.clock ?? systemClock
  // Smartlead sender mode: one client per process, so its 60-a-minute limiter sees every request; none
  // without an API key (Smartlead campaigns then stay held, saying so).
  // Loaded on first use, like SES: the queue and scheduled functions' cold starts do not evaluate it.
  let smartleadClient: Promise<SmartleadClient | null> | undefined
  const smartlead = (): Promise<SmartleadClient | null> =>
    (smartleadClient ??= cfg.SMARTLEAD_API_KEY
      ? import('./adapters/smartlead.server').then((m) => m.createSmartleadClient({ baseUrl: cfg.SMARTLEAD_BASE_URL, apiKey: cfg.SMARTLEAD_API_KEY!, clock: clockSource }))
      : Promise.resolve(null))
  const smartleadSecretHash = cfg.SMARTLEAD_WEBHOOK_SECRET ? hashToken(cfg.SMARTLEAD_WEBHOOK_SECRET) : null
  const routing = dynamoRouting(db)
  const base = {
    db,
    config: cfg,
    clock: clockSource,
    ids: overrides.ids ?? randomIds,
    random: secureRandom as () => number,
    audit: dynamoAuditLog(db),
    metrics,
    sendsOn: async (scope: 'overall' | 'campaign' | 'mailbox', id: string, day: string) => (await metrics.days(scope, id, [day]))[0]!.sends,
    sendsOnDay: metrics.sendsOnDay,
    suppression: dynamoSuppression(db),
    account: dynamoAccount(db),
    settingsStore,
    settings: async () => (await settingsStore.get()).settings,
    settingsWithBrake: settingsStore.withBrake,
    users: dynamoUsers(db),
    sessions: dynamoSessions(db),
    leads: dynamoLeads(db),
    campaigns: dynamoCampaigns(db),
    senders: dynamoSenders(db),
    // The rules page reads and saves the stored set; intake routes by a copy at most 1 s old (decision 050).
    routing,
    rules: { get: routing.recent },
    imports: dynamoImports(db),
    importQueue: overrides.importQueue ?? arcImportQueue,
    pulseQueue: overrides.pulseQueue ?? arcPulseQueue,
    secrets: { hashPassword, verifyPassword, dummyPasswordHash, newToken, hashToken },
    tokenMatches,
    // Only digests of the configured tokens are kept in memory after start.
    tokenHashes: { api: hashToken(cfg.DRASON_API_TOKEN), intake: hashToken(cfg.DRASON_INTAKE_TOKEN) },
    firstAdmin: { email: cfg.DRASON_ADMIN_EMAIL, password: cfg.DRASON_ADMIN_PASSWORD },
    smartlead,
    smartleadIntegration: dynamoIntegration(db, 'smartlead'),
    smartleadSecretMatches: (presented: string): boolean => smartleadSecretHash !== null && tokenMatches(presented, smartleadSecretHash),
  }
  const deps = {
    ...base,
    integration: base.smartleadIntegration,
    pushToSmartlead: async (campaign: Campaign): Promise<{ admitted: number; held: number }> => (await import('./services/smartlead-sender')).pushHeldToSmartlead(deps, campaign),
    // Only Smartlead campaigns have an external sender to tell; SES campaigns never load that code.
    senderStatus: async (campaign: Campaign, status: 'PAUSED' | 'START'): Promise<boolean> =>
      campaign.sender.kind === 'smartlead' ? (await import('./services/smartlead-sender')).propagateCampaignStatus(deps, campaign, status) : false,
  }
  const clock = deps.clock
  // The SES client and the verifier are built on first use: most functions (the UI, the API, imports)
  // never send, and their cold starts should not pay for evaluating the SES SDK.
  let verifierInstance: Promise<{ verify(email: string): Promise<VerifyResult> }> | undefined
  const verifier = {
    verify: async (email: string) => {
      verifierInstance ??= import('./adapters/myemailverifier.server').then((m) => m.createVerifier({ baseUrl: cfg.MEV_BASE_URL, apiKey: cfg.MEV_API_KEY ?? '', clock }))
      return (await verifierInstance).verify(email)
    },
  }
  let senderInstance: Promise<ReturnType<typeof createSesSender>> | undefined
  const sender = {
    send: async (message: OutgoingMessage) => {
      senderInstance ??= import('./adapters/ses-sender.server').then((m) =>
        m.createSesSender({
          region: cfg.AWS_REGION,
          configurationSet: cfg.SES_CONFIGURATION_SET,
          ...(cfg.SES_ENDPOINT ? { endpoint: cfg.SES_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        }),
      )
      return (await senderInstance).send(message)
    },
    /** Closes the SES client's sockets (scripts and benchmarks that end their process). */
    destroy: () => {
      void senderInstance?.then((s) => s.destroy())
    },
  }
  // Built on first use too: only the SES webhook needs it. Certificates are fetched only from SNS's own
  // hosts (tests inject the fetch that serves their test certificate).
  let snsInstance: Promise<SnsVerifier> | undefined
  const snsVerifier = (): Promise<SnsVerifier> =>
    (snsInstance ??= import('./adapters/sns-verifier.server').then((m) =>
      m.createSnsVerifier({ allowedTopicArns: cfg.SES_FEEDBACK_TOPIC_ARNS, clock, ...(overrides.snsFetchText ? { fetchText: overrides.snsFetchText } : {}) }),
    ))
  const publicUrl = cfg.DRASON_PUBLIC_URL
  // A key of its own for unsubscribe links, derived from the session secret (one secret to manage).
  const unsubscribeKey = `${cfg.DRASON_SESSION_SECRET}:unsubscribe`
  const app = {
    ...deps,
    sends: dynamoSends(db),
    feedback: dynamoFeedback(db),
    snsVerifier,
    chainCursor: dynamoChainCursor(db),
    verifier,
    sender,
    pauseCampaign: async (campaignId: string, reason: string) => {
      await pauseForReason(deps, campaignId, reason)
    },
    unsubscribeUrl: (leadId: string, campaignId: string) => {
      const payload = unsubscribePayload(leadId, campaignId)
      return `${publicUrl}/u/${payload}.${sign(payload, unsubscribeKey)}`
    },
    verifyUnsubscribe: (payload: string, signature: string) => signatureMatches(payload, signature, unsubscribeKey),
    /** The gate over a campaign's held leads (used after Start/Resume; the scheduler uses reevaluateAll). */
    admitHeld: (campaignId: string) => evaluateHeldLeads(deps, campaignId),
  }
  // The immediate health check after a hard bounce or complaint is the scheduled run itself.
  const full = { ...app, checkHealth: (): Promise<unknown> => runHealth(full) }
  return full
}
export type AppDeps = ReturnType<typeof buildDeps>

/** The demo seed's writes, wired to the same stores the app uses. */
export function seedDeps(deps: AppDeps) {
  return {
    clock: deps.clock,
    ids: deps.ids,
    stores: {
      claimSeed: () => deps.settingsStore.claimSeedMarker(deps.clock.now()),
      insertDomain: deps.senders.insertDomain,
      insertMailbox: deps.senders.insertMailbox,
      insertCampaign: deps.campaigns.insert,
      saveRules: deps.routing.save,
      insertLead: deps.leads.insert,
    },
  }
}

let cached: Promise<AppDeps> | undefined
/** Dependencies for this Lambda process, built once (configuration is validated here, at start). */
export function appDeps(): Promise<AppDeps> {
  cached ??= (async () => buildDeps(await lambdaDb(), config()))().catch((err: unknown) => {
    cached = undefined
    throw err
  })
  return cached
}
