import * as z from 'zod'
import type { Lead, LeadSource } from './entities'
import { firstNameFromParts, parseFirstName } from './first-name'
import { cleanText, normaliseEmail } from './sanitise'

/**
 * One lead as it arrives from any intake path (Clay webhook, CSV/XLSX row, manual form), validated and
 * sanitised. Pure: ids and time are added by the service.
 */
export interface IntakeLead {
  email: string
  fullName: string
  firstName: string | null
  firstNameConfidence: number
  firstNameReason: string
  company: string
  persona: string
  leadScore: number | null
  enrichment: Record<string, string>
}

export interface Problem {
  field: string
  problem: string
}

// Clay rows carry a few dozen columns at most; 50 extra fields bounds what one request can store.
export const MAX_EXTRA_FIELDS = 50
// A single enrichment value longer than this is almost certainly a pasted document, not a fact.
const MAX_EXTRA_VALUE = 1000
// Field names become attribute keys and CSV headers: short, printable.
const FIELD_NAME = /^[\p{L}\p{N} _.\-/()#&]{1,64}$/u

const KNOWN = new Set(['email', 'persona', 'lead_score', 'workable', 'full_name', 'first_name', 'last_name', 'company'])

/**
 * An integer, or a string holding only an integer ("85"); 85.5, "85.5" and "high" are refused. The union
 * carries the message itself: a failed zod 4 union otherwise reports only "Invalid input".
 */
const integerScore = z.union(
  [
    z.int('must be a whole number'),
    z
      .string()
      .trim()
      .regex(/^-?\d{1,9}$/, 'must be a whole number')
      .transform(Number),
  ],
  { error: 'must be a whole number' },
)

const optionalText = z.union([z.string(), z.number(), z.null()]).optional()
// `.optional()` before the transform: a row from a file without a score column has no lead_score key at all.
const optionalScore = z
  .union([z.literal(''), z.null(), integerScore], { error: 'must be a whole number' })
  .optional()
  .transform((v) => (v === '' || v === null || v === undefined ? null : v))

// No `email` key in either shape: normaliseEmail (in validateLead) checks it and names the problem once.

/** Clay must say who the lead is for (persona, score) and that it is workable; name and company may be missing. */
const clayShape = z.object({
  persona: z.string({ error: 'is required' }).trim().min(1, 'is required').max(128),
  lead_score: z.unknown().refine((v) => v !== undefined && v !== null && v !== '', 'is required').pipe(integerScore),
  workable: z.literal(true, { error: 'must be true: Drason only takes leads Clay marked workable' }),
  full_name: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  company: optionalText,
})

/** A file row or the manual form: a person (name, email, company); persona and score are optional. */
const rowShape = z.object({
  persona: z.union([z.string().trim().max(128), z.null()]).optional(),
  lead_score: optionalScore,
  full_name: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  company: z.union([z.string(), z.number()], { error: 'is required' }).transform(String).pipe(z.string().trim().min(1, 'is required').max(256)),
})

function text(v: unknown): string {
  return v === null || v === undefined ? '' : cleanText(String(v))
}

export type IntakeProfile = 'clay' | 'row'

/** Pure: validates one lead (a Clay body, a file row or the manual form) and lists every problem, field by field. */
export function validateLead(body: unknown, profile: IntakeProfile): { ok: true; lead: IntakeLead } | { ok: false; problems: Problem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object with one lead' }] }
  }
  const record = body as Record<string, unknown>
  const problems: Problem[] = []
  const parsed = profile === 'clay' ? clayShape.safeParse(record) : rowShape.safeParse(record)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.') || '(body)'
      if (!problems.some((p) => p.field === field)) problems.push({ field, problem: issue.message })
    }
  }
  const email = normaliseEmail(record.email)
  if (!email.ok) problems.push({ field: 'email', problem: email.reason })

  const extras = extraFields(record, problems)
  const name = nameOf(record.full_name, record.first_name, record.last_name)
  if (profile === 'row' && !name.fullName) problems.push({ field: 'name', problem: 'is required (a full name, or a first name)' })
  if (problems.length > 0 || !parsed.success || !email.ok) return { ok: false, problems: sortProblems(problems) }

  return {
    ok: true,
    lead: {
      email: email.email,
      ...name,
      company: text(record.company),
      persona: cleanText(parsed.data.persona ?? '', 128),
      leadScore: parsed.data.lead_score,
      enrichment: extras,
    },
  }
}

/** The Clay webhook's validation (kept as its own name: the webhook is the contract). */
export const validateClayLead = (body: unknown) => validateLead(body, 'clay')

function extraFields(record: Record<string, unknown>, problems: Problem[]): Record<string, string> {
  const extras: Record<string, string> = {}
  const names = Object.keys(record).filter((k) => !KNOWN.has(k))
  if (names.length > MAX_EXTRA_FIELDS) {
    problems.push({ field: '(extra fields)', problem: `at most ${MAX_EXTRA_FIELDS} extra fields are kept; this lead has ${names.length}` })
    return extras
  }
  for (const key of names) {
    const value = record[key]
    if (!FIELD_NAME.test(key)) {
      problems.push({ field: key.slice(0, 64), problem: 'field names are 1-64 letters, digits, spaces or _ . - / ( ) # &' })
      continue
    }
    if (value === null || value === undefined || value === '') continue
    if (typeof value === 'object') {
      problems.push({ field: key, problem: 'must be text, a number or true/false, not a list or object' })
      continue
    }
    const cleaned = cleanText(String(value), MAX_EXTRA_VALUE + 1)
    if (cleaned.length > MAX_EXTRA_VALUE) {
      problems.push({ field: key, problem: `is longer than ${MAX_EXTRA_VALUE} characters` })
      continue
    }
    if (cleaned) extras[key] = cleaned
  }
  return extras
}

/** The display name and greeting name from whichever name fields a source has. */
export function nameOf(fullName: unknown, first: unknown, last: unknown): Pick<IntakeLead, 'fullName' | 'firstName' | 'firstNameConfidence' | 'firstNameReason'> {
  const full = text(fullName)
  const f = text(first)
  const l = text(last)
  const parsed = full && !f ? parseFirstName(full) : firstNameFromParts(f, l)
  return {
    fullName: full || [f, l].filter(Boolean).join(' '),
    firstName: parsed.firstName,
    firstNameConfidence: parsed.confidence,
    firstNameReason: parsed.reason,
  }
}

function sortProblems(problems: Problem[]): Problem[] {
  const order = ['email', 'name', 'company', 'persona', 'lead_score', 'workable']
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length)
  return [...problems].sort((a, b) => rank(a.field) - rank(b.field))
}

/**
 * Pure: the stored lead for a validated intake, before routing. `id` is `leadIdFor(input.email)` (the
 * caller computes it: this module is also loaded by the browser, which has no SHA-256 of its own);
 * `importId` names the import a file's lead came from.
 */
export function newHeldLead(input: IntakeLead, source: LeadSource, id: string, now: Date, importId?: string): Lead {
  return {
    id,
    email: input.email,
    fullName: input.fullName,
    firstName: input.firstName ?? '',
    firstNameConfidence: input.firstNameConfidence,
    company: input.company,
    persona: input.persona,
    leadScore: input.leadScore,
    source,
    enrichment: input.enrichment,
    status: 'held',
    healthState: 'healthy',
    campaignId: null,
    holdReason: null,
    createdAt: now.toISOString(),
    ...(importId ? { importId } : {}),
  }
}

/** The enrichment keys whose values a re-post adds or changes (empty values never erase). */
export function enrichmentChanges(current: Record<string, string>, incoming: Record<string, string>): Record<string, { before: string | null; after: string }> {
  const changes: Record<string, { before: string | null; after: string }> = {}
  for (const [k, v] of Object.entries(incoming)) {
    // Own keys only: for a field named "constructor" or "toString", `current[k]` is an inherited function.
    const before = Object.hasOwn(current, k) ? current[k]! : null
    if (v && before !== v) changes[k] = { before, after: v }
  }
  return changes
}
