// A .ts file (createElement, no JSX) because the unit project collects `app/**/*.test.ts`, not `.tsx`.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { ActivityDay } from '../../src/shared/domain/chart'
import { dayOf } from '../../src/shared/domain/metrics'
import { ActivityChart } from './activity-chart'

const render = (series: ActivityDay[]) => renderToStaticMarkup(createElement(ActivityChart, { series }))

const fortnight = (make: (i: number) => Partial<ActivityDay>): ActivityDay[] =>
  Array.from({ length: 14 }, (_, i) => ({
    day: dayOf(new Date(Date.UTC(2026, 10, 8 + i))),
    sends: 0,
    hardBounces: 0,
    complaints: 0,
    ...make(i),
  }))

/** The attributes of every `<rect data-series=…>` in the markup, in document order. */
function bars(html: string): { series: string; x: number; y: number; width: number; height: number }[] {
  return [...html.matchAll(/<rect data-series="(\w+)"([^>]*)>/g)].map(([, series, attrs]) => {
    const num = (name: string) => Number(new RegExp(` ${name}="([^"]+)"`).exec(attrs!)?.[1])
    return { series: series!, x: num('x'), y: num('y'), width: num('width'), height: num('height') }
  })
}

const text = (html: string, tag: string): string[] => [...html.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!)

describe('ActivityChart', () => {
  const series = fortnight((i) => ({ sends: i === 11 ? 61 : 25 + (i === 0 ? 26 : 0), hardBounces: i % 5 === 0 ? 2 : 0 }))
  const html = render(series)

  it('is one labelled image whose title and description are the chart title and summary', () => {
    const svg = /<svg viewBox="0 0 560 180" role="img" aria-labelledby="([^"]+) ([^"]+)"/.exec(html)
    expect(svg).not.toBeNull()
    const [, titleId, descId] = svg!
    expect(html).toContain(`<title id="${titleId}">Sends, hard bounces and complaints per day</title>`)
    expect(html).toContain(`<desc id="${descId}">Last 14 days: 412 sends, 6 hard bounces, 0 complaints; busiest day Nov 19 with 61 sends.</desc>`)
  })

  it('gives two charts on one page different ids', () => {
    const page = renderToStaticMarkup(createElement('main', null, createElement(ActivityChart, { series }), createElement(ActivityChart, { series })))
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1])
    expect(ids).toHaveLength(4)
    expect(new Set(ids).size).toBe(4)
  })

  it('draws three bars for each of the 14 days, each day with its tooltip', () => {
    const drawn = bars(html)
    expect(drawn).toHaveLength(42)
    expect(drawn.filter((b) => b.series === 'sends')).toHaveLength(14)
    expect(drawn.filter((b) => b.series === 'hardBounces')).toHaveLength(14)
    expect(drawn.filter((b) => b.series === 'complaints')).toHaveLength(14)
    expect(html.match(/<g data-day="/g)).toHaveLength(14)
    const tooltips = text(html, 'title').slice(1)
    expect(tooltips).toHaveLength(14)
    expect(tooltips[0]).toBe('Nov 8: 51 sends, 2 hard bounces, 0 complaints')
    expect(tooltips[11]).toBe('Nov 19: 61 sends, 0 hard bounces, 0 complaints')
  })

  it('makes bar heights proportional to the counts, all standing on one baseline', () => {
    const drawn = bars(render([
      { day: '2026-11-18', sends: 80, hardBounces: 20, complaints: 10 },
      { day: '2026-11-19', sends: 40, hardBounces: 0, complaints: 0 },
    ]))
    const [sends, bounces, complaints, halfSends, noBounces] = drawn
    // yMax is 100 here, so each height is the count's share of the plot.
    expect(sends!.height / halfSends!.height).toBeCloseTo(2, 2)
    expect(sends!.height / bounces!.height).toBeCloseTo(4, 2)
    expect(bounces!.height / complaints!.height).toBeCloseTo(2, 2)
    expect(noBounces!.height).toBe(0)
    const baselines = new Set(drawn.map((b) => Math.round((b.y + b.height) * 10)))
    expect(baselines.size).toBe(1)
  })

  it('labels the y axis with nice ticks and the x axis with short UTC days', () => {
    const axis = text(html, 'text')
    expect(axis.slice(0, 6)).toEqual(['0', '20', '40', '60', '80', '100'])
    expect(axis.slice(6)).toEqual(series.map((_, i) => `Nov ${8 + i}`))
  })

  it('has a legend naming the three series', () => {
    // Each item is a swatch (a small svg) followed by the name.
    expect([...html.matchAll(/<\/svg>([^<]+)<\/li>/g)].map((m) => m[1])).toEqual(['Sends', 'Hard bounces', 'Complaints'])
  })

  it('colours the series apart with classes, not inline colours, so the theme and print styles apply', () => {
    expect(html).not.toMatch(/fill="#|stroke="#|style=/)
    const classOf = (name: string) => new RegExp(`<rect data-series="${name}"[^>]* class="([^"]+)"`).exec(html)?.[1]
    expect(new Set([classOf('sends'), classOf('hardBounces'), classOf('complaints')]).size).toBe(3)
  })

  it('still draws an axis and a summary for an all-zero fortnight', () => {
    const empty = render(fortnight(() => ({})))
    expect(bars(empty).every((b) => b.height === 0)).toBe(true)
    expect(text(empty, 'text').slice(0, 2)).toEqual(['0', '1'])
    expect(text(empty, 'desc')).toEqual(['Last 14 days: 0 sends, 0 hard bounces, 0 complaints.'])
  })

  it('draws a repeated day twice rather than dropping one (keys include the position, so they stay unique)', () => {
    const twice = render([{ day: '2026-11-19', sends: 3, hardBounces: 0, complaints: 0 }, { day: '2026-11-19', sends: 4, hardBounces: 0, complaints: 0 }])
    expect(bars(twice)).toHaveLength(6)
  })
})
