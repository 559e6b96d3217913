import { describe, expect, it } from 'vitest'
import {
  clampedNormalCdf,
  clampedNormalMoments,
  delayDistribution,
  gaussianDelaySeconds,
  ksDistance,
  normalCdf,
  splitIntoHops,
  SQS_MAX_DELAY_SECONDS,
  summary,
  type Cdf,
  type DelayDistribution,
} from './pacing'
import { seededRandom, type Random } from './random'
import { DEFAULT_SETTINGS } from './settings'

const dist = (meanSeconds: number, sdSeconds: number, minSeconds: number, maxSeconds: number): DelayDistribution => ({
  meanSeconds,
  sdSeconds,
  minSeconds,
  maxSeconds,
})
const DEFAULT = dist(120, 30, 60, 180)

/** A `random` that replays fixed values, and counts how many it was asked for. */
function replay(values: number[]): Random & { calls: () => number } {
  let i = 0
  return Object.assign(() => values[i++ % values.length]!, { calls: () => i })
}

const draws = (d: DelayDistribution, seed: number, n: number): number[] => {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => gaussianDelaySeconds(d, random))
}

/** Moments of the clamped normal by brute-force numerical integration: an independent check of the formula. */
function integratedMoments(d: DelayDistribution): { mean: number; sd: number } {
  const below = normalCdf((d.minSeconds - d.meanSeconds) / d.sdSeconds)
  const above = 1 - normalCdf((d.maxSeconds - d.meanSeconds) / d.sdSeconds)
  let m1 = below * d.minSeconds + above * d.maxSeconds
  let m2 = below * d.minSeconds ** 2 + above * d.maxSeconds ** 2
  const steps = 200_000
  const h = (d.maxSeconds - d.minSeconds) / steps
  for (let k = 0; k < steps; k++) {
    const x = d.minSeconds + (k + 0.5) * h // midpoint rule
    const density = Math.exp(-(((x - d.meanSeconds) / d.sdSeconds) ** 2) / 2) / (d.sdSeconds * Math.sqrt(2 * Math.PI))
    m1 += x * density * h
    m2 += x * x * density * h
  }
  return { mean: m1, sd: Math.sqrt(m2 - m1 * m1) }
}

describe('gaussianDelaySeconds', () => {
  const N = 20_000
  // Kolmogorov's asymptotic critical value at α = 1% is 1.63/√n (1.36/√n is α = 5%). With point masses the
  // true critical values are smaller, so the bound is conservative: a correct sampler passes it for at least
  // 99% of seeds, and the negative controls below show it is still tight enough to catch a 5-second shift.
  const KS_BOUND = 1.63 / Math.sqrt(N)

  it.each([
    ['the defaults (bounds at ±2 sd)', DEFAULT, 1],
    ['the defaults, another seed', DEFAULT, 20261121],
    ['a narrow sd (bounds at ±6 sd, almost never clamped)', dist(120, 10, 60, 180), 7],
    ['a wide sd (bounds at ±1 sd, a third clamped)', dist(120, 60, 60, 180), 8],
    ['a mean off centre', dist(90, 40, 60, 180), 9],
    ['a mean above max (mostly clamped to max)', dist(200, 30, 60, 180), 10],
    ['a long delay setting', dist(1200, 300, 600, 1800), 11],
  ])('follows the clamped normal for %s', (_label, d, seed) => {
    const samples = draws(d, seed, N)
    const stats = summary(samples)
    const theory = clampedNormalMoments(d)

    expect(stats.min).toBeGreaterThanOrEqual(d.minSeconds)
    expect(stats.max).toBeLessThanOrEqual(d.maxSeconds)
    // Standard error of the mean is sd/√n; 4 of them is a 1-in-15,000 miss for a correct sampler.
    expect(Math.abs(stats.mean - theory.mean)).toBeLessThan((4 * theory.sd) / Math.sqrt(N))
    // The sample sd's standard error is about sd/√(2n) (normal tails; clamped tails are lighter), again 4 of them.
    expect(Math.abs(stats.sd - theory.sd)).toBeLessThan((4 * theory.sd) / Math.sqrt(2 * N))
    expect(ksDistance(samples, clampedNormalCdf(d))).toBeLessThan(KS_BOUND)
  })

  it('exceeds the 95% KS bound (1.36/√n) for about 5% of seeds, as a correct sampler should', () => {
    // 400 independent seeded runs of 2,000 draws: the count above the α = 5% bound is Binomial(400, ≤ 0.05),
    // mean ≤ 20, sd ≈ 4.4. Far more means the draws are off; none at all would mean the bound is too loose.
    const n = 2000
    const bound = 1.36 / Math.sqrt(n)
    const cdf = clampedNormalCdf(DEFAULT)
    let above = 0
    for (let seed = 1000; seed < 1400; seed++) if (ksDistance(draws(DEFAULT, seed, n), cdf) > bound) above++
    expect(above).toBeGreaterThan(5)
    expect(above).toBeLessThan(35)
  })

  it('puts the clamped tails on min and max in the expected share (about 2.3% each by default)', () => {
    const samples = draws(DEFAULT, 3, N)
    const expected = normalCdf(-2) // P(Z < -2) = P(Z > 2)
    // Binomial standard error √(p(1-p)/n) ≈ 0.00105; allow 4 of them.
    const tolerance = 4 * Math.sqrt((expected * (1 - expected)) / N)
    expect(Math.abs(samples.filter((x) => x === 60).length / N - expected)).toBeLessThan(tolerance)
    expect(Math.abs(samples.filter((x) => x === 180).length / N - expected)).toBeLessThan(tolerance)
  })

  it.each([
    ['a mean 5 s too high', dist(125, 30, 60, 180)],
    ['an sd 20% too wide', dist(120, 36, 60, 180)],
    ['no clamping at all', dist(120, 30, -1e9, 1e9)],
  ])('KS check rejects draws from %s (negative control)', (_label, wrong) => {
    const samples = draws(wrong, 4, N)
    expect(ksDistance(samples, clampedNormalCdf(DEFAULT))).toBeGreaterThan(KS_BOUND)
  })

  it.each([
    // [u1, u2] as returned by random(); Box–Muller uses 1 - u1, so u1 = 1 - e^-0.5 gives a radius of exactly 1.
    ['radius 1, angle 0 → mean + 1 sd', [1 - Math.exp(-0.5), 0], 150],
    ['radius 1, angle π → mean - 1 sd', [1 - Math.exp(-0.5), 0.5], 90],
    ['radius 1, angle π/2 → the mean', [1 - Math.exp(-0.5), 0.25], 120],
    ['random() = 0 → radius 0 → the mean (no log of 0)', [0, 0.1], 120],
    ['radius 2, angle 0 → exactly max', [1 - Math.exp(-2), 0], 180],
    ['radius 2, angle π → exactly min', [1 - Math.exp(-2), 0.5], 60],
    ['a huge radius → clamped to max', [1 - 2 ** -32, 0], 180],
    ['a huge radius the other way → clamped to min', [1 - 2 ** -32, 0.5], 60],
  ])('maps fixed random values: %s', (_label, values, expected) => {
    expect(gaussianDelaySeconds(DEFAULT, replay(values))).toBeCloseTo(expected, 9)
  })

  it('uses exactly two random values per draw, so a seeded run replays step by step', () => {
    const random = replay([0.3, 0.6, 0.9, 0.1])
    gaussianDelaySeconds(DEFAULT, random)
    gaussianDelaySeconds(DEFAULT, random)
    expect(random.calls()).toBe(4)
    expect(draws(DEFAULT, 42, 50)).toEqual(draws(DEFAULT, 42, 50))
    expect(draws(DEFAULT, 42, 50)).not.toEqual(draws(DEFAULT, 43, 50))
  })

  it.each([
    ['sd 0 → always the mean', dist(120, 0, 60, 180), 120],
    ['sd 0 with the mean below min → min', dist(30, 0, 60, 180), 60],
    ['min = max → always that value', dist(120, 30, 90, 90), 90],
  ])('is degenerate when it should be: %s', (_label, d, expected) => {
    const random = seededRandom(5)
    for (let i = 0; i < 100; i++) expect(gaussianDelaySeconds(d, random)).toBe(expected)
  })

  it.each([
    ['min above max', dist(120, 30, 180, 60)],
    ['a negative sd', dist(120, -1, 60, 180)],
    ['a NaN mean', dist(Number.NaN, 30, 60, 180)],
    ['an infinite sd', dist(120, Infinity, 60, 180)],
  ])('refuses %s', (_label, d) => {
    expect(() => gaussianDelaySeconds(d, seededRandom(1))).toThrow(RangeError)
  })

  it('reads its policy from settings', () => {
    expect(delayDistribution(DEFAULT_SETTINGS.sending)).toEqual(DEFAULT)
  })
})

describe('splitIntoHops', () => {
  it.each([
    [0, [0]],
    [1, [1]],
    [60, [60]],
    [120.2, [121]], // rounded up: never shorter than drawn
    [899, [899]],
    [900, [900]],
    [900.5, [900, 1]],
    [901, [900, 1]],
    [1800, [900, 900]],
    [1801, [900, 900, 1]],
    [3600, [900, 900, 900, 900]],
  ])('splits %s s into %j', (seconds, hops) => {
    expect(splitIntoHops(seconds)).toEqual(hops)
  })

  it.each([
    ['a day', 86_400, 96],
    ['Friday 17:00 to Monday 09:00', 64 * 3600, 256],
  ])('splits a long wait (%s) into full 900 s hops', (_label, seconds, count) => {
    const hops = splitIntoHops(seconds)
    expect(hops).toHaveLength(count)
    expect(hops.every((h) => h === SQS_MAX_DELAY_SECONDS)).toBe(true)
  })

  it('keeps every hop a whole number of seconds in 0..900 summing to the wait, for 2,000 random waits', () => {
    const random = seededRandom(99)
    for (let i = 0; i < 2000; i++) {
      const wait = random() * 20_000
      const hops = splitIntoHops(wait)
      expect(hops.reduce((a, b) => a + b, 0)).toBe(Math.ceil(wait))
      expect(hops.every((h) => Number.isInteger(h) && h >= 0 && h <= SQS_MAX_DELAY_SECONDS)).toBe(true)
      // Full hops first: only the last one may be short, so the count is the minimum possible.
      expect(hops.slice(0, -1).every((h) => h === SQS_MAX_DELAY_SECONDS)).toBe(true)
      expect(hops).toHaveLength(Math.max(1, Math.ceil(Math.ceil(wait) / SQS_MAX_DELAY_SECONDS)))
    }
  })

  it('splits every paced delay into a single hop', () => {
    const random = seededRandom(6)
    for (let i = 0; i < 1000; i++) expect(splitIntoHops(gaussianDelaySeconds(DEFAULT, random))).toHaveLength(1)
  })

  it.each([[-1], [Number.NaN], [Infinity]])('refuses a wait of %s', (seconds) => {
    expect(() => splitIntoHops(seconds)).toThrow(RangeError)
  })
})

describe('ksDistance', () => {
  const uniform: Cdf = (x) => Math.min(1, Math.max(0, x))
  const pointMassAt1: Cdf = Object.assign((x: number) => (x >= 1 ? 1 : 0), { before: (x: number) => (x > 1 ? 1 : 0) })

  it.each([
    ['one sample in the middle', [0.5], uniform, 0.5],
    ['one sample low', [0.25], uniform, 0.75],
    ['one sample high', [0.9], uniform, 0.9],
    ['two samples at the quartiles', [0.75, 0.25], uniform, 0.25],
    ['tied samples', [0.5, 0.5], uniform, 0.5],
    ['the ideal 10-point grid', Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10), uniform, 0.05],
    ['samples all below the support', [-1, -2], uniform, 1],
    ['a point mass, described with `before`', [1, 1, 1], pointMassAt1, 0],
    ['a point mass, half the samples elsewhere', [1, 1, 2, 2], pointMassAt1, 0.5],
  ])('measures %s', (_label, samples, cdf, expected) => {
    expect(ksDistance(samples, cdf)).toBeCloseTo(expected, 12)
  })

  it('needs `before` for a point mass: without it the jump looks like a full miss', () => {
    expect(ksDistance([1, 1, 1], (x) => (x >= 1 ? 1 : 0))).toBe(1)
  })

  it('does not reorder the samples it is given', () => {
    const samples = [0.9, 0.1, 0.5]
    ksDistance(samples, uniform)
    expect(samples).toEqual([0.9, 0.1, 0.5])
  })

  it.each([
    ['no samples', []],
    ['a NaN sample', [0.5, Number.NaN]],
  ])('refuses %s', (_label, samples) => {
    expect(() => ksDistance(samples, uniform)).toThrow(RangeError)
  })
})

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447461],
    [-1, 0.1586552539],
    [1.959964, 0.975],
    [-2, 0.0227501319],
    [-3, 0.0013498980],
    [8, 1],
  ])('Φ(%s) = %s (to 1e-7)', (z, expected) => {
    expect(Math.abs(normalCdf(z) - expected)).toBeLessThan(2e-7)
  })
})

describe('clampedNormalCdf', () => {
  const F = clampedNormalCdf(DEFAULT)

  it.each([
    [59.999, 0, 0],
    [60, normalCdf(-2), 0], // the point mass at min: P(X <= 60) = Φ(-2), P(X < 60) = 0
    [60.001, normalCdf(-2), normalCdf(-2)],
    [120, 0.5, 0.5],
    [150, normalCdf(1), normalCdf(1)],
    [180, 1, normalCdf(2)], // the point mass at max
    [180.001, 1, 1],
  ])('at %s s: P(X <= x) = %s and P(X < x) = %s', (x, atOrBelow, below) => {
    expect(F(x)).toBeCloseTo(atOrBelow, 4)
    expect(F.before!(x)).toBeCloseTo(below, 4)
  })

  it.each([
    ['sd 0', dist(120, 0, 60, 180), 120],
    ['min = max', dist(120, 30, 90, 90), 90],
  ])('is a single step for %s', (_label, d, at) => {
    const step = clampedNormalCdf(d)
    expect([step(at - 0.001), step(at), step.before!(at), step.before!(at + 0.001)]).toEqual([0, 1, 0, 1])
  })
})

describe('clampedNormalMoments', () => {
  it.each([
    ['the defaults', DEFAULT],
    ['a wide sd', dist(120, 60, 60, 180)],
    ['a mean off centre', dist(90, 40, 60, 180)],
    ['a mean above max', dist(200, 30, 60, 180)],
  ])('agrees with numerical integration for %s', (_label, d) => {
    const closed = clampedNormalMoments(d)
    const numeric = integratedMoments(d)
    expect(closed.mean).toBeCloseTo(numeric.mean, 3)
    expect(closed.sd).toBeCloseTo(numeric.sd, 3)
  })

  it.each([
    ['bounds far away: the plain normal', dist(120, 30, -1e6, 1e6), 120, 30],
    ['symmetric bounds keep the mean', dist(120, 60, 60, 180), 120, null],
    ['sd 0: the clamped mean', dist(200, 0, 60, 180), 180, 0],
  ])('%s', (_label, d, mean, sd) => {
    const m = clampedNormalMoments(d)
    expect(m.mean).toBeCloseTo(mean, 6)
    if (sd !== null) expect(m.sd).toBeCloseTo(sd, 6)
  })

  it('shrinks the sd by clamping: about 28.8 s instead of 30 s by default', () => {
    expect(clampedNormalMoments(DEFAULT).sd).toBeCloseTo(28.78, 2)
  })
})

describe('summary', () => {
  it.each([
    ['one sample', [5], { n: 1, mean: 5, sd: 0, min: 5, max: 5 }],
    ['1..4', [1, 2, 3, 4], { n: 4, mean: 2.5, sd: Math.sqrt(5 / 3), min: 1, max: 4 }],
    ['the textbook eight', [2, 4, 4, 4, 5, 5, 7, 9], { n: 8, mean: 5, sd: Math.sqrt(32 / 7), min: 2, max: 9 }],
    ['negatives', [-1, 1], { n: 2, mean: 0, sd: Math.SQRT2, min: -1, max: 1 }],
    ['a large offset (no cancellation)', [1e9 + 1, 1e9 + 2, 1e9 + 3], { n: 3, mean: 1e9 + 2, sd: 1, min: 1e9 + 1, max: 1e9 + 3 }],
  ])('summarises %s', (_label, samples, expected) => {
    const s = summary(samples)
    expect(s.n).toBe(expected.n)
    expect(s.mean).toBeCloseTo(expected.mean, 9)
    expect(s.sd).toBeCloseTo(expected.sd, 9)
    expect([s.min, s.max]).toEqual([expected.min, expected.max])
  })

  it('refuses no samples', () => {
    expect(() => summary([])).toThrow(RangeError)
  })
})
