import type { Domain, Mailbox } from '../domain/entities'
import type { SignalWindow } from '../domain/health'
import { lastDays, type Counters, type DayCounter } from '../domain/metrics'
import type { Settings } from '../domain/settings'
import type { Clock } from './ports'

/** What the Domains & mailboxes screen and `GET /api/mailboxes|domains` show: state, reason, counters. */
export interface SenderHealthDeps {
  senders: { domains(): Promise<Domain[]>; mailboxesOf(domainId: string): Promise<Mailbox[]> }
  feedback: { window(mailboxId: string): Promise<{ window: SignalWindow; version: number }> }
  metrics: { days(scope: 'mailbox' | 'domain', id: string, days: string[]): Promise<Counters<DayCounter>[]> }
  settings(): Promise<Settings>
  clock: Clock
}

export interface MailboxHealthView extends Mailbox {
  counters: {
    /** Sends counted since the last resume (the health window's base). */
    sendsSinceResume: number
    /** Hard bounces and delivery failures inside the policy's windows, as the health run reads them. */
    hardBouncesInWindow: number
    hardBounceWindowSends: number
    deliveryFailuresInWindow: number
    deliveryFailureWindowSends: number
    today: Counters<DayCounter>
  }
}
export interface DomainHealthView extends Domain {
  mailboxes: number
  pausedMailboxes: number
  counters: { windowDays: number; sends: number; hardBounces: number; complaints: number; hardBounceRate: number | null }
}

const inLast = (w: SignalWindow, marks: number[], n: number) => marks.filter((m) => m > w.baseline && m > w.sends - n).length

export async function mailboxesWithHealth(deps: SenderHealthDeps): Promise<MailboxHealthView[]> {
  const settings = await deps.settings()
  const [today] = lastDays(deps.clock.now(), 1)
  const mailboxes = (await Promise.all((await deps.senders.domains()).map((d) => deps.senders.mailboxesOf(d.id)))).flat()
  return Promise.all(
    mailboxes.map(async (m) => {
      const [{ window: w }, [day]] = await Promise.all([deps.feedback.window(m.id), deps.metrics.days('mailbox', m.id, [today!])])
      return {
        ...m,
        counters: {
          sendsSinceResume: Math.max(0, w.sends - w.baseline),
          hardBouncesInWindow: inLast(w, w.hardBounceMarks, settings.mailbox.pauseWindowSends),
          hardBounceWindowSends: settings.mailbox.pauseWindowSends,
          deliveryFailuresInWindow: inLast(w, w.failureMarks, settings.mailbox.deliveryFailureWindowSends),
          deliveryFailureWindowSends: settings.mailbox.deliveryFailureWindowSends,
          today: day!,
        },
      }
    }),
  )
}

export async function domainsWithHealth(deps: SenderHealthDeps): Promise<DomainHealthView[]> {
  const settings = await deps.settings()
  const days = lastDays(deps.clock.now(), settings.domain.rateWindowDays)
  return Promise.all(
    (await deps.senders.domains()).map(async (d) => {
      const [mailboxes, counters] = await Promise.all([deps.senders.mailboxesOf(d.id), deps.metrics.days('domain', d.id, days)])
      const sends = counters.reduce((n, c) => n + c.sends, 0)
      const hardBounces = counters.reduce((n, c) => n + c.hard_bounces, 0)
      return {
        ...d,
        mailboxes: mailboxes.length,
        pausedMailboxes: mailboxes.filter((m) => m.status === 'paused').length,
        counters: { windowDays: days.length, sends, hardBounces, complaints: counters.reduce((n, c) => n + c.complaints, 0), hardBounceRate: sends > 0 ? hardBounces / sends : null },
      }
    }),
  )
}
