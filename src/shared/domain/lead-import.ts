import type { ColumnMapping } from './column-mapping'

export type { ColumnMapping }

/**
 * A CSV/XLSX import as data. The file is parsed once at upload; its rows are stored in chunks, and each
 * chunk is processed once (a chunk's counters are added in the same write that marks it done), so a crash
 * mid-import resumes without losing or doubling rows.
 */
export type ImportStatus = 'mapping' | 'queued' | 'running' | 'done'

export interface ImportJob {
  id: string
  fileName: string
  kind: 'csv' | 'xlsx'
  headers: string[]
  /** The first rows, kept on the job for the mapping preview. */
  sample: string[][]
  totalRows: number
  chunkCount: number
  mapping: ColumnMapping
  /** Routing: by rules, or every lead to one campaign. */
  campaignId: string | null
  status: ImportStatus
  createdBy: string
  createdAt: string
  /** `blank` rows (every cell empty) are passed over; they count as done so progress reaches the total. */
  counts: { done: number; imported: number; existing: number; errors: number; blank: number }
}

export interface RowError {
  /** 1-based row number as a spreadsheet shows it (the header is row 1). */
  row: number
  column: string
  reason: string
}

// 500 rows a chunk: one queue message stays well inside a Lambda's time limit (about 4 DynamoDB
// transactions per row) and a chunk item of typical rows stays far below DynamoDB's 400 KB item limit.
export const CHUNK_ROWS = 500
// DynamoDB items are at most 400 KB; a chunk of very wide rows is split earlier to stay under 300 KB.
export const CHUNK_BYTES = 300 * 1024
// Rows shown on the mapping step.
export const SAMPLE_ROWS = 10

/** Splits data rows into chunks by count and by approximate stored size. Pure. */
export function chunkRows(rows: string[][]): { startIndex: number; rows: string[][] }[] {
  const chunks: { startIndex: number; rows: string[][] }[] = []
  let current: string[][] = []
  let bytes = 0
  let start = 0
  rows.forEach((row, i) => {
    const size = row.reduce((n, cell) => n + Buffer.byteLength(cell, 'utf8') + 4, 8)
    if (current.length > 0 && (current.length >= CHUNK_ROWS || bytes + size > CHUNK_BYTES)) {
      chunks.push({ startIndex: start, rows: current })
      current = []
      bytes = 0
      start = i
    }
    current.push(row)
    bytes += size
  })
  if (current.length > 0) chunks.push({ startIndex: start, rows: current })
  return chunks
}

/** One data row as the record lead validation takes: mapped fields plus every unmapped column as enrichment. */
export function rowToRecord(headers: string[], row: string[], mapping: ColumnMapping): Record<string, string> {
  const record: Record<string, string> = {}
  const used = new Set<number>()
  for (const [field, index] of Object.entries(mapping)) {
    if (index === null || index === undefined) continue
    used.add(index)
    record[field] = row[index] ?? ''
  }
  headers.forEach((header, i) => {
    if (used.has(i)) return
    const value = row[i] ?? ''
    const key = header.trim() || `column ${i + 1}`
    // hasOwn, not `in`: a header such as "constructor" or "toString" is inherited by every object.
    if (value !== '' && !Object.hasOwn(record, key)) record[key] = value
  })
  return record
}

/** A row a spreadsheet left empty inside the data: skipped, not reported as an error. */
export function isBlankRow(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '')
}

/** The spreadsheet row number of data row `index` (0-based): the header is row 1. */
export function sheetRow(index: number): number {
  return index + 2
}

/**
 * The largest file accepted. A Lambda request body is at most 6 MB, and API Gateway delivers an upload
 * base64-encoded (4/3 the size) inside a multipart envelope: 4 MB of file is what reliably fits.
 */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024

/** The refusal for an over-size upload, or null when the size is acceptable. Pure. */
export const UPLOAD_TOO_LARGE = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, the most one upload can carry. Split it into smaller files (each up to about 25,000 rows) and upload them one by one.`

export function uploadTooLarge(bytes: number): string | null {
  if (!Number.isFinite(bytes) || bytes <= MAX_UPLOAD_BYTES + 64 * 1024) return null
  return UPLOAD_TOO_LARGE
}
