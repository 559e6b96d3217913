import { describe, expect, it } from 'vitest'
import { activityChart, niceMax, shortDay, type ActivityDay } from './chart'
import { dayOf } from './metrics'

const SIZE = { width: 560, height: 180 }

const day = (date: string, sends = 0, hardBounces = 0, complaints = 0): ActivityDay => ({ day: date, sends, hardBounces, complaints })

/** `count` consecutive days from `first` (2026-11-08 unless given), with counts from `make(i)`. */
function fortnight(make: (i: number) => Partial<ActivityDay> = () => ({}), count = 14, first = '2026-11-08'): ActivityDay[] {
  const start = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) => ({ ...day(dayOf(new Date(start + i * 86_400_000))), ...make(i) }))
}

describe('niceMax', () => {
  it.each([
    [0, 1],
    [0.3, 1],
    [1, 1],
    [2, 2],
    [3, 5],
    [5, 5],
    [6, 10],
    [10, 10],
    [11, 20],
    [21, 50],
    [61, 100],
    [100, 100],
    [101, 200],
    [999, 1000],
    [1000, 1000],
    [1001, 2000],
    [250_000, 500_000],
  ])('%d rounds up to %d', (value, expected) => {
    expect(niceMax(value)).toBe(expected)
  })
})

describe('shortDay', () => {
  it.each([
    ['2026-11-08', 'Nov 8'],
    ['2026-11-19', 'Nov 19'],
    ['2026-01-01', 'Jan 1'],
    ['2026-12-31', 'Dec 31'],
    ['2028-02-29', 'Feb 29'],
    // Not real dates or not the YYYY-MM-DD form: the raw text is the label rather than a wrong day.
    ['2026-02-29', '2026-02-29'],
    ['2026-13-01', '2026-13-01'],
    ['2026-11-8', '2026-11-8'],
    ['2026-11-08T00:00:00Z', '2026-11-08T00:00:00Z'],
    ['', ''],
  ])('%s → %s', (input, label) => {
    expect(shortDay(input)).toBe(label)
  })
})

describe('activityChart', () => {
  describe('y axis', () => {
    it.each([
      // [label, largest count, yMax, ticks]
      ['all zeros still draw an axis', 0, 1, [0, 1]],
      ['one send', 1, 1, [0, 1]],
      ['two sends', 2, 2, [0, 1, 2]],
      ['a 5× maximum in fifths', 4, 5, [0, 1, 2, 3, 4, 5]],
      ['a 1× maximum in fifths', 7, 10, [0, 2, 4, 6, 8, 10]],
      ['a 2× maximum in quarters', 14, 20, [0, 5, 10, 15, 20]],
      ['61 sends', 61, 100, [0, 20, 40, 60, 80, 100]],
      ['just over a round number', 201, 500, [0, 100, 200, 300, 400, 500]],
      ['one huge day', 1_500_000, 2_000_000, [0, 500_000, 1_000_000, 1_500_000, 2_000_000]],
    ])('%s', (_label, largest, yMax, ticks) => {
      const chart = activityChart(fortnight((i) => ({ sends: i === 5 ? largest : 0 })), SIZE)
      expect(chart.yMax).toBe(yMax)
      expect(chart.ticks.map((t) => t.value)).toEqual(ticks)
    })

    it('scales to the largest of all three counts, since a day can have bounces from earlier sends', () => {
      expect(activityChart([day('2026-11-08', 3, 7, 0)], SIZE).yMax).toBe(10)
      expect(activityChart([day('2026-11-08', 3, 0, 12)], SIZE).yMax).toBe(20)
    })

    it('places ticks from the bottom of the plot (0) to its top (yMax), with thousands separators', () => {
      const chart = activityChart([day('2026-11-08', 1_500)], SIZE)
      expect(chart.ticks[0]).toEqual({ value: 0, y: chart.plot.bottom, label: '0' })
      expect(chart.ticks.at(-1)).toEqual({ value: 2_000, y: chart.plot.top, label: '2,000' })
    })
  })

  describe('bars', () => {
    it('draws all zeros as one group per day with no height, at the baseline', () => {
      const chart = activityChart(fortnight(), SIZE)
      expect(chart.groups).toHaveLength(14)
      for (const g of chart.groups) {
        for (const bar of Object.values(g.bars)) expect(bar).toMatchObject({ value: 0, height: 0, y: chart.plot.bottom })
      }
      expect(chart.busiest).toBeNull()
    })

    it('makes heights proportional to the counts on the shared axis', () => {
      const chart = activityChart([day('2026-11-08', 100, 50, 20), day('2026-11-09', 25)], SIZE)
      const plotHeight = chart.plot.bottom - chart.plot.top
      const [first, second] = chart.groups
      expect(first!.bars.sends.height).toBeCloseTo(plotHeight)
      expect(first!.bars.hardBounces.height).toBeCloseTo(plotHeight / 2)
      expect(first!.bars.complaints.height).toBeCloseTo(plotHeight / 5)
      expect(second!.bars.sends.height).toBeCloseTo(plotHeight / 4)
      for (const bar of Object.values(first!.bars)) expect(bar.y + bar.height).toBeCloseTo(chart.plot.bottom)
    })

    it('keeps one huge day from hiding the bounces on an ordinary one: any count above zero is at least 2 tall', () => {
      const chart = activityChart([day('2026-11-08', 1_000_000), day('2026-11-09', 40, 1, 1)], SIZE)
      const ordinary = chart.groups[1]!.bars
      expect(chart.yMax).toBe(1_000_000)
      expect(chart.groups[0]!.bars.sends.height).toBeCloseTo(chart.plot.bottom - chart.plot.top)
      expect([ordinary.sends.height, ordinary.hardBounces.height, ordinary.complaints.height]).toEqual([2, 2, 2])
      expect(chart.groups[0]!.bars.hardBounces.height).toBe(0)
    })

    it('lays out each day side by side in its own slot, sends first, inside the plot', () => {
      const chart = activityChart(fortnight((i) => ({ sends: i + 1, hardBounces: 1, complaints: 1 })), SIZE)
      let previousEnd = chart.plot.left
      for (const g of chart.groups) {
        const { sends, hardBounces, complaints } = g.bars
        expect(sends.x).toBeGreaterThan(previousEnd)
        expect(hardBounces.x).toBeCloseTo(sends.x + sends.width)
        expect(complaints.x).toBeCloseTo(hardBounces.x + hardBounces.width)
        expect(sends.width).toBeGreaterThan(hardBounces.width)
        previousEnd = complaints.x + complaints.width
      }
      expect(previousEnd).toBeLessThan(chart.plot.right)
    })
  })

  describe('days', () => {
    it('puts 14 days oldest first even when they arrive out of order', () => {
      const days = fortnight((i) => ({ sends: i }))
      const shuffled = [...days.slice(7), ...days.slice(0, 7).reverse()]
      const chart = activityChart(shuffled, SIZE)
      expect(chart.groups.map((g) => g.day)).toEqual(days.map((d) => d.day))
      expect(chart.groups.map((g) => g.bars.sends.value)).toEqual(days.map((d) => d.sends))
      const xs = chart.groups.map((g) => g.bars.sends.x)
      expect(xs).toEqual([...xs].sort((a, b) => a - b))
    })

    it('labels days in UTC as `Nov 8`, crossing a month end', () => {
      const chart = activityChart(fortnight(undefined, 14, '2026-11-24'), SIZE)
      expect(chart.groups.map((g) => g.label).slice(5, 9)).toEqual(['Nov 29', 'Nov 30', 'Dec 1', 'Dec 2'])
    })

    it('labels every day when there is room, centred under its group', () => {
      const chart = activityChart(fortnight(), SIZE)
      expect(chart.xLabels.map((l) => l.text)).toEqual(chart.groups.map((g) => g.label))
      const slot = (chart.plot.right - chart.plot.left) / 14
      expect(chart.xLabels.map((l) => l.x)).toEqual(chart.groups.map((_, i) => chart.plot.left + (i + 0.5) * slot))
    })

    it('labels every other day on a narrow chart, always including the newest', () => {
      const chart = activityChart(fortnight(), { width: 320, height: 120 })
      expect(chart.xLabels.map((l) => l.text)).toEqual(['Nov 9', 'Nov 11', 'Nov 13', 'Nov 15', 'Nov 17', 'Nov 19', 'Nov 21'])
    })

    it('draws nothing but the axis for no days', () => {
      const chart = activityChart([], SIZE)
      expect(chart).toMatchObject({ groups: [], xLabels: [], yMax: 1, busiest: null, totals: { sends: 0, hardBounces: 0, complaints: 0 } })
      expect(chart.summary).toBe('No days to show yet.')
    })
  })

  describe('text alternatives', () => {
    it.each([
      [
        'a typical fortnight',
        fortnight((i) => ({ sends: i === 11 ? 61 : 25 + (i === 0 ? 26 : 0), hardBounces: i % 5 === 0 ? 2 : 0 })),
        'Last 14 days: 412 sends, 6 hard bounces, 0 complaints; busiest day Nov 19 with 61 sends.',
      ],
      ['all zeros: no busiest day', fortnight(), 'Last 14 days: 0 sends, 0 hard bounces, 0 complaints.'],
      ['singular counts', fortnight((i) => (i === 2 ? { sends: 1, hardBounces: 1, complaints: 1 } : {}), 3), 'Last 3 days: 1 send, 1 hard bounce, 1 complaint; busiest day Nov 10 with 1 send.'],
      ['a tie goes to the earlier day', [day('2026-11-09', 30), day('2026-11-08', 30)], 'Last 2 days: 60 sends, 0 hard bounces, 0 complaints; busiest day Nov 8 with 30 sends.'],
      ['one day names that day', [day('2026-11-19', 61, 2)], 'Nov 19: 61 sends, 2 hard bounces, 0 complaints.'],
      ['thousands separators', [day('2026-11-19', 12_345), day('2026-11-20', 1_000)], 'Last 2 days: 13,345 sends, 0 hard bounces, 0 complaints; busiest day Nov 19 with 12,345 sends.'],
    ])('summary for %s', (_label, series, summary) => {
      expect(activityChart(series, SIZE).summary).toBe(summary)
    })

    it('gives each day a tooltip with its three counts', () => {
      const chart = activityChart([day('2026-11-19', 61, 2, 0), day('2026-11-20', 1, 1, 1)], SIZE)
      expect(chart.groups.map((g) => g.tooltip)).toEqual(['Nov 19: 61 sends, 2 hard bounces, 0 complaints', 'Nov 20: 1 send, 1 hard bounce, 1 complaint'])
      expect(chart.title).toBe('Sends, hard bounces and complaints per day')
    })
  })

  describe('bad counts are drawn as 0 (or rounded down) and counted, never thrown', () => {
    it.each([
      ['negative', -5, 0],
      ['NaN', Number.NaN, 0],
      ['Infinity', Number.POSITIVE_INFINITY, 0],
      ['-Infinity', Number.NEGATIVE_INFINITY, 0],
      ['fractional', 7.9, 7],
    ])('%s', (_label, bad, drawn) => {
      const chart = activityChart([day('2026-11-08', bad, bad, bad), day('2026-11-09', 3)], SIZE)
      expect(Object.values(chart.groups[0]!.bars).map((b) => b.value)).toEqual([drawn, drawn, drawn])
      expect(chart.adjusted).toBe(3)
      expect(chart.totals).toEqual({ sends: drawn + 3, hardBounces: drawn, complaints: drawn })
      for (const g of chart.groups) for (const bar of Object.values(g.bars)) expect(Number.isFinite(bar.y) && Number.isFinite(bar.height)).toBe(true)
    })

    it('counts nothing as adjusted for clean input', () => {
      expect(activityChart(fortnight((i) => ({ sends: i, hardBounces: 1 })), SIZE).adjusted).toBe(0)
    })
  })

  it.each([
    ['zero width', { width: 0, height: 180 }],
    ['narrower than the margins', { width: 48, height: 180 }],
    ['shorter than the margins', { width: 560, height: 28 }],
    ['NaN', { width: Number.NaN, height: 180 }],
  ])('refuses a size with no room for the plot: %s', (_label, size) => {
    expect(() => activityChart([day('2026-11-08', 1)], size)).toThrow(RangeError)
  })
})
