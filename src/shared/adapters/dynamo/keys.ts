/**
 * Every DynamoDB key and index name is built here and only here. The rest of the code sees domain types.
 * Layout (table: item -> pk / sk, indexes):
 *   leads:       lead profile      LEAD#<id> / PROFILE        byStatus gsi1 STATUS#<status> / <createdAt>#<id>
 *                                                             byCampaign gsi2 CAMPAIGN#<id>#<status> / <place>#<id> (not completed; the place is
 *                                                             queuedAt or createdAt, `~<createdAt>` for a lead held last: domain campaignPlace)
 *                (the id is derived from the normalised address, domain/lead-id.ts: the profile item is
 *                also the address's uniqueness claim, decision 050)
 *   routing:     the ordered set   RULESET / CURRENT
 *   campaigns:   campaign          CAMPAIGN#<id> / CAMPAIGN   byList gsi1 CAMPAIGNS / <name>#<id>
 *                pulse chain       CAMPAIGN#<id> / CHAIN      (the one running send loop, its cursor)
 *   mailboxes:   mailbox           MAILBOX#<id> / MAILBOX     byDomain gsi1 DOMAIN#<domainId> / <address>
 *   domains:     domain            DOMAIN#<id> / DOMAIN       byList gsi1 DOMAINS / <name>
 *   audit:       event             <type>#<id> / <at>#<eventId>
 *                                  byMonth gsi1 MONTH#<yyyy-mm> / <at>#<eventId>
 *                                  byTypeMonth gsi2 <type>#<yyyy-mm> / <at>#<eventId>  (every type but lead: sparse)
 *   metrics:     totals            METRICS#<scope>#<scopeId> / TOTAL
 *                day counters      METRICS#DAY#<yyyy-mm-dd> / <scope>#<scopeId>   (a day's scopes in one partition)
 *                signal window     METRICS#mailbox#<id> / SIGNALS   (send count + bounce/failure marks)
 *   suppression: address           ADDRESS#<email> / SUPPRESSION;  whole domain  DOMAIN#<domain> / SUPPRESSION
 *                                  byTime gsi1 SUPPRESSIONS / <at>#<address or domain>  (the list a person reads)
 *   sendclaims:  one send          SEND#<campaignId>#<leadId> / SEND   byState gsi1 STATE#<sending|unknown> / <claimedAt> (sparse)
 *   settings:    policy            SETTINGS / CURRENT;  demo seed marker SEED / DEMO;  account brake SETTINGS / BRAKE;
 *                                  integration state INTEGRATION#<name> / STATE
 *   users:       user              USER#<email> / USER;  login failures LOGINFAIL#<key> / <windowStart>
 *   sessions:    session           <sha256 of the session id>
 *   feedback:    processed event   FEEDBACK#<feedbackId>   (idempotency marker, expires by TTL)
 *   imports:     import job        IMPORT#<id> / META;  rows  IMPORT#<id> / CHUNK#<nnnnn>
 *                                  byTime gsi1 IMPORTS / <createdAt>#<id>  (jobs only: recent imports)
 */
import type { EntityType } from '../../domain/audit'
import type { LeadStatus } from '../../domain/entities'

export const INDEX = {
  leadsByStatus: 'byStatus',
  leadsByCampaign: 'byCampaign',
  campaignsByList: 'byList',
  mailboxesByDomain: 'byDomain',
  domainsByList: 'byList',
  auditByMonth: 'byMonth',
  auditByTypeMonth: 'byTypeMonth',
  sendclaimsByState: 'byState',
  suppressionByTime: 'byTime',
  importsByTime: 'byTime',
} as const

export const keys = {
  lead: (id: string) => ({ pk: `LEAD#${id}`, sk: 'PROFILE' }),
  leadByStatus: (status: LeadStatus, createdAt: string, id: string) => ({
    gsi1pk: `STATUS#${status}`,
    gsi1sk: `${createdAt}#${id}`,
  }),
  leadStatusPartition: (status: LeadStatus) => `STATUS#${status}`,
  // One partition per campaign and status, so the send loop reads only queued leads (no filter that
  // would bill for every held or finished lead it skips).
  leadByCampaign: (campaignId: string, status: LeadStatus, queuedAt: string, id: string) => ({
    gsi2pk: `CAMPAIGN#${campaignId}#${status}`,
    gsi2sk: `${queuedAt}#${id}`,
  }),
  /** When the lead a queue cursor (a `leadByCampaign` sort key) stands on was queued, for people to read. */
  queuedAtOfCursor: (cursor: string | null): string | null => {
    const cut = cursor ? cursor.indexOf('#') : -1
    const at = cut > 0 ? cursor!.slice(0, cut) : null
    return at && !Number.isNaN(Date.parse(at)) ? at : null
  },
  leadCampaignPartition: (campaignId: string, status: LeadStatus) => `CAMPAIGN#${campaignId}#${status}`,

  ruleset: () => ({ pk: 'RULESET', sk: 'CURRENT' }),

  campaign: (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'CAMPAIGN' }),
  campaignChain: (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'CHAIN' }),
  campaignList: (name: string, id: string) => ({ gsi1pk: 'CAMPAIGNS', gsi1sk: `${name.toLowerCase()}#${id}` }),
  campaignListPartition: () => 'CAMPAIGNS',

  mailbox: (id: string) => ({ pk: `MAILBOX#${id}`, sk: 'MAILBOX' }),
  mailboxByDomain: (domainId: string, address: string) => ({ gsi1pk: `DOMAIN#${domainId}`, gsi1sk: address }),
  mailboxDomainPartition: (domainId: string) => `DOMAIN#${domainId}`,

  domain: (id: string) => ({ pk: `DOMAIN#${id}`, sk: 'DOMAIN' }),
  domainList: (name: string) => ({ gsi1pk: 'DOMAINS', gsi1sk: name }),
  domainListPartition: () => 'DOMAINS',

  auditEvent: (type: EntityType, entityId: string, at: string, id: string) => ({
    pk: `${type}#${entityId}`,
    sk: `${at}#${id}`,
  }),
  auditEntityPartition: (type: EntityType, entityId: string) => `${type}#${entityId}`,
  auditByMonth: (month: string, at: string, id: string) => ({ gsi1pk: `MONTH#${month}`, gsi1sk: `${at}#${id}` }),
  auditMonthPartition: (month: string) => `MONTH#${month}`,
  auditByTypeMonth: (type: EntityType, month: string, at: string, id: string) => ({
    gsi2pk: `${type}#${month}`,
    gsi2sk: `${at}#${id}`,
  }),
  auditTypeMonthPartition: (type: EntityType, month: string) => `${type}#${month}`,

  metricsTotal: (scope: MetricScope, scopeId: string) => ({ pk: `METRICS#${scope}#${scopeId}`, sk: 'TOTAL' }),
  // One partition per day holding every scope's counters of that day, so the send loop reads the
  // account's, its campaign's and its mailboxes' sends in one Query (a unit at most) instead of a key each.
  metricsDay: (scope: MetricScope, scopeId: string, day: string) => ({ pk: `METRICS#DAY#${day}`, sk: `${scope}#${scopeId}` }),
  metricsDayPartition: (day: string) => `METRICS#DAY#${day}`,

  signalWindow: (mailboxId: string) => ({ pk: `METRICS#mailbox#${mailboxId}`, sk: 'SIGNALS' }),
  feedbackMarker: (feedbackId: string) => ({ pk: `FEEDBACK#${feedbackId}` }),

  suppressedAddress: (email: string) => ({ pk: `ADDRESS#${email}`, sk: 'SUPPRESSION' }),
  suppressedDomain: (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: 'SUPPRESSION' }),
  // One partition for the whole list, newest first: suppressions are added a few a day, so it never runs hot.
  suppressionListed: (at: string, value: string) => ({ gsi1pk: 'SUPPRESSIONS', gsi1sk: `${at}#${value}` }),
  suppressionListPartition: 'SUPPRESSIONS',

  send: (campaignId: string, leadId: string) => ({ pk: `SEND#${campaignId}#${leadId}`, sk: 'SEND' }),
  // Sparse: only sends someone must come back to are in the index (`sending` for the sweep, `unknown` for a
  // person). A settled send leaves it (one index write) instead of moving within it (two), and a skip never
  // enters it.
  sendByState: (state: string, at: string): { gsi1pk?: string; gsi1sk?: string } => (state === 'sending' || state === 'unknown' ? { gsi1pk: `STATE#${state}`, gsi1sk: at } : {}),
  sendStatePartition: (state: 'sending' | 'unknown') => `STATE#${state}`,

  settings: () => ({ pk: 'SETTINGS', sk: 'CURRENT' }),
  seedMarker: () => ({ pk: 'SEED', sk: 'DEMO' }),
  // Beside the settings, so the send loop reads both with one Query.
  accountBrake: () => ({ pk: 'SETTINGS', sk: 'BRAKE' }),
  integration: (name: string) => ({ pk: `INTEGRATION#${name}`, sk: 'STATE' }),

  user: (email: string) => ({ pk: `USER#${email}`, sk: 'USER' }),
  userSortKey: () => 'USER',
  loginFailures: (key: string, windowId: string) => ({ pk: `LOGINFAIL#${key}`, sk: windowId }),

  session: (idHash: string) => ({ pk: idHash }),

  importJob: (id: string) => ({ pk: `IMPORT#${id}`, sk: 'META' }),
  importListed: (createdAt: string, id: string) => ({ gsi1pk: 'IMPORTS', gsi1sk: `${createdAt}#${id}` }),
  importChunk: (id: string, chunk: number) => ({ pk: `IMPORT#${id}`, sk: `CHUNK#${String(chunk).padStart(5, '0')}` }),
  importPartition: (id: string) => `IMPORT#${id}`,
  importChunkPrefix: () => 'CHUNK#',
} as const

export type MetricScope = 'overall' | 'campaign' | 'mailbox' | 'domain'
