import type { Random } from './random'
import type { Settings } from './settings'

/**
 * Pacing: the wait between two sends of a campaign, drawn from a normal distribution so the intervals look
 * like a person working through a list rather than a timer, plus the statistics the tests (and the bench)
 * use to check that the draws really follow that distribution.
 *
 * Clamping, not resampling: a draw outside [min, max] becomes min or max. The product brief says "default
 * mean 2 min, clamped to 1-3 min", and clamping keeps every draw to exactly two calls of `random`, so a
 * seeded run is reproducible step by step however the draws fall. The cost is two point masses: with the
 * defaults (mean 120 s, sd 30 s, bounds at ±2 sd) about 2.3% of waits are exactly 60 s and 2.3% exactly
 * 180 s. Resampling (a truncated normal) would remove them but needs an unbounded number of draws; if the
 * point masses ever matter, lower the sd rather than change the rule.
 */
export interface DelayDistribution {
  meanSeconds: number
  sdSeconds: number
  minSeconds: number
  maxSeconds: number
}

/** The pacing policy from settings (`sending.delay*`), as a distribution. */
export function delayDistribution(sending: Settings['sending']): DelayDistribution {
  return {
    meanSeconds: sending.delayMeanSeconds,
    sdSeconds: sending.delaySdSeconds,
    minSeconds: sending.delayMinSeconds,
    maxSeconds: sending.delayMaxSeconds,
  }
}

function assertDistribution(dist: DelayDistribution): void {
  const { meanSeconds, sdSeconds, minSeconds, maxSeconds } = dist
  if (![meanSeconds, sdSeconds, minSeconds, maxSeconds].every(Number.isFinite)) {
    throw new RangeError('a delay distribution needs finite numbers')
  }
  if (sdSeconds < 0) throw new RangeError(`delay sd must not be negative (got ${sdSeconds})`)
  if (minSeconds > maxSeconds) throw new RangeError(`delay min ${minSeconds} s is above max ${maxSeconds} s`)
}

const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x))

/**
 * One wait in seconds (not rounded: `splitIntoHops` rounds up to the whole seconds SQS takes). Box–Muller
 * from two calls of `random`; the second normal of the pair is dropped so the function keeps no state.
 */
export function gaussianDelaySeconds(dist: DelayDistribution, random: Random): number {
  assertDistribution(dist)
  // random() is in [0, 1); 1 - u is in (0, 1], so the logarithm is always finite.
  const u1 = 1 - random()
  const u2 = random()
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
  return clamp(dist.meanSeconds + dist.sdSeconds * z, dist.minSeconds, dist.maxSeconds)
}

/**
 * SQS accepts DelaySeconds from 0 to 900 (15 minutes) per message and rejects anything longer; per-message
 * delays also exist only on standard queues, which is why the pulse queue is not FIFO. A longer wait (a
 * delay setting above 15 minutes, or waiting for the sending window to open) is a chain of messages.
 */
export const SQS_MAX_DELAY_SECONDS = 900

/**
 * A wait as the DelaySeconds of successive queue hops, each at most 900 s, full hops first. The wait is
 * rounded up to whole seconds (SQS takes integers; rounding up never makes a wait shorter than drawn, so
 * the minimum delay holds). A zero wait is one hop of 0 s: the next pulse is still one message.
 */
export function splitIntoHops(seconds: number): number[] {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`a wait must be a finite number of seconds >= 0 (got ${seconds})`)
  let remaining = Math.ceil(seconds)
  const hops: number[] = []
  while (remaining > SQS_MAX_DELAY_SECONDS) {
    hops.push(SQS_MAX_DELAY_SECONDS)
    remaining -= SQS_MAX_DELAY_SECONDS
  }
  hops.push(remaining)
  return hops
}

/**
 * A cumulative distribution function, P(X <= x). A distribution with point masses also gives `before`,
 * P(X < x); without it the distribution is taken to be continuous (the two are equal).
 */
export interface Cdf {
  (x: number): number
  before?: (x: number) => number
}

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the samples' empirical CDF and `cdf`. Both sides of
 * every jump are compared, so a distribution with point masses (the clamped normal) is measured correctly
 * when it provides `cdf.before`.
 */
export function ksDistance(samples: readonly number[], cdf: Cdf): number {
  if (samples.length === 0) throw new RangeError('ksDistance needs at least one sample')
  if (samples.some((x) => Number.isNaN(x))) throw new RangeError('ksDistance got a NaN sample')
  const before = cdf.before ?? cdf
  const sorted = [...samples].sort((a, b) => a - b)
  const n = sorted.length
  let distance = 0
  let i = 0
  while (i < n) {
    const value = sorted[i]!
    let j = i
    while (j < n && sorted[j] === value) j++
    // Just below `value` the empirical CDF is i/n; at `value` it is j/n. Between sample values it is flat
    // and the CDF only rises, so the largest gaps are at these two points.
    distance = Math.max(distance, Math.abs(j / n - cdf(value)), Math.abs(i / n - before(value)))
    i = j
  }
  return distance
}

/** Standard normal density. */
function normalPdf(z: number): number {
  return Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)
}

/**
 * Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7): far finer than
 * the 0.01-scale gaps the KS checks look at.
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-x * x)
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/**
 * The CDF of `gaussianDelaySeconds`' output: the normal CDF between min and max, with the clamped tails as
 * point masses at min (P = Φ(a)) and max (P = 1 - Φ(b)). With sd 0 (or min = max) it is one step.
 */
export function clampedNormalCdf(dist: DelayDistribution): Cdf {
  assertDistribution(dist)
  const { meanSeconds: mu, sdSeconds: sd, minSeconds: min, maxSeconds: max } = dist
  if (sd === 0 || min === max) {
    const at = clamp(mu, min, max)
    return Object.assign((x: number) => (x >= at ? 1 : 0), { before: (x: number) => (x > at ? 1 : 0) })
  }
  const phi = (x: number) => normalCdf((x - mu) / sd)
  return Object.assign((x: number) => (x < min ? 0 : x >= max ? 1 : phi(x)), {
    before: (x: number) => (x <= min ? 0 : x > max ? 1 : phi(x)),
  })
}

/**
 * Theoretical mean and sd of the clamped normal. With a = (min-μ)/σ, b = (max-μ)/σ and Z clamped to [a, b]:
 *   E[Z]  = aΦ(a) + b(1-Φ(b)) + φ(a) - φ(b)
 *   E[Z²] = a²Φ(a) + b²(1-Φ(b)) + Φ(b) - Φ(a) + aφ(a) - bφ(b)
 * (the middle terms are ∫ z φ and ∫ z² φ over [a, b]). The tests compare draws with these; the bench can
 * use the mean for expected sends per hour.
 */
export function clampedNormalMoments(dist: DelayDistribution): { mean: number; sd: number } {
  assertDistribution(dist)
  const { meanSeconds: mu, sdSeconds: sd, minSeconds: min, maxSeconds: max } = dist
  if (sd === 0 || min === max) return { mean: clamp(mu, min, max), sd: 0 }
  const a = (min - mu) / sd
  const b = (max - mu) / sd
  const [Pa, Pb, pa, pb] = [normalCdf(a), normalCdf(b), normalPdf(a), normalPdf(b)]
  const m1 = a * Pa + b * (1 - Pb) + pa - pb
  const m2 = a * a * Pa + b * b * (1 - Pb) + (Pb - Pa) + a * pa - b * pb
  return { mean: mu + sd * m1, sd: sd * Math.sqrt(Math.max(0, m2 - m1 * m1)) }
}

export interface Summary {
  n: number
  mean: number
  /** Sample standard deviation (n - 1 in the denominator); 0 for a single sample. */
  sd: number
  min: number
  max: number
}

/** Count, mean, sd, min and max of a set of samples (for tests, the bench and the pacing screen). */
export function summary(samples: readonly number[]): Summary {
  const n = samples.length
  if (n === 0) throw new RangeError('summary needs at least one sample')
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (const x of samples) {
    sum += x
    if (x < min) min = x
    if (x > max) max = x
  }
  const mean = sum / n
  // Two passes: summing squared deviations from the mean avoids the cancellation of sum(x²) - n·mean².
  let squares = 0
  for (const x of samples) squares += (x - mean) ** 2
  return { n, mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, min, max }
}
