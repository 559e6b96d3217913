import { Inflate } from 'fflate'
// @ts-expect-error -- papaparse ships no type declarations; the small part used here is typed below (Papa).
import papaparse from 'papaparse'

/**
 * Lead import, step zero: the bytes of an uploaded CSV or Excel file become a header row and data rows of
 * strings. Pure: no I/O, no clock. Choices and measurements: docs/decisions/011-csv-and-xlsx-parsing.md.
 *
 * The shape the caller relies on:
 * - `headers` is row 1 of the file; `rows[i]` is the spreadsheet's row `i + 2`, so a row number in an
 *   error report points at the row a person sees in Excel. That is why row 1 must hold the column names
 *   (a file whose first row is blank is refused rather than renumbered) and why a blank row in the middle
 *   stays in place, as `[]`.
 * - Blank rows after the last data row are dropped. A row is blank when every cell is empty or whitespace.
 * - Rows are raw: shorter or longer than the header as the file has them; the caller pads and reports.
 *   CSV cells are exactly as written (line breaks inside a quoted cell become `\n`); XLSX cells are the
 *   values as text, and an XLSX row ends at its last non-empty cell.
 */
export type TableResult =
  | { ok: true; kind: 'csv' | 'xlsx'; headers: string[]; rows: string[][]; delimiter?: ',' | ';' }
  | { ok: false; reason: string }

// 50,000 data rows: a 4 MB upload (MAX_UPLOAD_BYTES) of typical lead rows (~80 bytes) is about that many,
// and at ~4 DynamoDB transactions per row an import of that size finishes in minutes, not hours.
export const MAX_ROWS = 50_000
// 100 MiB of unpacked XML in total (sheet, shared strings, styles, workbook, relationships). A lead cell
// costs ~45 bytes of sheet XML (`<c r="AB12345" s="3" t="s"><v>123456</v></c>`): 50,000 rows of 30 cells
// is ~68 MB, plus their distinct strings. It caps the memory one file can take inside a Lambda, and
// stops a "zip bomb" (a few KB that inflate to gigabytes) after at most this much work.
export const MAX_XLSX_XML_BYTES = 100 * 1024 * 1024
// 5 million cells (header included, blanks padded): 50,000 rows of 100 columns. A 4 MB CSV cannot reach
// it; it exists for XLSX, where one cell at column XFD (16,384) in a 40-byte row would otherwise make a
// 16,384-cell row, and 50,000 such rows would need gigabytes.
export const MAX_CELLS = 5_000_000

export interface TableLimits {
  maxRows: number
  maxXmlBytes: number
  maxCells: number
}

export const TABLE_LIMITS: TableLimits = { maxRows: MAX_ROWS, maxXmlBytes: MAX_XLSX_XML_BYTES, maxCells: MAX_CELLS }

/** Reads an uploaded CSV or XLSX file. The kind comes from the bytes; the name only shapes the messages. */
export function parseTable(bytes: Uint8Array, fileName: string, limits: TableLimits = TABLE_LIMITS): TableResult {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty.' }
  const extension = /\.([^./\\]+)$/.exec(fileName.toLowerCase())?.[1] ?? ''
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, EMPTY_ZIP_MAGIC)) {
    try {
      return parseXlsx(bytes, limits)
    } catch (e) {
      if (e instanceof Refused) return { ok: false, reason: e.message }
      throw e
    }
  }
  if (startsWith(bytes, CFB_MAGIC)) {
    // Excel saves a password-protected .xlsx, and every old .xls, as an OLE compound file; only the
    // encrypted one carries a stream named "EncryptedPackage".
    if (indexOf(bytes, ENCRYPTED_PACKAGE) >= 0) return { ok: false, reason: PASSWORD_PROTECTED }
    return { ok: false, reason: `"${fileName}" is an Excel 97-2003 workbook (.xls), which Drason does not read. Open it in Excel, save it as .xlsx or as "CSV UTF-8", and upload that file.` }
  }
  if (EXCEL_EXTENSIONS.has(extension)) {
    return { ok: false, reason: `"${fileName}" is named like an Excel file but is not an Excel workbook (it may be a renamed text or web page file, or damaged). Open it in Excel, save it as .xlsx or as "CSV UTF-8", and upload that file.` }
  }
  return parseCsv(bytes, limits)
}

// ---------------------------------------------------------------------------------------------------
// Rows shared by both formats: where row 1 is, blank rows, and the limits.

function isBlank(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '')
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * Collects rows in file order. `add` takes the next row and returns a refusal, or null to go on; `gap`
 * skips blank rows (XLSX leaves empty rows out). Blank rows are held as a count and written out only when
 * a non-blank row follows, which is how trailing blank rows (a formatted but empty range) disappear.
 */
function tableBuilder(limits: TableLimits) {
  let headers: string[] | null = null
  const rows: string[][] = []
  let pendingBlank = 0
  let leadingBlank = false
  let cells = 0

  function gap(count: number): void {
    if (count <= 0) return
    if (headers === null) leadingBlank = true
    else pendingBlank += count
  }

  function add(row: string[]): string | null {
    if (isBlank(row)) {
      gap(1)
      return null
    }
    if (headers === null) {
      if (leadingBlank) return 'Row 1 of the file is empty. Drason reads the column names from row 1: delete the empty rows above the column names and upload the file again.'
      headers = row
      cells = row.length
      return null
    }
    if (rows.length + pendingBlank >= limits.maxRows) {
      return `The file has more than ${thousands(limits.maxRows)} data rows, the most one import takes. Split it into smaller files and import them one by one.`
    }
    cells += row.length
    if (cells > limits.maxCells) {
      return `The file has more than ${thousands(limits.maxCells)} cells, the most one import takes. Remove columns you do not need, or split the file, and upload it again.`
    }
    for (; pendingBlank > 0; pendingBlank--) rows.push([])
    rows.push(row)
    return null
  }

  function finish(kind: 'csv' | 'xlsx', delimiter?: ',' | ';'): TableResult {
    if (headers === null) return { ok: false, reason: leadingBlank ? 'The file has no data: every row is empty.' : 'The file is empty.' }
    return delimiter ? { ok: true, kind, headers, rows, delimiter } : { ok: true, kind, headers, rows }
  }

  return { gap, add, finish }
}

// ---------------------------------------------------------------------------------------------------
// CSV

/** The part of papaparse used here (it ships no types). */
interface Papa {
  parse(
    input: string,
    config: {
      delimiter: string
      newline: string
      quoteChar: string
      header: false
      skipEmptyLines: false
      step: (result: { data: string[]; errors: { type: string; index?: number }[] }, parser: { abort(): void }) => void
    },
  ): void
}
const papa: Papa = papaparse

const NOT_UTF8 =
  'The file is not UTF-8 text, so names with accents could come out garbled. In Excel use File > Save As > "CSV UTF-8 (Comma delimited) (.csv)" (Google Sheets and Numbers export UTF-8 already) and upload that file.'

/**
 * Strict UTF-8. A file in another encoding (Excel's plain "CSV" on Windows writes Windows-1252, or 1250,
 * 1251... by locale) is refused rather than guessed: a wrong guess silently turns "Müller" into
 * "MÃ¼ller" in a greeting sent to that person, and the fix is one choice in the Save As dialog.
 */
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    // The decoder drops a leading byte order mark (Excel's "CSV UTF-8" writes one).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

function parseCsv(bytes: Uint8Array, limits: TableLimits): TableResult {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    return { ok: false, reason: 'The file is UTF-16 text (Excel\'s "Unicode Text"). In Excel use File > Save As > "CSV UTF-8 (Comma delimited) (.csv)" and upload that file.' }
  }
  const decoded = decodeUtf8(bytes)
  if (decoded === null) return { ok: false, reason: NOT_UTF8 }
  // A NUL never occurs in a text export; it means a binary file (PDF, image, Numbers...).
  if (decoded.includes('\u0000')) return { ok: false, reason: 'The file is neither a CSV nor an Excel (.xlsx) file. Export the list as CSV UTF-8 or .xlsx and upload that.' }
  // CRLF (Windows), LF and CR (old Mac) all end a line, even mixed in one file. papaparse takes a single
  // newline style, guessed from the start of the file, so they are made one first.
  let text = decoded.replace(/\r\n?/g, '\n')
  let forced: ',' | ';' | null = null
  // Excel writes and honours a first line "sep=;" naming the delimiter; it is not a row in Excel either.
  const sep = /^sep=(.?)\n/i.exec(text)
  if (sep) {
    if (sep[1] !== ',' && sep[1] !== ';') return { ok: false, reason: `The file says its values are separated by "${sep[1] ?? ''}"; Drason reads commas or semicolons. Save it from Excel as "CSV UTF-8 (Comma delimited)".` }
    forced = sep[1]
    text = text.slice(sep[0].length)
  }
  const delimiter = forced ?? detectDelimiter(text)
  const table = tableBuilder(limits)
  let refusal = null as string | null
  papa.parse(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    header: false,
    skipEmptyLines: false,
    step(result, parser) {
      const quotes = result.errors.find((e) => e.type === 'Quotes')
      // An unclosed quote swallows every later line into one cell: refuse instead of importing half a file.
      const stop = quotes
        ? `Line ${lineAt(text, quotes.index ?? 0) + (sep ? 1 : 0)} has a value that opens a double quote (") but does not close it properly, so the rest of the file cannot be read reliably. Fix the quotes on that line, or save the file again from your spreadsheet app, and upload it again.`
        : table.add(result.data)
      if (stop) {
        refusal = stop
        parser.abort()
      }
    },
  })
  if (refusal !== null) return { ok: false, reason: refusal }
  return table.finish('csv', delimiter)
}

/**
 * Comma unless the header line has more semicolons than commas outside quotes: a European Excel uses ";"
 * because "," is its decimal mark. Only the header line is looked at; column names rarely contain either
 * character, and a data line can ("Acme, Inc." in a semicolon file). No delimiter at all (one column) is
 * a comma file.
 */
function detectDelimiter(text: string): ',' | ';' {
  let commas = 0
  let semicolons = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    // A doubled quote inside a quoted value flips twice: no net change.
    if (ch === '"') quoted = !quoted
    else if (!quoted) {
      if (ch === '\n') break
      if (ch === ',') commas++
      else if (ch === ';') semicolons++
    }
  }
  return semicolons > commas ? ';' : ','
}

function lineAt(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

// ---------------------------------------------------------------------------------------------------
// XLSX: a ZIP of XML parts. The central directory is read here; fflate inflates each part.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06]
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const ENCRYPTED_PACKAGE = Array.from('EncryptedPackage').flatMap((c) => [c.charCodeAt(0), 0])
const EXCEL_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xltx', 'xltm', 'xls', 'xlsb'])

const DAMAGED = 'The Excel file looks damaged and could not be read. Open it in Excel, save it again as .xlsx (or as "CSV UTF-8"), and upload that file.'
const PASSWORD_PROTECTED = 'The Excel file is password-protected. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, then clear it) or save a copy as "CSV UTF-8", and upload that file.'

/** A refusal thrown inside the XLSX reader and turned into `{ ok: false }` at its edge. */
class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason)
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)
}

function indexOf(bytes: Uint8Array, needle: readonly number[]): number {
  const first = needle[0]
  for (let i = bytes.indexOf(first ?? 0); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(first ?? 0, i + 1)) {
    if (needle.every((b, k) => bytes[i + k] === b)) return i
  }
  return -1
}

interface ZipEntry {
  flags: number
  method: number
  compressedSize: number
  size: number
  localOffset: number
}

type Zip = { bytes: Uint8Array; view: DataView; entries: Map<string, ZipEntry> }

// Record signatures and fixed sizes from PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.12, 4.3.14-16).
const EOCD = 0x06054b50
const EOCD_SIZE = 22
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const CENTRAL_SIZE = 46
const LOCAL = 0x04034b50
const LOCAL_SIZE = 30
const ZIP64_EXTRA = 0x0001
const MAX_COMMENT = 0xffff
const FLAG_ENCRYPTED = 0x1

/**
 * The entries listed in the central directory, by lower-case name (part names are case-insensitive).
 * Sizes come from the central directory, so entries with trailing data descriptors read like any other;
 * ZIP64 records are followed. A declared size is only a hint: the real size is counted while inflating.
 */
function readZip(bytes: Uint8Array): Zip {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u16 = (at: number) => view.getUint16(at, true)
  const u32 = (at: number) => view.getUint32(at, true)
  const u64 = (at: number) => u32(at) + u32(at + 4) * 2 ** 32
  let eocd = -1
  for (let at = bytes.length - EOCD_SIZE; at >= 0 && at >= bytes.length - EOCD_SIZE - MAX_COMMENT; at--) {
    if (u32(at) === EOCD) {
      eocd = at
      break
    }
  }
  if (eocd < 0) refuse(DAMAGED)
  let count = u16(eocd + 10)
  let offset = u32(eocd + 16)
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20
    if (locator < 0 || u32(locator) !== ZIP64_LOCATOR) refuse(DAMAGED)
    const record = u64(locator + 8)
    if (record + 56 > bytes.length || u32(record) !== ZIP64_EOCD) refuse(DAMAGED)
    count = u64(record + 32)
    offset = u64(record + 48)
  }
  const entries = new Map<string, ZipEntry>()
  let at = offset
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > bytes.length || u32(at) !== CENTRAL) refuse(DAMAGED)
    const nameLength = u16(at + 28)
    const extraLength = u16(at + 30)
    const next = at + CENTRAL_SIZE + nameLength + extraLength + u16(at + 32)
    if (next > bytes.length) refuse(DAMAGED)
    const entry: ZipEntry = { flags: u16(at + 8), method: u16(at + 10), compressedSize: u32(at + 20), size: u32(at + 24), localOffset: u32(at + 42) }
    // ZIP64 extra field: 8-byte values, present only for the fields that hold 0xFFFFFFFF, in this order.
    const extraStart = at + CENTRAL_SIZE + nameLength
    for (let x = extraStart; x + 4 <= extraStart + extraLength; x += 4 + u16(x + 2)) {
      if (u16(x) !== ZIP64_EXTRA) continue
      let field = x + 4
      for (const key of ['size', 'compressedSize', 'localOffset'] as const) {
        if (entry[key] === 0xffffffff && field + 8 <= x + 4 + u16(x + 2)) {
          entry[key] = u64(field)
          field += 8
        }
      }
    }
    const name = new TextDecoder().decode(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength)).toLowerCase()
    if (!entries.has(name)) entries.set(name, entry)
    at = next
  }
  return { bytes, view, entries }
}

// 16 KiB of compressed input per step. DEFLATE expands at most ~1,032:1, so one step yields at most
// ~16.5 MB before the running total is checked again: a bomb is stopped within one step of the limit.
const INFLATE_STEP = 16 * 1024

/** One part as text, or null when the ZIP has no such part. Spends `budget.left` bytes. */
function readPart(zip: Zip, path: string, budget: { left: number; limit: number }): string | null {
  const entry = zip.entries.get(path.toLowerCase())
  if (!entry) return null
  if (entry.flags & FLAG_ENCRYPTED) refuse(PASSWORD_PROTECTED)
  const tooLarge = `The Excel file unpacks to more than ${thousands(Math.round(budget.limit / 1024 / 1024))} MB of data, the most Drason reads. Save it as "CSV UTF-8", or split it into smaller files, and upload those.`
  // Refuse early on the declared size; the real size is still counted below (a declared size can lie).
  if (entry.size > budget.left) refuse(tooLarge)
  const at = entry.localOffset
  if (at + LOCAL_SIZE > zip.bytes.length || zip.view.getUint32(at, true) !== LOCAL) refuse(DAMAGED)
  const start = at + LOCAL_SIZE + zip.view.getUint16(at + 26, true) + zip.view.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > zip.bytes.length) refuse(DAMAGED)
  const data = zip.bytes.subarray(start, end)

  const text = xmlDecoder()
  if (entry.method === 0) {
    if (data.length > budget.left) refuse(tooLarge)
    budget.left -= data.length
    return text.push(data, true)
  }
  if (entry.method !== 8) refuse(DAMAGED)
  let parts = ''
  let total = 0
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length
    if (total <= budget.left) parts += text.push(chunk, final)
  })
  try {
    for (let offset = 0; offset < data.length; offset += INFLATE_STEP) {
      inflater.push(data.subarray(offset, offset + INFLATE_STEP), offset + INFLATE_STEP >= data.length)
      if (total > budget.left) break
    }
  } catch {
    refuse(DAMAGED)
  }
  if (total > budget.left) refuse(tooLarge)
  budget.left -= total
  return parts
}

/** Decodes a part's bytes as they arrive: UTF-8, or UTF-16 when the part starts with its byte order mark. */
function xmlDecoder() {
  let decoder: TextDecoder | null = null
  return {
    push(chunk: Uint8Array, final: boolean): string {
      if (!decoder && chunk.length > 0) decoder = new TextDecoder(chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : 'utf-8')
      return decoder ? decoder.decode(chunk, { stream: !final }) : ''
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// A small reader for the few SpreadsheetML elements needed. Element names may carry any namespace
// prefix (`<x:row>` from the .NET Open XML SDK); none of these elements nests inside itself.

const PREFIX = '(?:[\\w.-]+:)?'

/**
 * Matches `<name attrs/>` or `<name attrs>inner</name>`: group 1 the attributes, group 2 the inner XML.
 * Attribute values are skipped whole: XML allows a bare ">" inside one (a sheet named "A > B", a number
 * format "[>=100]0").
 */
function element(name: string): RegExp {
  return new RegExp(`<${PREFIX}${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*?)(?:\\/>|>([\\s\\S]*?)<\\/${PREFIX}${name}\\s*>)`, 'g')
}

const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/** Attributes by local name (`r:id` is `id`), values unescaped. */
function attributes(source: string | undefined): Map<string, string> {
  const found = new Map<string, string>()
  for (const m of (source ?? '').matchAll(ATTRIBUTE)) {
    const name = m[1] ?? ''
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue
    found.set(name.slice(name.indexOf(':') + 1), unescapeXml(m[2] ?? m[3] ?? ''))
  }
  return found
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
// Excel writes characters XML cannot hold (a carriage return, other control characters) as _xHHHH_, and a
// literal "_x" as _x005F_x; one left-to-right pass undoes both.
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g

function unescapeXml(raw: string): string {
  let text = raw
  if (text.includes('&')) {
    text = text.replace(ENTITY, (whole, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (named) return NAMED[named] ?? whole
      const code = dec ? Number(dec) : parseInt(hex ?? '', 16)
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole
    })
  }
  if (text.includes('_x')) text = text.replace(OOXML_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  return text
}

// matchAll copies a pattern, so these shared global patterns keep no state between uses.
const TEXT = element('t')
const CELL = element('c')
const PLAIN_TEXT = /^<t(?:\s[^>]*)?>([^<]*)<\/t>$/
const PHONETIC = new RegExp(`<${PREFIX}rPh(?=[\\s/>])[\\s\\S]*?(?:<\\/${PREFIX}rPh\\s*>|$)`, 'g')

/** The text of a string item (`<si>`, `<is>`): its `<t>` or the `<t>` of each rich-text run, without phonetic hints. */
function richText(inner: string): string {
  // Most items are one plain <t>: read it without the general pass (a large file has a million of them).
  const plain = PLAIN_TEXT.exec(inner)
  if (plain) return unescapeXml(plain[1] ?? '')
  let text = ''
  for (const m of inner.replace(PHONETIC, '').matchAll(TEXT)) text += unescapeXml(m[2] ?? '')
  return text
}

interface Relationship {
  type: string
  target: string
}

function relationships(xml: string | null, base: string): Map<string, Relationship> {
  const found = new Map<string, Relationship>()
  for (const m of (xml ?? '').matchAll(element('Relationship'))) {
    const a = attributes(m[1])
    if (a.get('TargetMode') === 'External') continue
    found.set(a.get('Id') ?? '', { type: a.get('Type') ?? '', target: resolvePart(base, a.get('Target') ?? '') })
  }
  return found
}

function resolvePart(base: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `${base}/${target}`
  const parts: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '..') parts.pop()
    else if (segment !== '.' && segment !== '') parts.push(segment)
  }
  return parts.join('/')
}

function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
}

function relsOf(path: string): string {
  const folder = folderOf(path)
  return `${folder ? `${folder}/` : ''}_rels/${path.slice(folder ? folder.length + 1 : 0)}.rels`
}

function byType(rels: Map<string, Relationship>, type: string): Relationship | undefined {
  // Transitional and Strict OOXML differ only in the namespace before the last segment.
  return [...rels.values()].find((r) => r.type.endsWith(`/${type}`))
}

function parseXlsx(bytes: Uint8Array, limits: TableLimits): TableResult {
  const zip = readZip(bytes)
  if ([...zip.entries.values()].some((e) => e.flags & FLAG_ENCRYPTED)) refuse(PASSWORD_PROTECTED)
  if (!zip.entries.has('[content_types].xml')) {
    if (zip.entries.has('mimetype')) refuse('The file is an OpenDocument spreadsheet (.ods). Open it and save it as .xlsx or as "CSV UTF-8", and upload that file.')
    refuse('The file is a ZIP archive, not an Excel workbook. Upload the .xlsx or .csv file itself.')
  }
  const budget = { left: limits.maxXmlBytes, limit: limits.maxXmlBytes }
  const workbookPath = byType(relationships(readPart(zip, '_rels/.rels', budget), ''), 'officeDocument')?.target ?? 'xl/workbook.xml'
  if (workbookPath.toLowerCase().endsWith('.bin')) {
    refuse('The file is an Excel binary workbook (.xlsb), which Drason does not read. Open it in Excel, save it as .xlsx or as "CSV UTF-8", and upload that file.')
  }
  const workbook = readPart(zip, workbookPath, budget) ?? refuse('The file is not an Excel workbook (it has no workbook part). Save it from Excel as .xlsx or "CSV UTF-8" and upload that file.')
  const rels = relationships(readPart(zip, relsOf(workbookPath), budget), folderOf(workbookPath))

  // The first worksheet a person sees: the first tab that is neither hidden nor a chart sheet.
  let sheetPath: string | null = null
  for (const m of workbook.matchAll(element('sheet'))) {
    const a = attributes(m[1])
    const rel = rels.get(a.get('id') ?? '')
    if (a.get('state') === 'hidden' || a.get('state') === 'veryHidden' || !rel || !rel.type.endsWith('/worksheet')) continue
    sheetPath = rel.target
    break
  }
  if (sheetPath === null) refuse('The workbook has no visible worksheet to read. Unhide the sheet with the leads, or save it as "CSV UTF-8", and upload it again.')

  const sharedPath = byType(rels, 'sharedStrings')?.target
  const shared = sharedPath ? [...(readPart(zip, sharedPath, budget) ?? '').matchAll(element('si'))].map((m) => richText(m[2] ?? '')) : []
  const stylesPath = byType(rels, 'styles')?.target
  const formats = stylesPath ? cellFormats(readPart(zip, stylesPath, budget) ?? '') : []
  const workbookPr = attributes(new RegExp(`<${PREFIX}workbookPr(?=[\\s/>])([^>]*)`).exec(workbook)?.[1])
  const date1904 = ['1', 'true'].includes(workbookPr.get('date1904') ?? '')
  const sheet = readPart(zip, sheetPath, budget) ?? refuse(DAMAGED)
  return readSheet(sheet, { shared, formats, date1904 }, limits)
}

// Excel's own row and column limits (1,048,576 rows, XFD = 16,384 columns): beyond them a file is damaged.
const EXCEL_MAX_ROW = 1_048_576
const EXCEL_MAX_COLUMNS = 16_384

interface SheetContext {
  shared: string[]
  formats: (DateKind | null)[]
  date1904: boolean
}

function readSheet(xml: string, context: SheetContext, limits: TableLimits): TableResult {
  const table = tableBuilder(limits)
  const start = xml.search(new RegExp(`<${PREFIX}sheetData[\\s/>]`))
  const rowPattern = element('row')
  rowPattern.lastIndex = Math.max(start, 0)
  let previous = 0
  for (let m = start < 0 ? null : rowPattern.exec(xml); m; m = rowPattern.exec(xml)) {
    const ref = attributes(m[1]).get('r')
    // The r attribute is optional; without it a row follows the previous one.
    const number = ref === undefined ? previous + 1 : Number(ref)
    if (!Number.isInteger(number) || number <= previous || number > EXCEL_MAX_ROW) refuse(DAMAGED)
    table.gap(number - previous - 1)
    const stop = table.add(readCells(m[2] ?? '', context))
    if (stop) refuse(stop)
    previous = number
  }
  return table.finish('xlsx')
}

const CELL_REF = /^([A-Za-z]{1,3})\d*$/
const CELL_ATTRIBUTE = /(?:^|\s)(r|s|t)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

function columnOf(ref: string): number | null {
  const letters = CELL_REF.exec(ref)?.[1]?.toUpperCase()
  if (!letters) return null
  let column = 0
  for (const ch of letters) column = column * 26 + (ch.charCodeAt(0) - 64)
  return column - 1
}

function readCells(inner: string, context: SheetContext): string[] {
  const cells: string[] = []
  for (const m of inner.matchAll(CELL)) {
    // A cell's attributes are plain ASCII (a reference, a style number, a type): no unescaping needed.
    let ref: string | undefined
    let style: string | undefined
    let type = 'n'
    for (const a of (m[1] ?? '').matchAll(CELL_ATTRIBUTE)) {
      const value = a[2] ?? a[3] ?? ''
      if (a[1] === 'r') ref = value
      else if (a[1] === 's') style = value
      else type = value
    }
    const column = ref === undefined ? cells.length : columnOf(ref)
    if (column === null || column < cells.length || column >= EXCEL_MAX_COLUMNS) refuse(DAMAGED)
    while (cells.length < column) cells.push('')
    cells.push(cellText(type, style, m[2] ?? '', context))
  }
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop()
  return cells
}

const VALUE = new RegExp(`<${PREFIX}v(?:\\s[^>]*)?>([\\s\\S]*?)<\\/${PREFIX}v\\s*>`)
const INLINE = new RegExp(`<${PREFIX}is(?:\\s[^>]*)?>([\\s\\S]*?)<\\/${PREFIX}is\\s*>`)

/** A cell's value as text: the cached result for a formula, display-style text for numbers, dates and booleans. */
function cellText(type: string, style: string | undefined, inner: string, context: SheetContext): string {
  if (type === 'inlineStr') return richText(INLINE.exec(inner)?.[1] ?? '')
  const raw = VALUE.exec(inner)?.[1]
  if (raw === undefined) return ''
  switch (type) {
    case 's': {
      if (raw.trim() === '') return ''
      const text = context.shared[Number(raw)]
      return text ?? refuse(DAMAGED)
    }
    case 'b':
      return raw.trim() === '1' ? 'TRUE' : raw.trim() === '0' ? 'FALSE' : unescapeXml(raw)
    case 'd':
      return isoDateValue(unescapeXml(raw).trim())
    case 'str':
    case 'e':
      return unescapeXml(raw)
    default: {
      if (raw.trim() === '') return ''
      const n = Number(raw)
      if (!Number.isFinite(n)) return unescapeXml(raw)
      const kind = style === undefined ? null : (context.formats[Number(style)] ?? null)
      return (kind && serialToIso(n, kind, context.date1904)) ?? plainNumber(n)
    }
  }
}

/**
 * A number as Excel shows it in a General cell, without binary floating-point noise: Excel keeps 15
 * significant digits, so 85.000000000000014 is 85 and 0.30000000000000004 is 0.3.
 */
function plainNumber(n: number): string {
  const rounded = Number(n.toPrecision(15))
  return Object.is(rounded, -0) ? '0' : String(rounded)
}

type DateKind = 'date' | 'time' | 'datetime'

// Built-in number formats (ECMA-376 Part 1, 18.8.30): 14-17 dates, 18-21 times, 22 date and time, 45 and
// 47 minutes and seconds; 27-36 and 50-58 are the East Asian date (32-35: time) formats. 46 ([h]:mm:ss) is
// a duration, an amount rather than a moment, so it stays a number.
const BUILTIN_FORMATS = new Map<number, DateKind>([
  ...[14, 15, 16, 17, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58].map((id) => [id, 'date'] as const),
  ...[18, 19, 20, 21, 32, 33, 34, 35, 45, 47].map((id) => [id, 'time'] as const),
  [22, 'datetime'],
])

/** For each cell style (`s` of a cell, index into `<cellXfs>`), whether its number format shows a date or time. */
function cellFormats(styles: string): (DateKind | null)[] {
  const custom = new Map<number, string>()
  for (const m of styles.matchAll(element('numFmt'))) {
    const a = attributes(m[1])
    custom.set(Number(a.get('numFmtId')), a.get('formatCode') ?? '')
  }
  const cellXfs = new RegExp(`<${PREFIX}cellXfs(?=[\\s/>])[\\s\\S]*?<\\/${PREFIX}cellXfs\\s*>`).exec(styles)?.[0] ?? ''
  return [...cellXfs.matchAll(element('xf'))].map((m) => {
    const id = Number(attributes(m[1]).get('numFmtId') ?? '0')
    const code = custom.get(id)
    return code === undefined ? (BUILTIN_FORMATS.get(id) ?? null) : formatKind(code)
  })
}

/**
 * Whether a custom format code shows a date, a time or both. Only the first section (positive numbers)
 * counts; quoted text, backslash-escaped and _/* padding characters, [colour] and [$-locale] brackets and
 * "General" say nothing about dates. "m" is minutes next to h or s, months otherwise.
 */
function formatKind(code: string): DateKind | null {
  const section = (code.split(';')[0] ?? '').replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/[_*]./g, '')
  if (/\[(h+|m+|s+)\]/i.test(section)) return null
  const s = section.replace(/\[[^\]]*\]/g, '').replace(/general/gi, '')
  const hasTime = /[hs]/i.test(s) || /am\/pm|a\/p/i.test(s)
  const hasDate = /[yd]/i.test(s) || (!hasTime && /m/i.test(s))
  return hasDate && hasTime ? 'datetime' : hasDate ? 'date' : hasTime ? 'time' : null
}

const DAY_MS = 86_400_000
const DAY_SECONDS = 86_400
// 9999-12-31, Excel's last date; a larger serial shows as #### in Excel, so it stays a number here.
const EXCEL_MAX_SERIAL = 2_958_465

/**
 * An Excel date serial as ISO 8601: yyyy-mm-dd, HH:MM:SS, or yyyy-mm-ddTHH:MM:SS (no zone: Excel has
 * none). Rounded to the second, as Excel displays, which also absorbs float noise (45000.99999999 is the
 * next midnight). The 1900 system counts a 29 February 1900 that never was (kept from Lotus 1-2-3): serial
 * 60 is that day, so serials below it start a day later. Null for a serial Excel cannot show as a date.
 */
function serialToIso(serial: number, kind: DateKind, date1904: boolean): string | null {
  if (serial < 0 || serial > EXCEL_MAX_SERIAL) return null
  const seconds = Math.round(serial * DAY_SECONDS)
  const day = Math.floor(seconds / DAY_SECONDS)
  const rest = seconds - day * DAY_SECONDS
  const time = [Math.floor(rest / 3600), Math.floor((rest % 3600) / 60), rest % 60].map((n) => String(n).padStart(2, '0')).join(':')
  if (kind === 'time') return time
  const date = date1904
    ? new Date(Date.UTC(1904, 0, 1) + day * DAY_MS).toISOString().slice(0, 10)
    : day === 60
      ? '1900-02-29'
      : new Date(Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * DAY_MS).toISOString().slice(0, 10)
  return kind === 'date' ? date : `${date}T${time}`
}

/** A `t="d"` cell holds ISO 8601 text already; a value at midnight is shown as its date alone. */
function isoDateValue(text: string): string {
  return /^(\d{4}-\d{2}-\d{2})(?:T00:00(?::00(?:\.0+)?)?Z?)?$/.exec(text)?.[1] ?? text
}
