import * as z from 'zod'

/**
 * Smartlead as a sender (contract: shared/contracts/smartlead.md). Pure: the shapes of every Smartlead
 * answer Drason reads, normalised; the webhook events Drason acts on; the Smartlead half of the gate; and
 * what an add-leads answer says about each pushed lead. No I/O, no clock: the adapter
 * (adapters/smartlead.server.ts) does the HTTP, services decide what to store.
 *
 * Parsing is tolerant on purpose: the contract's sources disagree on several shapes (a `{data: …}` wrapper
 * around a campaign, two add-leads answer shapes, ids as numbers or strings), so every field Drason does
 * not need is ignored, every count is optional (0 when absent), and ids become strings. Choices are
 * recorded in docs/decisions/040-smartlead-client.md.
 */

// ------------------------------------------------------------------------------------------------ policy

/**
 * Policy as data (the settings object can nest this schema as `smartlead`). The defaults follow the
 * contract where it is sure and the most conservative reading where its sources disagree.
 */
export const smartleadPolicySchema = z.object({
  // Smartlead's reference page: 60 requests per 60 s per API key (Pro plans allow 120). The client keeps
  // to this itself, so a 429 is the exception rather than how the limit is discovered.
  requestsPerMinute: z.int().min(1).max(600).default(60),
  // The contract's sources say 100, 350 and 400 leads per request; 100 is what every real client uses
  // and the only figure no source contradicts, so it is also the ceiling.
  batchSize: z.int().min(1).max(100).default(100),
  // The campaign's status and its email accounts are read at most once a minute during a push (2 requests),
  // and again after this many batches. A stale answer costs little: leads pushed into a campaign a person
  // just paused in Smartlead wait there and are not sent until it is started again. 60 s and 25 batches
  // keep the reads to 2-5 per 10,000 leads (under the benchmark's 0.012 requests a lead).
  gateCheckMaxAgeSeconds: z.int().min(0).max(3600).default(60),
  gateCheckEveryBatches: z.int().min(1).default(25),
  // The issue's gate asks for working SMTP. Failing IMAP means Smartlead cannot see replies (and so cannot
  // stop a sequence on reply); switch this on to require both, as some Smartlead clients do.
  requireImap: z.boolean().default(false),
  // An email account whose daily sent count Smartlead did not report has unknown room: blocked unless this
  // is on (as the main gate treats a mailbox on a domain with no known status).
  assumeRoomWhenSentTodayUnknown: z.boolean().default(false),
})
  .prefault({})
export type SmartleadPolicy = z.infer<typeof smartleadPolicySchema>
export const DEFAULT_SMARTLEAD_POLICY: SmartleadPolicy = smartleadPolicySchema.parse(undefined)

/** The most leads one add-leads request carries (see `batchSize` above). */
export const SMARTLEAD_MAX_BATCH = 100

// ------------------------------------------------------------------------------------------- primitives

/** Smartlead ids arrive as numbers in API answers and as strings in some webhook fields; Drason keeps strings. */
const id = z.union([z.number().int(), z.string().trim().min(1)]).transform(String)
const optionalId = z.union([z.number().int(), z.string()]).nullish().transform((v) => (v === null || v === undefined || v === '' ? null : String(v)))
/** A count: absent, null or unreadable counts as 0 (all add-leads fields are optional; see the contract). */
const count = z.unknown().optional().transform((v) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0
})
/** A number that may be absent: null when it is (the caller decides what unknown means). */
const maybeNumber = z.unknown().optional().transform((v) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : null
})
/** Booleans are sometimes strings or 0/1 in vendor payloads; anything else is false (conservative). */
const flag = z.unknown().optional().transform((v) => v === true || v === 'true' || v === 1 || v === '1')
const text = z.unknown().optional().transform((v) => (typeof v === 'string' && v.trim() !== '' ? v : null))
const record = z.record(z.string(), z.unknown())

/** `{ data: X }` → X, for the answers some clients have seen wrapped. */
function unwrapData(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'data' in v && !('id' in v)) return (v as { data: unknown }).data
  return v
}

/** Addresses are compared as Smartlead stores them: trimmed and lower-cased, nothing more. */
export const emailKey = (email: string) => email.trim().toLowerCase()

// ----------------------------------------------------------------------------------------- campaigns

/** The contract's enum; an unknown value is kept as sent (and is not ACTIVE, so the gate holds). */
export type SmartleadCampaignStatus = 'DRAFTED' | 'ACTIVE' | 'COMPLETED' | 'STOPPED' | 'PAUSED' | (string & {})

export interface SmartleadCampaign {
  id: string
  name: string
  status: SmartleadCampaignStatus
  /** The campaign's own cap on new leads a day; null when absent. */
  maxLeadsPerDay: number | null
}

export const smartleadCampaignSchema = z.preprocess(
  unwrapData,
  z.object({
    id,
    name: z.string().nullish().transform((v) => v ?? ''),
    status: z.string().transform((s) => s.trim().toUpperCase()),
    max_leads_per_day: maybeNumber,
  }),
).transform((c): SmartleadCampaign => ({ id: c.id, name: c.name, status: c.status, maxLeadsPerDay: c.max_leads_per_day }))

/**
 * What `POST /campaigns/{id}/status` takes: resume is `START` (the campaign then reads back ACTIVE).
 * `STOPPED` is terminal in Smartlead's UI, so Drason never sends it (the adapter takes PAUSED and START only).
 */
export const smartleadStatusCommandSchema = z.enum(['PAUSED', 'START', 'STOPPED'])
export type SmartleadStatusCommand = z.infer<typeof smartleadStatusCommandSchema>

// ------------------------------------------------------------------------------------ email accounts

export interface SmartleadEmailAccount {
  id: string
  fromEmail: string
  fromName: string
  /** `message_per_day`: the account's daily send limit; null when absent. */
  dailyLimit: number | null
  /** `daily_sent_count`: sent today; null when absent. */
  sentToday: number | null
  smtpOk: boolean
  imapOk: boolean
  /** Smartlead's SMTP failure text, for a person to read. */
  smtpError: string | null
  imapError: string | null
  /** `warmup_details.status` (ACTIVE | INACTIVE | PAUSED), for display only. */
  warmupStatus: string | null
}

/** Only the fields Drason reads: passwords and the rest of the account are never kept. */
const emailAccountSchema = z
  .object({
    id,
    from_email: z.string().nullish(),
    username: z.string().nullish(),
    from_name: z.string().nullish(),
    message_per_day: maybeNumber,
    daily_sent_count: maybeNumber,
    is_smtp_success: flag,
    is_imap_success: flag,
    smtp_failure_error: text,
    imap_failure_error: text,
    warmup_details: z.object({ status: text }).nullish().catch(null),
  })
  .transform(
    (a): SmartleadEmailAccount => ({
      id: a.id,
      fromEmail: a.from_email ?? a.username ?? '',
      fromName: a.from_name ?? '',
      dailyLimit: a.message_per_day,
      sentToday: a.daily_sent_count,
      smtpOk: a.is_smtp_success,
      imapOk: a.is_imap_success,
      smtpError: a.smtp_failure_error,
      imapError: a.imap_failure_error,
      warmupStatus: a.warmup_details?.status ?? null,
    }),
  )

export const smartleadEmailAccountsSchema = z.preprocess(unwrapData, z.array(emailAccountSchema))

// ------------------------------------------------------------------------------------------ add leads

/** One lead as `lead_list` takes it. `company_name`, not `company`; custom field values are text. */
export interface SmartleadLeadInput {
  email: string
  first_name?: string
  last_name?: string
  phone_number?: string
  company_name?: string
  website?: string
  location?: string
  linkedin_profile?: string
  company_url?: string
  custom_fields?: Record<string, string>
}

/** The contract: at most 20 custom fields, string values. */
export const SMARTLEAD_MAX_CUSTOM_FIELDS = 20

/**
 * Pure: why Smartlead would refuse this lead's row, or null. Checked before a push so one bad row cannot
 * fail the request that carries 99 good ones (Smartlead validates the whole body and refuses all of it).
 */
export function leadInputProblem(lead: SmartleadLeadInput): string | null {
  if (typeof lead.email !== 'string' || lead.email.trim() === '') return 'The lead has no email address.'
  const fields = lead.custom_fields ?? {}
  const keys = Object.keys(fields)
  if (keys.length > SMARTLEAD_MAX_CUSTOM_FIELDS) return `Smartlead takes at most ${SMARTLEAD_MAX_CUSTOM_FIELDS} custom fields; the lead has ${keys.length}.`
  const notText = keys.filter((k) => typeof fields[k] !== 'string')
  if (notText.length > 0) return `Smartlead takes only text in custom fields (${notText.join(', ')} is not).`
  return null
}

/**
 * The add-leads answer, normalised. Field meanings (contract §1, from real clients): `added` = new to the
 * campaign this call (`total_leads`); `alreadyInCampaign` = re-added (their data was updated, a paused one
 * stays paused); `duplicateInRequest` = repeated inside the request; `leadLimitExhausted` = the plan's lead
 * quota is used up and `importStopped` rows were not imported.
 */
export interface SmartleadAddLeadsResponse {
  ok: boolean
  uploadCount: number
  added: number
  alreadyInCampaign: number
  duplicateInRequest: number
  invalidCount: number
  invalidEmails: string[]
  blocked: number
  bounced: number
  unsubscribedEmails: string[]
  leadLimitExhausted: boolean
  importStopped: number
}

/** `unsubscribed_leads`/`invalid_emails` are address lists; a client once saw objects with an `email`. */
const emailList = z.unknown().optional().transform((v) =>
  Array.isArray(v)
    ? v.flatMap((x) => (typeof x === 'string' ? [x] : x && typeof x === 'object' && typeof (x as { email?: unknown }).email === 'string' ? [(x as { email: string }).email] : []))
    : [],
)

export const smartleadAddLeadsResponseSchema = z.preprocess(
  unwrapData,
  z
    .object({
      // `ok` is absent from the 2026 OpenAPI shape; only an explicit false is a failure.
      ok: z.unknown().optional().transform((v) => v !== false && v !== 'false'),
      upload_count: count,
      total_leads: count,
      // The 2026 OpenAPI shape (not seen in any real client): inserted_count / blocked_count.
      inserted_count: count,
      already_added_to_campaign: count,
      duplicate_count: count,
      invalid_email_count: count,
      invalid_emails: emailList,
      block_count: count,
      blocked_count: count,
      bounce_count: count,
      unsubscribed_leads: emailList,
      is_lead_limit_exhausted: flag,
      lead_import_stopped_count: count,
    })
    .transform(
      (r): SmartleadAddLeadsResponse => ({
        ok: r.ok,
        uploadCount: r.upload_count,
        added: Math.max(r.total_leads, r.inserted_count),
        alreadyInCampaign: r.already_added_to_campaign,
        duplicateInRequest: r.duplicate_count,
        invalidCount: Math.max(r.invalid_email_count, r.invalid_emails.length),
        invalidEmails: r.invalid_emails,
        blocked: Math.max(r.block_count, r.blocked_count),
        bounced: r.bounce_count,
        unsubscribedEmails: r.unsubscribed_leads,
        leadLimitExhausted: r.is_lead_limit_exhausted,
        importStopped: r.lead_import_stopped_count,
      }),
    ),
)

// ---------------------------------------------------------------------------------- acknowledgements

/** `{"ok": true}` (status change) or `{"ok": true, "data": "Lead paused successfully"}` (lead pause/resume). */
export interface SmartleadAck {
  ok: boolean
  message: string | null
}

export const smartleadAckSchema = z
  .object({
    // Some clients saw a bare `{message}` or `{data}` acknowledgement: only an explicit false is a failure.
    ok: z.unknown().optional().transform((v) => v !== false && v !== 'false'),
    data: z.unknown().optional(),
    message: z.unknown().optional(),
  })
  .transform((a): SmartleadAck => ({ ok: a.ok, message: typeof a.data === 'string' ? a.data : typeof a.message === 'string' ? a.message : null }))

// ------------------------------------------------------------------------------------------- errors

/**
 * Smartlead's error bodies: `{"message": "Invalid API Key"}` (401), `{"error": {"code", "message",
 * "retry_after"}}` (429, 2026 guide), and `{"error": "…"}` from some proxies. All optional.
 */
export interface SmartleadErrorBody {
  code: string | null
  message: string | null
  /** Seconds, from `error.retry_after`. */
  retryAfterSeconds: number | null
}

export const smartleadErrorSchema = z
  .object({
    message: text,
    error: z.union([z.string(), z.object({ code: text, message: text, retry_after: maybeNumber })]).nullish().catch(null),
  })
  .transform((b): SmartleadErrorBody => {
    const e = b.error
    if (e && typeof e === 'object') return { code: e.code, message: e.message ?? b.message, retryAfterSeconds: e.retry_after }
    return { code: null, message: b.message ?? (typeof e === 'string' && e.trim() !== '' ? e : null), retryAfterSeconds: null }
  })

/** Pure: the error body's fields, or all null when the body is not an object. */
export function readSmartleadError(body: unknown): SmartleadErrorBody {
  const parsed = smartleadErrorSchema.safeParse(body)
  return parsed.success ? parsed.data : { code: null, message: null, retryAfterSeconds: null }
}

// ------------------------------------------------------------------------------------------ the gate

/** Why one email account cannot take the campaign's next sends. */
export type SmartleadAccountBlock = 'smtp_failing' | 'imap_failing' | 'at_daily_limit' | 'daily_limit_unknown' | 'sent_today_unknown'

export type SmartleadGateReason =
  | { code: 'smartlead_campaign_not_active'; message: string; status: string }
  | { code: 'smartlead_no_email_accounts'; message: string }
  | {
      code: 'smartlead_no_account_available'
      message: string
      blocked: { accountId: string; email: string; why: SmartleadAccountBlock[]; detail: string }[]
    }

export type SmartleadGateDecision =
  /** `accountIds`: the accounts that can send; `room`: how many more sends they have today between them. */
  | { allow: true; accountIds: string[]; room: number }
  | { allow: false; reasons: SmartleadGateReason[] }

const ACCOUNT_BLOCK_WORDS: Record<SmartleadAccountBlock, string> = {
  smtp_failing: 'with failing SMTP',
  imap_failing: 'with failing IMAP',
  at_daily_limit: 'at its daily limit',
  daily_limit_unknown: 'with no daily limit reported',
  sent_today_unknown: "with no count of today's sends",
}

function accountBlocks(a: SmartleadEmailAccount, policy: Pick<SmartleadPolicy, 'requireImap' | 'assumeRoomWhenSentTodayUnknown'>): { why: SmartleadAccountBlock[]; room: number; detail: string } {
  const why: SmartleadAccountBlock[] = []
  const details: string[] = []
  if (!a.smtpOk) {
    why.push('smtp_failing')
    details.push(a.smtpError ? `SMTP fails: ${a.smtpError}` : 'SMTP is not working')
  }
  if (policy.requireImap && !a.imapOk) {
    why.push('imap_failing')
    details.push(a.imapError ? `IMAP fails: ${a.imapError}` : 'IMAP is not working')
  }
  let room = 0
  if (a.dailyLimit === null) {
    why.push('daily_limit_unknown')
    details.push('Smartlead did not report its daily limit')
  } else if (a.sentToday === null && !policy.assumeRoomWhenSentTodayUnknown) {
    why.push('sent_today_unknown')
    details.push("Smartlead did not report today's sends")
  } else {
    room = Math.max(0, a.dailyLimit - (a.sentToday ?? 0))
    if (room === 0) {
      why.push('at_daily_limit')
      details.push(`${a.sentToday ?? 0} of ${a.dailyLimit} sent today`)
    }
  }
  return { why, room: why.length === 0 ? room : 0, detail: details.join('; ') }
}

/**
 * The Smartlead half of the gate in Smartlead mode: the Smartlead campaign is ACTIVE, and at least one of
 * its email accounts has working SMTP (and IMAP, if the policy says so) and room under its daily limit.
 * Every failing condition is reported, as in the main gate. Whether Drason's own domain is paused and
 * whether the lead is suppressed are checked by the main gate, not here.
 */
export function smartleadGate(
  campaign: Pick<SmartleadCampaign, 'status'>,
  accounts: readonly SmartleadEmailAccount[],
  policy: Pick<SmartleadPolicy, 'requireImap' | 'assumeRoomWhenSentTodayUnknown'> = DEFAULT_SMARTLEAD_POLICY,
): SmartleadGateDecision {
  const reasons: SmartleadGateReason[] = []
  if (campaign.status !== 'ACTIVE') {
    const status = campaign.status || 'without a status'
    reasons.push({ code: 'smartlead_campaign_not_active', message: `The Smartlead campaign is ${status}, not ACTIVE.`, status: campaign.status })
  }
  if (accounts.length === 0) {
    reasons.push({ code: 'smartlead_no_email_accounts', message: 'The Smartlead campaign has no email accounts.' })
    return { allow: false, reasons }
  }
  const assessed = accounts.map((a) => ({ account: a, ...accountBlocks(a, policy) }))
  const usable = assessed.filter((x) => x.why.length === 0)
  if (usable.length === 0) {
    const blocked = assessed.map((x) => ({ accountId: x.account.id, email: x.account.fromEmail, why: x.why, detail: x.detail }))
    // An account may be blocked for several reasons, so the counts may add up to more than the total.
    const parts = (Object.keys(ACCOUNT_BLOCK_WORDS) as SmartleadAccountBlock[])
      .map((b) => [b, blocked.filter((x) => x.why.includes(b)).length] as const)
      .filter(([, n]) => n > 0)
      .map(([b, n]) => `${n} ${ACCOUNT_BLOCK_WORDS[b]}`)
    const total = accounts.length
    reasons.push({
      code: 'smartlead_no_account_available',
      message: `None of the Smartlead campaign's ${total} email account${total === 1 ? '' : 's'} can send (${parts.join(', ')}).`,
      blocked,
    })
  }
  if (reasons.length > 0) return { allow: false, reasons }
  return { allow: true, accountIds: usable.map((x) => x.account.id), room: usable.reduce((n, x) => n + x.room, 0) }
}

/**
 * Pure: whether a push should read the campaign and its accounts again before its next batch (the
 * cached gate check): never read, older than `gateCheckMaxAgeSeconds`, or `gateCheckEveryBatches` batches
 * pushed since. `now` and `checkedAt` are epoch milliseconds.
 */
export function gateCheckDue(
  last: { checkedAt: number; batchesSince: number } | null,
  now: number,
  policy: Pick<SmartleadPolicy, 'gateCheckMaxAgeSeconds' | 'gateCheckEveryBatches'> = DEFAULT_SMARTLEAD_POLICY,
): boolean {
  if (!last) return true
  return now - last.checkedAt >= policy.gateCheckMaxAgeSeconds * 1000 || last.batchesSince >= policy.gateCheckEveryBatches
}

// -------------------------------------------------------------------- add-leads answer → each lead

/**
 * What became of one pushed lead:
 * - `in_campaign`: it is in the Smartlead campaign (`added`, or `already_in_campaign`);
 * - `rejected`: Smartlead did not take it (`invalid`, `unsubscribed`, `blocked`, `bounced`, `duplicate`,
 *   `lead_limit`), it repeated an earlier address of the same push (`duplicate_in_request`), or Drason did
 *   not send it because Smartlead would refuse its row (`invalid_input`);
 * - `unconfirmed`: Smartlead's counts do not say which of several leads it took, or its answer was lost
 *   (`unconfirmed`). Pushing the lead again is safe (Smartlead counts an address it has as already added),
 *   or it can be looked up by address;
 * - `not_sent`: the push stopped before this lead's request, or Smartlead refused the whole request
 *   (`not_sent`): it is not in the campaign because of this push.
 */
export type LeadPushStatus = 'in_campaign' | 'rejected' | 'unconfirmed' | 'not_sent'
export type LeadPushCode =
  | 'added'
  | 'already_in_campaign'
  | 'invalid'
  | 'unsubscribed'
  | 'blocked'
  | 'bounced'
  | 'duplicate'
  | 'duplicate_in_request'
  | 'lead_limit'
  | 'invalid_input'
  | 'unconfirmed'
  | 'not_sent'

export interface LeadPushOutcome {
  email: string
  status: LeadPushStatus
  code: LeadPushCode
  /** For a person: what happened and, where it matters, what to do. */
  reason: string
}

/** The counts that name no address, and what each means for a lead. */
const COUNTED: { code: 'added' | 'already_in_campaign' | 'blocked' | 'bounced' | 'duplicate' | 'lead_limit'; status: LeadPushStatus; words: string; reason: string }[] = [
  { code: 'added', status: 'in_campaign', words: 'added', reason: 'Added to the Smartlead campaign.' },
  {
    code: 'already_in_campaign',
    status: 'in_campaign',
    words: 'already in the campaign',
    reason: 'Already in the Smartlead campaign; Smartlead updated its details (if it was paused there, it stays paused).',
  },
  { code: 'blocked', status: 'rejected', words: 'blocked', reason: "Not added: the address or its domain is on Smartlead's global block list." },
  { code: 'bounced', status: 'rejected', words: 'on a bounce list', reason: "Not added: the address is on Smartlead's bounce list (it bounced before)." },
  {
    code: 'duplicate',
    status: 'rejected',
    words: 'duplicates',
    reason: 'Not added: Smartlead counted the address as a duplicate (possibly a lead of another of its campaigns).',
  },
  {
    code: 'lead_limit',
    status: 'rejected',
    words: "not imported (the plan's lead limit is reached)",
    reason: "Not added: the Smartlead plan's lead limit is reached. Raise the limit in Smartlead, then push again.",
  },
]

export interface AddLeadsMapping {
  leads: LeadPushOutcome[]
  /** Counts by outcome code, over `leads`. */
  counts: Partial<Record<LeadPushCode, number>>
  /** Smartlead's plan lead limit is reached: pushing more now only adds `lead_limit` rejections. */
  leadLimitExhausted: boolean
  /** When the counts do not add up to the leads they should explain, what did not (for the audit trail). */
  discrepancy: string | null
}

/**
 * Pure: each pushed lead's outcome from one add-leads answer (the leads of that one request, in order).
 *
 * The answer names addresses only for invalid and unsubscribed leads; everything else is a bare count.
 * So: addresses it names are mapped by address; a repeated address in the push is mapped locally; and the
 * remaining leads get a counted outcome only when the counts leave no doubt — exactly one count is
 * non-zero and it equals the number of remaining leads. Otherwise every remaining lead is `unconfirmed`,
 * with a reason that gives Smartlead's counts; none is guessed, since marking a lead active that Smartlead
 * did not take (or holding one it did) would be wrong either way.
 */
export function mapAddLeadsResponse(pushed: readonly { email: string }[], response: SmartleadAddLeadsResponse): AddLeadsMapping {
  const invalid = new Set(response.invalidEmails.map(emailKey))
  const unsubscribed = new Set(response.unsubscribedEmails.map(emailKey))
  const seen = new Set<string>()
  const leads: (LeadPushOutcome | null)[] = []
  const remaining: number[] = []
  let localDuplicates = 0

  pushed.forEach((lead, i) => {
    const key = emailKey(lead.email)
    if (seen.has(key)) {
      localDuplicates++
      leads.push({ email: lead.email, status: 'rejected', code: 'duplicate_in_request', reason: 'The same address was pushed earlier in this request; only that one counts.' })
      return
    }
    seen.add(key)
    if (invalid.has(key)) {
      leads.push({ email: lead.email, status: 'rejected', code: 'invalid', reason: 'Not added: Smartlead says the address is not a valid email address.' })
    } else if (unsubscribed.has(key)) {
      leads.push({ email: lead.email, status: 'rejected', code: 'unsubscribed', reason: "Not added: the address is on Smartlead's unsubscribe list." })
    } else {
      leads.push(null)
      remaining.push(i)
    }
  })

  // Smartlead's duplicate count covers the repeats found above; any more are duplicates of something else.
  const counted = COUNTED.map((c) => {
    const n: Record<(typeof COUNTED)[number]['code'], number> = {
      added: response.added,
      already_in_campaign: response.alreadyInCampaign,
      blocked: response.blocked,
      bounced: response.bounced,
      duplicate: Math.max(0, response.duplicateInRequest - localDuplicates),
      lead_limit: response.importStopped,
    }
    return { ...c, n: n[c.code] }
  })
  const nonZero = counted.filter((c) => c.n > 0)
  const total = nonZero.reduce((t, c) => t + c.n, 0)

  if (remaining.length > 0) {
    const only = nonZero.length === 1 && nonZero[0]!.n === remaining.length ? nonZero[0]! : null
    const said = nonZero.length > 0 ? nonZero.map((c) => `${c.n} ${c.words}`).join(', ') : 'nothing about them'
    for (const i of remaining) {
      const email = pushed[i]!.email
      leads[i] = only
        ? { email, status: only.status, code: only.code, reason: only.reason }
        : {
            email,
            status: 'unconfirmed',
            code: 'unconfirmed',
            reason: `Smartlead's answer does not say which of these ${remaining.length} leads it took (it reported ${said}). Push the lead again or look it up in Smartlead.`,
          }
    }
  }

  const out = leads as LeadPushOutcome[]
  const counts: Partial<Record<LeadPushCode, number>> = {}
  for (const l of out) counts[l.code] = (counts[l.code] ?? 0) + 1
  const strays = [...invalid, ...unsubscribed].filter((e) => !seen.has(e))
  const problems: string[] = []
  if (total !== remaining.length) problems.push(`its counts cover ${total} leads, but ${remaining.length} were not named by address`)
  if (strays.length > 0) problems.push(`it named ${strays.length} address${strays.length === 1 ? '' : 'es'} that were not pushed`)
  if (response.invalidCount > response.invalidEmails.length) problems.push(`it counted ${response.invalidCount} invalid but listed ${response.invalidEmails.length}`)
  return {
    leads: out,
    counts,
    leadLimitExhausted: response.leadLimitExhausted,
    discrepancy: problems.length > 0 ? `Smartlead's add-leads answer does not add up: ${problems.join('; ')}.` : null,
  }
}

// ------------------------------------------------------------------------------------------- webhooks

/** The event types Drason acts on; every other type is stored and ignored. */
export const SMARTLEAD_ACTED_ON = ['EMAIL_SENT', 'EMAIL_BOUNCE', 'EMAIL_REPLY', 'LEAD_UNSUBSCRIBED'] as const

interface WebhookBase {
  /** The idempotency key: the same event delivered twice has the same key (see `webhookKey`). */
  key: string
  /** `event_type` as sent. */
  eventType: string
  campaignId: string | null
  /** The lead's address (`to_email`, or its deprecated names). */
  leadEmail: string | null
  /** Smartlead's lead id (`sl_email_lead_id` or `lead_id`): what lead pause/resume take. */
  smartleadLeadId: string | null
  /** The sending mailbox (`from_email`). */
  mailbox: string | null
  /** ISO-8601 as sent (`event_timestamp`, or the event's own time field). */
  at: string | null
  sequenceNumber: number | null
  /** The sent message's Message-ID, when the event is about one. */
  messageId: string | null
  /** The body without `secret_key`, for the stored event. */
  raw: Record<string, unknown>
}

/**
 * `sender`: Smartlead says the bounce came from the sending side (`is_sender_originated_bounce`): a
 * mailbox problem, not a bad address. `soft`: the bounce text carries only 4.x.x codes. `hard`: anything
 * else — Smartlead does not classify bounces, and the issue treats every bounce as a hard-bounce signal.
 */
export type SmartleadBounceKind = 'hard' | 'soft' | 'sender'

export type SmartleadWebhookEvent =
  | (WebhookBase & { type: 'sent' })
  | (WebhookBase & { type: 'bounce'; bounceKind: SmartleadBounceKind; smtpStatus: string | null; bounceText: string | null })
  | (WebhookBase & { type: 'reply'; replyMessageId: string | null; replyText: string | null; replyCategory: string | null })
  | (WebhookBase & { type: 'unsubscribed' })
  | (WebhookBase & { type: 'ignored' })

export type SmartleadWebhookParse =
  /** `secretKey`: the body's `secret_key`, for the route to compare in constant time (null when absent). */
  | { ok: true; event: SmartleadWebhookEvent; secretKey: string | null }
  | { ok: false; reason: string }

const messageSchema = z.object({ message_id: text, text, html: text, time: text }).nullish().catch(null)

const webhookSchema = z.object({
  event_type: z.string().trim().min(1).transform((s) => s.toUpperCase()),
  secret_key: z.string().nullish().catch(null),
  campaign_id: optionalId.catch(null),
  stats_id: text,
  sl_email_lead_id: optionalId.catch(null),
  lead_id: optionalId.catch(null),
  to_email: text,
  lead_email: text,
  sl_lead_email: text,
  from_email: text,
  event_timestamp: text,
  time_sent: text,
  time_replied: text,
  time_opened: text,
  time_clicked: text,
  sequence_number: maybeNumber,
  current_sequence_number: maybeNumber,
  current_sequence: maybeNumber,
  message_id: text,
  sent_message: messageSchema,
  reply_message: messageSchema,
  bounce_message: messageSchema,
  bounce_reply_message_id: text,
  bounce_reply_email_preview: text,
  preview_text: text,
  reply_category: text,
  is_sender_originated_bounce: flag,
  lead_category: z.object({ new_id: optionalId.catch(null), new_name: text }).nullish().catch(null),
})
type WebhookFields = z.infer<typeof webhookSchema>

/**
 * Pure: the idempotency key. The contract says to dedupe on `stats_id` + `event_type`: `stats_id` is
 * Smartlead's row for one sent message, so it names one send, one bounce of it, its unsubscribe. Two
 * events can share both, so those get the one field that tells them apart:
 * - EMAIL_REPLY: a lead can reply twice to one message; the reply's Message-ID (stable on redelivery)
 *   separates them. Opens and clicks repeat too: their own time field separates them.
 * - Events without a `stats_id` (LEAD_UNSUBSCRIBED in the fixtures, LEAD_CATEGORY_UPDATED,
 *   MANUAL_STEP_REACHED): campaign + lead address + what changed — an unsubscribe happens once per lead
 *   and campaign; a category change by its new category and time; a manual step by its sequence number.
 * - Nothing at all to go on: a hash of the body without `secret_key`, so only an identical redelivery
 *   matches. Keys never contain the secret.
 */
function webhookKey(f: WebhookFields, raw: Record<string, unknown>): string {
  const type = f.event_type
  const lead = emailOf(f)?.toLowerCase() ?? f.sl_email_lead_id ?? f.lead_id ?? null
  const campaign = f.campaign_id ?? '-'
  if (type === 'LEAD_UNSUBSCRIBED' && lead) return `${type}:${campaign}:${lead}`
  if (f.stats_id) {
    const extra: Record<string, string | null> = {
      EMAIL_REPLY: f.reply_message?.message_id ?? f.message_id ?? f.time_replied ?? f.event_timestamp,
      EMAIL_OPEN: f.time_opened ?? f.event_timestamp,
      EMAIL_LINK_CLICK: f.time_clicked ?? f.event_timestamp,
    }
    const more = type in extra ? (extra[type] ?? '') : null
    return more === null ? `${type}:${f.stats_id}` : `${type}:${f.stats_id}:${more}`
  }
  if (type === 'LEAD_CATEGORY_UPDATED' && lead) return `${type}:${campaign}:${lead}:${f.lead_category?.new_id ?? '-'}:${f.event_timestamp ?? '-'}`
  if (type === 'MANUAL_STEP_REACHED' && lead) return `${type}:${campaign}:${lead}:${f.current_sequence_number ?? f.current_sequence ?? '-'}`
  if (lead && f.event_timestamp) return `${type}:${campaign}:${lead}:${f.event_timestamp}`
  return `${type}:body:${hashOf(canonicalJson(raw))}`
}

function emailOf(f: WebhookFields): string | null {
  return f.to_email ?? f.lead_email ?? f.sl_lead_email ?? null
}

/** Sorted keys, so the same body hashes the same whatever order its fields arrived in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/** cyrb53 twice with different seeds: a 106-bit pure hash, enough to tell apart bodies of one event type. */
function hashOf(s: string): string {
  const one = (seed: number) => {
    let h1 = 0xdeadbeef ^ seed
    let h2 = 0x41c6ce57 ^ seed
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i)
      h1 = Math.imul(h1 ^ ch, 2654435761)
      h2 = Math.imul(h2 ^ ch, 1597334677)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
  }
  return `${one(0)}${one(1)}`
}

/** Enhanced status codes (RFC 3463) in a bounce text: 5.1.1, 4.2.2… */
const ENHANCED_CODE = /\b([245])\.\d{1,3}\.\d{1,3}\b/g

/** Pure: hard, soft or sender-side (see `SmartleadBounceKind`), and the first enhanced code found. */
export function classifyBounce(senderOriginated: boolean, bounceText: string | null): { kind: SmartleadBounceKind; smtpStatus: string | null } {
  const codes = [...(bounceText ?? '').matchAll(ENHANCED_CODE)].map((m) => m[0])
  const permanent = codes.find((c) => c.startsWith('5.'))
  const transient = codes.find((c) => c.startsWith('4.'))
  const smtpStatus = permanent ?? transient ?? null
  if (senderOriginated) return { kind: 'sender', smtpStatus }
  if (transient && !permanent) return { kind: 'soft', smtpStatus }
  return { kind: 'hard', smtpStatus }
}

/**
 * Pure: a Smartlead webhook body, normalised (contract §6, help-center shape). Only `event_type` is
 * required; everything else is read if present. The nested `{event, lead:{…}}` shape one page shows is
 * not modelled (the contract says not to).
 */
export function parseSmartleadWebhook(body: unknown): SmartleadWebhookParse {
  const obj = record.safeParse(body)
  if (!obj.success) return { ok: false, reason: 'the body is not a JSON object' }
  const parsed = webhookSchema.safeParse(obj.data)
  if (!parsed.success) return { ok: false, reason: 'the body has no event_type' }
  const f = parsed.data
  const { secret_key: _secret, ...raw } = obj.data
  const base: WebhookBase = {
    key: webhookKey(f, raw),
    eventType: f.event_type,
    campaignId: f.campaign_id,
    leadEmail: emailOf(f),
    smartleadLeadId: f.sl_email_lead_id ?? f.lead_id,
    mailbox: f.from_email,
    at: f.event_timestamp ?? f.time_sent ?? f.time_replied ?? f.time_opened ?? f.time_clicked,
    sequenceNumber: f.sequence_number ?? f.current_sequence_number ?? f.current_sequence,
    // A reply's top-level `message_id` is the reply's own; elsewhere it is the sent message's (deprecated field).
    messageId: f.sent_message?.message_id ?? (f.event_type === 'EMAIL_REPLY' ? null : f.message_id),
    raw,
  }
  const secretKey = f.secret_key ?? null
  switch (f.event_type) {
    case 'EMAIL_SENT':
      return { ok: true, secretKey, event: { ...base, type: 'sent' } }
    case 'EMAIL_BOUNCE': {
      const bounceText = f.bounce_message?.text ?? f.bounce_reply_email_preview ?? null
      const { kind, smtpStatus } = classifyBounce(f.is_sender_originated_bounce, bounceText)
      return { ok: true, secretKey, event: { ...base, type: 'bounce', bounceKind: kind, smtpStatus, bounceText } }
    }
    case 'EMAIL_REPLY':
      return {
        ok: true,
        secretKey,
        event: {
          ...base,
          type: 'reply',
          replyMessageId: f.reply_message?.message_id ?? f.message_id,
          replyText: f.reply_message?.text ?? f.preview_text,
          replyCategory: f.reply_category,
        },
      }
    case 'LEAD_UNSUBSCRIBED':
      return { ok: true, secretKey, event: { ...base, type: 'unsubscribed' } }
    default:
      return { ok: true, secretKey, event: { ...base, type: 'ignored' } }
  }
}
