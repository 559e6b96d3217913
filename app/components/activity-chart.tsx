import { useId } from 'react'
import { activityChart, type ActivityDay, type ActivitySeriesName } from '../../src/shared/domain/chart'

// The drawing's own coordinate space; the SVG scales to its container's width and keeps this ratio.
const WIDTH = 560
const HEIGHT = 180

// Sends are the neutral backdrop; bounces and complaints are the warnings. Besides hue they differ in
// lightness (light grey, mid amber, dark purple), width and place in the group, and each has an outline,
// so they stay apart printed in black and white. Fills are SVG paint, so they print without the browser's
// "background graphics" option.
const SERIES: { name: ActivitySeriesName; label: string; className: string }[] = [
  { name: 'sends', label: 'Sends', className: 'fill-slate-300 stroke-slate-500' },
  { name: 'hardBounces', label: 'Hard bounces', className: 'fill-amber-500 stroke-amber-800' },
  { name: 'complaints', label: 'Complaints', className: 'fill-purple-700 stroke-purple-950' },
]

/** Two decimals are well below a pixel and keep the markup short. */
const px = (n: number) => Math.round(n * 100) / 100

/**
 * Sends, hard bounces and complaints per day as an inline SVG bar chart drawn on the server: no client
 * JavaScript and no chart library. Screen readers get the title and a one-sentence summary; hovering a
 * day shows its three counts (an SVG `<title>`).
 */
export function ActivityChart({ series }: { series: readonly ActivityDay[] }) {
  const id = useId()
  const titleId = `${id}-title`
  const descId = `${id}-desc`
  const chart = activityChart(series, { width: WIDTH, height: HEIGHT })
  const { plot } = chart
  const slot = chart.groups.length > 0 ? (plot.right - plot.left) / chart.groups.length : 0

  return (
    <div>
      <svg viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={`${titleId} ${descId}`} className="h-auto w-full">
        <title id={titleId}>{chart.title}</title>
        <desc id={descId}>{chart.summary}</desc>
        <g data-part="y-axis" fontSize="10" className="fill-slate-500">
          {chart.ticks.map((t) => (
            <g key={t.value}>
              <line x1={plot.left} x2={plot.right} y1={px(t.y)} y2={px(t.y)} className={t.value === 0 ? 'stroke-slate-400' : 'stroke-slate-200'} />
              <text x={plot.left - 6} y={px(t.y)} textAnchor="end" dominantBaseline="middle">
                {t.label}
              </text>
            </g>
          ))}
        </g>
        {chart.groups.map((g, i) => (
          <g key={`${i}-${g.day}`} data-day={g.day}>
            <title>{g.tooltip}</title>
            {/* The whole column answers to hover, so a 2-unit bounce bar is not the only place the tooltip shows. */}
            <rect x={px(plot.left + i * slot)} y={plot.top} width={px(slot)} height={plot.bottom - plot.top} className="fill-transparent hover:fill-slate-900/5" />
            {SERIES.map((s) => {
              const bar = g.bars[s.name]
              return <rect key={s.name} data-series={s.name} x={px(bar.x)} y={px(bar.y)} width={px(bar.width)} height={px(bar.height)} strokeWidth="0.5" className={s.className} />
            })}
          </g>
        ))}
        <g data-part="x-axis" fontSize="10" className="fill-slate-500">
          {chart.xLabels.map((l, i) => (
            <text key={`${i}-${l.day}`} x={px(l.x)} y={plot.bottom + 14} textAnchor="middle">
              {l.text}
            </text>
          ))}
        </g>
      </svg>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {SERIES.map((s) => (
          <li key={s.name} className="flex items-center gap-1.5">
            <svg viewBox="0 0 10 10" className="size-2.5" aria-hidden="true">
              <rect x="0.5" y="0.5" width="9" height="9" strokeWidth="1" className={s.className} />
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
    </div>
  )
}
