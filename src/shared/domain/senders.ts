import * as z from 'zod'
import { cleanText, normaliseEmail } from './sanitise'

/**
 * Sending domains and mailboxes as a person enters them. A mailbox is a sender identity (a from name
 * and an address) on one of Drason's domains: its address must be on that domain exactly, because
 * health escalates mailbox -> domain and a mismatch would blame the wrong domain.
 */
// A label is 1-63 characters of letters, digits and hyphens (not at the ends); at least two labels.
const DOMAIN_NAME = /^(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/

export const domainInput = z.object({
  name: z
    .string({ error: 'Enter the domain name.' })
    .trim()
    .toLowerCase()
    .regex(DOMAIN_NAME, 'Enter a domain name like mail.example.com.'),
})

// 500 a day is far above what a cold-email mailbox should send; a higher number is almost surely a typo.
export const MAX_MAILBOX_DAILY_CAP = 500

export const mailboxInput = z.object({
  address: z.string({ error: 'Enter the mailbox address.' }).trim().min(3, 'Enter the mailbox address.').max(254),
  fromName: z
    .string({ error: 'Enter the name people see.' })
    .transform((v) => cleanText(v, 80))
    .pipe(z.string().min(1, 'Enter the name people see.').regex(/^[^"<>\r\n]*$/, 'Leave out quotes and angle brackets.')),
  domainId: z.string({ error: 'Choose the domain.' }).min(1, 'Choose the domain.'),
  dailyCap: z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(MAX_MAILBOX_DAILY_CAP, `At most ${MAX_MAILBOX_DAILY_CAP}.`),
})
export type MailboxInput = z.infer<typeof mailboxInput>

/** Pure: the mailbox's normalised address, or why it cannot be a sender on that domain. */
export function mailboxAddress(address: string, domainName: string): { ok: true; address: string } | { ok: false; reason: string } {
  const email = normaliseEmail(address)
  if (!email.ok) return { ok: false, reason: email.reason }
  const domain = email.email.slice(email.email.lastIndexOf('@') + 1)
  if (domain !== domainName) return { ok: false, reason: `The address must be on ${domainName}.` }
  return { ok: true, address: email.email }
}
