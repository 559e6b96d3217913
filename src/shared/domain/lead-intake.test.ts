import { describe, expect, it } from 'vitest'
import { MAX_EXTRA_FIELDS, enrichmentChanges, newHeldLead, validateLead, validateClayLead, type IntakeLead } from './lead-intake'

/** A Clay body that passes, to vary one field at a time. */
const clay = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  email: 'priya@acme.in',
  full_name: 'Priya Sharma',
  company: 'Acme',
  persona: 'cfo',
  lead_score: 85,
  workable: true,
  ...overrides,
})

/** A file row or manual-form record that passes. */
const row = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  email: 'priya@acme.in',
  full_name: 'Priya Sharma',
  company: 'Acme',
  ...overrides,
})

const without = (record: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)))

function problemsOf(result: ReturnType<typeof validateLead>) {
  if (result.ok) throw new Error(`expected problems, got lead ${JSON.stringify(result.lead)}`)
  return result.problems
}

function leadOf(result: ReturnType<typeof validateLead>) {
  if (!result.ok) throw new Error(`expected a lead, got ${JSON.stringify(result.problems)}`)
  return result.lead
}

const fields = (result: ReturnType<typeof validateLead>) => problemsOf(result).map((p) => p.field)

describe('validateLead: clay', () => {
  it('takes a complete body in, sanitised', () => {
    expect(validateLead(clay({ email: ' Priya@ACME.in ', company: ' Acme\u00a0 Corp ', persona: ' CFO ' }), 'clay')).toEqual({
      ok: true,
      lead: {
        email: 'priya@acme.in',
        fullName: 'Priya Sharma',
        firstName: 'Priya',
        firstNameConfidence: 0.9,
        firstNameReason: 'given name first',
        company: 'Acme Corp',
        persona: 'CFO',
        leadScore: 85,
        enrichment: {},
      },
    })
  })

  it('is what validateClayLead runs', () => {
    expect(validateClayLead(clay({ lead_score: 'high' }))).toEqual(validateLead(clay({ lead_score: 'high' }), 'clay'))
  })

  it.each([
    [85, 85],
    ['85', 85],
    [' 85 ', 85],
    [0, 0],
    ['-3', -3],
  ])('accepts lead_score %j as %j', (score, expected) => {
    expect(leadOf(validateLead(clay({ lead_score: score }), 'clay')).leadScore).toBe(expected)
  })

  it.each([
    [85.5, 'must be a whole number'],
    ['85.5', 'must be a whole number'],
    ['high', 'must be a whole number'],
    [true, 'must be a whole number'],
    ['1234567890', 'must be a whole number'],
    ['', 'is required'],
    [null, 'is required'],
    [undefined, 'is required'],
  ])('refuses lead_score %j: %s', (score, problem) => {
    expect(problemsOf(validateLead(clay({ lead_score: score }), 'clay'))).toEqual([{ field: 'lead_score', problem }])
  })

  it.each([
    ['missing', undefined, 'the email address is missing'],
    ['empty', '', 'the email address is empty'],
    ['not text', 42, 'the email address is not text'],
    ['without an @', 'priya.acme.in', 'the address has no @'],
  ])('refuses an email that is %s, naming it once', (_label, email, problem) => {
    const body = email === undefined ? without(clay(), 'email') : clay({ email })
    expect(problemsOf(validateLead(body, 'clay'))).toEqual([{ field: 'email', problem }])
  })

  it.each([
    ['missing', undefined, 'is required'],
    ['empty', '', 'is required'],
    ['only spaces', '   ', 'is required'],
  ])('refuses a persona that is %s', (_label, persona, problem) => {
    const body = persona === undefined ? without(clay(), 'persona') : clay({ persona })
    expect(problemsOf(validateLead(body, 'clay'))).toEqual([{ field: 'persona', problem }])
  })

  it.each([[false], ['true'], [1], [undefined]])('refuses workable %j: only true is workable', (workable) => {
    const body = workable === undefined ? without(clay(), 'workable') : clay({ workable })
    expect(problemsOf(validateLead(body, 'clay'))).toEqual([{ field: 'workable', problem: 'must be true: Drason only takes leads Clay marked workable' }])
  })

  it('does not need a name or a company', () => {
    const lead = leadOf(validateLead(without(clay(), 'full_name', 'company'), 'clay'))
    expect(lead).toMatchObject({ fullName: '', firstName: null, firstNameConfidence: 0, company: '' })
  })

  it('lists every problem field at once, in the order email, name, company, persona, lead_score, workable', () => {
    // Keys deliberately in another order than the problems come out in.
    const body = { workable: false, lead_score: 'high', persona: '', company: { name: 'Acme' }, email: 'nope' }
    expect(fields(validateLead(body, 'clay'))).toEqual(['email', 'company', 'persona', 'lead_score', 'workable'])
  })

  it('lists problems of extra fields after the known fields', () => {
    const body = { notes: ['a'], workable: false, email: 'nope' }
    expect(fields(validateLead(body, 'clay'))).toEqual(['email', 'persona', 'lead_score', 'workable', 'notes'])
  })
})

describe('validateLead: extra fields (enrichment)', () => {
  const extrasOf = (extra: Record<string, unknown>) => validateLead(clay(extra), 'clay')

  it('keeps text, and numbers and booleans as text, skipping null and empty values', () => {
    const lead = leadOf(extrasOf({ City: '  Pune ', employees: 120, funded: false, revenue: 1.5, empty: '', nothing: null, 'Job Title': 'VP Finance' }))
    expect(lead.enrichment).toEqual({ City: 'Pune', employees: '120', funded: 'false', revenue: '1.5', 'Job Title': 'VP Finance' })
  })

  it('never keeps a known field as enrichment', () => {
    expect(leadOf(extrasOf({ first_name: 'Priya', last_name: 'Sharma' })).enrichment).toEqual({})
  })

  it.each([
    ['an object', { a: 1 }],
    ['a list', ['a', 'b']],
    ['an empty list', []],
  ])('refuses %s as a value', (_label, value) => {
    expect(problemsOf(extrasOf({ tags: value }))).toEqual([{ field: 'tags', problem: 'must be text, a number or true/false, not a list or object' }])
  })

  it('keeps a value of exactly 1000 characters and refuses 1001', () => {
    expect(leadOf(extrasOf({ bio: 'x'.repeat(1000) })).enrichment.bio).toHaveLength(1000)
    expect(problemsOf(extrasOf({ bio: 'x'.repeat(1001) }))).toEqual([{ field: 'bio', problem: 'is longer than 1000 characters' }])
  })

  it('counts the length after cleaning (spaces collapsed, invisible characters removed)', () => {
    expect(leadOf(extrasOf({ bio: `${'x'.repeat(1000)}   \u200b` })).enrichment.bio).toHaveLength(1000)
  })

  it.each([
    ['Job Title', true],
    ['linkedin_url', true],
    ['Revenue (USD)', true],
    ['R&D / Ops #2', true],
    ['Stadt-Größe.v2', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['email!', false],
    ['name<script>', false],
    ['tab\there', false],
  ])('field name %j accepted: %s', (name, ok) => {
    const result = extrasOf({ [name]: 'value' })
    if (ok) expect(leadOf(result).enrichment).toEqual({ [name]: 'value' })
    else expect(problemsOf(result)).toEqual([{ field: name.slice(0, 64), problem: 'field names are 1-64 letters, digits, spaces or _ . - / ( ) # &' }])
  })

  it('refuses a bad field name even when its value is empty', () => {
    expect(fields(extrasOf({ 'bad!': null }))).toEqual(['bad!'])
  })

  it(`keeps ${MAX_EXTRA_FIELDS} extra fields and refuses ${MAX_EXTRA_FIELDS + 1}`, () => {
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`field ${i}`, `v${i}`]))
    expect(Object.keys(leadOf(extrasOf(extra(MAX_EXTRA_FIELDS))).enrichment)).toHaveLength(MAX_EXTRA_FIELDS)
    expect(problemsOf(extrasOf(extra(MAX_EXTRA_FIELDS + 1)))).toEqual([{ field: '(extra fields)', problem: 'at most 50 extra fields are kept; this lead has 51' }])
  })

  it('counts empty extra fields towards the limit', () => {
    const extra = Object.fromEntries(Array.from({ length: MAX_EXTRA_FIELDS + 1 }, (_, i) => [`field ${i}`, null]))
    expect(fields(extrasOf(extra))).toEqual(['(extra fields)'])
  })
})

describe('validateLead: names', () => {
  it.each([
    ['a full name', { full_name: 'Asha Rao' }, { fullName: 'Asha Rao', firstName: 'Asha', firstNameConfidence: 0.9, firstNameReason: 'given name first' }],
    ['a full name with initials', { full_name: 'K. Ramachandran' }, { fullName: 'K. Ramachandran', firstName: 'Ramachandran', firstNameConfidence: 0.75 }],
    ['first and last name', { first_name: 'asha', last_name: 'rao' }, { fullName: 'asha rao', firstName: 'Asha', firstNameConfidence: 0.95, firstNameReason: 'first-name field' }],
    ['a first name only', { first_name: 'Asha' }, { fullName: 'Asha', firstName: 'Asha', firstNameConfidence: 0.95 }],
    ['a full name and a first name (the first name is the greeting)', { full_name: 'Asha Rao', first_name: 'Ash' }, { fullName: 'Asha Rao', firstName: 'Ash', firstNameConfidence: 0.95 }],
    ['a full name with invisible characters and extra spaces', { full_name: '  Asha\u200b  Rao ' }, { fullName: 'Asha Rao', firstName: 'Asha' }],
    ['no name at all', {}, { fullName: '', firstName: null, firstNameConfidence: 0, firstNameReason: 'empty' }],
  ])('reads %s', (_label, name, expected) => {
    const body = { ...without(clay(), 'full_name'), ...name }
    expect(leadOf(validateLead(body, 'clay'))).toMatchObject(expected)
  })
})

describe('validateLead: row (file rows and the manual form)', () => {
  it('takes a person with name, email and company; persona and score are optional', () => {
    expect(validateLead(row(), 'row')).toEqual({
      ok: true,
      lead: {
        email: 'priya@acme.in',
        fullName: 'Priya Sharma',
        firstName: 'Priya',
        firstNameConfidence: 0.9,
        firstNameReason: 'given name first',
        company: 'Acme',
        persona: '',
        leadScore: null,
        enrichment: {},
      },
    })
  })

  it('takes persona and score when given', () => {
    expect(leadOf(validateLead(row({ persona: ' Founder ', lead_score: '70' }), 'row'))).toMatchObject({ persona: 'Founder', leadScore: 70 })
  })

  it.each([
    ['no lead_score key (a file without a score column)', {}],
    ['an empty score', { lead_score: '' }],
    ['a null score', { lead_score: null }],
    ['an undefined score', { lead_score: undefined }],
  ])('stores a null score for %s', (_label, score) => {
    expect(leadOf(validateLead({ ...row(), ...score }, 'row')).leadScore).toBeNull()
  })

  it.each([[85.5], ['85.5'], ['high']])('refuses score %j', (score) => {
    expect(problemsOf(validateLead(row({ lead_score: score }), 'row'))).toEqual([{ field: 'lead_score', problem: 'must be a whole number' }])
  })

  it('does not need workable', () => {
    expect(validateLead(row({ workable: false }), 'row').ok).toBe(true)
  })

  it('takes a number as the company', () => {
    expect(leadOf(validateLead(row({ company: 3 }), 'row')).company).toBe('3')
  })

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['only spaces', '   '],
    ['null', null],
  ])('refuses a company that is %s', (_label, company) => {
    const body = company === undefined ? without(row(), 'company') : row({ company })
    expect(problemsOf(validateLead(body, 'row'))).toEqual([{ field: 'company', problem: 'is required' }])
  })

  it.each([
    ['no name fields', {}],
    ['an empty full name', { full_name: '' }],
    ['a name of only spaces and invisible characters', { full_name: ' \u200b ', first_name: '  ' }],
  ])('refuses %s', (_label, name) => {
    const body = { ...without(row(), 'full_name'), ...name }
    expect(problemsOf(validateLead(body, 'row'))).toEqual([{ field: 'name', problem: 'is required (a full name, or a first name)' }])
  })

  it('lists every problem at once, in order', () => {
    expect(validateLead({ lead_score: 'x', persona: 'p'.repeat(129) }, 'row')).toEqual({
      ok: false,
      problems: [
        { field: 'email', problem: 'the email address is missing' },
        { field: 'name', problem: 'is required (a full name, or a first name)' },
        { field: 'company', problem: 'is required' },
        { field: 'persona', problem: expect.any(String) },
        { field: 'lead_score', problem: 'must be a whole number' },
      ],
    })
  })
})

describe('validateLead: bodies that are not one lead', () => {
  it.each([
    ['null', null],
    ['a list', [clay()]],
    ['a string', 'priya@acme.in'],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s for either profile', (_label, body) => {
    for (const profile of ['clay', 'row'] as const) {
      expect(validateLead(body, profile)).toEqual({ ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object with one lead' }] })
    }
  })
})

describe('newHeldLead', () => {
  const input: IntakeLead = {
    email: 'priya@acme.in',
    fullName: 'Priya Sharma',
    firstName: 'Priya',
    firstNameConfidence: 0.9,
    firstNameReason: 'given name first',
    company: 'Acme',
    persona: 'cfo',
    leadScore: null,
    enrichment: { City: 'Pune' },
  }

  it('is held and healthy, with no campaign or hold reason yet, stamped with the id and time given', () => {
    expect(newHeldLead(input, 'csv', 'lead-7', new Date('2026-11-21T09:00:00.000Z'))).toEqual({
      id: 'lead-7',
      email: 'priya@acme.in',
      fullName: 'Priya Sharma',
      firstName: 'Priya',
      firstNameConfidence: 0.9,
      company: 'Acme',
      persona: 'cfo',
      leadScore: null,
      source: 'csv',
      enrichment: { City: 'Pune' },
      status: 'held',
      healthState: 'healthy',
      campaignId: null,
      holdReason: null,
      createdAt: '2026-11-21T09:00:00.000Z',
    })
  })

  it('stores an empty first name when the parser found none', () => {
    expect(newHeldLead({ ...input, firstName: null, firstNameConfidence: 0 }, 'clay', 'x', new Date(0))).toMatchObject({ firstName: '', firstNameConfidence: 0 })
  })
})

describe('enrichmentChanges', () => {
  it.each([
    ['a new key', { City: 'Pune' }, { City: 'Pune', Title: 'CFO' }, { Title: { before: null, after: 'CFO' } }],
    ['a changed value', { City: 'Pune' }, { City: 'Mumbai' }, { City: { before: 'Pune', after: 'Mumbai' } }],
    ['the same value', { City: 'Pune' }, { City: 'Pune' }, {}],
    ['an empty value (never erases)', { City: 'Pune' }, { City: '' }, {}],
    ['a key the repeat leaves out (never erases)', { City: 'Pune', Title: 'CFO' }, { City: 'Pune' }, {}],
    ['nothing incoming', { City: 'Pune' }, {}, {}],
    ['a key every object inherits', {}, { constructor: 'x', toString: 'y' }, { constructor: { before: null, after: 'x' }, toString: { before: null, after: 'y' } }],
    [
      'several at once',
      { City: 'Pune', Title: 'CFO', Team: 'Finance' },
      { City: 'Mumbai', Title: '', Size: '200', Team: 'Finance' },
      { City: { before: 'Pune', after: 'Mumbai' }, Size: { before: null, after: '200' } },
    ],
  ])('%s', (_label, current, incoming, expected) => {
    expect(enrichmentChanges(current, incoming)).toEqual(expected)
  })
})
