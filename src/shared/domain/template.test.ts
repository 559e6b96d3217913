import { describe, expect, it } from 'vitest'
import type { Lead } from './entities'
import { LOW_CONFIDENCE } from './first-name'
import { seededRandom, type Random } from './random'
import {
  checkTemplate,
  countVariants,
  escapeHtml,
  leadContext,
  leadVariables,
  MAX_NESTING_DEPTH,
  MAX_PREVIEW_VARIANTS,
  MAX_TEMPLATE_LENGTH,
  parseTemplate,
  previewVariants,
  renderTemplate,
  renderWithChoices,
  STANDARD_VARIABLES,
  VARIANT_COUNT_CAP,
  type RenderContext,
  type RenderResult,
} from './template'

const KNOWN = [...STANDARD_VARIABLES, 'Job Title', 'city']

/** A random source that returns the given values in turn (repeating), to pick alternatives by hand. */
const fixed =
  (...values: number[]): Random =>
  () => {
    const value = values.shift()!
    values.push(value)
    return value
  }

const ctx = (variables: Record<string, string | null>, extra: Partial<RenderContext> = {}): RenderContext => ({
  variables,
  firstNameConfidence: 0.9,
  html: false,
  ...extra,
})

const lead = (over: Partial<Lead> = {}): Lead => ({
  id: 'lead-1',
  email: 'priya@acme.in',
  fullName: 'Priya Sharma',
  firstName: 'Priya',
  firstNameConfidence: 0.9,
  company: 'Acme',
  persona: 'CTO',
  leadScore: 82,
  source: 'csv',
  enrichment: {},
  status: 'active',
  healthState: 'healthy',
  campaignId: null,
  holdReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
})

const text = (result: RenderResult): string => {
  if (!result.ok) throw new Error(`render failed: ${result.reason}`)
  return result.text
}

const nested = (levels: number) => `${'{a|'.repeat(levels)}b${'}'.repeat(levels)}`

describe('checkTemplate: templates that save', () => {
  it.each([
    ['plain text', 'Quick question about your hiring plans'],
    ['an empty template', ''],
    ['spintax and a variable with a fallback', '{Hi|Hello|Hey} {{FirstName|there}},'],
    ['nested lists', '{a|{b|c}|{d|{e|f}}}'],
    ['a list whose first alternative is a list', '{{a|b}|c}'],
    ['an empty alternative', '{very |}good'],
    ['a bar outside any list (literal)', 'Acme | Q3 plan'],
    ['a backslash before an ordinary character', 'C:\\Users\\priya'],
    ['escaped braces and bars', '\\{not a list\\} \\| \\\\'],
    ['a variable name in another case, with spaces', '{{ firstname }} {{COMPANY}}'],
    ['an enrichment field with a space in its name', '{{Job Title}} / {{job title|your role}}'],
    ['an enrichment key matched without regard to case', '{{CITY}}'],
    ['a list spanning lines', '{Hi,\n\nI noticed|Hello,\n\nI saw}'],
    ['a variable inside an alternative', '{Hi {{FirstName|there}}|Hello}'],
    ['escapes inside a fallback', '{{FirstName|friend \\} \\| \\{ \\\\}}'],
    ['HTML markup around spintax', '<p style="color:red">{Hi|Hello}</p>'],
    [`${MAX_NESTING_DEPTH} levels of nesting`, nested(MAX_NESTING_DEPTH)],
    [`exactly ${MAX_TEMPLATE_LENGTH} characters`, 'a'.repeat(MAX_TEMPLATE_LENGTH)],
  ])('accepts %s', (_label, source) => {
    expect(checkTemplate(source, KNOWN)).toEqual([])
  })
})

describe('checkTemplate: templates refused, with the place and the text', () => {
  type Expected = [line: number, column: number, message: string, excerpt: string]
  it.each<[string, string, Expected[]]>([
    ['an unclosed list', 'Hi {there', [[1, 4, '"{" is never closed', '{there']]],
    ['a brace without a list', 'Hi} there', [[1, 3, '"}" has no matching "{"', '}']]],
    ['a stray brace after a variable', '{{FirstName}}}', [[1, 14, '"}" has no matching "{"', '}']]],
    ['an empty list', 'Hi {}', [[1, 4, 'empty spintax list "{}"', '{}']]],
    ['a one-option list', '{Hi} there', [[1, 1, 'at least two alternatives separated by "|"', '{Hi}']]],
    ['a variable written with single braces', 'Hi {FirstName},', [[1, 4, 'a variable is written {{FirstName}}', '{FirstName}']]],
    [
      'a variable missing a closing brace',
      'Hi {{FirstName},',
      [
        [1, 4, '"{{" starts neither a whole variable', '{{FirstName},'],
        [1, 5, 'at least two alternatives', '{FirstName}'],
      ],
    ],
    ['an unclosed outer list around a closed one', '{a|{b|c}', [[1, 1, '"{" is never closed', '{a|{b|c}']]],
    ['an unknown variable on line 3', 'Hi,\n\nThanks {{Foo}}', [[3, 8, 'unknown variable "Foo": no lead field or enrichment field has this name', '{{Foo}}']]],
    ['snake case for a standard name', '{{first_name}}', [[1, 1, 'unknown variable "first_name"; did you mean {{FirstName}}?', '{{first_name}}']]],
    ['an enrichment key in another spelling', '{{job_title}}', [[1, 1, 'did you mean {{Job Title}}?', '{{job_title}}']]],
    ['LastName (not stored)', '{{LastName}}', [[1, 1, 'leads keep no separate last name; use {{FullName}}', '{{LastName}}']]],
    ['a variable without a name', 'Hi {{ }}', [[1, 4, 'a variable needs a name', '{{ }}']]],
    ['a blank fallback', 'Hi {{FirstName| }},', [[1, 4, 'the fallback after "|" is empty', '{{FirstName| }}']]],
    ['two fallbacks', '{{FirstName|a|b}}', [[1, 1, 'a variable takes one fallback', '{{FirstName|a|b}}']]],
    ['a variable after an escaped brace', '\\{{{Foo}}', [[1, 3, 'unknown variable "Foo"', '{{Foo}}']]],
    ['an unknown variable after a literal bar', '{{Company}} | {{x}}', [[1, 15, 'unknown variable "x"', '{{x}}']]],
    [
      'several problems, in document order',
      '{{Foo}} } {{Bar}}',
      [
        [1, 1, 'unknown variable "Foo"', '{{Foo}}'],
        [1, 9, '"}" has no matching "{"', '}'],
        [1, 11, 'unknown variable "Bar"', '{{Bar}}'],
      ],
    ],
    ['Windows line endings count once', 'a\r\nb\r\n  }', [[3, 3, 'no matching', '}']]],
    ['an old Mac line ending', 'a\rb}', [[2, 2, 'no matching', '}']]],
    ['columns in code points, not UTF-16 units', '😀😀}', [[1, 3, 'no matching', '}']]],
    ['a list nested one level too deep', nested(MAX_NESTING_DEPTH + 1), [[1, 3 * MAX_NESTING_DEPTH + 1, 'nested more than 10 levels deep', `{a|b${'}'.repeat(MAX_NESTING_DEPTH + 1)}`]]],
    ['a template over the length limit', 'a'.repeat(MAX_TEMPLATE_LENGTH + 1), [[1, MAX_TEMPLATE_LENGTH + 1, 'is 20,001 characters long; the limit is 20,000', 'a']]],
    ['a long excerpt, cut at 40 characters', `{${'x'.repeat(60)}`, [[1, 1, 'never closed', `{${'x'.repeat(39)}…`]]],
    ['an excerpt cut at the line break', '{a\nb', [[1, 1, 'never closed', '{a…']]],
  ])('refuses %s', (_label, source, expected) => {
    const errors = checkTemplate(source, KNOWN)
    expect(errors.map((e) => [e.line, e.column, e.excerpt])).toEqual(expected.map(([line, column, , excerpt]) => [line, column, excerpt]))
    errors.forEach((e, i) => expect(e.message).toContain(expected[i]![2]))
  })

  it('checks syntax without the variable list in parseTemplate, and variables only in checkTemplate', () => {
    expect(parseTemplate('{{Foo}}').ok).toBe(true)
    expect(parseTemplate('{Foo}')).toMatchObject({ ok: false, errors: [{ line: 1, column: 1 }] })
    expect(checkTemplate('{{Foo}}', ['foo'])).toEqual([])
  })

  it.each([
    ['20,000 opening braces', '{'.repeat(MAX_TEMPLATE_LENGTH)],
    ['10,000 "{{" pairs', '{{'.repeat(MAX_TEMPLATE_LENGTH / 2)],
    ['20,000 stray closing braces', '}'.repeat(MAX_TEMPLATE_LENGTH)],
    ['unterminated variables with fallbacks', '{{a|b}'.repeat(MAX_TEMPLATE_LENGTH / 6)],
    ['a flat list of 10,000 alternatives', `{${'a|'.repeat(MAX_TEMPLATE_LENGTH / 2 - 1)}}`],
    ['4,000 unknown variables', '{{x}}'.repeat(MAX_TEMPLATE_LENGTH / 5)],
  ])('stays fast on adversarial input: %s', (_label, source) => {
    // Linear time: a 20,000-character input takes milliseconds; a quadratic parser would take seconds.
    const started = performance.now()
    checkTemplate(source, KNOWN)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('renderTemplate: spintax and escapes', () => {
  it.each<[string, number[], string, number[]]>([
    ['{Hi|Hello|Hey}', [0], 'Hi', [0]],
    ['{Hi|Hello|Hey}', [0.34], 'Hello', [1]],
    ['{Hi|Hello|Hey}', [0.999], 'Hey', [2]],
    ['{a|{b|c}}', [0.2], 'a', [0]],
    ['{a|{b|c}}', [0.5, 0], 'b', [1, 0]],
    ['{a|{b|c}}', [0.5, 0.5], 'c', [1, 1]],
    ['{a|b} {c|d}', [0.6, 0.1], 'b c', [1, 0]],
    ['{{a|b}|c}', [0, 0.9], 'b', [0, 1]],
    ['{very |}good', [0.9], 'good', [1]],
    ['{Hi|Hello},\n{thanks|cheers}', [0, 0.5], 'Hi,\ncheers', [0, 1]],
    ['\\{a\\|b\\}', [0], '{a|b}', []],
    ['\\\\ and C:\\Users and a\\', [0], '\\ and C:\\Users and a\\', []],
    ['{x\\|y|z}', [0], 'x|y', [0]],
    ['Acme | Q3 plan', [0], 'Acme | Q3 plan', []],
    [nested(MAX_NESTING_DEPTH), [0.99], 'b', Array(MAX_NESTING_DEPTH).fill(1)],
  ])('renders %j with draws %j as %j', (source, draws, expected, choices) => {
    expect(renderTemplate(source, ctx({}), fixed(...draws))).toEqual({ ok: true, text: expected, choices })
  })

  it('renders a parsed template exactly as its source', () => {
    const source = '{Hi|Hello} {{FirstName|there}}, {a|{b|c}}'
    const parsed = parseTemplate(source)
    if (!parsed.ok) throw new Error('should parse')
    expect(renderTemplate(parsed.template, ctx({ FirstName: 'Priya' }), seededRandom(4))).toEqual(renderTemplate(source, ctx({ FirstName: 'Priya' }), seededRandom(4)))
  })

  it('refuses an invalid template with the first error and a count of the rest', () => {
    expect(renderTemplate('{a} }', ctx({}), seededRandom(1))).toEqual({
      ok: false,
      reason: 'the template is not valid: line 1, column 1: a spintax list needs at least two alternatives separated by "|", e.g. {Hi|Hello}; a variable is written {{a}} (and 1 more)',
    })
  })

  it.each([1, Number.NaN, -0.1])('throws when random() breaks its contract (%d)', (value) => {
    expect(() => renderTemplate('{a|b}', ctx({}), () => value)).toThrow('random() must return a number in [0, 1)')
  })
})

describe('renderTemplate: each alternative is equally likely', () => {
  // 30,000 draws: a share's standard error is sqrt(p(1-p)/n), 0.0027 for p = 1/3. A biased picker (an
  // off-by-one, Math.round) moves a share by several points; 5 standard errors keeps a correct picker from
  // failing by chance (p < 1e-6 per share) and the fixed seed makes the run reproducible anyway.
  const N = 30_000
  const shares = (source: string, seed: number) => {
    const random = seededRandom(seed)
    const counts = new Map<string, number>()
    for (let i = 0; i < N; i++) {
      const t = text(renderTemplate(source, ctx({}), random))
      counts.set(t, (counts.get(t) ?? 0) + 1)
    }
    return counts
  }
  const within5se = (count: number | undefined, p: number) => {
    const se = Math.sqrt((p * (1 - p)) / N)
    expect(Math.abs((count ?? 0) / N - p)).toBeLessThan(5 * se)
  }

  it.each([
    ['{a|b|c}', { a: 1 / 3, b: 1 / 3, c: 1 / 3 }],
    ['{a|b}', { a: 1 / 2, b: 1 / 2 }],
    ['{a|{b|c}}', { a: 1 / 2, b: 1 / 4, c: 1 / 4 }],
    ['{a|b|c|d|e}', { a: 0.2, b: 0.2, c: 0.2, d: 0.2, e: 0.2 }],
  ])('%s: each share within 5 standard errors of its probability', (source, expected) => {
    const counts = shares(source, 20_260_101)
    expect([...counts.keys()].sort()).toEqual(Object.keys(expected))
    for (const [variant, p] of Object.entries(expected)) within5se(counts.get(variant), p)
  })
})

describe('renderTemplate: variables and fallbacks', () => {
  it.each<[string, string, Record<string, string | null>, Partial<RenderContext>, string]>([
    ['a confident first name', 'Hi {{FirstName|there}}', { FirstName: 'Priya' }, { firstNameConfidence: 0.9 }, 'Hi Priya'],
    ['confidence exactly at the threshold (>=)', 'Hi {{FirstName|there}}', { FirstName: 'Priya' }, { firstNameConfidence: 0.5, minFirstNameConfidence: 0.5 }, 'Hi Priya'],
    ['confidence just below the default threshold', 'Hi {{FirstName|there}}', { FirstName: 'Sharma' }, { firstNameConfidence: 0.49 }, 'Hi there'],
    ['a stricter threshold passed in', 'Hi {{FirstName|there}}', { FirstName: 'Ramachandran' }, { firstNameConfidence: 0.75, minFirstNameConfidence: 0.8 }, 'Hi there'],
    ['a looser threshold passed in', 'Hi {{FirstName|there}}', { FirstName: 'Sharma' }, { firstNameConfidence: 0.35, minFirstNameConfidence: 0.3 }, 'Hi Sharma'],
    ['a NaN confidence', 'Hi {{FirstName|there}}', { FirstName: 'Priya' }, { firstNameConfidence: Number.NaN }, 'Hi there'],
    ['an empty first name', 'Hi {{FirstName|there}}', { FirstName: '' }, {}, 'Hi there'],
    ['a null value', '{{Company|your team}}', { Company: null }, {}, 'your team'],
    ['a variable the lead lacks', '{{city|your city}}', {}, {}, 'your city'],
    ['a value with spaces around it (trimmed)', '[{{Company}}]', { Company: '  Acme  ' }, {}, '[Acme]'],
    ['a name in another case', '{{COMPANY}}', { company: 'Acme' }, {}, 'Acme'],
    ['two keys differing by case (the first wins)', '{{city}}', { city: 'Pune', City: 'Delhi' }, {}, 'Pune'],
    ['no confidence gate on FullName', '{{FullName}}', { FullName: 'Mr. Sharma' }, { firstNameConfidence: 0.2 }, 'Mr. Sharma'],
    ['a value that looks like template syntax (not interpreted)', '{{Company}}', { Company: '{{Email}} {a|b} \\{' }, {}, '{{Email}} {a|b} \\{'],
    ['a fallback with escapes, trimmed', 'Hi {{FirstName | friend \\} \\| }}!', {}, {}, 'Hi friend } |!'],
    ['a missing value only in the alternative not chosen', '{Hello|Hi {{Persona}}}', {}, {}, 'Hello'],
  ])('%s', (_label, source, variables, extra, expected) => {
    expect(text(renderTemplate(source, ctx(variables, extra), fixed(0)))).toBe(expected)
  })

  it.each<[string, string, Record<string, string | null>, Partial<RenderContext>, string]>([
    [
      'a low-confidence first name and no fallback',
      'Hi {{FirstName}},',
      { FirstName: 'Sharma' },
      { firstNameConfidence: 0.2 },
      'cannot personalise for this lead (no fallback): {{FirstName}}: the first name "Sharma" has confidence 0.2, below the threshold 0.5',
    ],
    ['an empty first name and no fallback', 'Hi {{FirstName}},', { FirstName: '' }, {}, 'cannot personalise for this lead (no fallback): {{FirstName}} has no value'],
    ['a blank value', '{{Company}}', { Company: '   ' }, {}, '{{Company}} has no value'],
    ['every missing variable, each once', '{{Persona}} {{Company}} {{persona}}', {}, {}, '{{Persona}} has no value; {{Company}} has no value'],
    ['a missing value in the alternative chosen', '{Hi {{Persona}}|Hello}', {}, {}, '{{Persona}} has no value'],
    ['a prototype name the lead lacks', '{{constructor}}', {}, {}, '{{constructor}} has no value'],
  ])('fails, never sending a gap: %s', (_label, source, variables, extra, reason) => {
    const result = renderTemplate(source, ctx(variables, extra), fixed(0))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toContain(reason)
  })
})

describe('renderTemplate: HTML escaping', () => {
  it.each<[string, string, boolean, string]>([
    ['{{Company}}', 'R&D', true, 'R&amp;D'],
    ['{{Company}}', '<script>x</script>', true, '&lt;script&gt;x&lt;/script&gt;'],
    ['{{Company}}', `"Quoted" & 'single'`, true, '&quot;Quoted&quot; &amp; &#39;single&#39;'],
    ['{{Company}}', '&amp;', true, '&amp;amp;'],
    ['<a title="{{Company}}">', 'x" onmouseover="y', true, '<a title="x&quot; onmouseover=&quot;y">'],
    ['<b>{Hi|Hello}</b> & {{Company}}', 'R&D', true, '<b>Hi</b> & R&amp;D'],
    ['{{FirstName|<i>there</i>}}', '', true, '<i>there</i>'],
    ['{{Company}}', 'R&D <x> "q"', false, 'R&D <x> "q"'],
  ])('%s with %j (html: %s) → %j', (source, company, html, expected) => {
    expect(text(renderTemplate(source, ctx({ Company: company, FirstName: '' }, { html }), fixed(0)))).toBe(expected)
  })

  it('escapes exactly the five characters', () => {
    expect(escapeHtml(`&<>"' plain ü 😀`)).toBe('&amp;&lt;&gt;&quot;&#39; plain ü 😀')
  })
})

describe('renderWithChoices: the record reproduces the variant', () => {
  const source = '{Hi|Hello|Hey} {{FirstName|there}},\n\n{I saw {Acme|{{Company}}} {is hiring|grew}|Quick question}.{ {Thanks|Cheers}|}'
  const c = ctx({ FirstName: 'Priya', Company: 'R&D Labs' }, { html: true })

  it.each(Array.from({ length: 10 }, (_, i) => i + 1))('replays seed %i exactly', (seed) => {
    const random = seededRandom(seed)
    for (let i = 0; i < 20; i++) {
      const sent = renderTemplate(source, c, random)
      if (!sent.ok) throw new Error(sent.reason)
      expect(renderWithChoices(source, c, sent.choices)).toEqual(sent)
    }
  })

  it.each<[string, string, number[], string]>([
    ['a record too short', '{a|b} {c|d}', [0], 'the choices record has 1 choices; the template needs more'],
    ['a record too long', '{a|b}', [0, 1], 'the choices record has 2 choices; the template uses 1'],
    ['an index past the list', '{a|b|c}', [3], 'choice 1 is 3, but that spintax list has 3 alternatives'],
    ['a negative index', '{a|b}', [-1], 'choice 1 is -1'],
    ['a fractional index', '{a|b}', [0.5], 'choice 1 is 0.5'],
    ['a record from before the template changed', '{a|b} {c|{d|e}}', [1, 1, 2], 'choice 3 is 2, but that spintax list has 2 alternatives'],
    ['an invalid template', '{a|b', [0], 'the template is not valid'],
  ])('refuses %s', (_label, template, choices, reason) => {
    expect(renderWithChoices(template, ctx({}), choices)).toEqual({ ok: false, reason: expect.stringContaining(reason) })
  })

  it('renders a template with no lists from an empty record', () => {
    expect(renderWithChoices('Hi {{FirstName}}', ctx({ FirstName: 'Priya' }), [])).toEqual({ ok: true, text: 'Hi Priya', choices: [] })
  })
})

describe('countVariants', () => {
  it.each<[string, string, number]>([
    ['plain text', 'plain text', 1],
    ['an empty template', '', 1],
    ['a variable alone', '{{FirstName}}', 1],
    ['a list of 3', '{a|b|c}', 3],
    ['lists in sequence (product)', '{a|b} {c|d|e}', 6],
    ['a nested list (sum of alternatives)', '{a|{b|c}}', 3],
    ['a sequence inside an alternative', '{a|{b|c} {d|e}}', 5],
    ['identical alternatives (choice paths, not texts)', '{a|a}', 2],
    ['a list of lists', '{{a|b}|{c|d}}', 4],
    ['19 two-way lists (2^19, under the cap)', '{a|b}'.repeat(19), 2 ** 19],
    // 2^20 = 1,048,576 is past the cap: "at least a million".
    ['20 two-way lists (2^20, capped)', '{a|b}'.repeat(20), VARIANT_COUNT_CAP],
    ['200 two-way lists (capped, no overflow)', '{a|b}'.repeat(200), VARIANT_COUNT_CAP],
    ['a capped count inside an alternative', `{${'{a|b}'.repeat(25)}|c}`, VARIANT_COUNT_CAP],
    ['an empty list (invalid)', '{}', 0],
    ['an unclosed list (invalid)', '{a', 0],
  ])('%s', (_label, source, expected) => {
    expect(countVariants(source)).toBe(expected)
  })
})

describe('leadVariables and leadContext', () => {
  it('gives the standard fields by their template names, LeadScore as text', () => {
    expect(leadVariables(lead())).toEqual({
      FirstName: 'Priya',
      FullName: 'Priya Sharma',
      Company: 'Acme',
      Persona: 'CTO',
      LeadScore: '82',
      Email: 'priya@acme.in',
    })
  })

  it('gives LeadScore as null (no value) when the lead has no score', () => {
    expect(leadVariables(lead({ leadScore: null })).LeadScore).toBeNull()
  })

  it.each<[string, Record<string, string>, string, string]>([
    ['an enrichment field by its name', { 'Job Title': 'VP Engineering' }, '{{job title}}', 'VP Engineering'],
    ['an enrichment field in another case', { city: 'Pune' }, '{{City}}', 'Pune'],
    ['a standard field over an enrichment key of the same name', { COMPANY: 'Other Co' }, '{{Company}}', 'Acme'],
    ['the first of two keys that differ by case', { city: 'Pune', CITY: 'Delhi' }, '{{city}}', 'Pune'],
    ['an Object.prototype name the lead lacks (falls back)', {}, '{{toString|none}}', 'none'],
  ])('renders %s', (_label, enrichment, source, expected) => {
    expect(text(renderTemplate(source, leadContext(lead({ enrichment }), { html: false }), fixed(0)))).toBe(expected)
  })

  it('keeps an own "__proto__" enrichment key as a plain value', () => {
    const enrichment = JSON.parse('{"__proto__": "polluted", "constructor": "c"}') as Record<string, string>
    const variables = leadVariables(lead({ enrichment }))
    expect(Object.getPrototypeOf(variables)).toBe(Object.prototype)
    expect(text(renderTemplate('{{__proto__}} {{constructor}}', { variables, firstNameConfidence: 1, html: false }, fixed(0)))).toBe('polluted c')
  })

  it('takes the confidence from the lead and the default threshold LOW_CONFIDENCE', () => {
    const c = leadContext(lead({ firstName: 'Sharma', firstNameConfidence: 0.2 }), { html: true })
    expect(c).toMatchObject({ firstNameConfidence: 0.2, minFirstNameConfidence: LOW_CONFIDENCE, html: true })
    expect(text(renderTemplate('Hi {{FirstName|there}}', c, fixed(0)))).toBe('Hi there')
    const strict = leadContext(lead({ firstNameConfidence: 0.9 }), { html: false, minFirstNameConfidence: 0.95 })
    expect(text(renderTemplate('Hi {{FirstName|there}}', strict, fixed(0)))).toBe('Hi there')
  })
})

describe('previewVariants', () => {
  const texts = (results: RenderResult[]) => results.map((r) => (r.ok ? r.text : `FAIL ${r.reason}`))

  it('lists every variant, in document order, when there are no more than asked for', () => {
    expect(texts(previewVariants('{Hi|Hello|Hey} {{FirstName}}', lead(), 5, seededRandom(1)))).toEqual(['Hi Priya', 'Hello Priya', 'Hey Priya'])
  })

  it('returns distinct variants, as many as asked, when there are more', () => {
    const results = previewVariants('{a|b|c|d|e|f}{1|2|3|4|5|6}', lead(), 8, seededRandom(2))
    expect(results).toHaveLength(8)
    expect(new Set(texts(results)).size).toBe(8)
  })

  it('returns variants whose choices records reproduce them', () => {
    const source = '{Hi|Hello} {{FirstName}}, {a|{b|c}} {d|e|f}'
    for (const result of previewVariants(source, lead(), 6, seededRandom(3))) {
      if (!result.ok) throw new Error(result.reason)
      expect(renderWithChoices(source, leadContext(lead(), { html: false }), result.choices)).toEqual(result)
    }
  })

  it('shows variants that render the same text once', () => {
    expect(texts(previewVariants('{a|a} {b|b}', lead(), 10, seededRandom(1)))).toEqual(['a b'])
  })

  it(`caps the count at ${MAX_PREVIEW_VARIANTS}`, () => {
    expect(previewVariants('{a|b}'.repeat(10), lead(), 100, seededRandom(1))).toHaveLength(MAX_PREVIEW_VARIANTS)
  })

  it.each([0, -3, Number.NaN])('returns nothing for a count of %d', (count) => {
    expect(previewVariants('{a|b}', lead(), count, seededRandom(1))).toEqual([])
  })

  it('shows a variant the sample lead cannot receive, once per reason, beside those it can', () => {
    const results = previewVariants('{Hi {{Persona}}|Hello|Hey}', lead({ persona: '' }), 5, seededRandom(1))
    expect(texts(results)).toEqual(['FAIL cannot personalise for this lead (no fallback): {{Persona}} has no value', 'Hello', 'Hey'])
  })

  it('falls back for a low-confidence first name, and escapes values in HTML', () => {
    const sample = lead({ firstName: 'Sharma', firstNameConfidence: 0.2, company: 'R&D' })
    expect(texts(previewVariants('Hi {{FirstName|there}} at {{Company}}', sample, 3, seededRandom(1), { html: true }))).toEqual(['Hi there at R&amp;D'])
  })

  it('gives one failure for an invalid template', () => {
    expect(previewVariants('{Hi|Hello', lead(), 3, seededRandom(1))).toEqual([
      { ok: false, reason: 'the template is not valid: line 1, column 1: "{" is never closed: end the spintax list with "}" (write \\{ for a literal brace)' },
    ])
  })

  it('is reproducible from the seed', () => {
    const source = '{a|b|c}{d|e|f}{g|h|i}'
    expect(previewVariants(source, lead(), 5, seededRandom(9))).toEqual(previewVariants(source, lead(), 5, seededRandom(9)))
  })
})
