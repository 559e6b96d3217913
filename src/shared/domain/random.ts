/**
 * A seeded pseudo-random source (mulberry32): the domain never calls Math.random, so anything random
 * (spintax choice, Gaussian delays, demo data) is reproducible from its seed in tests.
 */
export type Random = () => number

export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function pickOne<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pickOne needs at least one item')
  return items[Math.floor(random() * items.length)]!
}
