import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { leadIdFor } from './lead-id'
import { normaliseEmail } from './sanitise'

const normalised = (raw: string) => {
  const r = normaliseEmail(raw)
  if (!r.ok) throw new Error(r.reason)
  return r.email
}

describe('leadIdFor', () => {
  it('is the prefix and 32 lower-case base32 characters', () => {
    expect(leadIdFor('priya@acme.in')).toMatch(/^ld_[a-z2-7]{32}$/)
  })

  it('is stable: the same address always gives the same id (a stored lead must be found again)', () => {
    // Pinned: changing the label, the digest or the encoding would orphan every stored lead.
    expect(leadIdFor('priya@acme.in')).toBe(leadIdFor('priya@acme.in'))
    const digest = createHash('sha256').update('drason/lead-id/v1\u0000priya@acme.in').digest().subarray(0, 20)
    expect(leadIdFor('priya@acme.in')).toBe(`ld_${base32Reference(digest)}`)
  })

  it.each([
    ['Priya@ACME.in', 'priya@acme.in'],
    [' priya@acme.in\u200b', 'priya@acme.in'],
    ['Priya Sharma <priya@acme.in>', 'priya@acme.in'],
    ['mailto:priya@acme.in', 'priya@acme.in'],
  ])('gives %j the id of %j once normalised', (raw, plain) => {
    expect(leadIdFor(normalised(raw))).toBe(leadIdFor(plain))
  })

  it.each([
    ['priya@acme.in', 'priya+sales@acme.in'],
    ['priya@acme.in', 'p.riya@acme.in'],
    ['priya@acme.in', 'priya@acme.co.in'],
    ['a@b.cd', 'a@b.ce'],
  ])('gives different addresses different ids (%s, %s)', (a, b) => {
    expect(leadIdFor(a)).not.toBe(leadIdFor(b))
  })

  it('spreads 20,000 addresses over 20,000 distinct ids', () => {
    const ids = new Set(Array.from({ length: 20_000 }, (_, i) => leadIdFor(`lead.${i}@example.com`)))
    expect(ids.size).toBe(20_000)
  })
})

/** An independent base32 (RFC 4648, lower case, unpadded) via a bit string, to check the encoder. */
function base32Reference(bytes: Uint8Array): string {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('')
  let out = ''
  for (let i = 0; i < bits.length; i += 5) out += 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)]
  return out
}
