// The script of the HTML report, run in the browser: it turns the chart specs (html-charts.ts) embedded in
// the page into Chart.js charts, and draws fault and health markers as vertical lines with a small plugin
// of its own. clientScript() inlines the functions below with Function.prototype.toString, so each must
// stay self-contained: no imports, no references to anything outside its body but the other functions of
// this list, which the page script declares side by side. Tests read window.__lbbenchCharts, __lbbenchMarkers
// and __lbbenchMarkersByChart.

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
   This code runs in the browser on the page's window and Chart.js, whose types the project does not
   compile against (no DOM library, Chart.js only as a file to inline), so they are `any` here. */

/** The page's script: the functions of the client as the compiler left them, and a call of the first. */
export function clientScript(): string {
  return [
    '(function () {',
    // Some compilers (esbuild, under tsx) name functions through a __name helper.
    'var __name = function (f) { return f };',
    ...[lbbenchClient, lbbenchMarkerPlugin, lbbenchChartConfig, lbbenchDataset, lbbenchScales, lbbenchPercentileLabel].map((f) => f.toString()),
    'lbbenchClient(window);',
    '})();',
  ].join('\n')
}

/** Draws every chart the page has a spec and a canvas for. */
function lbbenchClient(win: any): void {
  const doc = win.document
  const specs: any[] = JSON.parse(doc.getElementById('lbbench-charts').textContent)
  const markerPlugin = lbbenchMarkerPlugin(win)
  const charts: any[] = []
  for (const spec of specs) {
    const canvas = doc.getElementById('chart-' + spec.id)
    if (!canvas) continue
    charts.push(new win.Chart(canvas, lbbenchChartConfig(spec, markerPlugin)))
  }
  win.__lbbenchCharts = charts
}

/** The Chart.js plugin that draws a chart's markers; it counts what it drew on window, in all and per canvas. */
function lbbenchMarkerPlugin(win: any): any {
  const drawnByChart = new Map<string, number>()
  return {
    id: 'lbbenchMarkers',
    afterDatasetsDraw(chart: any, _args: unknown, opts: any) {
      const markers: any[] = (opts && opts.markers) || []
      const x = chart.scales.x
      const area = chart.chartArea
      const ctx = chart.ctx
      let drawn = 0
      let lastLabelEnd = -Infinity
      let row = 0
      ctx.save()
      for (const m of markers) {
        const px = Math.round(x.getPixelForValue(m.x)) + 0.5
        if (!(px >= area.left && px <= area.right)) continue
        const stroke = m.kind === 'fault' ? '#c0392b' : '#e67e22'
        ctx.strokeStyle = stroke
        ctx.lineWidth = m.kind === 'fault' ? 1.5 : 1
        ctx.setLineDash(m.kind === 'fault' ? [] : [4, 3])
        ctx.beginPath()
        ctx.moveTo(px, area.top)
        ctx.lineTo(px, area.bottom)
        ctx.stroke()
        // Labels that would run into the previous one go a row lower.
        ctx.font = '11px system-ui, sans-serif'
        const text = (m.kind === 'fault' ? '▲ ' : '') + m.label
        row = px < lastLabelEnd ? (row + 1) % 4 : 0
        ctx.fillStyle = stroke
        ctx.fillText(text, px + 3, area.top + 11 + row * 13)
        lastLabelEnd = px + 3 + ctx.measureText(text).width + 4
        drawn++
      }
      ctx.restore()
      drawnByChart.set(chart.canvas.id, drawn)
      let total = 0
      drawnByChart.forEach((n) => (total += n))
      win.__lbbenchMarkers = total
      win.__lbbenchMarkersByChart = Object.fromEntries(drawnByChart)
    },
  }
}

/** What `new Chart` takes for one chart spec. */
function lbbenchChartConfig(spec: any, markerPlugin: any): any {
  const percentile = spec.x === 'percentile'
  return {
    type: spec.type,
    data: {labels: spec.x === 'category' ? spec.labels : undefined, datasets: spec.datasets.map((d: any, i: number) => lbbenchDataset(spec, d, i))},
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: {mode: spec.x === 'category' ? 'index' : 'nearest', axis: 'x', intersect: false},
      plugins: {
        legend: {position: 'bottom'},
        lbbenchMarkers: {markers: spec.markers},
        tooltip: percentile ? {callbacks: {title: (items: any[]) => (items.length ? lbbenchPercentileLabel(items[0].parsed.x, 3) : '')}} : {},
      },
      scales: lbbenchScales(spec),
    },
    plugins: [markerPlugin],
  }
}

/** One dataset: a bucket series as steps (each value flat over its bucket), a line, a filled area or bars. */
function lbbenchDataset(spec: any, d: any, i: number): object {
  // Steps and curves have no points to mark: a dot at each step's corner would only clutter it.
  const dense = spec.x === 'percentile' || (spec.x === 'time' && (d.stepped || d.data.length > 60))
  return {
    label: d.label,
    data: d.data,
    borderColor: d.color,
    backgroundColor: d.fill || spec.type === 'bar' ? d.color + (d.fill ? 'b3' : 'cc') : d.color,
    fill: d.fill ? (i === 0 ? 'origin' : '-1') : false,
    yAxisID: d.axis || 'y',
    stepped: d.stepped ? 'before' : false,
    pointRadius: dense ? 0 : 2,
    pointHoverRadius: 3,
    borderWidth: d.fill ? 1 : d.thin ? 1.25 : 2,
    tension: 0,
    spanGaps: false,
  }
}

/** A chart's axes: time, categories or percentiles across, linear or logarithmic up, and a second axis on the right if it has one. */
function lbbenchScales(spec: any): any {
  const x = spec.x === 'time'
    ? {type: 'linear', min: spec.xMin, max: spec.xMax, title: {display: true, text: 't (s)'}}
    : spec.x === 'percentile'
      ? {
        type: 'logarithmic',
        min: 1,
        max: 100000,
        title: {display: true, text: 'percentile'},
        // Only the decades are labelled (p0, p90, p99, p99.9 …): the log scale's other ticks are grid lines.
        ticks: {autoSkip: false, maxRotation: 0, callback: (v: number) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? lbbenchPercentileLabel(v, 0) : '')},
      }
      : {type: 'category', labels: spec.labels}
  const scales: any = {
    x,
    y: {
      type: spec.yLog ? 'logarithmic' : 'linear',
      beginAtZero: !spec.yLog,
      stacked: !!spec.stacked,
      max: spec.yMax,
      min: spec.yMin,
      ticks: spec.yInteger ? {precision: 0} : {},
      title: {display: true, text: spec.yTitle},
    },
  }
  if (spec.y1Title) {
    scales.y1 = {type: 'linear', position: 'right', beginAtZero: true, grid: {drawOnChartArea: false}, title: {display: true, text: spec.y1Title}, ticks: {precision: 0}}
  }
  return scales
}

/** The percentile at x = 1/(1 − q): `p0` at 1, `p90` at 10, `p99.9` at 1000; with `decimals`, finer ones (`p99.684`). */
function lbbenchPercentileLabel(x: number, decimals: number): string {
  const p = 100 * (1 - 1 / x)
  if (decimals === 0) {
    const nines = Math.round(Math.log10(x))
    return nines === 0 ? 'p0' : nines === 1 ? 'p90' : 'p99' + (nines > 2 ? '.' + '9'.repeat(nines - 2) : '')
  }
  return 'p' + String(Math.round(p * 10 ** decimals) / 10 ** decimals)
}
