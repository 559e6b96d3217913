import type { Lead } from './entities'
import { LOW_CONFIDENCE } from './first-name'
import type { Random } from './random'

/**
 * The template engine for campaign subjects and bodies: spintax plus personalisation, pure.
 *
 * Syntax (a template is parsed once into a small tree, then rendered from the tree):
 * - Spintax `{Hi|Hello|Hey}`: one alternative is chosen per send. Lists nest (`{a|{b|c}}`), may span lines
 *   and may contain variables. An alternative may be empty (`{very |}good`), but a list needs at least two
 *   alternatives: `{}` and `{FirstName}` are refused, because a one-option list is almost always a variable
 *   written with single braces, and sending "Hi FirstName" is worse than refusing to save.
 * - Variables `{{FirstName}}`, `{{Company}}`, `{{Job Title}}`: the name is trimmed and matched without
 *   regard to case (`{{ firstname }}` is `{{FirstName}}`); nothing else is loosened (`{{first_name}}` is
 *   unknown, and the error suggests `{{FirstName}}`). Names are STANDARD_VARIABLES plus the lead's
 *   enrichment keys. A standard name wins over an enrichment key that differs only by case; of two
 *   enrichment keys that differ only by case, the first in the lead's field order wins.
 * - Fallbacks `{{FirstName|there}}`: literal text (trimmed), used when the value is missing. It cannot hold
 *   spintax, a second `|` or a line break, and cannot be blank: an empty fallback would send "Hi ,".
 * - `{{` opens a variable when it is followed, on the same line, by a name (no braces, bars or
 *   backslashes), optionally `|` and a fallback, and `}}`. Otherwise the first `{` opens a spintax list, so
 *   a list whose first alternative is itself a list still works: `{{a|b}|c}`. Nothing valid is lost: a
 *   list holding only one list (`{ {a|b} }`) would be refused anyway.
 * - Escapes `\{` `\}` `\|` `\\` give the literal character. A backslash before anything else is itself
 *   literal, so `C:\Users` needs no escaping.
 * - A `|` outside any list is literal text ("Acme | Q3 plan" is a common subject); inside a list, write `\|`.
 *   A `}` without a matching `{` is refused (write `\}`).
 *
 * Rendering:
 * - Each list picks each of its n alternatives with probability 1/n, independently at each level, so in
 *   `{a|{b|c}}` a is sent half the time and b and c a quarter each.
 * - A variable's value is trimmed; blank or null is no value. `{{FirstName}}` also counts as no value when the
 *   parsed first name's confidence is below the threshold (default LOW_CONFIDENCE). With no value the
 *   fallback is used; with no fallback the render fails with a reason naming the variable, so a lead is
 *   never greeted "Hi ,".
 * - In HTML bodies, values from lead data are escaped (`& < > " '`, enough for text and quoted attributes);
 *   text the template's author wrote (spintax and fallbacks) is their HTML and is left as written. Plain
 *   text (and subjects) get no escaping. Values are inserted as text, never parsed: a lead whose company is
 *   "{{Email}}" gets exactly that.
 * - The render returns the chosen alternative indexes in document order (depth first, only the lists on
 *   the chosen path), so the audit log can store the exact variant sent and renderWithChoices can
 *   reproduce it from the same template and lead.
 */

/**
 * Longest template accepted, in JavaScript characters (UTF-16 code units). A cold email body is usually
 * under 2,000 characters; 20,000 leaves ten times that for HTML markup and many alternatives, while
 * bounding the cost of a check on every save and a render on every send.
 */
export const MAX_TEMPLATE_LENGTH = 20_000

/**
 * Deepest spintax nesting accepted. People write two or three levels; beyond ten it is generated text or a
 * mistake. The cap also bounds the parser's and renderer's recursion, so `{{{{…` cannot exhaust the stack.
 */
export const MAX_NESTING_DEPTH = 10

/**
 * countVariants saturates here. Variant counts grow exponentially (fifty two-way lists make 2^50); past a
 * million the number tells a person nothing a campaign of a few hundred sends a day could use, and capped
 * counts keep the arithmetic exact (a product of two capped counts stays far below 2^53).
 */
export const VARIANT_COUNT_CAP = 1_000_000

/** Most variants one preview renders: a person compares a handful, and 20 bounds the work of a request. */
export const MAX_PREVIEW_VARIANTS = 20

/**
 * Random draws a preview tries per requested variant before it settles for fewer distinct ones. Finding 20
 * distinct variants among 21 equally likely ones takes about 56 draws on average (coupon collector); 10
 * per variant (200) leaves ample margin, while a template whose variants mostly coincide stops early.
 */
const PREVIEW_DRAWS_PER_VARIANT = 10

/** Longest excerpt an error quotes: enough to recognise the place, short enough for one line of the editor. */
const EXCERPT_MAX = 40

/** The lead fields every template may use, as people write them. */
export const STANDARD_VARIABLES = ['FirstName', 'FullName', 'Company', 'Persona', 'LeadScore', 'Email'] as const

/** Where a template is wrong: 1-based line and column (columns count Unicode code points), and the text there. */
export type TemplateError = { line: number; column: number; message: string; excerpt: string }

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string; key: string; fallback: string | null }
  | { kind: 'list'; alternatives: TemplateNode[][] }

/** A template parsed once, to render many times (a campaign's pulse, a preview). */
export interface ParsedTemplate {
  readonly nodes: readonly TemplateNode[]
}

/** A template as source text, or already parsed by parseTemplate. */
export type TemplateInput = string | ParsedTemplate

export interface RenderContext {
  /** Values by variable name, matched without regard to case (see the module comment); null or blank is no value. */
  variables: Readonly<Record<string, string | null>>
  /** The confidence parseFirstName gave the lead's first name. */
  firstNameConfidence: number
  /** `{{FirstName}}` is used only at or above this; defaults to LOW_CONFIDENCE (the setting's default). */
  minFirstNameConfidence?: number
  /** True for an HTML body: values from lead data are HTML-escaped. False for subjects and plain-text bodies. */
  html: boolean
}

export type RenderResult = { ok: true; text: string; choices: number[] } | { ok: false; reason: string }

const FIRST_NAME_KEY = 'firstname'
// The characters with a meaning in template syntax: each ends a run of plain text, and each can be escaped.
const SPECIAL = new Set(['{', '}', '|', '\\'])
const ESCAPABLE = SPECIAL
const NAME_STOP = new Set(['{', '}', '|', '\\', '\n', '\r'])
// Leads keep a full name and a greeting name; a last name cannot be split off reliably (see first-name.ts).
const HINTS: Record<string, string> = { lastname: 'leads keep no separate last name; use {{FullName}}' }

/** The lookup key of a variable or field name: trimmed, case-folded. */
export function variableKey(name: string): string {
  return name.trim().toLowerCase()
}

// ---------------------------------------------------------------------------------------------------
// Parsing: one recursive-descent pass, each character read once (a variable's lookahead stops at the next
// brace or line break, so lookaheads never overlap); problems carry offsets, turned into lines at the end.

interface Problem {
  start: number
  end: number
  message: string
}

interface VariableAt {
  node: Extract<TemplateNode, { kind: 'variable' }>
  start: number
  end: number
}

interface Parsed {
  nodes: TemplateNode[]
  variables: VariableAt[]
  problems: Problem[]
}

function parse(source: string): Parsed {
  if (source.length > MAX_TEMPLATE_LENGTH) {
    const message = `the template is ${source.length.toLocaleString('en-US')} characters long; the limit is ${MAX_TEMPLATE_LENGTH.toLocaleString('en-US')}`
    return { nodes: [], variables: [], problems: [{ start: MAX_TEMPLATE_LENGTH, end: source.length, message }] }
  }
  const problems: Problem[] = []
  const variables: VariableAt[] = []
  let pos = 0
  // Set when nesting is too deep: the rest is not parsed, and enclosing lists do not also report "unclosed".
  let halted = false

  /** A variable starting at `start` (which holds "{{"), or null when the text there is not one. */
  const readVariable = (start: number): VariableAt | null => {
    let i = start + 2
    while (i < source.length && !NAME_STOP.has(source[i]!)) i++
    const name = source.slice(start + 2, i).trim()
    let fallback: string | null = null
    let bars = 0
    if (source[i] === '|') {
      fallback = ''
      bars = 1
      i++
      for (;;) {
        const ch = source[i]
        if (ch === undefined || ch === '{' || ch === '\n' || ch === '\r') return null
        if (ch === '}') break
        if (ch === '\\' && ESCAPABLE.has(source[i + 1] ?? '')) {
          fallback += source[i + 1]
          i += 2
          continue
        }
        if (ch === '|') bars++
        fallback += ch
        i++
      }
      fallback = fallback.trim()
    }
    if (source[i] !== '}' || source[i + 1] !== '}') return null
    const end = i + 2
    const at: VariableAt = { node: { kind: 'variable', name, key: variableKey(name), fallback }, start, end }
    if (name === '') problems.push({ start, end, message: 'a variable needs a name, e.g. {{FirstName}} or {{Company}}' })
    if (bars > 1) problems.push({ start, end, message: 'a variable takes one fallback after a single "|" (write \\| for a literal bar in it)' })
    else if (fallback === '') {
      const shown = name || 'FirstName'
      problems.push({
        start,
        end,
        message: `the fallback after "|" is empty: write the text to use when ${shown} has no value (e.g. {{${shown}|there}}), or remove the "|" so a lead without it is not sent`,
      })
    }
    return at
  }

  const sequence = (depth: number): TemplateNode[] => {
    const nodes: TemplateNode[] = []
    let text = ''
    const flush = () => {
      if (text !== '') nodes.push({ kind: 'text', text })
      text = ''
    }
    while (pos < source.length && !halted) {
      const ch = source[pos]!
      if (ch === '\\') {
        const next = source[pos + 1]
        const escaped = next !== undefined && ESCAPABLE.has(next)
        text += escaped ? next : '\\'
        pos += escaped ? 2 : 1
      } else if (ch === '{') {
        flush()
        const variable = source[pos + 1] === '{' ? readVariable(pos) : null
        if (variable !== null) {
          variables.push(variable)
          nodes.push(variable.node)
          pos = variable.end
        } else nodes.push(list(depth + 1))
      } else if (ch === '|' || ch === '}') {
        if (depth > 0) break
        if (ch === '}') problems.push({ start: pos, end: pos + 1, message: '"}" has no matching "{" (write \\} for a literal brace)' })
        text += ch
        pos++
      } else {
        let end = pos + 1
        while (end < source.length && !SPECIAL.has(source[end]!)) end++
        text += source.slice(pos, end)
        pos = end
      }
    }
    flush()
    return nodes
  }

  const list = (depth: number): TemplateNode => {
    const start = pos
    const alternatives: TemplateNode[][] = []
    if (depth > MAX_NESTING_DEPTH) {
      problems.push({ start, end: source.length, message: `spintax is nested more than ${MAX_NESTING_DEPTH} levels deep` })
      halted = true
      return { kind: 'list', alternatives }
    }
    pos++
    for (;;) {
      alternatives.push(sequence(depth))
      if (halted) return { kind: 'list', alternatives }
      if (pos >= source.length) {
        const message =
          source[start + 1] === '{'
            ? '"{{" starts neither a whole variable ({{Name}} or {{Name|fallback}}, on one line) nor a closed spintax list'
            : '"{" is never closed: end the spintax list with "}" (write \\{ for a literal brace)'
        problems.push({ start, end: source.length, message })
        return { kind: 'list', alternatives }
      }
      const closing = source[pos] === '}'
      pos++
      if (closing) break
    }
    if (alternatives.length === 1) {
      const inside = source.slice(start + 1, pos - 1)
      const asVariable = /^[\p{L}\p{N} _]{1,64}$/u.test(inside) && inside.trim() !== '' ? `; a variable is written {{${inside.trim()}}}` : ''
      const message =
        inside === ''
          ? 'empty spintax list "{}": give at least two alternatives, e.g. {Hi|Hello}'
          : `a spintax list needs at least two alternatives separated by "|", e.g. {Hi|Hello}${asVariable}`
      problems.push({ start, end: pos, message })
    }
    return { kind: 'list', alternatives }
  }

  const nodes = sequence(0)
  return { nodes, variables, problems }
}

/** Offsets to 1-based lines and code-point columns, in one sweep over the source (errors sorted by place). */
function locate(source: string, problems: readonly Problem[]): TemplateError[] {
  const sorted = [...problems].sort((a, b) => a.start - b.start || a.end - b.end)
  const errors: TemplateError[] = []
  let line = 1
  let column = 1
  let i = 0
  for (const problem of sorted) {
    while (i < problem.start) {
      const code = source.charCodeAt(i)
      if (code === 0x0a || (code === 0x0d && source.charCodeAt(i + 1) !== 0x0a)) {
        line++
        column = 1
        i++
      } else if (code === 0x0d) {
        // The \r of \r\n: the \n that follows ends the line.
        i++
      } else {
        const pair = code >= 0xd800 && code <= 0xdbff && source.charCodeAt(i + 1) >= 0xdc00 && source.charCodeAt(i + 1) <= 0xdfff
        i += pair ? 2 : 1
        column++
      }
    }
    errors.push({ line, column, message: problem.message, excerpt: excerpt(source, problem) })
  }
  return errors
}

function excerpt(source: string, problem: Problem): string {
  const text = source.slice(problem.start, Math.min(problem.end, problem.start + EXCERPT_MAX + 1))
  const lineBreak = text.search(/[\r\n]/)
  const oneLine = lineBreak >= 0 ? text.slice(0, lineBreak) : text
  const cut = oneLine.length > EXCERPT_MAX ? oneLine.slice(0, EXCERPT_MAX) : oneLine
  return cut.length < problem.end - problem.start ? `${cut}…` : cut
}

/** Parses a template once; refuses it with every syntax error found. Unknown variables are checkTemplate's job. */
export function parseTemplate(source: string): { ok: true; template: ParsedTemplate } | { ok: false; errors: TemplateError[] } {
  const parsed = parse(source)
  if (parsed.problems.length > 0) return { ok: false, errors: locate(source, parsed.problems) }
  return { ok: true, template: { nodes: parsed.nodes } }
}

/**
 * Every problem that should stop a template being saved: syntax (unbalanced braces, `{}`, one-option lists,
 * empty fallbacks, nesting, length) and variables not among `knownVariables` (STANDARD_VARIABLES plus the
 * enrichment keys the caller's leads have; matched as variableKey does). Sorted by place; empty when valid.
 */
export function checkTemplate(source: string, knownVariables: readonly string[]): TemplateError[] {
  const parsed = parse(source)
  const known = new Set(knownVariables.map(variableKey))
  // For the hint only: names equal once case and everything but letters and digits are ignored.
  const loose = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
  const looseKnown = new Map<string, string>()
  for (const name of knownVariables) if (!looseKnown.has(loose(name))) looseKnown.set(loose(name), name.trim())
  const problems = [...parsed.problems]
  for (const { node, start, end } of parsed.variables) {
    if (node.name === '' || known.has(node.key)) continue
    const similar = looseKnown.get(loose(node.name))
    const message =
      similar !== undefined
        ? `unknown variable "${node.name}"; did you mean {{${similar}}}?`
        : `unknown variable "${node.name}": ${HINTS[loose(node.name)] ?? 'no lead field or enrichment field has this name'}`
    problems.push({ start, end, message })
  }
  return locate(source, problems)
}

// ---------------------------------------------------------------------------------------------------
// Rendering.

type Prepared = { ok: true; nodes: readonly TemplateNode[] } | { ok: false; reason: string }

function prepare(input: TemplateInput): Prepared {
  if (typeof input !== 'string') return { ok: true, nodes: input.nodes }
  const parsed = parseTemplate(input)
  return parsed.ok ? { ok: true, nodes: parsed.template.nodes } : { ok: false, reason: invalidReason(parsed.errors) }
}

function invalidReason(errors: readonly TemplateError[]): string {
  const [first] = errors
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  return `the template is not valid: line ${first!.line}, column ${first!.column}: ${first!.message}${more}`
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes the five characters that matter in HTML text and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!)
}

/** Picks an alternative index for a list of n, or says why it cannot (a replayed record that does not fit). */
type Chooser = (n: number) => number | { broken: string }

interface Walk {
  parts: string[]
  choices: number[]
  /** Variables with no value and no fallback, by key, with why (first occurrence). */
  missing: Map<string, string>
}

interface Values {
  lookup: ReadonlyMap<string, string | null>
  firstNameConfidence: number
  minFirstNameConfidence: number
  html: boolean
}

function valuesOf(ctx: RenderContext): Values {
  const lookup = new Map<string, string | null>()
  for (const [name, value] of Object.entries(ctx.variables)) if (!lookup.has(variableKey(name))) lookup.set(variableKey(name), value)
  return { lookup, firstNameConfidence: ctx.firstNameConfidence, minFirstNameConfidence: ctx.minFirstNameConfidence ?? LOW_CONFIDENCE, html: ctx.html }
}

function walk(nodes: readonly TemplateNode[], values: Values, choose: Chooser, out: Walk): string | null {
  for (const node of nodes) {
    if (node.kind === 'text') out.parts.push(node.text)
    else if (node.kind === 'list') {
      const picked = choose(node.alternatives.length)
      if (typeof picked !== 'number') return picked.broken
      out.choices.push(picked)
      const broken = walk(node.alternatives[picked]!, values, choose, out)
      if (broken !== null) return broken
    } else {
      const value = (values.lookup.get(node.key) ?? '').trim()
      // `>=`: the threshold is the lowest confidence used; NaN compares false and so falls back.
      const trusted = node.key !== FIRST_NAME_KEY || values.firstNameConfidence >= values.minFirstNameConfidence
      if (value !== '' && trusted) out.parts.push(values.html ? escapeHtml(value) : value)
      else if (node.fallback !== null) out.parts.push(node.fallback)
      else if (!out.missing.has(node.key)) {
        out.missing.set(
          node.key,
          value === ''
            ? `{{${node.name}}} has no value`
            : `{{${node.name}}}: the first name "${value}" has confidence ${values.firstNameConfidence}, below the threshold ${values.minFirstNameConfidence}`,
        )
      }
    }
  }
  return null
}

function finish(nodes: readonly TemplateNode[], ctx: RenderContext, choose: Chooser, afterWalk: () => string | null): RenderResult {
  const out: Walk = { parts: [], choices: [], missing: new Map() }
  const broken = walk(nodes, valuesOf(ctx), choose, out) ?? afterWalk()
  if (broken !== null) return { ok: false, reason: broken }
  if (out.missing.size > 0) {
    return { ok: false, reason: `cannot personalise for this lead (no fallback): ${[...out.missing.values()].join('; ')}` }
  }
  return { ok: true, text: out.parts.join(''), choices: out.choices }
}

/**
 * One variant for one lead. Each list's alternative is floor(random() * n), the rule pickOne uses; `random`
 * must return numbers in [0, 1) (anything else throws: it is a programming error, not a lead's problem).
 */
export function renderTemplate(input: TemplateInput, ctx: RenderContext, random: Random): RenderResult {
  const prepared = prepare(input)
  if (!prepared.ok) return prepared
  const choose: Chooser = (n) => {
    const r = random()
    if (!(r >= 0 && r < 1)) throw new Error(`random() must return a number in [0, 1), got ${r}`)
    return Math.floor(r * n)
  }
  return finish(prepared.nodes, ctx, choose, () => null)
}

/**
 * The variant a choices record describes, for the same template and lead (an audit replay). Fails when the
 * record does not fit the template, which means the template changed since the variant was recorded.
 */
export function renderWithChoices(input: TemplateInput, ctx: RenderContext, choices: readonly number[]): RenderResult {
  const prepared = prepare(input)
  if (!prepared.ok) return prepared
  let next = 0
  const choose: Chooser = (n) => {
    if (next >= choices.length) return { broken: `the choices record has ${choices.length} choices; the template needs more` }
    const c = choices[next++]!
    if (!Number.isInteger(c) || c < 0 || c >= n) return { broken: `choice ${next} is ${c}, but that spintax list has ${n} alternatives` }
    return c
  }
  const leftOver = () => (next < choices.length ? `the choices record has ${choices.length} choices; the template uses ${next}` : null)
  return finish(prepared.nodes, ctx, choose, leftOver)
}

/**
 * How many variants the spintax makes (choice paths, so `{a|a}` counts 2), saturating at VARIANT_COUNT_CAP:
 * read VARIANT_COUNT_CAP as "at least that many". 0 for a template with syntax errors.
 */
export function countVariants(input: TemplateInput): number {
  const prepared = prepare(input)
  return prepared.ok ? countNodes(prepared.nodes) : 0
}

function countNodes(nodes: readonly TemplateNode[]): number {
  let product = 1
  for (const node of nodes) {
    if (node.kind !== 'list') continue
    let sum = 0
    for (const alternative of node.alternatives) sum = Math.min(VARIANT_COUNT_CAP, sum + countNodes(alternative))
    product = Math.min(VARIANT_COUNT_CAP, product * sum)
  }
  return product
}

/** Every choices record of a template, in document order. Only called when countVariants is small. */
function allChoices(nodes: readonly TemplateNode[]): number[][] {
  let records: number[][] = [[]]
  for (const node of nodes) {
    if (node.kind !== 'list') continue
    const ofList = node.alternatives.flatMap((alternative, i) => allChoices(alternative).map((rest) => [i, ...rest]))
    records = records.flatMap((before) => ofList.map((after) => [...before, ...after]))
  }
  return records
}

// ---------------------------------------------------------------------------------------------------
// Leads.

/**
 * A lead's variables: the standard fields, then enrichment keys that do not collide (case-insensitively)
 * with a standard name or an earlier key. LeadScore is null when the lead has none.
 */
export function leadVariables(lead: Lead): Record<string, string | null> {
  const entries: [string, string | null][] = [
    ['FirstName', lead.firstName],
    ['FullName', lead.fullName],
    ['Company', lead.company],
    ['Persona', lead.persona],
    ['LeadScore', lead.leadScore === null ? null : String(lead.leadScore)],
    ['Email', lead.email],
  ]
  const taken = new Set(entries.map(([name]) => variableKey(name)))
  for (const [name, value] of Object.entries(lead.enrichment)) {
    if (taken.has(variableKey(name))) continue
    taken.add(variableKey(name))
    entries.push([name, value])
  }
  // fromEntries defines own properties, so an enrichment key "__proto__" stays data, not a prototype.
  return Object.fromEntries(entries)
}

export interface LeadRenderOptions {
  html: boolean
  minFirstNameConfidence?: number
}

/** The render context for a lead. */
export function leadContext(lead: Lead, options: LeadRenderOptions): RenderContext {
  return {
    variables: leadVariables(lead),
    firstNameConfidence: lead.firstNameConfidence,
    minFirstNameConfidence: options.minFirstNameConfidence ?? LOW_CONFIDENCE,
    html: options.html,
  }
}

/**
 * Up to `count` (at most MAX_PREVIEW_VARIANTS) variants for a sample lead, distinct by result: distinct
 * texts, and a failure (a variant this lead cannot receive) shown once per reason. When the template has no
 * more variants than asked for, all are listed in document order; otherwise they are drawn at random
 * (PREVIEW_DRAWS_PER_VARIANT draws per variant asked), so rare variants may be missing. An invalid template
 * gives one failure.
 */
export function previewVariants(input: TemplateInput, lead: Lead, count: number, random: Random, options: LeadRenderOptions = { html: false }): RenderResult[] {
  const wanted = Number.isFinite(count) ? Math.max(0, Math.min(MAX_PREVIEW_VARIANTS, Math.floor(count))) : 0
  const parsed = typeof input === 'string' ? parseTemplate(input) : { ok: true as const, template: input }
  if (!parsed.ok) return [{ ok: false, reason: invalidReason(parsed.errors) }]
  const template = parsed.template
  if (wanted === 0) return []
  const ctx = leadContext(lead, options)
  const results = new Map<string, RenderResult>()
  const add = (result: RenderResult) => {
    const key = result.ok ? `text:${result.text}` : `fail:${result.reason}`
    if (!results.has(key)) results.set(key, result)
  }
  if (countVariants(template) <= wanted) {
    for (const choices of allChoices(template.nodes)) add(renderWithChoices(template, ctx, choices))
  } else {
    for (let draw = 0; draw < wanted * PREVIEW_DRAWS_PER_VARIANT && results.size < wanted; draw++) add(renderTemplate(template, ctx, random))
  }
  return [...results.values()].slice(0, wanted)
}
