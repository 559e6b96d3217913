/**
 * The audit event: Drason never acts silently. Events are append-only; each says who did what to which
 * entity, which signal and threshold were involved, and one sentence a person can read.
 */
export const ACTOR_TYPES = ['system', 'user', 'integration'] as const
export type ActorType = (typeof ACTOR_TYPES)[number]

export const ENTITY_TYPES = [
  'lead',
  'mailbox',
  'campaign',
  'domain',
  'rule',
  'setting',
  'user',
  'import',
  'suppression',
  // The whole sending account (the account-wide brake).
  'account',
] as const
export type EntityType = (typeof ENTITY_TYPES)[number]

export interface Actor {
  type: ActorType
  /** user email, integration name (`clay`, `api`, `ses`) or the system job (`health`). */
  id: string
}

export interface AuditEvent {
  id: string
  /** ISO-8601 UTC. */
  at: string
  actor: Actor
  entityType: EntityType
  entityId: string
  /** Verb in snake_case: `login_failed`, `paused`, `settings_updated`, `sent`, ... */
  action: string
  /** The signal(s) that triggered an automatic action (`hard_bounce_rate`, ...). */
  signals?: string[]
  /** The observed value and the threshold it crossed, where a rule fired. */
  value?: number
  threshold?: number
  /** Rolling window the value was measured over (`last 100 sends`, `7 days`). */
  window?: string
  /** One human-readable sentence. */
  sentence: string
  /** Extra facts (spintax variant sent, verifier response, MessageId, before/after ...). */
  details?: Record<string, unknown>
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>

/** Pure: stamps a new event with its id and time (both passed in, never read from the world). */
export function stampAuditEvent(input: NewAuditEvent, id: string, now: Date): AuditEvent {
  if (!input.sentence.trim()) throw new Error('an audit event needs a sentence')
  return { ...input, id, at: now.toISOString() }
}

/**
 * What tells one stored event from every other: its entity, its time and its id, as its key is. Ids are
 * random in the app, but the key is what the store guarantees unique, so lists key their rows by this.
 */
export function auditEventKey(e: Pick<AuditEvent, 'entityType' | 'entityId' | 'at' | 'id'>): string {
  return `${e.entityType}#${e.entityId}#${e.at}#${e.id}`
}

/** `2026-11` — the month bucket of an ISO time; audit timelines page month by month. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7)
}

/** The month before `2026-11` is `2026-10`; before `2026-01` is `2025-12`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}
