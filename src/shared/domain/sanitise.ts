/**
 * The intake sanitiser. Every path a lead comes in by (Clay webhook, CSV/XLSX cell, manual form) passes
 * its address through `normaliseEmail` and its free-text fields through `cleanText`, so one person pasted
 * three ways is one lead, and a character nobody can see never becomes part of a key or a merge field.
 * Pure: no I/O. The choices (case, plus-tags, IDN, quoted and international local parts, IP literals)
 * are recorded in docs/decisions/010-email-normalisation.md.
 */

export type EmailResult = { ok: true; email: string } | { ok: false; reason: string }

/**
 * Characters that draw nothing but still change what a string compares equal to. They arrive in pasted
 * data from web pages, PDFs, Word/Outlook and spreadsheets (a UTF-8 BOM on a CSV's first cell).
 * - U+00AD soft hyphen; U+034F combining grapheme joiner; U+180E Mongolian vowel separator (was a
 *   space before Unicode 6.3, now an invisible format character).
 * - U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069: bidirectional marks, embeddings, overrides and
 *   isolates. Invisible, and the overrides can make text display in an order other than it is stored.
 * - U+200B–U+200D zero-width space, non-joiner, joiner. Removing the joiners splits emoji sequences and
 *   changes Persian/Indic rendering slightly; for lead data, matching what a person sees wins.
 * - U+2060–U+206F: word joiner, invisible maths operators, isolates (above) and deprecated format
 *   characters (U+2065 is unassigned; including it keeps the range whole).
 * - U+3164, U+FFA0: Hangul fillers that render blank and never occur in modern precomposed Korean text.
 * - U+FEFF: byte order mark / zero-width no-break space.
 * Not removed: variation selectors (U+FE0E/U+FE0F choose how an emoji looks) and control characters
 * (a CSV parser needs its line breaks; `cleanText` and `normaliseEmail` deal with those themselves).
 */
const INVISIBLE = /[\u00AD\u034F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]/gu

/**
 * C0 and C1 control characters and DEL, except those that are whitespace (tab, line feed, vertical tab,
 * form feed, carriage return, NEL): those become spaces so the words on either side stay apart. Also
 * lone surrogates (with the `u` flag a well-formed pair never matches): a broken decoder leaves them, and
 * they cannot be stored as UTF-8.
 */
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\uD800-\uDFFF]/gu

/** JavaScript's `\s` (every Unicode space separator, NBSP, line and paragraph separators) plus NEL. */
const WHITESPACE_RUN = /[\s\u0085]+/gu
const HAS_WHITESPACE = /[\s\u0085]/u
const EDGE_WHITESPACE = /^[\s\u0085]+|[\s\u0085]+$/gu

/**
 * Default cap for a free-text field. 256 code points is above any real name, company, job title or
 * persona (long legal company names stay under ~200), keeps a lead with dozens of enrichment fields far
 * below DynamoDB's 400 KB item limit (at most 1 KB a field in UTF-8), and stops a pasted paragraph from
 * flooding lists and merge fields. Counted in code points, not UTF-16 units (an emoji is one) and not
 * graphemes (one grapheme can carry unlimited combining marks, which would make the cap meaningless).
 */
export const DEFAULT_TEXT_MAX = 256

/** Removes invisible characters only (exported for other parsers). */
export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE, '')
}

/**
 * Cleans a free-text field (name, company, persona, enrichment values): invisible characters removed,
 * NBSP and other Unicode spaces to a space, runs of whitespace collapsed, trimmed, control characters
 * removed, capped at `max` characters (default 256). A number, bigint or boolean (a spreadsheet cell or a
 * Clay field can hold one) is written out as text; anything else that is not a string is empty.
 */
export function cleanText(raw: unknown, max: number = DEFAULT_TEXT_MAX): string {
  // A bad cap is a programming error, not bad data: fail loudly rather than guess.
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`cleanText: max must be a whole number >= 0, got ${max}`)
  const cleaned = stripInvisible(asText(raw)).replace(CONTROL, '').replace(WHITESPACE_RUN, ' ').trim()
  // UTF-16 length >= code point count, so a short string needs no counting.
  if (cleaned.length <= max) return cleaned
  const codePoints = Array.from(cleaned)
  if (codePoints.length <= max) return cleaned
  return codePoints.slice(0, max).join('').trimEnd()
}

function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw
  if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw)
  return ''
}

// Protocol limits, not policy (so not settings): an address beyond them cannot be sent to.
/** RFC 5321 §4.5.3.1.1: local part at most 64 octets (ASCII only here, so octets = characters). */
const LOCAL_MAX = 64
/** RFC 5321 §4.5.3.1.2: domain at most 255 octets, counted in its ASCII (punycode) form. */
const DOMAIN_MAX = 255
/** RFC 1035 §2.3.4: a DNS label at most 63 octets. */
const LABEL_MAX = 63
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including its angle brackets, so 254 for the address. */
const ADDRESS_MAX = 254

/** RFC 5322 atext plus the dot; anything else in a local part needs quoting, which we refuse. */
const LOCAL_CHAR = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]$/u
/** A local part made only of LOCAL_CHARs: checked in one scan, and only when it fails, char by char to name the culprit. */
const LOCAL_CHARS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*$/
const NON_ASCII = /[^\u0000-\u007F]/u
/** ASCII letters, digits, hyphen and dot; non-ASCII is left to the IDNA conversion to accept or refuse. */
const DOMAIN_ASCII_CHAR = /^(?:[A-Za-z0-9.-]|[^\u0000-\u007F])$/u
const DOMAIN_CHARS = /^(?:[A-Za-z0-9.-]|[^\u0000-\u007F])*$/u
/**
 * A domain whose ASCII form is simply its lower case: ASCII letters, digits, hyphens and dots, no punycode
 * label (`xn--`, which the IDNA conversion validates) and a last label that the URL host parser cannot read
 * as a number (all digits is refused earlier; `0x` followed by hex digits is the other numeric form).
 */
const PLAIN_ASCII_DOMAIN = /^[A-Za-z0-9.-]+$/
const PUNYCODE_LABEL = /(?:^|\.)xn--/i
const HEX_LABEL = /^0x[0-9a-f]*$/i
/** UTS #46 treats the ideographic, fullwidth and halfwidth full stops as dots; we map them first so the
 *  dot checks below see the labels the conversion will see. */
const FULL_STOPS = /[\u3002\uFF0E\uFF61]/gu
const QUOTED_LOCAL = /^"(?:[^"\\]|\\.)*"@/u
const MAILTO = /^mailto:(?:\/\/)?/iu
const TRAILING_PUNCTUATION = /[;,.]+$/u
const QUOTE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['\u201C', '\u201D'],
  ['\u2018', '\u2019'],
]
const DOTTED_QUAD = /^\d+\.\d+\.\d+\.\d+$/u
const DIGITS_ONLY = /^\d+$/u

const IP_DOMAIN = 'the domain is an IP address; only named domains can receive cold email'

/** Normalises an address from any intake path (Clay webhook, CSV/XLSX cell, manual form). */
export function normaliseEmail(raw: unknown): EmailResult {
  if (raw === null || raw === undefined) return fail('the email address is missing')
  if (typeof raw !== 'string') return fail('the email address is not text')
  const address = unwrap(stripInvisible(raw).replace(CONTROL, ''))
  if (address === '') return fail('the email address is empty')
  return check(address)
}

export type DomainResult = { ok: true; domain: string } | { ok: false; reason: string }

/**
 * Normalises a bare domain a person types (a whole domain to suppress): the same invisible-character,
 * whitespace and IDNA handling as the domain of an address, and a leading `@` (as in "@example.com") is
 * taken as the domain after it. Lower-cased ASCII (punycode) form.
 */
export function normaliseDomain(raw: unknown): DomainResult {
  if (typeof raw !== 'string') return fail('the domain is missing')
  const cleaned = stripInvisible(raw).replace(CONTROL, '').replace(EDGE_WHITESPACE, '')
  const domain = cleaned.startsWith('@') ? cleaned.slice(1) : cleaned
  if (domain === '') return fail('the domain is empty')
  if (HAS_WHITESPACE.test(domain)) return fail('the domain contains a space or line break')
  if (domain.includes('@')) return fail('that is an address, not a domain')
  const checked = checkDomain(domain)
  return checked.ok ? { ok: true, domain: checked.ascii } : checked
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason }
}

/** Peels what people paste around an address until nothing changes. Every step shortens the string, so
 *  the loop ends; wrappers nest (`"Name" <mailto:a@b.com?subject=x>,`). */
function unwrap(s: string): string {
  for (;;) {
    const next = unwrapOnce(s)
    if (next === s) return s
    s = next
  }
}

function unwrapOnce(s: string): string {
  const trimmed = s.replace(EDGE_WHITESPACE, '').replace(TRAILING_PUNCTUATION, '')
  if (trimmed !== s) return trimmed
  // `Name <address>`, `"Name, Jr" <address>`, `<address>`. Exactly one pair, so a list of several
  // `Name <address>` entries is reported as several addresses instead of silently keeping the last.
  if (s.endsWith('>') && count(s, '<') === 1 && count(s, '>') === 1) return s.slice(s.indexOf('<') + 1, -1)
  if (MAILTO.test(s)) {
    const rest = s.replace(MAILTO, '')
    const query = rest.indexOf('?')
    // A mailto URI percent-encodes (RFC 6068); decoding may reveal characters we strip anyway.
    return stripInvisible(percentDecode(query === -1 ? rest : rest.slice(0, query))).replace(CONTROL, '')
  }
  // A quote at both ends is a wrapper: no valid address ends with a quote (a domain cannot).
  for (const [open, close] of QUOTE_PAIRS) {
    if (s.length >= 2 && s.startsWith(open) && s.endsWith(close)) return s.slice(1, -1)
  }
  return s
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    // Not valid percent-encoding: keep it as typed and let validation judge it.
    return s
  }
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1
}

function check(address: string): EmailResult {
  // Before counting @ or spaces: a quoted local part may hold both.
  if (QUOTED_LOCAL.test(address)) return fail('the part before the @ is in quotes, which is not accepted')
  const ats = count(address, '@')
  if (ats > 1 && /[\s\u0085,;]/u.test(address)) return fail('there is more than one address here')
  if (HAS_WHITESPACE.test(address)) return fail('the address contains a space or line break')
  if (ats === 0) return fail('the address has no @')
  if (ats > 1) return fail('the address has more than one @')
  const at = address.indexOf('@')
  const local = address.slice(0, at)
  const localProblem = checkLocal(local)
  if (localProblem !== null) return fail(localProblem)
  const domain = checkDomain(address.slice(at + 1))
  if (!domain.ok) return domain
  // The whole address is lower-cased (decision 010): duplicates must be found case-insensitively.
  const email = `${local.toLowerCase()}@${domain.ascii}`
  if (email.length > ADDRESS_MAX) return fail(`the address is longer than ${ADDRESS_MAX} characters (RFC 5321)`)
  return { ok: true, email }
}

function checkLocal(local: string): string | null {
  if (local === '') return 'the part before the @ is empty'
  const chars = LOCAL_CHARS.test(local) ? [] : Array.from(local)
  // SES has no SMTPUTF8: the local part must be 7-bit ASCII (decision 010).
  const international = chars.find((c) => NON_ASCII.test(c))
  if (international !== undefined) {
    return `the part before the @ contains "${international}"; international characters there cannot be sent through Amazon SES`
  }
  const bad = chars.find((c) => !LOCAL_CHAR.test(c))
  if (bad !== undefined) return `the part before the @ contains "${bad}", which is not allowed in an address`
  if (local.startsWith('.')) return 'the part before the @ starts with a dot'
  if (local.endsWith('.')) return 'the part before the @ ends with a dot'
  if (local.includes('..')) return 'the part before the @ has two dots in a row'
  if (local.length > LOCAL_MAX) return `the part before the @ is longer than ${LOCAL_MAX} characters (RFC 5321)`
  return null
}

function checkDomain(raw: string): { ok: true; ascii: string } | { ok: false; reason: string } {
  if (raw === '') return fail('the domain (after the @) is empty')
  if (raw.startsWith('[')) return fail(IP_DOMAIN)
  const domain = raw.replace(FULL_STOPS, '.')
  const bad = DOMAIN_CHARS.test(domain) ? undefined : Array.from(domain).find((c) => !DOMAIN_ASCII_CHAR.test(c))
  if (bad !== undefined) return fail(`the domain contains "${bad}", which is not allowed in a domain`)
  if (domain.startsWith('.')) return fail('the domain starts with a dot')
  if (domain.endsWith('.')) return fail('the domain ends with a dot')
  if (domain.includes('..')) return fail('the domain has two dots in a row')
  if (DOTTED_QUAD.test(domain)) return fail(IP_DOMAIN)
  const labels = domain.split('.')
  if (labels.length === 1) return fail('the domain has no dot, so it lacks an ending such as .com')
  // Checked before conversion: the URL host parser reads a numeric last label as an IPv4 address.
  if (DIGITS_ONLY.test(labels[labels.length - 1]!)) return fail('the domain ends in digits only; a real ending such as .com has letters')
  const ascii = PLAIN_ASCII_DOMAIN.test(domain) && !PUNYCODE_LABEL.test(domain) && !HEX_LABEL.test(labels[labels.length - 1]!) ? domain.toLowerCase() : toAsciiDomain(domain)
  if (ascii === null) return fail('the domain is not a valid domain name')
  const asciiLabels = ascii.split('.')
  // Both forms: punycode hides a hyphen at the edge of a Unicode label, and UTS #46 maps a fullwidth
  // hyphen to an ASCII one.
  const hyphenated = [...labels, ...asciiLabels].find((l) => l.startsWith('-') || l.endsWith('-'))
  if (hyphenated !== undefined) return fail(`a part of the domain starts or ends with a hyphen ("${hyphenated}")`)
  if (asciiLabels.some((l) => l.length > LABEL_MAX)) return fail(`a part of the domain is longer than ${LABEL_MAX} characters (RFC 1035)`)
  if (ascii.length > DOMAIN_MAX) return fail(`the domain is longer than ${DOMAIN_MAX} characters (RFC 5321)`)
  return { ok: true, ascii }
}

/**
 * The domain in its ASCII form (UTS #46: lower-cased, mapped, punycode), or null if IDNA refuses it.
 * The WHATWG `URL` host parser is what `node:url`'s `domainToASCII` runs too; the global works in the
 * browser as well, where domain modules are also bundled.
 */
function toAsciiDomain(domain: string): string | null {
  try {
    return new URL(`http://${domain}/`).hostname
  } catch {
    return null
  }
}
