/**
 * Pure: the geometry of the Overview's activity chart (sends, hard bounces and complaints per day) as
 * data, so the component only draws it and the numbers can be tested without rendering.
 *
 * Input rules (decided here, tested in chart.test.ts):
 * - Counts come from stored counters and should be whole and non-negative. A count that is negative, NaN
 *   or infinite is drawn as 0 and a fractional one is rounded down; `adjusted` says how many were changed,
 *   so a caller can log it. A broken counter must not take the Overview page down with it.
 * - Days are drawn oldest first whatever order they arrive in (ISO `YYYY-MM-DD` sorts as text). They are
 *   not filled in or merged: the chart shows exactly the days it is given.
 * - A day that is not a real `YYYY-MM-DD` date keeps its raw text as its label.
 * - `size` is the caller's own constant, not data: a size too small to hold the plot is a programming
 *   error and throws a RangeError.
 */

export interface ActivityDay {
  /** `2026-11-19`, a UTC day as written by `dayOf`. */
  day: string
  sends: number
  hardBounces: number
  complaints: number
}

export type ActivitySeriesName = 'sends' | 'hardBounces' | 'complaints'

/** One rectangle in viewBox units; `y` is its top edge. */
export interface ChartBar {
  value: number
  x: number
  y: number
  width: number
  height: number
}

export interface ActivityBarGroup {
  day: string
  /** `Nov 19` */
  label: string
  bars: Record<ActivitySeriesName, ChartBar>
  /** `Nov 19: 61 sends, 2 hard bounces, 0 complaints` */
  tooltip: string
}

export interface ActivityChartGeometry {
  width: number
  height: number
  /** The area the bars are drawn in; y-axis labels sit left of it, day labels below it. */
  plot: { left: number; top: number; right: number; bottom: number }
  /** The top of the y axis: a 1, 2 or 5 × 10^n at or above the largest count, and never below 1. */
  yMax: number
  /** y-axis ticks from 0 to `yMax`, whole numbers only. */
  ticks: { value: number; y: number; label: string }[]
  groups: ActivityBarGroup[]
  /** Day labels, centred under their group; thinned out when the days are too narrow to label each one. */
  xLabels: { day: string; x: number; text: string }[]
  totals: Record<ActivitySeriesName, number>
  /** The day with the most sends (the earliest on a tie); null when nothing was sent. */
  busiest: { day: string; label: string; sends: number } | null
  /** How many input counts were negative, not finite or fractional and so were changed. */
  adjusted: number
  title: string
  /** `Last 14 days: 412 sends, 6 hard bounces, 0 complaints; busiest day Nov 19 with 61 sends.` */
  summary: string
}

// Room around the plot, in viewBox units: the y-axis labels are up to ~6 digits of 10-unit text,
// the day labels one line of it; the top and right keep the highest tick label from being clipped.
const MARGIN = { left: 40, right: 8, top: 8, bottom: 20 }

// Share of each day's slot: a gap either side so neighbouring days read as separate groups, a wide
// sends bar and two narrower bars beside it (bounces and complaints are counts of the same sends).
const SLOT = { gap: 0.12, sends: 0.4, hardBounces: 0.18, complaints: 0.18 }

// A count above zero is drawn at least this tall so one bounce among hundreds of sends is still visible;
// that is the case this chart exists to show.
const MIN_BAR_HEIGHT = 2

// A `Nov 19` label in 10-unit text is about 32 units wide; below this much room per label, label every
// second (third, …) day instead, counting back from the newest so today is always labelled.
const MIN_LABEL_SPACING = 36

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

const NOUNS: Record<ActivitySeriesName, [string, string]> = {
  sends: ['send', 'sends'],
  hardBounces: ['hard bounce', 'hard bounces'],
  complaints: ['complaint', 'complaints'],
}

const SERIES: ActivitySeriesName[] = ['sends', 'hardBounces', 'complaints']

/** The smallest 1, 2 or 5 × 10^n that is at least `value`; 1 for anything up to 1. */
export function niceMax(value: number): number {
  // Stepping through 1, 2, 5, 10, 20, 50, … in whole numbers avoids log10 rounding (log10(1000) < 3).
  let decade = 1
  for (;;) {
    for (const m of [1, 2, 5]) if (m * decade >= value) return m * decade
    decade *= 10
  }
}

/** `Nov 8` for `2026-11-08`, read in UTC; the raw text back for anything that is not a real date. */
export function shortDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return day
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const parsed = new Date(Date.UTC(year, month - 1, date))
  // Date.UTC rolls 2026-02-30 over into March; a round trip that changes the day means it was not real.
  if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== date) return day
  return `${MONTHS[month - 1]} ${date}`
}

function count(n: number, name: ActivitySeriesName): string {
  const [one, many] = NOUNS[name]
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

function counts(values: Record<ActivitySeriesName, number>): string {
  return SERIES.map((name) => count(values[name], name)).join(', ')
}

export function activityChart(series: readonly ActivityDay[], size: { width: number; height: number }): ActivityChartGeometry {
  const { width, height } = size
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom }
  if (!(plot.right > plot.left && plot.bottom > plot.top)) {
    throw new RangeError(`a chart of ${width}×${height} has no room for its plot; it needs more than ${MARGIN.left + MARGIN.right}×${MARGIN.top + MARGIN.bottom}`)
  }

  let adjusted = 0
  const clean = (n: number): number => {
    const value = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
    if (value !== n) adjusted++
    return value
  }
  const days = series
    .map((d) => ({ day: d.day, sends: clean(d.sends), hardBounces: clean(d.hardBounces), complaints: clean(d.complaints) }))
    // Stable sort: equal days keep their input order.
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))

  const yMax = niceMax(Math.max(1, ...days.flatMap((d) => SERIES.map((name) => d[name]))))
  const plotHeight = plot.bottom - plot.top
  const yOf = (value: number) => plot.bottom - (value / yMax) * plotHeight

  const slot = days.length > 0 ? (plot.right - plot.left) / days.length : 0
  const groups: ActivityBarGroup[] = days.map((d, i) => {
    let x = plot.left + i * slot + slot * SLOT.gap
    const bars = {} as Record<ActivitySeriesName, ChartBar>
    for (const name of SERIES) {
      const value = d[name]
      const barWidth = slot * SLOT[name]
      const barHeight = value === 0 ? 0 : Math.max(MIN_BAR_HEIGHT, (value / yMax) * plotHeight)
      bars[name] = { value, x, y: plot.bottom - barHeight, width: barWidth, height: barHeight }
      x += barWidth
    }
    const label = shortDay(d.day)
    return { day: d.day, label, bars, tooltip: `${label}: ${counts(d)}` }
  })

  const labelEvery = slot > 0 ? Math.ceil(MIN_LABEL_SPACING / slot) : 1
  const xLabels = groups
    .map((g, i) => ({ day: g.day, x: plot.left + (i + 0.5) * slot, text: g.label, fromNewest: groups.length - 1 - i }))
    .filter((l) => l.fromNewest % labelEvery === 0)
    .map(({ day, x, text }) => ({ day, x, text }))

  const ticks = tickValues(yMax).map((value) => ({ value, y: yOf(value), label: value.toLocaleString('en-US') }))

  const totals = { sends: 0, hardBounces: 0, complaints: 0 }
  for (const d of days) for (const name of SERIES) totals[name] += d[name]

  let busiest: ActivityChartGeometry['busiest'] = null
  for (const g of groups) {
    const sends = g.bars.sends.value
    if (sends > 0 && sends > (busiest?.sends ?? 0)) busiest = { day: g.day, label: g.label, sends }
  }

  const title = 'Sends, hard bounces and complaints per day'
  let summary: string
  if (days.length === 0) summary = 'No days to show yet.'
  else {
    const span = days.length === 1 ? `${groups[0]!.label}` : `Last ${days.length} days`
    const peak = busiest && days.length > 1 ? `; busiest day ${busiest.label} with ${count(busiest.sends, 'sends')}` : ''
    summary = `${span}: ${counts(totals)}${peak}.`
  }

  return { width, height, plot, yMax, ticks, groups, xLabels, totals, busiest, adjusted, title, summary }
}

/**
 * 0 to `yMax` in whole-number steps: fifths of a 1× or 5× maximum, quarters of a 2× one (0, 5, 10, 15, 20),
 * which gives 3 to 6 ticks. For yMax 1 and 2, where those steps would be fractions of a send, step by 1.
 */
function tickValues(yMax: number): number[] {
  // yMax is always 1, 2 or 5 × 10^n, so its first digit says which (also in exponent form, `2e+21`).
  const parts = String(yMax).startsWith('2') ? 4 : 5
  const step = Number.isInteger(yMax / parts) ? yMax / parts : 1
  const values: number[] = []
  for (let v = 0; v <= yMax; v += step) values.push(v)
  return values
}
