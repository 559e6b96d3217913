import { createHash, createHmac, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Password hashing with scrypt (N=2^15, r=8, p=1: OWASP's minimum for scrypt; ~50 ms here, 32 MiB).
 * Stored form: `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later and old hashes
 * still verify.
 */
const N = 2 ** 15
const R = 8
const P = 1
const KEYLEN = 32
// scrypt needs 128 * N * r bytes; give it headroom above that.
const MAXMEM = 64 * 1024 * 1024

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, N, R, P)
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  let actual: Buffer
  try {
    actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p))
  } catch {
    // Parameters scrypt refuses (not a number, N not a power of two, over the memory limit): a damaged
    // stored hash matches nothing, like any other malformed one, instead of failing the sign-in with an error.
    return false
  }
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/**
 * A hash that costs the same as a real verification, used when the account does not exist, so the
 * response time does not reveal which emails have accounts.
 */
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

/** SHA-256 of a high-entropy token (API tokens, session ids): what is stored instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Constant-time comparison of a presented token against a stored SHA-256 hex digest. */
export function tokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(presented), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** A uniform random number in [0, 1) from the OS generator: the production random source for the domain. */
export function secureRandom(): number {
  // randomInt's range must be below 2^48; 2^48 - 1 equally likely values are ample for choosing
  // spintax alternatives and delays.
  return randomInt(2 ** 48 - 1) / (2 ** 48 - 1)
}

export function newId(): string {
  return randomUUID()
}

/** HMAC-SHA256 signature (base64url), for signed URLs such as unsubscribe links. */
export function sign(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url')
}

/** Constant-time check of a signature made by `sign`. */
export function signatureMatches(value: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(sign(value, secret), 'base64url')
  const actual = Buffer.from(signature, 'base64url')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
