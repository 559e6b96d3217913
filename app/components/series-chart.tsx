/** A 14-day sends / hard bounces / complaints chart drawn as SVG on the server (no chart library). */
export function SeriesChart({ series }: { series: { day: string; sends: number; hardBounces: number; complaints: number }[] }) {
  const width = 560
  const height = 160
  const pad = 24
  const max = Math.max(1, ...series.map((d) => d.sends))
  const step = series.length > 1 ? (width - pad * 2) / (series.length - 1) : 0
  const y = (v: number) => height - pad - (v / max) * (height - pad * 2)
  const line = (pick: (d: (typeof series)[number]) => number) => series.map((d, i) => `${pad + i * step},${y(pick(d)).toFixed(1)}`).join(' ')
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Sends, hard bounces and complaints over the last 14 days" className="h-48 w-full">
      <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} stroke="#cbd5e1" />
      <text x={pad} y={14} fontSize="10" fill="#64748b">
        max {max} / day
      </text>
      <polyline fill="none" stroke="#4f46e5" strokeWidth="2" points={line((d) => d.sends)} />
      <polyline fill="none" stroke="#dc2626" strokeWidth="2" points={line((d) => d.hardBounces)} />
      <polyline fill="none" stroke="#d97706" strokeWidth="2" points={line((d) => d.complaints)} />
      {series.length > 0 ? (
        <>
          <text x={pad} y={height - 6} fontSize="10" fill="#64748b">
            {series[0]!.day}
          </text>
          <text x={width - pad} y={height - 6} fontSize="10" fill="#64748b" textAnchor="end">
            {series.at(-1)!.day}
          </text>
        </>
      ) : null}
    </svg>
  )
}
