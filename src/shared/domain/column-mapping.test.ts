import { describe, expect, it } from 'vitest'
import { extraColumns, FIELDS, guessMapping, normaliseHeader, validateMapping, type ColumnMapping, type Field } from './column-mapping'

const NONE: ColumnMapping = { email: null, full_name: null, first_name: null, last_name: null, company: null, persona: null, lead_score: null }

function mapping(fields: Partial<ColumnMapping>): ColumnMapping {
  return { ...NONE, ...fields }
}

describe('normaliseHeader', () => {
  it.each([
    ['Email Address', 'emailaddress'],
    ['E-mail', 'email'],
    ['  E‑Mail  ', 'email'],
    ['first_name', 'firstname'],
    ['Given name', 'givenname'],
    ['Email*', 'email'],
    ['\uFEFFEmail', 'email'],
    ['Prénom', 'prenom'],
    ['SOCIÉTÉ', 'societe'],
    ['Lead Score (0-100)', 'leadscore0100'],
  ])('%j -> %j', (header, expected) => {
    expect(normaliseHeader(header)).toBe(expected)
  })
})

describe('guessMapping', () => {
  it.each<[string, string, Field, number | null]>([
    ['"Email"', 'Email', 'email', 0],
    ['"Email Address"', 'Email Address', 'email', 0],
    ['"E-mail"', 'E-mail', 'email', 0],
    ['"Work Email"', 'Work Email', 'email', 0],
    ['"EMAIL_ADDRESS"', 'EMAIL_ADDRESS', 'email', 0],
    ['"E-Mail-Adresse" (German)', 'E-Mail-Adresse', 'email', 0],
    ['"Personal Email" is not guessed', 'Personal Email', 'email', null],
    ['"Email Status" is not guessed', 'Email Status', 'email', null],
    ['"Full Name"', 'Full Name', 'full_name', 0],
    ['"Name"', 'Name', 'full_name', 0],
    ['"Contact Name"', 'Contact Name', 'full_name', 0],
    ['"First Name"', 'First Name', 'first_name', 0],
    ['"Given name"', 'Given name', 'first_name', 0],
    ['"first_name"', 'first_name', 'first_name', 0],
    ['"Vorname" (German)', 'Vorname', 'first_name', 0],
    ['"Prénom" (French)', 'Prénom', 'first_name', 0],
    ['"Last Name"', 'Last Name', 'last_name', 0],
    ['"Surname"', 'Surname', 'last_name', 0],
    ['"Nachname" (German)', 'Nachname', 'last_name', 0],
    ['"Company"', 'Company', 'company', 0],
    ['"Company Name"', 'Company Name', 'company', 0],
    ['"Organisation"', 'Organisation', 'company', 0],
    ['"Organization"', 'Organization', 'company', 0],
    ['"Account Name"', 'Account Name', 'company', 0],
    ['"Firma" (German)', 'Firma', 'company', 0],
    ['"Société" (French)', 'Société', 'company', 0],
    ['"Company Name for Emails" is not guessed', 'Company Name for Emails', 'company', null],
    ['"Persona"', 'Persona', 'persona', 0],
    ['"ICP"', 'ICP', 'persona', 0],
    ['"Title" is not a persona', 'Title', 'persona', null],
    ['"Job Title" is not a persona', 'Job Title', 'persona', null],
    ['"Role" is not a persona', 'Role', 'persona', null],
    ['"Lead Score"', 'Lead Score', 'lead_score', 0],
    ['"Score"', 'Score', 'lead_score', 0],
    ['"lead-score"', 'lead-score', 'lead_score', 0],
  ])('%s', (_, header, field, expected) => {
    expect(guessMapping([header])[field]).toBe(expected)
  })

  it('maps a typical Apollo export', () => {
    const headers = ['First Name', 'Last Name', 'Title', 'Company', 'Company Name for Emails', 'Email', 'Email Status', 'Seniority', 'Person Linkedin Url']
    expect(guessMapping(headers)).toEqual(mapping({ first_name: 0, last_name: 1, company: 3, email: 5 }))
  })

  it('maps a Clay-style table with persona and score', () => {
    const headers = ['Full Name', 'Work Email', 'Company Name', 'Persona', 'Lead Score', 'LinkedIn']
    expect(guessMapping(headers)).toEqual(mapping({ full_name: 0, email: 1, company: 2, persona: 3, lead_score: 4 }))
  })

  it('prefers the work address when the file has both "Work Email" and "Email"', () => {
    expect(guessMapping(['Email', 'Work Email']).email).toBe(1)
  })

  it('takes the leftmost of two columns with the same header; the other stays extra', () => {
    const headers = ['Email', 'Name', 'Email']
    const guessed = guessMapping(headers)
    expect(guessed.email).toBe(0)
    expect(extraColumns(headers, guessed)).toEqual([2])
  })

  it('uses each column at most once', () => {
    const guessed = guessMapping(['Name', 'Full Name', 'Email', 'Company', 'Score', 'Lead Score'])
    const used = Object.values(guessed).filter((i) => i !== null)
    expect(new Set(used).size).toBe(used.length)
    expect(guessed).toEqual(mapping({ full_name: 1, email: 2, company: 3, lead_score: 5 }))
  })

  it('maps nothing for unknown headers or none', () => {
    expect(guessMapping(['foo', 'bar', ''])).toEqual(NONE)
    expect(guessMapping([])).toEqual(NONE)
  })

  it('returns every field', () => {
    expect(Object.keys(guessMapping(['Email'])).sort()).toEqual([...FIELDS].sort())
  })
})

describe('extraColumns', () => {
  it.each<[string, string[], Partial<ColumnMapping>, number[]]>([
    ['unmapped columns in file order', ['Email', 'Title', 'Name', 'LinkedIn', 'Company'], { email: 0, full_name: 2, company: 4 }, [1, 3]],
    ['none when every column is mapped', ['Email', 'Name'], { email: 0, full_name: 1 }, []],
    ['columns without a header are left out', ['Email', '', 'Notes', '  '], { email: 0 }, [2]],
    ['all when nothing is mapped', ['a', 'b'], {}, [0, 1]],
  ])('%s', (_, headers, fields, expected) => {
    expect(extraColumns(headers, mapping(fields))).toEqual(expected)
  })
})

describe('validateMapping', () => {
  it.each<[string, Partial<ColumnMapping>, string[]]>([
    ['email, full name and company are enough', { email: 0, full_name: 1, company: 2 }, []],
    ['a first name stands in for the full name', { email: 0, first_name: 1, company: 2 }, []],
    ['every field mapped', { email: 0, full_name: 1, first_name: 2, last_name: 3, company: 4, persona: 5, lead_score: 6 }, []],
    ['no email', { full_name: 1, company: 2 }, ['Choose the column that holds the email address.']],
    ['no company', { email: 0, full_name: 1 }, ['Choose the column that holds the company.']],
    ['a last name alone is not a name', { email: 0, last_name: 1, company: 2 }, ['Choose the column that holds the full name, or the one with the first name.']],
    [
      'nothing mapped lists all three',
      {},
      ['Choose the column that holds the email address.', 'Choose the column that holds the full name, or the one with the first name.', 'Choose the column that holds the company.'],
    ],
    ['one column for two fields', { email: 0, full_name: 1, first_name: 1, company: 2 }, ['Column 2 is chosen for full_name and first_name; each column can feed one field only.']],
    ['a negative index', { email: 0, full_name: 1, company: -1 }, ['The column chosen for company is not a column of the file.']],
    ['a fractional index', { email: 0.5, full_name: 1, company: 2 }, ['The column chosen for email is not a column of the file.']],
  ])('%s', (_, fields, expected) => {
    expect(validateMapping(mapping(fields))).toEqual(expected)
  })

  it('accepts what guessMapping finds in a complete header row', () => {
    expect(validateMapping(guessMapping(['E-mail', 'Given name', 'Surname', 'Organisation']))).toEqual([])
  })
})
