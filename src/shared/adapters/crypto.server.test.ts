import { describe, expect, it } from 'vitest'
import { dummyPasswordHash, hashPassword, hashToken, newToken, secureRandom, sign, tokenMatches, verifyPassword } from './crypto.server'

// scrypt costs ~50-100 ms a hash, so the hashes are made once and shared.
const password = 'correct horse battery staple'
const stored = hashPassword(password)

describe('hashPassword / verifyPassword', () => {
  it('stores scrypt with its parameters and never the password', async () => {
    const hash = await stored
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/)
    expect(hash).not.toContain(password)
  })

  it('verifies the right password', async () => {
    expect(await verifyPassword(password, await stored)).toBe(true)
  })

  it.each([
    ['a wrong password', 'correct horse battery stapler'],
    ['a different case', password.toUpperCase()],
    ['an empty password', ''],
  ])('refuses %s', async (_label, attempt) => {
    expect(await verifyPassword(attempt, await stored)).toBe(false)
  })

  it('salts: two hashes of the same password differ, and both verify', async () => {
    const [a, b] = [await stored, await hashPassword(password)]
    expect(a).not.toBe(b)
    expect(await verifyPassword(password, b)).toBe(true)
  })

  it.each([
    ['an empty string', ''],
    ['plain text', 'not-a-hash'],
    ['another scheme', 'bcrypt$32768$8$1$c2FsdA$aGFzaA'],
    ['missing parts', 'scrypt$32768$8$1$c2FsdA'],
    ['empty parts', 'scrypt$$$$$'],
    ['a hash of the wrong length', 'scrypt$1024$8$1$c2FsdA$aGFzaA'],
    // Parameters scrypt itself refuses: a damaged hash must fail the check, not throw.
    ['a cost that is not a number', 'scrypt$abc$8$1$c2FsdA$aGFzaA'],
    ['a cost that is not a power of two', 'scrypt$3$8$1$c2FsdA$aGFzaA'],
    ['a cost over the memory limit', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA'],
  ])('answers false for a malformed stored hash: %s', async (_label, malformed) => {
    await expect(verifyPassword(password, malformed)).resolves.toBe(false)
  })

  it('gives a dummy hash that has the stored form, never matches, and is reused', async () => {
    const dummy = await dummyPasswordHash()
    expect(dummy).toMatch(/^scrypt\$/)
    expect(await dummyPasswordHash()).toBe(dummy)
    expect(await verifyPassword('', dummy)).toBe(false)
  })
})

describe('hashToken / tokenMatches', () => {
  it('hashes a token to a stable SHA-256 hex digest', () => {
    // SHA-256("abc") from FIPS 180-2.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(hashToken('token-1')).toBe(hashToken('token-1'))
    expect(hashToken('token-1')).not.toBe(hashToken('token-2'))
  })

  it.each([
    ['the token itself', 'secret-token-0123456789', true],
    ['another token', 'secret-token-0123456789x', false],
    ['an empty string', '', false],
    ['the stored digest presented as the token', hashToken('secret-token-0123456789'), false],
  ])('matches %s: %s', (_label, presented, expected) => {
    expect(tokenMatches(presented, hashToken('secret-token-0123456789'))).toBe(expected)
  })

  it.each([
    ['empty', ''],
    ['not hex', 'zz'.repeat(32)],
    ['too short', 'ab'],
  ])('never matches a stored hash that is %s', (_label, storedHash) => {
    expect(tokenMatches('anything', storedHash)).toBe(false)
  })
})

describe('newToken / sign', () => {
  it('makes 32 random bytes as base64url, different every time', () => {
    const tokens = Array.from({ length: 20 }, newToken)
    for (const t of tokens) expect(t).toMatch(/^[\w-]{43}$/)
    expect(new Set(tokens).size).toBe(20)
  })

  it('signs deterministically per secret', () => {
    expect(sign('lead-1', 'secret')).toBe(sign('lead-1', 'secret'))
    expect(sign('lead-1', 'secret')).not.toBe(sign('lead-2', 'secret'))
    expect(sign('lead-1', 'secret')).not.toBe(sign('lead-1', 'other'))
  })
})

describe('secureRandom', () => {
  it('returns numbers in [0, 1) that vary', () => {
    const draws = Array.from({ length: 1000 }, () => secureRandom())
    for (const d of draws) {
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThan(1)
    }
    expect(new Set(draws).size).toBeGreaterThan(990)
  })
})
