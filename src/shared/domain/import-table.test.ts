import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { MAX_ROWS, parseTable, TABLE_LIMITS, type TableLimits, type TableResult } from './import-table'

// ---------------------------------------------------------------------------------------------------
// Fixtures are built here, never committed as binaries.

const utf8 = (text: string) => new TextEncoder().encode(text)

function csv(text: string, fileName = 'leads.csv', limits?: TableLimits): TableResult {
  return parseTable(utf8(text), fileName, limits)
}

function ok(result: TableResult) {
  if (!result.ok) throw new Error(`expected a table, got: ${result.reason}`)
  return result
}

function refused(result: TableResult): string {
  if (result.ok) throw new Error('expected a refusal, got a table')
  return result.reason
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const si = (text: string) => `<si><t xml:space="preserve">${esc(text)}</t></si>`

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships'

interface Workbook {
  /** The inner XML of the first sheet's <sheetData>. */
  sheetData: string
  /** Inner XML of each <si>; `si()` builds a plain one. */
  shared?: string[]
  /** Whole xl/styles.xml. */
  styles?: string
  /** Extra attributes or elements for xl/workbook.xml. */
  workbookPr?: string
  /** Replaces <sheets> and the workbook relationships when a test needs several sheets. */
  sheets?: { xml: string; rels: string; files: Record<string, string> }
  relType?: string
}

/** The parts of a minimal .xlsx, as Excel names them. */
function workbookParts(w: Workbook): Record<string, string> {
  const relType = w.relType ?? REL
  const files: Record<string, string> = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${relType}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${R}">${w.workbookPr ?? ''}<sheets>${w.sheets?.xml ?? '<sheet name="Leads" sheetId="1" r:id="rId1"/>'}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}">${
      w.sheets?.rels ?? `<Relationship Id="rId1" Type="${relType}/worksheet" Target="worksheets/sheet1.xml"/>`
    }<Relationship Id="rId8" Type="${relType}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId9" Type="${relType}/styles" Target="/xl/styles.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${w.sheetData}</sheetData></worksheet>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${w.shared?.length ?? 0}">${(w.shared ?? []).join('')}</sst>`,
    'xl/styles.xml': w.styles ?? `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>`,
    ...w.sheets?.files,
  }
  return files
}

function zip(files: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [typeof data === 'string' ? strToU8(data) : data, { level }]])))
}

function xlsx(w: Workbook, limits?: TableLimits): TableResult {
  return parseTable(zip(workbookParts(w)), 'leads.xlsx', limits)
}

/** A sheet row from cells written as XML. */
const row = (r: number, ...cells: string[]) => `<row r="${r}">${cells.join('')}</row>`
const str = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`
const num = (ref: string, value: string, style?: number) => `<c r="${ref}"${style === undefined ? '' : ` s="${style}"`}><v>${value}</v></c>`
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${esc(text)}</t></is></c>`

/**
 * A ZIP with stored (uncompressed) entries, written by hand for what fflate's writer never produces:
 * ZIP64 records and data descriptors. Laid out per PKWARE APPNOTE 4.3; CRCs are left 0 (not checked).
 */
function handZip(files: Record<string, string>, options: { zip64?: boolean; dataDescriptor?: boolean }): Uint8Array {
  const out: number[] = []
  const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff]
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
  const u64 = (n: number) => [...u32(n), ...u32(0)]
  const write = (...fields: (number[] | Uint8Array)[]) => fields.forEach((f) => out.push(...f))
  const flags = options.dataDescriptor ? 8 : 0
  const central: { name: Uint8Array; size: number; offset: number }[] = []
  for (const [fileName, content] of Object.entries(files)) {
    const name = utf8(fileName)
    const data = utf8(content)
    const localSize = options.dataDescriptor ? 0 : data.length
    central.push({ name, size: data.length, offset: out.length })
    // Local header: signature, version, flags, method 0, time, date, CRC, sizes, name and extra lengths.
    write(u32(0x04034b50), u16(45), u16(flags), u16(0), u16(0), u16(0), u32(0), u32(localSize), u32(localSize), u16(name.length), u16(0), name, data)
    if (options.dataDescriptor) write(u32(0x08074b50), u32(0), u32(data.length), u32(data.length))
  }
  const cdStart = out.length
  for (const e of central) {
    const size = options.zip64 ? 0xffffffff : e.size
    const offset = options.zip64 ? 0xffffffff : e.offset
    write(u32(0x02014b50), u16(45), u16(45), u16(flags), u16(0), u16(0), u16(0), u32(0), u32(size), u32(size))
    write(u16(e.name.length), u16(options.zip64 ? 28 : 0), u16(0), u16(0), u16(0), u32(0), u32(offset), e.name)
    if (options.zip64) write(u16(0x0001), u16(24), u64(e.size), u64(e.size), u64(e.offset))
  }
  const cdSize = out.length - cdStart
  if (options.zip64) {
    const record = out.length
    write(u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(central.length), u64(central.length), u64(cdSize), u64(cdStart))
    write(u32(0x07064b50), u32(0), u64(record), u32(1))
    write(u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(0))
  } else {
    write(u32(0x06054b50), u16(0), u16(0), u16(central.length), u16(central.length), u32(cdSize), u32(cdStart), u16(0))
  }
  return Uint8Array.from(out)
}

/** The offset of the central directory record of `name` in a ZIP made by `zip()`. */
function centralRecord(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 0; at + 46 <= bytes.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue
    const length = view.getUint16(at + 28, true)
    if (new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + length)) === name) return at
  }
  throw new Error(`no central record for ${name}`)
}

const limits = (overrides: Partial<TableLimits>): TableLimits => ({ ...TABLE_LIMITS, ...overrides })

// ---------------------------------------------------------------------------------------------------

describe('parseTable: CSV', () => {
  it.each<[string, string, string[], string[][]]>([
    ['LF line ends', 'email,name\na@x.com,Ann\nb@x.com,Bob\n', ['email', 'name'], [['a@x.com', 'Ann'], ['b@x.com', 'Bob']]],
    ['CRLF line ends', 'email,name\r\na@x.com,Ann\r\nb@x.com,Bob\r\n', ['email', 'name'], [['a@x.com', 'Ann'], ['b@x.com', 'Bob']]],
    ['mixed CRLF, LF and CR line ends', 'email,name\r\na@x.com,Ann\nb@x.com,Bob\rc@x.com,Cy', ['email', 'name'], [['a@x.com', 'Ann'], ['b@x.com', 'Bob'], ['c@x.com', 'Cy']]],
    ['no final line end', 'email,name\na@x.com,Ann', ['email', 'name'], [['a@x.com', 'Ann']]],
    ['a UTF-8 byte order mark is dropped', '\uFEFFemail,name\na@x.com,Ann\n', ['email', 'name'], [['a@x.com', 'Ann']]],
    ['a quoted comma', 'name,company\nAnn,"Acme, Inc."\n', ['name', 'company'], [['Ann', 'Acme, Inc.']]],
    ['a doubled quote', 'name,company\nAnn,"The ""Best"" Co"\n', ['name', 'company'], [['Ann', 'The "Best" Co']]],
    ['a quoted line break (CRLF inside becomes LF)', 'name,notes\r\nAnn,"line one\r\nline two"\r\nBob,x\r\n', ['name', 'notes'], [['Ann', 'line one\nline two'], ['Bob', 'x']]],
    ['a quoted header', '"Email Address","Full Name"\na@x.com,Ann\n', ['Email Address', 'Full Name'], [['a@x.com', 'Ann']]],
    ['non-ASCII text', 'name,company\nJosé Müller,Société Générale\n', ['name', 'company'], [['José Müller', 'Société Générale']]],
    ['cells are kept exactly, spaces included', 'name, company \n Ann ,Acme\n', ['name', ' company '], [[' Ann ', 'Acme']]],
    ['a single column', 'email\na@x.com\nb@x.com\n', ['email'], [['a@x.com'], ['b@x.com']]],
    ['only a header', 'email,name\n', ['email', 'name'], []],
    ['short and long rows are returned as they are', 'a,b,c\n1\n1,2,3,4\n', ['a', 'b', 'c'], [['1'], ['1', '2', '3', '4']]],
    ['blank lines at the end are dropped', 'email,name\na@x.com,Ann\n\n\n\r\n', ['email', 'name'], [['a@x.com', 'Ann']]],
    ['delimiter-only and whitespace lines at the end are dropped', 'email,name\na@x.com,Ann\n,\n  ,  \n,,\n', ['email', 'name'], [['a@x.com', 'Ann']]],
    ['a blank line inside keeps its place as []', 'email,name\na@x.com,Ann\n\n,\nb@x.com,Bob\n', ['email', 'name'], [['a@x.com', 'Ann'], [], [], ['b@x.com', 'Bob']]],
    ['a formula-like cell is data, kept as written', 'name,company\n=1+1,@x\n', ['name', 'company'], [['=1+1', '@x']]],
  ])('%s', (_, text, headers, rows) => {
    expect(ok(csv(text))).toEqual({ ok: true, kind: 'csv', delimiter: ',', headers, rows })
  })

  it.each<[string, string, ',' | ';', string[][]]>([
    ['semicolons (a European Excel export)', 'Name;Company;Email\nMüller;Acme;m@x.de\n', ';', [['Name', 'Company', 'Email'], ['Müller', 'Acme', 'm@x.de']]],
    ['semicolons with commas inside unquoted values', 'Name;Company;Score\nAnn;Acme, GmbH;1,5\n', ';', [['Name', 'Company', 'Score'], ['Ann', 'Acme, GmbH', '1,5']]],
    ['semicolons with a quoted header holding commas', '"Name, full";"Email, work"\n"Ann, B";a@x\n', ';', [['Name, full', 'Email, work'], ['Ann, B', 'a@x']]],
    ['commas with a quoted header holding semicolons', '"a;b;c",d\n1,2\n', ',', [['a;b;c', 'd'], ['1', '2']]],
    ['commas with semicolons inside data', 'name,notes\nAnn,x;y;z;w\n', ',', [['name', 'notes'], ['Ann', 'x;y;z;w']]],
    ['trailing ";" rows of an Excel export are dropped', 'a;b\n1;2\n;\n;\n', ';', [['a', 'b'], ['1', '2']]],
    ['"sep=;" names the delimiter and is not a row', 'sep=;\nname,x;email\nAnn,B;a@x\n', ';', [['name,x', 'email'], ['Ann,B', 'a@x']]],
    ['"sep=," names the delimiter', 'SEP=,\r\na;b,c\r\n', ',', [['a;b', 'c']]],
  ])('%s', (_, text, delimiter, table) => {
    const result = ok(csv(text))
    expect(result.delimiter).toBe(delimiter)
    expect([result.headers, ...result.rows]).toEqual(table)
  })

  it.each<[string, Uint8Array, RegExp]>([
    ['an empty file', new Uint8Array(0), /^The file is empty\.$/],
    ['only blank lines', utf8('\n\r\n  \n'), /no data: every row is empty/],
    ['blank lines above the header', utf8('\n\nemail,name\na@x,Ann\n'), /Row 1 of the file is empty/],
    ['Windows-1252 bytes (Excel\'s plain "CSV" on Windows)', Uint8Array.from([...utf8('name\nM'), 0xfc, ...utf8('ller\n')]), /not UTF-8 text.*CSV UTF-8/],
    ['a lone continuation byte', Uint8Array.from([...utf8('name\n'), 0x80]), /not UTF-8 text/],
    ['UTF-16 little-endian (Excel\'s "Unicode Text")', Uint8Array.from([0xff, 0xfe, 0x61, 0x00]), /UTF-16 text/],
    ['UTF-16 big-endian', Uint8Array.from([0xfe, 0xff, 0x00, 0x61]), /UTF-16 text/],
    ['a binary file', Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), /neither a CSV nor an Excel/],
    ['a "sep=" line naming a tab', utf8('sep=\t\na\tb\n'), /separated by "\t".*commas or semicolons/],
  ])('refuses %s', (_, bytes, reason) => {
    expect(refused(parseTable(bytes, 'leads.csv'))).toMatch(reason)
  })

  it.each<[string, string, number]>([
    ['an unclosed quote', 'email,name\na@x,Ann\nb@x,"Bob\nc@x,Cy\n', 3],
    ['text after a closing quote', 'email,name\r\na@x,"Ann"x,1\r\nb@x,Bob\r\n', 2],
    ['an unclosed quote after a quoted line break (line counted in the file)', 'email,notes\na@x,"two\nlines"\nb@x,"oops\n', 4],
    ['an unclosed quote after a "sep=" line (counted too)', 'sep=;\na;b\n"x;y\n', 3],
  ])('refuses %s and names the line', (_, text, line) => {
    expect(refused(csv(text))).toMatch(new RegExp(`^Line ${line} has a value that opens a double quote`))
  })

  it('keeps a stray quote inside an unquoted value', () => {
    expect(ok(csv('name,size\nAnn,5" screen\n')).rows).toEqual([['Ann', '5" screen']])
  })

  it(`takes exactly ${MAX_ROWS.toLocaleString('en-US')} data rows, trailing blank lines aside`, () => {
    const text = `email\n${'a@x.com\n'.repeat(MAX_ROWS)}\n\n`
    expect(ok(csv(text)).rows).toHaveLength(MAX_ROWS)
  })

  it(`refuses ${(MAX_ROWS + 1).toLocaleString('en-US')} data rows`, () => {
    expect(refused(csv(`email\n${'a@x.com\n'.repeat(MAX_ROWS + 1)}`))).toBe(
      'The file has more than 50,000 data rows, the most one import takes. Split it into smaller files and import them one by one.',
    )
  })

  it('counts a blank row inside the data against the row limit (it keeps its place)', () => {
    expect(ok(csv('email\na\n\nb\n', 'x.csv', limits({ maxRows: 3 }))).rows).toEqual([['a'], [], ['b']])
    expect(refused(csv('email\na\n\nb\nc\n', 'x.csv', limits({ maxRows: 3 })))).toMatch(/more than 3 data rows/)
  })

  it('refuses a file with more cells than the limit', () => {
    expect(refused(csv('a,b\n1,2\n3,4\n', 'x.csv', limits({ maxCells: 5 })))).toMatch(/more than 5 cells/)
  })

  it('reads the kind from the bytes, not the name', () => {
    expect(ok(csv('email\na@x\n', 'export.txt')).kind).toBe('csv')
    expect(ok(csv('email\na@x\n', 'no-extension')).kind).toBe('csv')
  })

  it.each(['leads.xlsx', 'LEADS.XLS', 'leads.xlsb'])('refuses text named like an Excel file (%s)', (name) => {
    expect(refused(csv('<html><table><tr><td>email</td></tr></table></html>', name))).toMatch(new RegExp(`^"${name.replace('.', '\\.')}" is named like an Excel file but is not an Excel workbook`))
  })
})

// ---------------------------------------------------------------------------------------------------

/** Styles with cellXfs: 0 General, 1 builtin 14 (m/d/yyyy), 2 custom yyyy-mm-dd, 3 builtin 22 (date and
 * time), 4 builtin 20 (h:mm), 5 builtin 46 ([h]:mm:ss), 6 "[$-409]mmmm d, yyyy;@", 7 0.00 "days",
 * 8 mm:ss, 9 0.00%, 10 dd/mm/yyyy hh:mm AM/PM, 11 [Red]#,##0 "h" (text, not a time), 12 a condition with a
 * bare ">" in the attribute. */
const STYLES = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}">
<numFmts count="7"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="[$-409]mmmm d, yyyy;@"/><numFmt numFmtId="166" formatCode="0.00 &quot;days&quot;"/><numFmt numFmtId="167" formatCode="mm:ss"/><numFmt numFmtId="168" formatCode="dd/mm/yyyy hh:mm AM/PM"/><numFmt numFmtId="169" formatCode="[Red]#,##0 &quot;h&quot;"/><numFmt numFmtId="170" formatCode="[>=100]0.0;0"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="13"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="20"/><xf numFmtId="46"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="10"/><xf numFmtId="168"/><xf numFmtId="169"/><xf numFmtId="170"/></cellXfs>
</styleSheet>`

/** The value of one cell in row 2 under header "h", or the refusal. */
function single(cell: string, w: Partial<Workbook> = {}): string {
  const result = ok(xlsx({ sheetData: row(1, inline('A1', 'h')) + row(2, cell), styles: STYLES, ...w }))
  return result.rows[0]?.[0] ?? '(no cell)'
}

describe('parseTable: XLSX', () => {
  it('reads the first sheet: header row, shared and inline strings, numbers, booleans, blanks', () => {
    const result = xlsx({
      shared: [si('Email'), si('Full Name'), si('Company'), si('Score'), si('ann@acme.com'), si('Ann Lee'), si('Acme & Co <UK>')],
      sheetData:
        row(1, str('A1', 0), str('B1', 1), str('C1', 2), str('D1', 3)) +
        row(2, str('A2', 4), str('B2', 5), str('C2', 6), num('D2', '85')) +
        // C3 missing: an empty cell in the middle; no D3: the row ends early.
        row(3, inline('A3', 'bob@x.io'), inline('B3', 'Bob'), '<c r="D3" t="b"><v>1</v></c>'),
    })
    expect(result).toEqual({
      ok: true,
      kind: 'xlsx',
      headers: ['Email', 'Full Name', 'Company', 'Score'],
      rows: [
        ['ann@acme.com', 'Ann Lee', 'Acme & Co <UK>', '85'],
        ['bob@x.io', 'Bob', '', 'TRUE'],
      ],
    })
  })

  it.each<[string, string, string]>([
    ['an integer', num('A2', '85'), '85'],
    ['float noise above', num('A2', '85.000000000000014'), '85'],
    ['float noise below', num('A2', '84.999999999999986'), '85'],
    ['0.1 + 0.2', num('A2', '0.30000000000000004'), '0.3'],
    ['a decimal', num('A2', '1.5'), '1.5'],
    ['a negative number', num('A2', '-42.25'), '-42.25'],
    ['a phone-length integer', num('A2', '4915112345678'), '4915112345678'],
    ['exponent notation in the XML', num('A2', '1.2E3'), '1200'],
    ['negative zero', num('A2', '-0'), '0'],
    ['a percentage stays a plain number', num('A2', '0.15', 9), '0.15'],
    ['a number with a text-only custom format', num('A2', '12', 7), '12'],
    ['a [Red] format with a quoted "h" is not a time', num('A2', '12', 11), '12'],
    ['a conditional format ([>=100]) is not a date', num('A2', '150', 12), '150'],
    ['a date style after a style with a bare ">"', num('A2', '45000', 1), '2023-03-15'],
    ['TRUE', '<c r="A2" t="b"><v>1</v></c>', 'TRUE'],
    ['FALSE', '<c r="A2" t="b"><v>0</v></c>', 'FALSE'],
    ['an error value', '<c r="A2" t="e"><v>#N/A</v></c>', '#N/A'],
    ['a formula string result', '<c r="A2" t="str"><f>A1&amp;"x"</f><v>hx</v></c>', 'hx'],
    ['a formula number result', '<c r="A2"><f>1/3</f><v>0.33333333333333331</v></c>', '0.333333333333333'],
    ['a formula never calculated', '<c r="A2"><f>1+1</f></c>', '(no cell)'],
    ['a styled empty cell', '<c r="A2" s="1"/>', '(no cell)'],
    ['an empty value', '<c r="A2"><v></v></c>', '(no cell)'],
    ['an inline string with runs', '<c r="A2" t="inlineStr"><is><r><t>Ann </t></r><r><rPr><b/></rPr><t>Lee</t></r></is></c>', 'Ann Lee'],
    ['entities', inline('A2', '"Tom" & Jerry\'s <Ltd>'), '"Tom" & Jerry\'s <Ltd>'],
    ['numeric character references', '<c r="A2" t="inlineStr"><is><t>caf&#233; &#x1F600;</t></is></c>', 'café 😀'],
    ['Excel\'s _xHHHH_ escapes', '<c r="A2" t="inlineStr"><is><t>a_x000D_b _x005F_x0041_</t></is></c>', 'a\rb _x0041_'],
    ['a text cell that looks like a number stays text', inline('A2', '00123'), '00123'],
    ['a number as written in a "str" cell', '<c r="A2" t="str"><v>007</v></c>', '007'],
  ])('cell: %s', (_, cell, expected) => {
    expect(single(cell)).toBe(expected)
  })

  it.each<[string, string, string]>([
    ['built-in date format 14', num('A2', '45000', 1), '2023-03-15'],
    ['custom yyyy-mm-dd', num('A2', '45000', 2), '2023-03-15'],
    ['custom with a locale prefix', num('A2', '45000', 6), '2023-03-15'],
    ['date and time (22)', num('A2', '45000.5', 3), '2023-03-15T12:00:00'],
    ['date and time with AM/PM', num('A2', '45000.75', 10), '2023-03-15T18:00:00'],
    ['time only (20)', num('A2', '0.75', 4), '18:00:00'],
    ['minutes and seconds', num('A2', '0.000694444444444444', 8), '00:01:00'],
    ['an elapsed duration ([h]) stays a number', num('A2', '1.5', 5), '1.5'],
    ['float noise just before midnight rounds to the next day', num('A2', '45000.999999999', 1), '2023-03-16'],
    ['a time is rounded to the second', num('A2', '45000.50000578', 3), '2023-03-15T12:00:00'],
    ['serial 1 is 1900-01-01', num('A2', '1', 1), '1900-01-01'],
    ['serial 59 is 1900-02-28', num('A2', '59', 1), '1900-02-28'],
    ['serial 60 is the 1900-02-29 Excel shows', num('A2', '60', 1), '1900-02-29'],
    ['serial 61 is 1900-03-01', num('A2', '61', 1), '1900-03-01'],
    ['the last date Excel has', num('A2', '2958465', 1), '9999-12-31'],
    ['past the last date stays a number', num('A2', '2958466', 1), '2958466'],
    ['a negative serial stays a number', num('A2', '-1', 1), '-1'],
    ['a t="d" cell at midnight is its date', '<c r="A2" t="d"><v>2024-03-05T00:00:00Z</v></c>', '2024-03-05'],
    ['a t="d" cell with a time stays ISO', '<c r="A2" t="d"><v>2024-03-05T09:30:00</v></c>', '2024-03-05T09:30:00'],
  ])('date: %s', (_, cell, expected) => {
    expect(single(cell)).toBe(expected)
  })

  it('uses the 1904 date system when the workbook says so', () => {
    expect(single(num('A2', '0', 1), { workbookPr: '<workbookPr date1904="1"/>' })).toBe('1904-01-01')
    expect(single(num('A2', '43538', 1), { workbookPr: '<workbookPr date1904="true"/>' })).toBe('2023-03-15')
  })

  it('reads rich-text shared strings without their phonetic hints', () => {
    const shared = ['<si><r><t>Yamada </t></r><r><rPr><b/></rPr><t>Taro</t></r><rPh sb="0" eb="2"><t>ヤマダ</t></rPh></si>', '<si><t/></si>']
    const result = ok(xlsx({ shared, sheetData: row(1, str('A1', 0), str('B1', 1), inline('C1', 'x')) }))
    expect(result.headers).toEqual(['Yamada Taro', '', 'x'])
  })

  it('reads cells and rows without r attributes', () => {
    const sheetData = `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row><row><c><v>1</v></c><c><v>2</v></c></row>`
    expect(ok(xlsx({ sheetData }))).toMatchObject({ headers: ['a', 'b'], rows: [['1', '2']] })
  })

  it('reads namespace-prefixed elements (the .NET Open XML SDK writes x:)', () => {
    const files = workbookParts({ sheetData: '' })
    files['xl/worksheets/sheet1.xml'] =
      `<x:worksheet xmlns:x="${NS}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>email</x:t></x:is></x:c></x:row>` +
      `<x:row r="2"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>`
    files['xl/sharedStrings.xml'] = `<x:sst xmlns:x="${NS}"><x:si><x:t>a@x.com</x:t></x:si></x:sst>`
    expect(ok(parseTable(zip(files), 'sdk.xlsx'))).toMatchObject({ headers: ['email'], rows: [['a@x.com']] })
  })

  it('keeps a blank row inside the data in place and drops blank rows at the end', () => {
    const sheetData = row(1, inline('A1', 'email')) + row(2, inline('A2', 'a@x')) + row(5, inline('A5', 'b@x')) + row(6, '<c r="A6" s="1"/>') + row(7, inline('A7', '  '))
    expect(ok(xlsx({ sheetData })).rows).toEqual([['a@x'], [], [], ['b@x']])
  })

  it('pads a row with a gap before a cell and trims empty cells after the last one', () => {
    const sheetData = row(1, inline('A1', 'a'), inline('B1', 'b'), inline('C1', 'c'), '<c r="D1" s="1"/>') + row(2, inline('C2', 'z'), '<c r="E2"><v></v></c>')
    expect(ok(xlsx({ sheetData }))).toMatchObject({ headers: ['a', 'b', 'c'], rows: [['', '', 'z']] })
  })

  it('reads the first visible worksheet, skipping hidden sheets and chart sheets', () => {
    const sheets = {
      xml: '<sheet name="Hidden > old" sheetId="1" state="hidden" r:id="rId1"/><sheet name="Chart" sheetId="2" r:id="rId2"/><sheet name="Leads" sheetId="3" r:id="rId3"/><sheet name="Other" sheetId="4" r:id="rId4"/>',
      rels:
        `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/chartsheet" Target="chartsheets/sheet1.xml"/>` +
        `<Relationship Id="rId3" Type="${REL}/worksheet" Target="worksheets/leads.xml"/><Relationship Id="rId4" Type="${REL}/worksheet" Target="worksheets/other.xml"/>`,
      files: {
        'xl/worksheets/leads.xml': `<worksheet xmlns="${NS}"><sheetData>${row(1, inline('A1', 'visible'))}</sheetData></worksheet>`,
        'xl/worksheets/other.xml': `<worksheet xmlns="${NS}"><sheetData>${row(1, inline('A1', 'second'))}</sheetData></worksheet>`,
      },
    }
    expect(ok(xlsx({ sheetData: row(1, inline('A1', 'hidden')), sheets })).headers).toEqual(['visible'])
  })

  it('reads Strict OOXML relationship types', () => {
    const result = xlsx({ relType: 'http://purl.oclc.org/ooxml/officeDocument/relationships', shared: [si('email')], sheetData: row(1, str('A1', 0)) })
    expect(ok(result).headers).toEqual(['email'])
  })

  it('finds xl/workbook.xml when the package relationships are missing', () => {
    const files = workbookParts({ sheetData: row(1, inline('A1', 'email')) })
    delete files['_rels/.rels']
    expect(ok(parseTable(zip(files), 'x.xlsx')).headers).toEqual(['email'])
  })

  it('reads stored (uncompressed) entries', () => {
    expect(ok(parseTable(zip(workbookParts({ sheetData: row(1, inline('A1', 'email')) }), 0), 'x.xlsx')).headers).toEqual(['email'])
  })

  it('reads ZIP64 records and data descriptors (hand-built archives)', () => {
    const files = workbookParts({ shared: [si('email')], sheetData: row(1, str('A1', 0)) + row(2, inline('A2', 'a@x')) })
    for (const options of [{ zip64: true }, { dataDescriptor: true }, { zip64: true, dataDescriptor: true }]) {
      expect(ok(parseTable(handZip(files, options), 'x.xlsx'))).toMatchObject({ headers: ['email'], rows: [['a@x']] })
    }
  })

  it('reads a UTF-16 XML part', () => {
    const files: Record<string, string | Uint8Array> = workbookParts({ sheetData: '' })
    const sheet = `\uFEFF<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="${NS}"><sheetData>${row(1, inline('A1', 'Ünïcode'))}</sheetData></worksheet>`
    files['xl/worksheets/sheet1.xml'] = Uint8Array.from(Buffer.from(sheet, 'utf16le'))
    expect(ok(parseTable(zip(files), 'x.xlsx')).headers).toEqual(['Ünïcode'])
  })

  it('reads the bytes as XLSX whatever the file is called', () => {
    expect(ok(parseTable(zip(workbookParts({ sheetData: row(1, inline('A1', 'email')) })), 'leads.csv')).kind).toBe('xlsx')
  })

  it('refuses a first row that is empty', () => {
    expect(refused(xlsx({ sheetData: row(2, inline('A2', 'email')) }))).toMatch(/^Row 1 of the file is empty/)
  })

  it('refuses a sheet with no rows', () => {
    expect(refused(xlsx({ sheetData: '' }))).toBe('The file is empty.')
  })

  it(`refuses more than the row limit and takes exactly the limit`, () => {
    const sheetData = (n: number) => row(1, inline('A1', 'email')) + Array.from({ length: n }, (_, i) => row(i + 2, num(`A${i + 2}`, String(i)))).join('')
    expect(ok(xlsx({ sheetData: sheetData(3) }, limits({ maxRows: 3 }))).rows).toHaveLength(3)
    expect(refused(xlsx({ sheetData: sheetData(4) }, limits({ maxRows: 3 })))).toMatch(/more than 3 data rows/)
  })

  it('refuses a data row beyond the row limit even after a long gap', () => {
    expect(refused(xlsx({ sheetData: row(1, inline('A1', 'email')) + row(1_000_000, inline('A1000000', 'x')) }))).toMatch(/more than 50,000 data rows/)
  })

  it('refuses sparse cells far to the right once the cell limit is reached', () => {
    const sheetData = row(1, inline('A1', 'email')) + Array.from({ length: 400 }, (_, i) => row(i + 2, inline(`XFD${i + 2}`, 'x'))).join('')
    expect(refused(xlsx({ sheetData }))).toMatch(/more than 5,000,000 cells/)
  })

  it('refuses a part that unpacks past the XML limit', () => {
    const big = `<worksheet xmlns="${NS}"><sheetData>${row(1, inline('A1', 'x'.repeat(1_100_000)))}</sheetData></worksheet>`
    const files = { ...workbookParts({ sheetData: '' }), 'xl/worksheets/sheet1.xml': big }
    expect(refused(parseTable(zip(files), 'x.xlsx', limits({ maxXmlBytes: 1024 * 1024 })))).toMatch(/unpacks to more than 1 MB/)
  })

  it('refuses a zip bomb whose directory understates the size, counting what really comes out', () => {
    // 64 MB of zeros deflate to ~64 KB; the directory is patched to claim 1 KB. The limit is lowered to
    // 1 MB so the test stays fast; the default limit is checked on the declared size below.
    const bomb = zip({ ...workbookParts({ sheetData: '' }), 'xl/worksheets/sheet1.xml': new Uint8Array(64 * 1024 * 1024) }, 9)
    const record = centralRecord(bomb, 'xl/worksheets/sheet1.xml')
    new DataView(bomb.buffer, bomb.byteOffset).setUint32(record + 24, 1024, true)
    expect(bomb.length).toBeLessThan(100 * 1024)
    expect(refused(parseTable(bomb, 'bomb.xlsx', limits({ maxXmlBytes: 1024 * 1024 })))).toBe(
      'The Excel file unpacks to more than 1 MB of data, the most Drason reads. Save it as "CSV UTF-8", or split it into smaller files, and upload those.',
    )
  })

  it('refuses on the declared size before inflating anything (default limit: 100 MB)', () => {
    const files = zip(workbookParts({ sheetData: row(1, inline('A1', 'email')) }))
    new DataView(files.buffer, files.byteOffset).setUint32(centralRecord(files, 'xl/worksheets/sheet1.xml') + 24, 100 * 1024 * 1024 + 1, true)
    expect(refused(parseTable(files, 'x.xlsx'))).toMatch(/unpacks to more than 100 MB/)
  })

  it.each<[string, () => Uint8Array, RegExp]>([
    [
      'a password-protected workbook (an OLE file with an EncryptedPackage stream)',
      () => Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(500), ...Buffer.from('EncryptedPackage', 'utf16le'), 0, 0]),
      /password-protected/,
    ],
    ['an Excel 97-2003 .xls', () => Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.from('Workbook', 'utf16le')]), /^"leads\.xlsx" is an Excel 97-2003 workbook \(\.xls\)/],
    [
      'a ZIP entry with the encryption flag',
      () => {
        const bytes = zip(workbookParts({ sheetData: '' }))
        new DataView(bytes.buffer, bytes.byteOffset).setUint16(centralRecord(bytes, 'xl/worksheets/sheet1.xml') + 8, 1, true)
        return bytes
      },
      /password-protected/,
    ],
    ['an .xlsb binary workbook', () => zip({ '[Content_Types].xml': '<Types/>', '_rels/.rels': `<Relationships><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.bin"/></Relationships>`, 'xl/workbook.bin': 'x' }), /binary workbook \(\.xlsb\)/],
    ['an OpenDocument spreadsheet', () => zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<office:document-content/>' }), /OpenDocument spreadsheet \(\.ods\)/],
    ['a plain ZIP archive', () => zip({ 'leads.csv': 'email\na@x\n' }), /ZIP archive, not an Excel workbook/],
    ['a package with no workbook part', () => zip({ '[Content_Types].xml': '<Types/>' }), /has no workbook part/],
    ['a workbook with no visible worksheet', () => zip(workbookParts({ sheetData: '', sheets: { xml: '<sheet name="A" sheetId="1" state="veryHidden" r:id="rId1"/>', rels: `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`, files: {} } })), /no visible worksheet/],
    ['a truncated file', () => zip(workbookParts({ sheetData: row(1, inline('A1', 'email')) })).subarray(0, 200), /looks damaged/],
    ['an empty ZIP', () => Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)]), /ZIP archive, not an Excel workbook/],
    [
      'corrupt compressed data',
      () => {
        const bytes = zip({ ...workbookParts({ sheetData: '' }), 'xl/worksheets/sheet1.xml': `<worksheet>${'<row/>'.repeat(1000)}</worksheet>` })
        const view = new DataView(bytes.buffer, bytes.byteOffset)
        const local = view.getUint32(centralRecord(bytes, 'xl/worksheets/sheet1.xml') + 42, true)
        const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
        bytes.fill(0xff, data, data + 8)
        return bytes
      },
      /looks damaged/,
    ],
    ['rows out of order', () => zip(workbookParts({ sheetData: row(1, inline('A1', 'h')) + row(3, inline('A3', 'a')) + row(2, inline('A2', 'b')) })), /looks damaged/],
    ['a row number twice', () => zip(workbookParts({ sheetData: row(1, inline('A1', 'h')) + row(2, inline('A2', 'a')) + row(2, inline('A2', 'b')) })), /looks damaged/],
    ['cells out of order', () => zip(workbookParts({ sheetData: row(1, inline('B1', 'a'), inline('A1', 'b')) })), /looks damaged/],
    ['a shared string that does not exist', () => zip(workbookParts({ shared: [si('a')], sheetData: row(1, str('A1', 1)) })), /looks damaged/],
    ['a column past XFD', () => zip(workbookParts({ sheetData: row(1, inline('XFE1', 'a')) })), /looks damaged/],
  ])('refuses %s', (_, build, reason) => {
    expect(refused(parseTable(build(), 'leads.xlsx'))).toMatch(reason)
  })
})
