import { describe, expect, it } from 'vitest'
import { FIELDS, type ColumnMapping } from './column-mapping'
import { CHUNK_BYTES, CHUNK_ROWS, MAX_UPLOAD_BYTES, chunkRows, isBlankRow, rowToRecord, sheetRow, uploadTooLarge } from './lead-import'

const rows = (n: number, cell = 'x') => Array.from({ length: n }, (_, i) => [`${cell}${i}`])
const shape = (chunks: ReturnType<typeof chunkRows>) => chunks.map((c) => [c.startIndex, c.rows.length])

/** The stored size chunkRows counts for a row: 8 bytes a row plus 4 a cell, plus the UTF-8 bytes. */
const rowBytes = (row: string[]) => row.reduce((n, cell) => n + Buffer.byteLength(cell, 'utf8') + 4, 8)

describe('chunkRows', () => {
  it.each([
    [0, []],
    [1, [[0, 1]]],
    [CHUNK_ROWS - 1, [[0, CHUNK_ROWS - 1]]],
    [CHUNK_ROWS, [[0, CHUNK_ROWS]]],
    [CHUNK_ROWS + 1, [[0, CHUNK_ROWS], [CHUNK_ROWS, 1]]],
    [2 * CHUNK_ROWS + 7, [[0, CHUNK_ROWS], [CHUNK_ROWS, CHUNK_ROWS], [2 * CHUNK_ROWS, 7]]],
  ])('splits %i small rows at %j', (n, expected) => {
    expect(shape(chunkRows(rows(n)))).toEqual(expected)
  })

  it('keeps every row once, in order', () => {
    const input = rows(1234)
    const chunks = chunkRows(input)
    expect(chunks.flatMap((c) => c.rows)).toEqual(input)
    for (const c of chunks) expect(c.rows[0]).toEqual(input[c.startIndex])
  })

  it('splits by size before the row count: no chunk holds more than CHUNK_BYTES', () => {
    // 10,000 bytes of cell a row: 30 rows fit in 300 KB (30 × 10,012 = 300,360 ≤ 307,200), 31 do not.
    const wide = Array.from({ length: 100 }, (_, i) => [String(i % 10).repeat(10_000)])
    const chunks = chunkRows(wide)
    expect(shape(chunks)).toEqual([
      [0, 30],
      [30, 30],
      [60, 30],
      [90, 10],
    ])
    for (const c of chunks) expect(c.rows.reduce((n, r) => n + rowBytes(r), 0)).toBeLessThanOrEqual(CHUNK_BYTES)
  })

  it('fills a chunk to exactly CHUNK_BYTES and starts a new one at the next byte', () => {
    // Two rows whose counted sizes add up to exactly CHUNK_BYTES stay together; a third byte-sized row moves on.
    const half = CHUNK_BYTES / 2 - 12
    const exact = [['a'.repeat(half)], ['b'.repeat(half)], ['c']]
    expect(rowBytes(exact[0]!) + rowBytes(exact[1]!)).toBe(CHUNK_BYTES)
    expect(shape(chunkRows(exact))).toEqual([
      [0, 2],
      [2, 1],
    ])
    const over = [['a'.repeat(half)], ['b'.repeat(half + 1)]]
    expect(shape(chunkRows(over))).toEqual([
      [0, 1],
      [1, 1],
    ])
  })

  it('counts UTF-8 bytes, not characters', () => {
    // "€" is 3 bytes: 20,000 of them is 60,000 bytes a row, so 5 rows a chunk.
    expect(shape(chunkRows(Array.from({ length: 6 }, () => ['€'.repeat(20_000)])))).toEqual([
      [0, 5],
      [5, 1],
    ])
  })

  it('puts a row larger than CHUNK_BYTES in a chunk of its own, never an empty chunk', () => {
    const huge = ['h'.repeat(CHUNK_BYTES + 1)]
    const chunks = chunkRows([['a'], huge, ['b']])
    expect(shape(chunks)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ])
    expect(chunks.every((c) => c.rows.length > 0)).toBe(true)
  })

  it('keeps blank rows (they keep the row numbers right)', () => {
    expect(chunkRows([['a'], [], ['b']])).toEqual([{ startIndex: 0, rows: [['a'], [], ['b']] }])
  })
})

describe('rowToRecord', () => {
  const none = Object.fromEntries(FIELDS.map((f) => [f, null])) as ColumnMapping
  const mapping = (m: Partial<ColumnMapping>): ColumnMapping => ({ ...none, ...m })

  it('takes mapped fields by column and keeps every unmapped column as enrichment, named by its header', () => {
    const headers = ['Full Name', 'Work Email', 'Company', 'City', 'Title']
    const record = rowToRecord(headers, ['Priya Sharma', 'priya@acme.in', 'Acme', 'Pune', 'CFO'], mapping({ full_name: 0, email: 1, company: 2 }))
    expect(record).toEqual({ full_name: 'Priya Sharma', email: 'priya@acme.in', company: 'Acme', City: 'Pune', Title: 'CFO' })
  })

  it('gives a mapped field an empty value when its cell is empty or the row is short', () => {
    expect(rowToRecord(['Email', 'Name', 'Score'], ['a@b.in'], mapping({ email: 0, full_name: 1, lead_score: 2 }))).toEqual({ email: 'a@b.in', full_name: '', lead_score: '' })
  })

  it('leaves out a field that no column feeds', () => {
    expect(rowToRecord(['Email'], ['a@b.in'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in' })
  })

  it('skips empty unmapped cells, and cells beyond a short row', () => {
    expect(rowToRecord(['Email', 'City', 'Title', 'Team'], ['a@b.in', '', 'CFO'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in', Title: 'CFO' })
  })

  it('names a header-less column "column N" (1-based), and trims header names', () => {
    expect(rowToRecord(['Email', '', '  ', ' City '], ['a@b.in', 'x', 'y', 'Pune'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in', 'column 2': 'x', 'column 3': 'y', City: 'Pune' })
  })

  it('ignores cells beyond the header row', () => {
    expect(rowToRecord(['Email'], ['a@b.in', 'stray'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in' })
  })

  it.each([
    ['a mapped field', ['Work Email', 'email'], ['priya@acme.in', 'old@acme.in'], { email: 'priya@acme.in' }],
    ['a mapped field, even when the header comes first', ['email', 'Work Email'], ['old@acme.in', 'priya@acme.in'], { email: 'priya@acme.in' }],
  ])('never lets an unmapped header overwrite %s', (_label, headers, cells, expected) => {
    const m = mapping({ email: headers.indexOf('Work Email') })
    expect(rowToRecord(headers, cells, m)).toEqual(expected)
  })

  it('keeps columns whose headers are names every object inherits', () => {
    expect(rowToRecord(['Email', 'constructor', 'toString'], ['a@b.in', 'x', 'y'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in', constructor: 'x', toString: 'y' })
  })

  it('keeps the first of two unmapped columns with the same header', () => {
    expect(rowToRecord(['Email', 'City', 'City'], ['a@b.in', 'Pune', 'Delhi'], mapping({ email: 0 }))).toEqual({ email: 'a@b.in', City: 'Pune' })
  })
})

describe('isBlankRow', () => {
  it.each([
    [[], true],
    [[''], true],
    [['', '  ', '\t'], true],
    [['', 'x'], false],
    [[' 0 '], false],
  ])('%j is blank: %s', (row, expected) => {
    expect(isBlankRow(row)).toBe(expected)
  })
})

describe('sheetRow', () => {
  it.each([
    [0, 2],
    [1, 3],
    [499, 501],
    [500, 502],
  ])('data row %i is spreadsheet row %i (the header is row 1)', (index, expected) => {
    expect(sheetRow(index)).toBe(expected)
  })
})

describe('uploadTooLarge', () => {
  const envelope = 64 * 1024

  it('is 4 MB', () => {
    expect(MAX_UPLOAD_BYTES).toBe(4 * 1024 * 1024)
  })

  it.each([
    ['nothing', 0],
    ['a small file', 1024],
    ['exactly the limit', MAX_UPLOAD_BYTES],
    ['just above the limit', MAX_UPLOAD_BYTES + 1],
    ['the limit plus the whole envelope allowance', MAX_UPLOAD_BYTES + envelope],
    ['an unknown size', Number.NaN],
  ])('accepts %s', (_label, bytes) => {
    expect(uploadTooLarge(bytes)).toBeNull()
  })

  it.each([
    ['one byte past the envelope allowance', MAX_UPLOAD_BYTES + envelope + 1],
    ['5 MB', 5 * 1024 * 1024],
  ])('refuses %s, naming 4 MB and saying to split the file', (_label, bytes) => {
    const message = uploadTooLarge(bytes)
    expect(message).toMatch(/larger than 4 MB/)
    expect(message).toMatch(/Split it into smaller files/)
  })
})
