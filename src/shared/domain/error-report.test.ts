import { describe, expect, it } from 'vitest'
import { toErrorReportCsv } from './error-report'

const BOM = '\uFEFF'
const HEADER = `${BOM}row,column,reason\r\n`

/** The report for one error whose column cell is `value`, without the BOM and header. */
function line(value: string): string {
  return toErrorReportCsv([{ row: 7, column: value, reason: 'bad' }]).slice(HEADER.length)
}

describe('toErrorReportCsv', () => {
  it('writes the BOM and the header alone when there are no errors', () => {
    expect(toErrorReportCsv([])).toBe(HEADER)
  })

  it('writes one CRLF-terminated record per error, in order', () => {
    const csv = toErrorReportCsv([
      { row: 2, column: 'email', reason: 'is not an email address' },
      { row: 15, column: 'company', reason: 'is required' },
    ])
    expect(csv).toBe(`${HEADER}2,email,is not an email address\r\n15,company,is required\r\n`)
  })

  it.each([
    ['plain text stays bare', 'email', 'email'],
    ['an empty cell stays empty', '', ''],
    ['a comma is quoted', 'Acme, Inc.', '"Acme, Inc."'],
    ['a quote is doubled and quoted', 'the "Lead" column', '"the ""Lead"" column"'],
    ['a line feed is quoted', 'two\nlines', '"two\nlines"'],
    ['a CRLF inside is quoted', 'two\r\nlines', '"two\r\nlines"'],
    ['non-ASCII stays as it is', 'Müller – 東京', 'Müller – 東京'],
    ['= is neutralised', '=HYPERLINK("http://x","click")', `"'=HYPERLINK(""http://x"",""click"")"`],
    ['+ is neutralised', '+1 555 0100', "'+1 555 0100"],
    ['- is neutralised', '-2+3', "'-2+3"],
    ['@ is neutralised', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a leading tab is neutralised', '\t=1+1', "'\t=1+1"],
    ['a leading carriage return is neutralised and quoted', '\r=1+1', `"'\r=1+1"`],
    ['a neutralised cell with a comma is quoted too', '=1,2', `"'=1,2"`],
    ['= later in the cell is harmless', 'a=b', 'a=b'],
    ['a leading space is left alone (Excel reads " =1" as text)', ' =1', ' =1'],
  ])('%s', (_, value, expected) => {
    expect(line(value)).toBe(`7,${expected},bad\r\n`)
  })

  it('neutralises and quotes the reason cell the same way', () => {
    expect(toErrorReportCsv([{ row: 3, column: 'persona', reason: '=cmd|"/c calc"!A1, rejected' }])).toBe(`${HEADER}3,persona,"'=cmd|""/c calc""!A1, rejected"\r\n`)
  })

  it('neutralises a negative row number (it would start with -)', () => {
    expect(toErrorReportCsv([{ row: -1, column: 'x', reason: 'y' }])).toBe(`${HEADER}'-1,x,y\r\n`)
  })
})
