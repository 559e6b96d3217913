/**
 * A lead's id is a function of its normalised address (decision 050), so the lead item is its own
 * uniqueness claim: a conditional put of `LEAD#<id>` refuses a second lead for the same address, and a
 * repeat finds its lead with one read by key. No separate `EMAIL#` item, no lookup before a write.
 *
 * Pure and deterministic (SHA-256 is computation, not I/O). The input must already be normalised
 * (decision 010, `normaliseEmail`): the id inherits every choice made there about what is "the same
 * address".
 */
import { createHash } from 'node:crypto'

// Domain separation: the digest is of this label and the address, so a lead id never equals a hash of
// the bare address computed anywhere else for another purpose. "v1" leaves room for another scheme.
const LABEL = 'drason/lead-id/v1\u0000'
export const LEAD_ID_PREFIX = 'ld_'
// 160 bits of SHA-256: among even 10^9 leads the chance of any two ids colliding is ~10^-30, far below
// that of a hardware fault. 32 base32 characters, lower case: readable in URLs, keys and logs.
const DIGEST_BYTES = 20
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** RFC 4648 base32 without padding, lower case (20 bytes = 160 bits = exactly 32 characters). */
function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** The id of the lead for a normalised address (`normaliseEmail(...).email`). */
export function leadIdFor(normalisedEmail: string): string {
  const digest = createHash('sha256').update(LABEL + normalisedEmail, 'utf8').digest()
  return LEAD_ID_PREFIX + base32(digest.subarray(0, DIGEST_BYTES))
}
