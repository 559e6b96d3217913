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
      smallVolumeWindowDays: z.int().min(1).default(7),
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
  return { ok: true, settings: result.data }
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
