/// <reference lib="dom" />
// The HTML report in a real browser (Debian's chromium through playwright-core): the charts render, the
// page logs no error, asks for nothing over the network, and shows the fault and health markers.

import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Browser, Page} from 'playwright-core'
import {renderHtml} from '../../src/report/html.js'
import type {Report} from '../../src/model/report.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
const skip = !haveChromium && !process.env.CI ? `${CHROMIUM} not found (apt-get install chromium); skipped because CI is unset` : false

/** What the report's script (html-client.ts) leaves on window for these tests. */
type ReportWindow = {
  __lbbenchCharts: ChartJs[]
  __lbbenchMarkers?: number
  __lbbenchMarkersByChart?: Record<string, number>
}

/** The parts of a Chart.js chart these tests read. */
interface ChartJs {
  canvas: {id: string}
  data: {datasets: Array<{label: string; data: Array<{x: number; y: number | null}>; stepped?: unknown}>}
  scales: Record<string, {type: string; min: number; max: number; ticks: Array<{value: number; label: string}>}>
}

/** What the tests check of each chart on the page: its datasets, x axis and x tick labels. */
async function chartsOf(page: Page) {
  return page.evaluate(() => (window as unknown as ReportWindow).__lbbenchCharts.map((c) => ({
    id: c.canvas.id,
    xType: c.scales.x.type,
    xMin: c.scales.x.min,
    xMax: c.scales.x.max,
    ticks: c.scales.x.ticks.map((t) => t.label),
    datasets: c.data.datasets.map((d) => ({label: d.label, data: d.data, stepped: d.stepped})),
  })))
}

/** Chromium processes started by this test process (its direct children), from /proc. */
function chromiumChildren(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      return ppid === process.pid && /chrom/i.test(stat.slice(stat.indexOf('('), stat.lastIndexOf(')'))) ? [Number(pid)] : []
    } catch {
      return []
    }
  })
}

describe('html report: the file itself', () => {
  test('self-contained: no external src/href/url(), the report embedded and recoverable', () => {
    const r = sampleReport()
    r.scenario.description = 'tricky </script><script>alert(1)</script> text'
    const html = renderHtml(r)
    assert.doesNotMatch(html, /\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i)
    assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i)
    assert.doesNotMatch(html, /@import/)
    // The only </script> are the four closing tags.
    assert.equal(html.match(/<\/script>/g)?.length, 4)
    const json = /<script type="application\/json" id="lbbench-report">([^<]*)<\/script>/.exec(html)
    assert.ok(json)
    assert.deepEqual(JSON.parse(json[1]), JSON.parse(JSON.stringify(r)))
  })
})

describe('html report in chromium', {skip}, () => {
  let browser: Browser
  let dir: string

  before(async () => {
    const {chromium} = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    })
    dir = await mkdtemp(join(tmpdir(), 'lbbench-html-'))
    // So that the check after the tests means something.
    assert.ok(chromiumChildren().length > 0, 'chromium is not a child of this process')
  })

  after(async () => {
    await browser?.close()
    await rm(dir, {recursive: true, force: true})
    assert.deepEqual(chromiumChildren(), [], 'chromium is still running after close')
  })

  async function open(name: string, html: string, width = 1280) {
    const file = join(dir, `${name}.html`)
    await writeFile(file, html)
    const page = await browser.newPage({viewport: {width, height: 900}})
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith('file:')) return route.continue()
      problems.push(`network request: ${url}`)
      return route.abort()
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(() => Array.isArray((window as unknown as ReportWindow).__lbbenchCharts), undefined, {timeout: 10_000})
    const state = await page.evaluate(() => ({
      charts: (window as unknown as ReportWindow).__lbbenchCharts.length,
      markers: (window as unknown as ReportWindow).__lbbenchMarkers,
      canvases: [...document.querySelectorAll('canvas')].map((c) => ({id: c.id, w: c.width, h: c.height})),
      text: document.body.innerText,
    }))
    return {page, problems, state}
  }

  test('a report of this lbbench: charts in steps, the 100 ms series, fault close-ups, percentile curves', async () => {
    const {page, problems, state} = await open('report', renderHtml(sampleReport({detail: true})))
    try {
      assert.deepEqual(problems, [])
      assert.deepEqual(state.canvases.map((c) => c.id), [
        'chart-throughput', 'chart-latency', 'chart-backend-p99', 'chart-share', 'chart-inflight', 'chart-backends-up',
        'chart-fault-1', 'chart-fault-2', 'chart-distribution',
      ])
      assert.equal(state.charts, state.canvases.length)
      for (const c of state.canvases) assert.ok(c.w > 100 && c.h > 100, `${c.id} is ${c.w}×${c.h}`)
      const charts = await chartsOf(page)
      // Every value over time is a bucket drawn flat across it: Chart.js's step-before lines.
      for (const c of charts.filter((x) => x.xType === 'linear')) {
        for (const d of c.datasets) assert.equal(d.stepped, 'before', `${c.id} / ${d.label} is not drawn in steps`)
      }
      // The whole 10 s run in 100 ms buckets: 100 buckets and the closing point of the last one.
      const throughput = charts.find((c) => c.id === 'chart-throughput')!
      assert.equal(throughput.datasets[0].data.length, 101)
      assert.equal(throughput.datasets[0].label, 'completed / 100 ms')
      // The failures stand in the one bucket they happened in, [3.0, 3.1), not spread over the second.
      const failed = throughput.datasets[1].data.filter((p) => p.y !== 0)
      assert.deepEqual(failed, [{x: 3, y: 3}])
      // The kill's close-up: ±2 s around t = 3.0 s, r2's responses stop at the kill.
      const kill = charts.find((c) => c.id === 'chart-fault-1')!
      assert.deepEqual([kill.xMin, kill.xMax], [1, 5])
      const r2 = kill.datasets.find((d) => d.label === 'r2')!.data
      assert.ok(r2.some((p) => p.x < 3 && p.y! > 0) && r2.every((p) => p.x < 3 || p.x > 5 || p.y === 0))
      const byChart = await page.evaluate(() => (window as unknown as ReportWindow).__lbbenchMarkersByChart ?? {})
      assert.ok(byChart['chart-fault-1'] > 0 && byChart['chart-throughput'] === 6, JSON.stringify(byChart))
      // The distribution: the run and each backend from p0 to p99.999 on a log axis of 1/(1 − q).
      const dist = charts.find((c) => c.id === 'chart-distribution')!
      assert.equal(dist.xType, 'logarithmic')
      assert.deepEqual(dist.datasets.map((d) => d.label), ['all responses', 'r1', 'r2', 'r3', 'r4'])
      assert.equal(dist.datasets[0].data.length, 51)
      assert.deepEqual(dist.ticks.filter(Boolean), ['p0', 'p90', 'p99', 'p99.9', 'p99.99', 'p99.999'])
      for (const t of ['Around kill r2 at t=3.000s (100 ms buckets)', 'Throughput (100 ms buckets)', 'Backends up']) {
        assert.ok(state.text.includes(t), `page text lacks ${t}`)
      }
      await page.screenshot({path: join(dir, 'report.png'), fullPage: true})
    } finally {
      await page.close()
    }
  })

  test('a report without the newer keys (an older lbbench): per-second charts and the five summary percentiles', async () => {
    const {page, problems, state} = await open('report-old', renderHtml(sampleReport()))
    try {
      assert.deepEqual(problems, [])
      assert.deepEqual(state.canvases.map((c) => c.id), ['chart-throughput', 'chart-latency', 'chart-share', 'chart-backends-up', 'chart-distribution'])
      const charts = await chartsOf(page)
      const throughput = charts.find((c) => c.id === 'chart-throughput')!
      assert.equal(throughput.datasets[0].label, 'completed / s')
      assert.equal(throughput.datasets[0].data.length, 11)
      assert.deepEqual(throughput.datasets[1].data.filter((p) => p.y !== 0), [{x: 3, y: 3}], 'a second-wide step at t = 3 s')
      assert.equal(charts.find((c) => c.id === 'chart-distribution')!.datasets[0].data.length, 4)
      // 6 fault/health events on each of the 4 time charts.
      assert.equal(state.markers, 24)
      for (const t of ['kill r2', 'r2 down (connect error)', 'r2 ready', 'failover.failed == 0', 'Backends', 'Thresholds']) {
        assert.ok(state.text.includes(t), `page text lacks ${t}`)
      }
    } finally {
      await page.close()
    }
  })

  test('a comparison: one series and one percentile curve per subject, change against the first, spread bars', async () => {
    const {page, problems, state} = await open('comparison', renderHtml(sampleComparison(true)))
    try {
      assert.deepEqual(problems, [])
      assert.equal(state.charts, 4)
      const charts = await chartsOf(page)
      assert.deepEqual(charts[0].datasets.map((d) => d.label), ['round-robin', 'least-connections'])
      assert.equal(charts[0].datasets[0].stepped, 'before')
      const dist = charts.find((c) => c.id === 'chart-distribution')!
      assert.deepEqual([dist.xType, dist.datasets.map((d) => d.label)], ['logarithmic', ['round-robin', 'least-connections']])
      assert.ok(state.markers && state.markers > 0)
      assert.ok(state.text.includes('beyond spread'))
      const table = await page.evaluate(() => {
        const rows = [...document.querySelectorAll('table.compare tbody tr')]
        const throughput = rows.find((r) => r.textContent.startsWith('throughput'))!
        return {
          rows: rows.length,
          withDelta: rows.filter((r) => r.querySelectorAll('td')[2].querySelector('.delta')).length,
          firstHasDelta: rows.some((r) => r.querySelectorAll('td')[1].querySelector('.delta')),
          spreads: document.querySelectorAll('table.compare .spread .range').length,
          widest: Math.max(...[...document.querySelectorAll('table.compare .spread .range')].map((e) => e.getBoundingClientRect().width)),
          throughputDelta: throughput.querySelectorAll('td')[2].querySelector('.delta')!.textContent,
          throughputTone: throughput.querySelectorAll('td')[2].querySelector('.delta')!.className,
        }
      })
      assert.equal(table.firstHasDelta, false, 'the first subject is the reference')
      assert.ok(table.withDelta >= table.rows - 2, `${table.withDelta} of ${table.rows} rows have a change %`)
      assert.match(table.throughputDelta, /^\+1\d\.\d%$/)
      assert.equal(table.throughputTone, 'delta up')
      assert.ok(table.spreads >= table.rows, `${table.spreads} spread bars for ${table.rows} rows`)
      assert.ok(table.widest > 20, `the widest spread bar is ${table.widest} px`)
    } finally {
      await page.close()
    }
  })

  test('the tiles hold their figures at 1400 and 900 px (12,935.6 req/s stayed outside its tile)', async () => {
    const r = sampleReport({detail: true})
    r.summary.throughput = {rps: 12_935.6, bytesPerSec: 2_600_000}
    for (const [name, html] of [['tiles', renderHtml(r)], ['tiles-compare', renderHtml(sampleComparison())]] as const) {
      for (const width of [1400, 900]) {
        const {page, problems} = await open(`${name}-${width}`, html, width)
        try {
          assert.deepEqual(problems, [])
          const overflows = await page.evaluate(() => [...document.querySelectorAll('.card')].flatMap((card) => {
            const box = card.getBoundingClientRect()
            return [...card.querySelectorAll('*')].flatMap((el) => {
              const b = el.getBoundingClientRect()
              const inside = b.left >= box.left - 0.5 && b.right <= box.right + 0.5 && b.top >= box.top - 0.5 && b.bottom <= box.bottom + 0.5
              return inside && el.scrollWidth <= el.clientWidth + 1 ? [] : [`${card.querySelector('.label')!.textContent}: ${el.className} "${el.textContent}" ${Math.round(b.left)}–${Math.round(b.right)} in ${Math.round(box.left)}–${Math.round(box.right)}`]
            })
          }))
          assert.deepEqual(overflows, [], `at ${width} px`)
          if (name === 'tiles') assert.ok(((await page.textContent('.cards')) ?? '').includes('12,935.6'))
        } finally {
          await page.close()
        }
      }
    }
  })

  test('a run stopped before any second was measured still renders', async () => {
    const r: Report = sampleReport()
    r.series = []
    r.backends = []
    r.failover = []
    r.timeline = []
    r.fairness = {jain: 0, cv: 0, maxMean: 0, minMean: 0, over: []}
    r.meta.aborted = true
    r.meta.abortReason = 'interrupted by SIGINT'
    const {page, problems, state} = await open('empty', renderHtml(r))
    try {
      assert.deepEqual(problems, [])
      assert.equal(state.charts, 4)
      assert.ok(state.text.includes('ABORTED'))
    } finally {
      await page.close()
    }
  })
})
