import * as z from 'zod'

/**
 * Policy as data: every threshold, cap, window and delay Drason acts on lives here with its default.
 * Code reads these values; it never carries threshold literals of its own. Defaults follow the product
 * brief: Drason pauses earlier than the SES review levels (bounce 5%, complaint 0.1%) so a person can act
 * before the account is at risk.
 */
export const settingsSchema = z.object({
  mailbox: z
    .object({
      // 3 hard bounces in the last 60 sends is unusual for a verified list: worth a look, not a pause.
      warnHardBounces: z.int().min(1).default(3),
      warnWindowSends: z.int().min(1).default(60),
      // 5 in 100, or >= 3% over >= 60 sends, pauses: well under SES's 5% review level.
      pauseHardBounces: z.int().min(1).default(5),
      pauseWindowSends: z.int().min(1).default(100),
      pauseHardBounceRate: z.number().min(0).max(1).default(0.03),
      pauseRateMinSends: z.int().min(1).default(60),
      pauseDeliveryFailures: z.int().min(1).default(5),
      deliveryFailureWindowSends: z.int().min(1).default(50),
    })
    .prefault({}),
  campaign: z
    .object({
      // Half or more of a campaign's mailboxes degraded (and at least 2) means the campaign is the problem.
      pauseDegradedMailboxShare: z.number().min(0).max(1).default(0.5),
      pauseMinDegradedMailboxes: z.int().min(1).default(2),
    })
    .prefault({}),
  domain: z
    .object({
      warnUnhealthyMailboxShare: z.number().min(0).max(1).default(0.3),
      pauseUnhealthyMailboxShare: z.number().min(0).max(1).default(0.5),
      pauseHardBounceRate: z.number().min(0).max(1).default(0.03),
      pauseRateMinSends: z.int().min(1).default(100),
      // The domain's rate is read from day counters: a week holds enough sends to mean something at
      // cold-email volumes, and an old incident stops counting against it after that.
      rateWindowDays: z.int().min(1).max(30).default(7),
    })
    .prefault({}),
  account: z
    .object({
      // Account-wide brake below SES's review levels of 5% bounce and 0.1% complaint.
      pauseBounceRate: z.number().min(0).max(1).default(0.04),
      pauseBounceMinSends: z.int().min(1).default(100),
      pauseComplaintRate: z.number().min(0).max(1).default(0.0008),
      pauseComplaintMinSends: z.int().min(1).default(1000),
      // Below 1,000 sends a rate is noise; 2 complaints in 7 days is the signal instead.
      pauseComplaintsSmallVolume: z.int().min(1).default(2),
      smallVolumeWindowDays: z.int().min(1).max(30).default(7),
      // Account rates over the same week as the domain's (SES itself looks at a longer, volume-based window).
      rateWindowDays: z.int().min(1).max(30).default(7),
    })
    .prefault({}),
  sending: z
    .object({
      // The application's own hard daily cap across every campaign (PRODUCT: daily hard send cap).
      globalDailyCap: z.int().min(0).default(300),
      // Gaussian pacing: mean 2 minutes, clamped to 1-3 minutes, so sends look like a person typing.
      delayMeanSeconds: z.number().positive().default(120),
      delaySdSeconds: z.number().nonnegative().default(30),
      delayMinSeconds: z.number().nonnegative().default(60),
      delayMaxSeconds: z.number().positive().default(180),
      // Catch-all, unknown and grey-listed addresses are skipped as risky unless a person opts in.
      sendToRiskyAddresses: z.boolean().default(false),
    })
    .prefault({}),
  security: z
    .object({
      // 5 failed logins for one account in 15 minutes locks that account for the rest of the window.
      loginMaxFailures: z.int().min(1).default(5),
      // One client guessing across many accounts gets more room (offices share an address), then stops.
      loginMaxFailuresPerClient: z.int().min(1).default(20),
      loginWindowMinutes: z.int().min(1).default(15),
      // A working day plus margin; sessions are also ended by logout.
      sessionHours: z.int().min(1).default(12),
    })
    .prefault({}),
})

export type Settings = z.infer<typeof settingsSchema>

/** The defaults, as a person sees them on a fresh install. */
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({})

/** Merge a validated partial over current settings and validate the whole again. */
export function mergeSettings(current: Settings, patch: unknown): { ok: true; settings: Settings } | { ok: false; errors: string[] } {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { ok: false, errors: ['settings must be a JSON object'] }
  }
  const merged: Record<string, unknown> = structuredClone(current) as unknown as Record<string, unknown>
  for (const [section, values] of Object.entries(patch)) {
    // Own keys only: `in` also sees inherited names (`toString`, `constructor`, `__proto__`), which would let
    // an unknown name through or assign onto Object's prototype.
    if (!Object.hasOwn(current, section)) return { ok: false, errors: [`${section}: unknown settings section`] }
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      return { ok: false, errors: [`${section}: must be an object`] }
    }
    const target = merged[section] as Record<string, unknown>
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(target, key)) return { ok: false, errors: [`${section}.${key}: unknown setting`] }
      target[key] = value
    }
  }
  const result = settingsSchema.safeParse(merged)
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }
  }
  const conflicts = settingsConflicts(result.data)
  if (conflicts.length > 0) return { ok: false, errors: conflicts }
  return { ok: true, settings: result.data }
}

// SES puts an account under review at these rates; the account-wide brake must act before them.
export const SES_REVIEW_BOUNCE_RATE = 0.05
export const SES_REVIEW_COMPLAINT_RATE = 0.001

const pct = (rate: number) => `${+(rate * 100).toFixed(4)}%`

/**
 * Settings that are each valid but make no sense together: a warning that could only come after the
 * pause it warns of, an average delay outside its own clamp, or a brake set at or past the level where
 * SES itself reviews the account. Checked when settings change (not when they are read, so settings
 * stored before a rule was added keep working). Each message names the setting and what would fit.
 */
export function settingsConflicts(s: Settings): string[] {
  const problems: string[] = []
  if (s.mailbox.warnHardBounces >= s.mailbox.pauseHardBounces) {
    problems.push(`mailbox.warnHardBounces: a warning must come before the pause; use fewer than mailbox.pauseHardBounces (${s.mailbox.pauseHardBounces}).`)
  }
  if (s.domain.warnUnhealthyMailboxShare >= s.domain.pauseUnhealthyMailboxShare) {
    problems.push(`domain.warnUnhealthyMailboxShare: a warning must come before the pause; use less than domain.pauseUnhealthyMailboxShare (${s.domain.pauseUnhealthyMailboxShare}).`)
  }
  if (s.sending.delayMinSeconds > s.sending.delayMaxSeconds) {
    problems.push(`sending.delayMinSeconds: the shortest delay (${s.sending.delayMinSeconds} s) is longer than the longest (${s.sending.delayMaxSeconds} s).`)
  } else if (s.sending.delayMeanSeconds < s.sending.delayMinSeconds || s.sending.delayMeanSeconds > s.sending.delayMaxSeconds) {
    problems.push(`sending.delayMeanSeconds: the average delay must lie between the shortest (${s.sending.delayMinSeconds} s) and the longest (${s.sending.delayMaxSeconds} s).`)
  }
  if (s.account.pauseBounceRate >= SES_REVIEW_BOUNCE_RATE) {
    problems.push(`account.pauseBounceRate: must stay below SES's review level of ${pct(SES_REVIEW_BOUNCE_RATE)}, so sending stops before SES reviews the account.`)
  }
  if (s.account.pauseComplaintRate >= SES_REVIEW_COMPLAINT_RATE) {
    problems.push(`account.pauseComplaintRate: must stay below SES's review level of ${pct(SES_REVIEW_COMPLAINT_RATE)}, so sending stops before SES reviews the account.`)
  }
  return problems
}

/** Every setting that differs between two versions, as `section.key` paths (for the audit sentence). */
export function changedSettings(before: Settings, after: Settings): string[] {
  const changed: string[] = []
  for (const section of Object.keys(after) as (keyof Settings)[]) {
    const a = before[section] as Record<string, unknown>
    const b = after[section] as Record<string, unknown>
    for (const key of Object.keys(b)) if (a[key] !== b[key]) changed.push(`${section}.${key}`)
  }
  return changed
}
