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
import type {Browser} from 'playwright-core'
import {renderHtml} from '../../src/report/html.js'
import type {Report} from '../../src/model/report.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
const skip = !haveChromium && !process.env.CI ? `${CHROMIUM} not found (apt-get install chromium); skipped because CI is unset` : false

/** What the report's script (html-client.ts) leaves on window for these tests. */
type ReportWindow = {__lbbenchCharts: Array<{data: {datasets: Array<{label: string}>}}>; __lbbenchMarkers?: number}

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

  async function open(name: string, html: string) {
    const file = join(dir, `${name}.html`)
    await writeFile(file, html)
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})
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

  test('a report: four charts drawn, markers on the time charts, no errors, no network', async () => {
    const {page, problems, state} = await open('report', renderHtml(sampleReport()))
    try {
      assert.deepEqual(problems, [])
      assert.equal(state.charts, 4)
      assert.deepEqual(state.canvases.map((c) => c.id), ['chart-throughput', 'chart-latency', 'chart-share', 'chart-distribution'])
      for (const c of state.canvases) assert.ok(c.w > 100 && c.h > 100, `${c.id} is ${c.w}×${c.h}`)
      // 6 fault/health events on each of the 3 time charts.
      assert.equal(state.markers, 18)
      for (const t of ['kill r2', 'r2 down (connect error)', 'r2 ready', 'failover.failed == 0', 'Backends', 'Thresholds']) {
        assert.ok(state.text.includes(t), `page text lacks ${t}`)
      }
      await page.screenshot({path: join(dir, 'report.png'), fullPage: true})
    } finally {
      await page.close()
    }
  })

  test('a comparison: one series per subject', async () => {
    const {page, problems, state} = await open('comparison', renderHtml(sampleComparison()))
    try {
      assert.deepEqual(problems, [])
      assert.equal(state.charts, 4)
      const series = await page.evaluate(() => (window as unknown as ReportWindow).__lbbenchCharts.map((c) => c.data.datasets.map((d) => d.label)))
      assert.deepEqual(series[0], ['round-robin', 'least-connections'])
      assert.ok(state.markers && state.markers > 0)
      assert.ok(state.text.includes('beyond spread'))
    } finally {
      await page.close()
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
