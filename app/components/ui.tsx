import { Link } from '@remix-run/react'
/** Small presentational pieces shared by the pages. */
export function PageTitle({ children, subtitle }: { children: React.ReactNode; subtitle?: string }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-bold">{children}</h1>
      {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
    </div>
  )
}

export function Card({ title, children }: { title?: string; children: React.ReactNode }) {
  return (
    <section className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      {title ? <h2 className="mb-3 text-sm font-semibold text-slate-600">{title}</h2> : null}
      {children}
    </section>
  )
}

export function Stat({ label, value, testId, tone, hint }: { label: string; value: React.ReactNode; testId?: string; tone?: 'bad' | 'ok'; hint?: string }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div data-testid={testId} className={`mt-1 text-2xl font-semibold ${tone === 'bad' ? 'text-red-700' : ''}`}>
        {value}
      </div>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  )
}

export function Badge({ children, tone = 'neutral' }: { children: React.ReactNode; tone?: 'neutral' | 'good' | 'warn' | 'bad' }) {
  const tones = {
    neutral: 'bg-slate-100 text-slate-700',
    good: 'bg-emerald-100 text-emerald-800',
    warn: 'bg-amber-100 text-amber-800',
    bad: 'bg-red-100 text-red-800',
  }
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>
}

export function healthTone(state: string): 'good' | 'warn' | 'bad' | 'neutral' {
  if (state === 'healthy' || state === 'active') return 'good'
  if (state === 'warning' || state === 'held' || state === 'draft') return 'warn'
  if (state === 'paused' || state === 'aborted') return 'bad'
  return 'neutral'
}

export function Table({ head, children, empty }: { head: string[]; children: React.ReactNode; empty?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full text-left text-sm">
        <thead className="bg-slate-100 text-xs uppercase text-slate-600">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {empty ? (
            <tr>
              <td colSpan={head.length} className="px-3 py-6 text-center text-slate-500">
                Nothing here yet.
              </td>
            </tr>
          ) : (
            children
          )}
        </tbody>
      </table>
    </div>
  )
}

export function percent(rate: number | null, digits = 2): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(digits)}%`
}

/** `42 / 50 (84%)`: sends against a daily cap; no share for a cap of 0 (sending stopped). */
export function capText(sends: number, cap: number, share: number): string {
  return `${sends} / ${cap}${cap > 0 ? ` (${Math.round(share * 100)}%)` : ''}`
}

/**
 * Newest / older links under a list read a page at a time with an opaque cursor: `newestTo` when the
 * page shown is not the first, `olderTo` when there is a next page.
 */
export function Pager({ newestTo, olderTo, olderLabel = 'Older' }: { newestTo: string | null; olderTo: string | null; olderLabel?: string }) {
  return (
    <div className="mt-4 flex gap-4 text-sm">
      {newestTo ? (
        <Link to={newestTo} className="text-indigo-700 underline">
          Newest
        </Link>
      ) : null}
      {olderTo ? (
        <Link to={olderTo} className="text-indigo-700 underline" rel="next">
          {olderLabel}
        </Link>
      ) : null}
    </div>
  )
}
