/**
 * Pre-aggregated counters. They change in the same transaction as the event they count, so screens read
 * a handful of items instead of scanning logs.
 */
export const TOTAL_COUNTERS = [
  'leads_held',
  'leads_active',
  'leads_paused',
  'leads_completed',
  // Held because no routing rule matched: the leads a person has to look at.
  'leads_unrouted',
  'domains_paused',
  'mailboxes_paused',
  'campaigns_paused',
] as const
export type TotalCounter = (typeof TOTAL_COUNTERS)[number]

// `replies`: Smartlead reply events, supporting evidence only (never a trigger on their own).
export const DAY_COUNTERS = ['sends', 'hard_bounces', 'complaints', 'delivery_failures', 'verified', 'verify_passed', 'opens', 'replies'] as const
export type DayCounter = (typeof DAY_COUNTERS)[number]

export type Counters<K extends string> = Record<K, number>

export function emptyCounters<K extends string>(names: readonly K[]): Counters<K> {
  return Object.fromEntries(names.map((n) => [n, 0])) as Counters<K>
}

/** `2026-11-21` for a time, in UTC (the day counters roll over at UTC midnight, like SES quotas). */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** The `count` days ending with `end`, oldest first. */
export function lastDays(end: Date, count: number): string[] {
  const days: string[] = []
  for (let i = count - 1; i >= 0; i--) days.push(dayOf(new Date(end.getTime() - i * 86_400_000)))
  return days
}
