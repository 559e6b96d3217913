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

// Any control character, whitespace or backslash: browsers strip tabs and newlines from a Location and
// read `\` as `/`, so `/\t/evil.example` would leave the site though it starts with one slash.
const UNSAFE_IN_REDIRECT = /[\s\\\u0000-\u001f\u007f]/
const SAME_SITE_BASE = 'https://drason.invalid'

/**
 * Where to go after signing in: a path on this site, or `fallback`. An open redirect would make the login
 * page a phishing tool, so the target must start with one `/`, contain nothing a browser would drop or
 * reinterpret, and still resolve to this site once parsed as a browser parses it.
 */
export function safeRedirectPath(to: unknown, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || UNSAFE_IN_REDIRECT.test(to)) return fallback
  let url: URL
  try {
    url = new URL(to, SAME_SITE_BASE)
  } catch {
    return fallback
  }
  if (url.origin !== SAME_SITE_BASE) return fallback
  return url.pathname + url.search + url.hash
}

