/**
 * The entities of the product brief as plain data. Adapters turn stored items into these; nothing outside
 * the data adapter sees a raw DynamoDB item.
 */
export const LEAD_STATUSES = ['held', 'active', 'paused', 'completed'] as const
export type LeadStatus = (typeof LEAD_STATUSES)[number]
export const HEALTH_STATES = ['healthy', 'warning', 'paused'] as const
export type HealthState = (typeof HEALTH_STATES)[number]
export const LEAD_SOURCES = ['clay', 'csv', 'xlsx', 'manual'] as const
export type LeadSource = (typeof LEAD_SOURCES)[number]

export interface Lead {
  id: string
  email: string
  fullName: string
  firstName: string
  firstNameConfidence: number
  company: string
  persona: string
  /** null when the source had no score (CSV and manual entry may omit it); score rules never match null. */
  leadScore: number | null
  source: LeadSource
  enrichment: Record<string, string>
  status: LeadStatus
  healthState: HealthState
  campaignId: string | null
  holdReason: string | null
  createdAt: string
  /**
   * When the gate let the lead into its campaign: the lead's place in the send queue. A lead admitted
   * later queues after those already queued, whatever its creation time, so the chain's cursor never
   * passes it by.
   */
  queuedAt?: string | null
  /**
   * Held for a reason only a person can clear (its address is suppressed, and Drason has no removal):
   * it waits after the campaign's other held leads, so the gate, which reads a bounded number of held
   * leads each run, reaches those first (see campaignPlace).
   */
  heldLast?: boolean
  /** The import that created the lead (CSV/XLSX): its audit event is the import's, not the lead's (decision 050). */
  importId?: string
}

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'aborted', 'completed'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

export interface SendingWindow {
  /** ISO weekday numbers, 1 = Monday ... 7 = Sunday. */
  days: number[]
  startHour: number
  endHour: number
  timeZone: string
}

/** Gaussian pacing between sends, clamped to [min, max] seconds. */
export interface DelayDistribution {
  meanSeconds: number
  sdSeconds: number
  minSeconds: number
  maxSeconds: number
}

export interface Campaign {
  id: string
  name: string
  sender: { kind: 'ses' } | { kind: 'smartlead'; externalId: string }
  status: CampaignStatus
  subjectTemplate: string
  bodyTemplate: string
  /** Optional simple HTML body; the plain-text body is always sent too. */
  htmlTemplate: string | null
  /** Enrichment fields the templates may use besides the standard variables (e.g. "City"). */
  extraVariables: string[]
  mailboxIds: string[]
  dailyCap: number
  delay: DelayDistribution
  window: SendingWindow
  pauseReason: string | null
  /** Who paused it: `health`, `domain:<id>` (its sender domain was paused) or a person's email. */
  pausedBy?: string | null
  /** When a person last resumed it: mailboxes degraded before then no longer count against it. */
  resumedAt?: string | null
  createdAt: string
}

export interface Mailbox {
  id: string
  address: string
  fromName: string
  domainId: string
  status: 'active' | 'paused'
  healthState: HealthState
  dailyCap: number
  pauseReason: string | null
  lastActivityAt: string | null
  /** When its health state last changed (the health run), or null. */
  healthChangedAt?: string | null
  resumedAt?: string | null
}

/**
 * The account-wide brake: when engaged, nothing is sent from any campaign until a person releases it.
 * Engaged by the health policy (account bounce or complaint rate) or by a CloudWatch reputation alarm.
 */
export interface AccountBrake {
  engaged: boolean
  /** The signal that engaged it (`bounce_rate`, `Reputation.BounceRate`, ...). */
  signal: string
  /** The sentence a person reads: what fired, the value and the threshold. */
  sentence: string
  at: string
  by: string
  /** On release: the day's counters at that moment, so the account is judged afresh from the release on. */
  baseline?: { day: string; sends: number; hardBounces: number; complaints: number } | null
}

export interface Domain {
  id: string
  name: string
  status: HealthState
  pauseReason: string | null
  healthChangedAt?: string | null
  /** When a person last resumed it, and the day's counters at that moment (counting starts afresh). */
  resumedAt?: string | null
  baseline?: { day: string; sends: number; hardBounces: number; complaints: number } | null
}

export type RuleCondition =
  | { field: 'persona'; op: 'equals'; value: string }
  | { field: 'persona'; op: 'one_of'; values: string[] }
  | { field: 'lead_score'; op: 'gte' | 'lte'; value: number }
  | { field: 'lead_score'; op: 'between'; min: number; max: number }
  /** Another field of the lead (company, source or an enrichment column by name) equals a value. */
  | { field: 'other'; name: string; op: 'equals'; value: string }

export interface RoutingRule {
  id: string
  name: string
  enabled: boolean
  conditions: RuleCondition[]
  campaignId: string
}

export const ROLES = ['admin', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface User {
  email: string
  role: Role
  passwordHash: string
  createdAt: string
}

/**
 * A lead's place in its campaign's lists (held, queued, paused), as they sort: the time it was queued, or
 * created while it has never been. A lead held last sorts after every other held lead: `~` sorts after the
 * digits every ISO time starts with.
 */
export function campaignPlace(lead: Pick<Lead, 'status' | 'heldLast' | 'queuedAt' | 'createdAt'>): string {
  if (lead.status === 'held' && lead.heldLast) return `~${lead.createdAt}`
  return lead.queuedAt ?? lead.createdAt
}

