import * as z from 'zod'
import { isValidTimeZone } from './sending-window'

/**
 * A campaign as a person edits it. Numbers here are guard rails against typos, not policy: the policy
 * (global cap, default pacing) lives in settings.
 */
// A day has 24 hours; a window is [startHour, endHour) in the campaign's own time zone.
const hour = z.coerce.number({ error: 'Enter an hour from 0 to 24.' }).int('Enter a whole hour.').min(0, 'Enter an hour from 0 to 24.').max(24, 'Enter an hour from 0 to 24.')
// 2,000 a day is beyond any sane cold-email campaign; a larger number is almost surely a typo.
export const MAX_CAMPAIGN_DAILY_CAP = 2000
// Pacing in seconds: at least 10 s between sends (faster is not human), at most an hour (SQS waits hop at 900 s).
const seconds = z.coerce.number({ error: 'Enter a number of seconds.' }).min(0, 'Use 0 or more seconds.').max(3600, 'Use at most 3,600 seconds.')

export const campaignInput = z
  .object({
    name: z.string({ error: 'Give the campaign a name.' }).trim().min(1, 'Give the campaign a name.').max(120),
    // Who sends: Drason through SES, or a Smartlead campaign Drason controls (its numeric id in Smartlead).
    senderKind: z.enum(['ses', 'smartlead']).default('ses'),
    smartleadCampaignId: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.string().regex(/^\d{1,12}$/, "Use the Smartlead campaign's number (from its URL).").nullable()),
    subjectTemplate: z.string({ error: 'Write a subject.' }).trim().min(1, 'Write a subject.').max(998, 'A subject line is at most 998 characters (RFC 5322).'),
    bodyTemplate: z.string({ error: 'Write the email.' }).trim().min(1, 'Write the email.').max(20_000),
    htmlTemplate: z
      .string()
      .trim()
      .max(50_000)
      .optional()
      .transform((v) => (v ? v : null)),
    // Comma-separated enrichment field names the templates may use, e.g. "City, Job Title".
    extraVariables: z
      .string()
      .max(1000)
      .optional()
      .transform((v) => [...new Set((v ?? '').split(',').map((s) => s.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(64).regex(/^[\p{L}\p{N} _.\-/()#&]+$/u, 'Field names are letters, digits, spaces or _ . - / ( ) # &.')).max(50)),
    mailboxIds: z.array(z.string().min(1), { error: 'Choose at least one mailbox.' }).min(1, 'Choose at least one mailbox.'),
    dailyCap: z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(MAX_CAMPAIGN_DAILY_CAP, `At most ${MAX_CAMPAIGN_DAILY_CAP}.`),
    delay: z.object({
      meanSeconds: seconds.refine((v) => v >= 10, 'At least 10 seconds.'),
      sdSeconds: seconds,
      minSeconds: seconds.refine((v) => v >= 10, 'At least 10 seconds.'),
      maxSeconds: seconds,
    }),
    window: z.object({
      days: z.array(z.coerce.number().int().min(1).max(7), { error: 'Choose at least one day.' }).min(1, 'Choose at least one day.'),
      startHour: hour,
      endHour: hour,
      timeZone: z.string({ error: 'Choose a time zone.' }).trim().refine(isValidTimeZone, 'Use an IANA time zone such as Asia/Kolkata.'),
    }),
  })
  .superRefine((v, ctx) => {
    if (v.senderKind === 'smartlead' && !v.smartleadCampaignId) ctx.addIssue({ code: 'custom', path: ['smartleadCampaignId'], message: 'A Smartlead campaign needs its Smartlead campaign id.' })
    if (v.window.endHour <= v.window.startHour) ctx.addIssue({ code: 'custom', path: ['window', 'endHour'], message: 'The window must end after it starts (overnight windows are not supported).' })
    if (v.delay.minSeconds > v.delay.meanSeconds) ctx.addIssue({ code: 'custom', path: ['delay', 'minSeconds'], message: 'The shortest gap cannot be longer than the average.' })
    if (v.delay.maxSeconds < v.delay.meanSeconds) ctx.addIssue({ code: 'custom', path: ['delay', 'maxSeconds'], message: 'The longest gap cannot be shorter than the average.' })
  })
export type CampaignInput = z.infer<typeof campaignInput>

/** The sender a campaign input names. */
export function senderOf(input: Pick<CampaignInput, 'senderKind' | 'smartleadCampaignId'>): { kind: 'ses' } | { kind: 'smartlead'; externalId: string } {
  return input.senderKind === 'smartlead' && input.smartleadCampaignId ? { kind: 'smartlead', externalId: input.smartleadCampaignId } : { kind: 'ses' }
}
