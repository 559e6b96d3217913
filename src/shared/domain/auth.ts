import type { Role } from './entities'

/**
 * Who may do what. A viewer sees everything and changes nothing; an admin may change anything. Every
 * state-changing action is checked here, in one place, by its handler before the service runs.
 */
export function canChange(role: Role): boolean {
  return role === 'admin'
}

/** The one message every failed login gets: it never says which part of the credential was wrong. */
export const LOGIN_FAILED_MESSAGE = 'That email and password did not match an account.'
export const LOGIN_LOCKED_MESSAGE = 'Too many failed sign-in attempts. Wait a few minutes and try again.'

/**
 * Fixed-window counter key for login failures: one window per `windowMinutes`. Pure: the time is passed in.
 * Keys exist per email and per client address, so neither a spray across accounts nor a guess at one
 * account gets more than the allowed attempts.
 */
export function loginWindow(now: Date, windowMinutes: number): { id: string; endsAt: Date } {
  const ms = windowMinutes * 60_000
  const start = Math.floor(now.getTime() / ms) * ms
  return { id: String(start), endsAt: new Date(start + ms) }
}

export function isLockedOut(failures: number, maxFailures: number): boolean {
  return failures >= maxFailures
}

/** Lower-cases and trims an email used as a login name. */
export function normaliseLoginEmail(email: string): string {
  return email.trim().toLowerCase()
}
