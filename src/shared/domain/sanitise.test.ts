import { describe, expect, it } from 'vitest'
import { cleanText, DEFAULT_TEXT_MAX, normaliseDomain, normaliseEmail, stripInvisible } from './sanitise'

// Lengths at and just past the RFC limits, built rather than typed so the count is visible.
const local64 = 'a'.repeat(64)
// 63 + 1 + 63 + 1 + 57 + 4 = 189; with a 64-character local part and the @: exactly 254.
const domain189 = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`
const domain190 = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`
// Four 63-character labels, three dots and ".com": 259 > 255.
const domain259 = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(63)}.com`

describe('normaliseEmail', () => {
  it.each([
    ['a plain address stays as it is', 'john@example.com', 'john@example.com'],
    ['the whole address is lower-cased, local part included', 'John.Smith@Example.COM', 'john.smith@example.com'],
    ['surrounding spaces, tabs and line breaks go', '  john@example.com\t\r\n', 'john@example.com'],
    ['surrounding NBSP goes', '\u00A0john@example.com\u00A0', 'john@example.com'],
    ['an ideographic space at the edges goes', '\u3000john@example.com\u3000', 'john@example.com'],
    ['a line separator at the end goes', 'john@example.com\u2028', 'john@example.com'],
    ['zero-width spaces inside go', 'jo\u200Bhn@exam\u200Bple.com', 'john@example.com'],
    ['ZWNJ, ZWJ, LRM and RLM go', 'j\u200Co\u200Dh\u200En\u200F@example.com', 'john@example.com'],
    ['a BOM on the first CSV cell goes', '\uFEFFjohn@example.com', 'john@example.com'],
    ['a soft hyphen goes', 'john@exam\u00ADple.com', 'john@example.com'],
    ['bidi embeddings and overrides go', '\u202Ajohn@\u202Eexample.com\u202C', 'john@example.com'],
    ['bidi isolates go', '\u2066john@example.com\u2069', 'john@example.com'],
    ['word joiner, invisible plus and Mongolian vowel separator go', 'john\u2060@example\u2064.com\u180E', 'john@example.com'],
    ['control characters go', 'jo\u0000hn@example.com\u0007\u009B', 'john@example.com'],
    ['mailto: is unwrapped', 'mailto:john@example.com', 'john@example.com'],
    ['MAILTO: in any case is unwrapped', 'MAILTO:John@Example.com', 'john@example.com'],
    ['mailto:// is unwrapped', 'mailto://john@example.com', 'john@example.com'],
    ['a mailto query is dropped', 'mailto:john@example.com?subject=Hello%20there&body=Hi', 'john@example.com'],
    ['a mailto address is percent-decoded', 'mailto:first%2Blast@example.com', 'first+last@example.com'],
    ['bad percent-encoding in a mailto is kept as typed', 'mailto:100%zz@example.com', '100%zz@example.com'],
    ['a mailto inside angle brackets', '<mailto:john@example.com>', 'john@example.com'],
    ['Name <address>', 'John Smith <john@example.com>', 'john@example.com'],
    ['"Name, Jr" <address>', '"Smith, John Jr" <John.Smith@Example.com>', 'john.smith@example.com'],
    ['Outlook style, the address as the name', '"john@example.com" <john@example.com>', 'john@example.com'],
    ['bare angle brackets', '<john@example.com>', 'john@example.com'],
    ['angle brackets with spaces inside', '< john@example.com >', 'john@example.com'],
    ['double quotes around the address', '"john@example.com"', 'john@example.com'],
    ['single quotes around the address', "'john@example.com'", 'john@example.com'],
    ['curly double quotes around the address', '\u201Cjohn@example.com\u201D', 'john@example.com'],
    ['curly single quotes around the address', '\u2018john@example.com\u2019', 'john@example.com'],
    ['a trailing semicolon', 'john@example.com;', 'john@example.com'],
    ['a trailing comma', 'john@example.com,', 'john@example.com'],
    ['a trailing full stop', 'john@example.com.', 'john@example.com'],
    ['a run of trailing punctuation', 'john@example.com.;,', 'john@example.com'],
    ['trailing punctuation after a Name <address>', 'John <john@example.com>;', 'john@example.com'],
    ['nested wrappers', ' "John" <mailto:John@Example.com?subject=Hi>, ', 'john@example.com'],
    ['a plus-tag is kept', 'john+sales@example.com', 'john+sales@example.com'],
    ['Gmail dots are kept', 'j.o.h.n@gmail.com', 'j.o.h.n@gmail.com'],
    ['every RFC 5322 atext character is allowed', "o'brien!#$%&*+-/=?^_`{|}~@example.com", "o'brien!#$%&*+-/=?^_`{|}~@example.com"],
    ['a hyphen inside a label and a multi-part suffix', 'a@my-company.co.uk', 'a@my-company.co.uk'],
    ['digits in labels, letters in the ending', 'a@123.example.io', 'a@123.example.io'],
    ['an internationalised domain is stored in punycode', 'user@bücher.example', 'user@xn--bcher-kva.example'],
    ['an upper-case internationalised domain', 'User@BÜCHER.example', 'user@xn--bcher-kva.example'],
    ['a domain already in punycode is lower-cased', 'user@XN--BCHER-KVA.example', 'user@xn--bcher-kva.example'],
    ['a Chinese domain with an ASCII local part', 'info@例子.广告', 'info@xn--fsqu00a.xn--4rr70v'],
    ['an ideographic full stop is a dot', 'info@例子。广告', 'info@xn--fsqu00a.xn--4rr70v'],
    ['fullwidth letters in the domain map to ASCII', 'info@ＥＸＡＭＰＬＥ.com', 'info@example.com'],
    ['a 64-character local part is allowed', `${local64}@example.com`, `${local64}@example.com`],
    ['a 63-character label is allowed', `a@${'b'.repeat(63)}.com`, `a@${'b'.repeat(63)}.com`],
    ['a 254-character address is allowed', `${local64}@${domain189}`, `${local64}@${domain189}`],
  ])('accepts %s', (_case, raw, email) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, email })
  })

  it.each([
    ['null', null, 'the email address is missing'],
    ['undefined', undefined, 'the email address is missing'],
    ['a number', 42, 'the email address is not text'],
    ['an object', { email: 'john@example.com' }, 'the email address is not text'],
    ['an empty string', '', 'the email address is empty'],
    ['only spaces and invisible characters', ' \u200B\u00A0\uFEFF ', 'the email address is empty'],
    ['only a mailto:', 'mailto:', 'the email address is empty'],
    ['empty angle brackets', '<>', 'the email address is empty'],
    ['empty quotes', '""', 'the email address is empty'],
    ['no @', 'john.example.com', 'the address has no @'],
    ['two @ together', 'john@@example.com', 'the address has more than one @'],
    ['two @ apart', 'a@b@example.com', 'the address has more than one @'],
    ['a quoted local part with a space', '"john doe"@example.com', 'the part before the @ is in quotes, which is not accepted'],
    ['a quoted local part with an @', '"a@b"@example.com', 'the part before the @ is in quotes, which is not accepted'],
    ['a quoted local part in Name <address>', 'John <"john doe"@example.com>', 'the part before the @ is in quotes, which is not accepted'],
    ['two addresses separated by a comma', 'john@example.com, jane@example.com', 'there is more than one address here'],
    ['two addresses separated by a space', 'john@example.com jane@example.com', 'there is more than one address here'],
    ['two Name <address> entries', 'John <john@example.com>; Jane <jane@example.com>', 'there is more than one address here'],
    ['a space in the local part', 'john doe@example.com', 'the address contains a space or line break'],
    ['a space in the domain', 'john@exam ple.com', 'the address contains a space or line break'],
    ['a line break inside', 'john@exam\nple.com', 'the address contains a space or line break'],
    ['an NBSP inside', 'john@exam\u00A0ple.com', 'the address contains a space or line break'],
    ['a name without angle brackets', 'John Smith john@example.com', 'the address contains a space or line break'],
    ['nothing before the @', '@example.com', 'the part before the @ is empty'],
    ['nothing after the @', 'john@', 'the domain (after the @) is empty'],
    [
      'an accented local part (SMTPUTF8)',
      'jöhn@example.com',
      'the part before the @ contains "ö"; international characters there cannot be sent through Amazon SES',
    ],
    [
      'a Chinese local part (SMTPUTF8)',
      '用户@例子.广告',
      'the part before the @ contains "用"; international characters there cannot be sent through Amazon SES',
    ],
    ['a parenthesis (an RFC 5322 comment)', 'john(work)@example.com', 'the part before the @ contains "(", which is not allowed in an address'],
    ['a comma in the local part', 'smith,john@example.com', 'the part before the @ contains ",", which is not allowed in an address'],
    ['a stray quote', '"john@example.com', 'the part before the @ contains """, which is not allowed in an address'],
    ['a leading dot in the local part', '.john@example.com', 'the part before the @ starts with a dot'],
    ['a trailing dot in the local part', 'john.@example.com', 'the part before the @ ends with a dot'],
    ['consecutive dots in the local part', 'john..smith@example.com', 'the part before the @ has two dots in a row'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`, 'the part before the @ is longer than 64 characters (RFC 5321)'],
    ['an IP literal', 'john@[192.168.0.1]', 'the domain is an IP address; only named domains can receive cold email'],
    ['an IPv6 literal', 'john@[IPv6:2001:db8::1]', 'the domain is an IP address; only named domains can receive cold email'],
    ['a bare IPv4 address', 'john@192.168.0.1', 'the domain is an IP address; only named domains can receive cold email'],
    ['an underscore in the domain', 'john@exa_mple.com', 'the domain contains "_", which is not allowed in a domain'],
    ['a port after the domain', 'john@example.com:25', 'the domain contains ":", which is not allowed in a domain'],
    ['a leading dot in the domain', 'john@.example.com', 'the domain starts with a dot'],
    ['a trailing ideographic full stop', 'john@example.com\u3002', 'the domain ends with a dot'],
    ['consecutive dots in the domain', 'john@example..com', 'the domain has two dots in a row'],
    ['a label starting with a hyphen', 'john@-example.com', 'a part of the domain starts or ends with a hyphen ("-example")'],
    ['a label ending with a hyphen', 'john@example-.com', 'a part of the domain starts or ends with a hyphen ("example-")'],
    ['an internationalised label starting with a hyphen', 'john@-bücher.example', 'a part of the domain starts or ends with a hyphen ("-bücher")'],
    ['a fullwidth hyphen that maps to a leading hyphen', 'john@\uFF0Dexample.com', 'a part of the domain starts or ends with a hyphen ("-example")'],
    ['a domain with no dot', 'john@localhost', 'the domain has no dot, so it lacks an ending such as .com'],
    ['a numeric-only ending', 'john@example.123', 'the domain ends in digits only; a real ending such as .com has letters'],
    ['invalid punycode', 'john@xn--abc.com', 'the domain is not a valid domain name'],
    ['a character IDNA refuses', 'john@exa\u2488mple.com', 'the domain is not a valid domain name'],
    ['a 64-character label', `john@${'b'.repeat(64)}.com`, 'a part of the domain is longer than 63 characters (RFC 1035)'],
    // 58 characters in Unicode, 64 in punycode: the limit applies to what DNS sees.
    ['a label too long once in punycode', `john@${'ü'.repeat(58)}.com`, 'a part of the domain is longer than 63 characters (RFC 1035)'],
    ['a 259-character domain', `a@${domain259}`, 'the domain is longer than 255 characters (RFC 5321)'],
    ['a 255-character address', `${local64}@${domain190}`, 'the address is longer than 254 characters (RFC 5321)'],
  ])('refuses %s', (_case, raw, reason) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, reason })
  })

  it('gives the same address however it was pasted, so duplicates are found', () => {
    const pasted = ['John@Example.com', ' mailto:JOHN@example.COM ', '"John" <john@EXAMPLE.com>;', '\uFEFFjohn@exam\u200Bple.com.']
    expect(new Set(pasted.map((p) => JSON.stringify(normaliseEmail(p))))).toEqual(new Set([JSON.stringify({ ok: true, email: 'john@example.com' })]))
  })

  // An ASCII domain skips the URL host parser (its ASCII form is its lower case) unless the parser would
  // judge it: a punycode label, or a last label it reads as a hexadecimal number.
  it.each(['Sub.Example.CO.IN', 'mail-1.example.com', 'host.0x1F', 'host.0X', 'host.0x1g', 'a.1e3', '0x1f.example.com', 'xn--bcher-kva.de', 'XN--BCHER-KVA.DE', 'a.xn--zz', 'axn--b.com'])(
    'treats the ASCII domain %s exactly as the URL host parser does',
    (domain) => {
      let viaUrl: string | null
      try {
        viaUrl = new URL(`http://${domain}/`).hostname
      } catch {
        viaUrl = null
      }
      expect(normaliseEmail(`user@${domain}`)).toEqual(viaUrl === null ? { ok: false, reason: 'the domain is not a valid domain name' } : { ok: true, email: `user@${viaUrl}` })
    },
  )

  it('is idempotent: a normalised address normalises to itself', () => {
    for (const raw of ['"Smith, John" <John.Smith@Bücher.example>', 'mailto:first%2Blast@Example.com?x=1']) {
      const once = normaliseEmail(raw)
      expect(once.ok).toBe(true)
      if (once.ok) expect(normaliseEmail(once.email)).toEqual(once)
    }
  })
})

describe('cleanText', () => {
  it.each([
    ['surrounding spaces are trimmed', '  Jane  ', 'Jane'],
    ['an NBSP becomes a space', 'Jane\u00A0Doe', 'Jane Doe'],
    ['a narrow NBSP and a thin space become spaces', 'Jane\u202FDoe\u2009Ltd', 'Jane Doe Ltd'],
    ['an ideographic space becomes a space and runs collapse', '北京 \u3000 公司', '北京 公司'],
    ['a zero-width space is removed, not made a space', 'Jane\u200BDoe', 'JaneDoe'],
    ['tabs and line breaks collapse to one space', 'Acme\t\tInc.\r\n', 'Acme Inc.'],
    ['a line break between words becomes a space', 'Jane\nDoe', 'Jane Doe'],
    ['line and paragraph separators become spaces', 'a\u2028b\u2029c', 'a b c'],
    ['NEL becomes a space', 'a\u0085b', 'a b'],
    ['a BOM is removed', '\uFEFFAcme', 'Acme'],
    ['a soft hyphen is removed', 'Ac\u00ADme', 'Acme'],
    ['bidi overrides are removed', '\u202EAcme\u202C Corp', 'Acme Corp'],
    ['C0 control characters are removed', 'Ac\u0000me\u0007', 'Acme'],
    ['DEL and C1 control characters are removed', 'Acme\u007F\u009B', 'Acme'],
    ['a lone surrogate is removed', 'Ac\uD800me', 'Acme'],
    ['an invisible character between spaces leaves one space', 'Jane \u200B Doe', 'Jane Doe'],
    ['accents and other scripts are kept', 'José  Müller', 'José Müller'],
    ['emoji and variation selectors are kept', 'Acme \u2764\uFE0F 😀', 'Acme \u2764\uFE0F 😀'],
    ['only whitespace is empty', ' \t\n ', ''],
    ['only invisible characters is empty', '\u200B\u2060\uFEFF', ''],
  ])('%s', (_case, raw, cleaned) => {
    expect(cleanText(raw)).toBe(cleaned)
  })

  it.each([
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['an object', { name: 'Jane' }, ''],
    ['an array', ['Jane'], ''],
    ['NaN', Number.NaN, ''],
    ['Infinity', Number.POSITIVE_INFINITY, ''],
    ['a whole number', 42, '42'],
    ['a decimal', 3.5, '3.5'],
    ['a boolean', true, 'true'],
    ['a bigint', 10n, '10'],
  ])('turns %s into exact text', (_case, raw, cleaned) => {
    expect(cleanText(raw)).toBe(cleaned)
  })

  it.each([
    ['the default cap', 'a'.repeat(300), undefined, 'a'.repeat(DEFAULT_TEXT_MAX)],
    ['exactly at the cap', 'a'.repeat(256), undefined, 'a'.repeat(256)],
    ['a smaller cap', 'Jane Doe', 4, 'Jane'],
    ['a cut that ends on a space is trimmed', 'Jane Doe', 5, 'Jane'],
    ['counted in code points, so an emoji is not split', '😀😀😀', 2, '😀😀'],
    ['a string of UTF-16 units above the cap but code points within it', '😀😀', 2, '😀😀'],
    ['counted after cleaning', '  a\u200Bb  ', 2, 'ab'],
    ['a cap of zero', 'Jane', 0, ''],
  ])('caps: %s', (_case, raw, max, cleaned) => {
    expect(cleanText(raw, max)).toBe(cleaned)
  })

  it.each([[-1], [1.5], [Number.NaN]])('refuses a cap of %s as a programming error', (max) => {
    expect(() => cleanText('Jane', max)).toThrow(RangeError)
  })
})

describe('stripInvisible', () => {
  it.each([
    ['zero-width space, non-joiner, joiner', 'a\u200Bb\u200Cc\u200Dd', 'abcd'],
    ['left-to-right and right-to-left marks and the Arabic letter mark', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
    ['bidi embeddings, overrides and isolates', '\u202A\u202B\u202C\u202D\u202Ea\u2066\u2067\u2068\u2069', 'a'],
    ['word joiner and invisible maths operators', 'a\u2060\u2061\u2062\u2063\u2064b', 'ab'],
    ['BOM, soft hyphen, grapheme joiner, Mongolian vowel separator', '\uFEFFa\u00ADb\u034Fc\u180Ed', 'abcd'],
    ['Hangul fillers', '\u3164a\uFFA0', 'a'],
    ['spaces, NBSP and line breaks are not invisible: kept', 'a \u00A0\n\tb', 'a \u00A0\n\tb'],
    ['control characters are left to the caller', 'a\u0000b', 'a\u0000b'],
    ['visible text is untouched', 'Zoë 北京 😀', 'Zoë 北京 😀'],
  ])('%s', (_case, raw, stripped) => {
    expect(stripInvisible(raw)).toBe(stripped)
  })
})

describe('normaliseDomain (a whole domain a person types, to suppress)', () => {
  it.each([
    ['a plain domain stays as it is', 'example.com', 'example.com'],
    ['it is lower-cased', 'Mail.Example.COM', 'mail.example.com'],
    ['a leading @ means the domain after it', '@example.com', 'example.com'],
    ['spaces, NBSP and zero-width characters go', '\u00A0 exam\u200Bple.com \t', 'example.com'],
    ['an internationalised domain is stored in punycode', 'Bücher.example', 'xn--bcher-kva.example'],
  ])('%s', (_why, raw, expected) => {
    expect(normaliseDomain(raw)).toEqual({ ok: true, domain: expected })
  })

  it.each([
    ['nothing', '', 'the domain is empty'],
    ['only an @', ' @ ', 'the domain is empty'],
    ['an address', 'priya@example.com', 'that is an address, not a domain'],
    ['a space inside', 'exa mple.com', 'the domain contains a space or line break'],
    ['no dot', 'localhost', 'the domain has no dot, so it lacks an ending such as .com'],
    ['an IP address', '192.168.1.1', 'the domain is an IP address; only named domains can receive cold email'],
    ['not text', 42, 'the domain is missing'],
  ])('refuses %s', (_why, raw, reason) => {
    expect(normaliseDomain(raw)).toEqual({ ok: false, reason })
  })
})
