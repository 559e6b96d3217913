import { normaliseDomain, normaliseEmail } from './sanitise'

/**
 * What a person types or uploads to suppress, as data. Pure. Anything with an @ that is not its first
 * character is an address ("priya@example.com", "Priya <priya@example.com>", "mailto:…"); anything else,
 * or "@example.com", is a whole domain.
 */
export type SuppressionTarget = { kind: 'address' | 'domain'; value: string }

/** An entry of the list: what is suppressed, why (`hard_bounce`, `complaint`, `unsubscribe`, `manual…`) and since when. */
export type SuppressionEntry = SuppressionTarget & { reason: string; at: string }

export function suppressionTarget(raw: string): { ok: true; target: SuppressionTarget } | { ok: false; reason: string } {
  const isAddress = raw.includes('@') && !raw.trim().startsWith('@')
  if (isAddress) {
    const checked = normaliseEmail(raw)
    return checked.ok ? { ok: true, target: { kind: 'address', value: checked.email } } : checked
  }
  const checked = normaliseDomain(raw)
  return checked.ok ? { ok: true, target: { kind: 'domain', value: checked.domain } } : checked
}

/**
 * The most entries one uploaded list takes. The upload is handled within its request, and the page
 * function has 10 s (src/http/any-catchall/config.arc): this many is ~50 reads of what is stored (100
 * entries each) and ~50 transactions (99 new entries each), a few seconds in AWS. A longer list is split
 * by the person, who is told so before anything is written.
 */
export const MAX_SUPPRESSION_LIST_ROWS = 5_000

// A header that names the column to read; without one, the first column is read.
const TARGET_HEADER = /^(e-?mail|e-?mail address|email id|address|domain|website|value|suppress(ion)?)$/i

export interface SuppressionListRow {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row: number
  raw: string
}

export interface ParsedSuppressionList {
  targets: (SuppressionTarget & { row: number })[]
  refused: { row: number; value: string; reason: string }[]
  /** Rows repeating an entry earlier in the file (any case, any wrapper): taken once. */
  repeats: number
  blank: number
}

/**
 * The entries of an uploaded list (a table already parsed from CSV or XLSX): the column headed like an
 * email, address or domain column, else the first. A file without a header row is read from its first row
 * (when the "header" is itself an address or a domain). Every other value is normalised like the form's;
 * what cannot be suppressed is reported with its row and reason, and nothing else is lost.
 */
export function parseSuppressionList(headers: string[], rows: string[][]): ParsedSuppressionList {
  const named = headers.findIndex((h) => TARGET_HEADER.test(h.trim()))
  const column = named >= 0 ? named : 0
  const cells: SuppressionListRow[] = rows.map((r, i) => ({ row: i + 2, raw: r[column] ?? '' }))
  const headerCell = headers[column] ?? ''
  if (named < 0 && suppressionTarget(headerCell).ok) cells.unshift({ row: 1, raw: headerCell })

  const out: ParsedSuppressionList = { targets: [], refused: [], repeats: 0, blank: 0 }
  const seen = new Set<string>()
  for (const { row, raw } of cells) {
    if (raw.trim() === '') {
      out.blank++
      continue
    }
    const checked = suppressionTarget(raw)
    if (!checked.ok) {
      out.refused.push({ row, value: raw.slice(0, 320), reason: checked.reason })
      continue
    }
    const key = `${checked.target.kind}:${checked.target.value}`
    if (seen.has(key)) {
      out.repeats++
      continue
    }
    seen.add(key)
    out.targets.push({ ...checked.target, row })
  }
  return out
}
