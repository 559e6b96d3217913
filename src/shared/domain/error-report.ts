/**
 * The per-row error report of an import, as a CSV a person opens in Excel. Pure.
 *
 * - RFC 4180: comma-separated, CRLF after every record, a cell quoted when it holds a comma, a double
 *   quote, CR or LF, and a quote inside doubled.
 * - A UTF-8 byte order mark first: without it Excel on Windows reads the file in the local code page and
 *   "Müller" shows as "MÃ¼ller".
 * - CSV injection (OWASP): the values come from the uploaded file, so a cell starting with =, +, -, @,
 *   tab or carriage return would run as a formula when the report is opened. Such a cell gets a leading
 *   single quote, which Excel and LibreOffice take as "this is text", and is quoted if it needs quoting.
 */
const BOM = '\uFEFF'
const CRLF = '\r\n'
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

function cell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** Structurally the RowError of lead-import.ts: one problem of one spreadsheet row. */
export function toErrorReportCsv(errors: readonly { row: number; column: string; reason: string }[]): string {
  const lines = ['row,column,reason', ...errors.map((e) => [String(e.row), e.column, e.reason].map(cell).join(','))]
  return BOM + lines.map((line) => line + CRLF).join('')
}
