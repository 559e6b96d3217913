/** Small statistics helpers: medians resist the odd slow run (a GC pause, a busy CPU) better than means. */

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b)
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no samples')
  const s = sorted(xs)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Nearest-rank percentile (p in 0..100): always one of the measured values, never an interpolation. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of no samples')
  const s = sorted(xs)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits))
