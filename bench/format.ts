/** Number formats and the plain-text table every section of the printed report uses. */
import type { CallStats } from './calls'

// Decimal units, as AWS states Lambda limits and as esbuild.config.js's comment measures bundles.
export const KB = 1000
export const MB = 1000 * 1000

export function fmtBytes(n: number): string {
  if (n < KB) return `${n} B`
  if (n < MB) return `${(n / KB).toFixed(1)} KB`
  return `${(n / MB).toFixed(2)} MB`
}
export const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))
export const fmtX = (x: number) => `${x.toFixed(2)}x`
export const fmtPct = (x: number) => `${(x * 100).toFixed(1)}%`
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US')
export const fmtRate = (n: number) => (n < 100 ? n.toFixed(1) : fmtInt(n))

/** `align` has one letter per column: l(eft) for text, r(ight) for numbers. */
export function table(header: string[], rows: string[][], align: string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** One checked target: printed as a PASS/FAIL row and kept in latest.json's `targets`. */
export interface TargetResult {
  id: string
  what: string
  actual: string
  limit: string
  pass: boolean
}

/** DynamoDB calls of a write path, per lead/row and by share of the wall time. */
export function callsTable(calls: CallStats, per: number, perName: string, wallMs: number, outside: string): string {
  const rows = Object.entries(calls)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([op, c]) => [op, fmtInt(c.count), (c.count / per).toFixed(2), fmtMs(c.ms / c.count), fmtMs(c.ms / per), fmtPct(c.ms / wallMs)])
  const dbMs = Object.values(calls).reduce((n, c) => n + c.ms, 0)
  rows.push([`(outside DynamoDB: ${outside})`, '', '', '', fmtMs((wallMs - dbMs) / per), fmtPct((wallMs - dbMs) / wallMs)])
  return table(['DynamoDB operation', 'calls', `per ${perName}`, 'ms/call', `ms/${perName}`, 'of time'], rows, 'lrrrrr')
}
