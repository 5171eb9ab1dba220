// The report formats' contract: every descriptor of the registry goes through the same checks, so a new
// format is held to them by being listed, with no list of names here to keep up to date.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {reportFormats} from '../../src/report/registry.js'
import {parseFormats, renderDocument} from '../../src/report/render-document.js'
import {writeReportFiles} from '../../src/report/write.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'
import {lazyLoads} from '../helpers/lazy-loads.js'

test('the registry has formats, each with its own name, a one-line summary and its own file extension', () => {
  assert.ok(reportFormats.all.length > 0)
  assert.equal(new Set(reportFormats.names).size, reportFormats.all.length)
  const extensions = reportFormats.all.flatMap((f) => (f.extension === undefined ? [] : [f.extension]))
  assert.equal(new Set(extensions).size, extensions.length, `extensions ${extensions.join(', ')}`)
  for (const format of reportFormats.all) {
    assert.match(format.name, /^[a-z][a-z0-9-]*$/, format.name)
    assert.match(format.summary, /^\S[^\n]{10,}$/, format.name)
    if (format.extension !== undefined) assert.match(format.extension, /^[a-z0-9]+(\.[a-z0-9]+)*$/, format.name)
  }
  assert.deepEqual(parseFormats(reportFormats.names.join(',')), reportFormats.names)
  assert.throws(() => parseFormats('pdf'), new RegExp(`expected some of ${reportFormats.names.join(', ')}$`))
})

describe('every report format', () => {
  for (const format of reportFormats.all) {
    test(`${format.name} renders the sample report and the sample comparison, as renderDocument does`, async () => {
      const report = await format.render(sampleReport(), {color: false})
      const comparison = await format.renderComparison(sampleComparison(), {color: false})
      assert.ok(report.trim().length > 0)
      assert.ok(comparison.trim().length > 0)
      assert.notEqual(report, comparison)
      assert.equal(await renderDocument(sampleReport(), format.name, {color: false}), report)
      assert.equal(await renderDocument(sampleComparison(), format.name, {color: false}), comparison)
    })
  }

  const fairnessNotes = {
    'connection-split': 'load.connections 6 over 4 replicas, and mode tcp balances connections, not requests, so all the requests of a connection go to one replica: at best 2 or 1 connections each',
    'weights-ignored': "replicas.overrides weigh r1 5 (the others 1), but Node's cluster hands out connections whatever the weights; the fairness figures divide each replica's requests by its weight, so they will show the weights not followed",
    'one-client-address': 'balancer.hashKey ip: every connection of the load generator comes from one address (lbbench sends on loopback only), so ip-hash sends every request to one replica; mode tcp has no other key, so no hash spreads the load over the replicas at L4',
  }
  for (const [kind, note] of Object.entries(fairnessNotes)) {
    test(`a run with a ${kind} note: the note beside the fairness figures, in terminal, markdown and html`, async () => {
      const r = sampleReport()
      r.timeline.unshift({atMs: -3, kind, detail: note})
      const after = (text: string, from: string) => text.slice(text.indexOf(from))
      const terminal = after(await renderDocument(r, 'terminal', {color: false, width: 100}), 'Fairness')
      const noteLines = terminal.split('\n').slice(2, 6).filter((l) => l.startsWith('  '))
      assert.equal(noteLines.join(' ').replace(/\s+/g, ' '), ` note: ${note}`, terminal)
      assert.ok(noteLines.every((l) => l.length <= 100), 'wrapped to the width')
      assert.ok(after(await renderDocument(r, 'markdown', {color: false}), 'Fairness over').includes(`\n\n> [!NOTE]\n> ${note}\n`))
      assert.ok(after(await renderDocument(r, 'html', {color: false}), 'Fairness over').includes(`</p><div class="alert warn">${note.replaceAll("'", '&#39;')}</div>`))
      for (const format of ['terminal', 'markdown', 'html']) assert.ok(!(await renderDocument(sampleReport(), format, {color: false})).includes(note.slice(0, 30)), format)
    })
  }

  test('new connections per second in Markdown, with what made them: keepAlive false or {requests: N}', async () => {
    const r = sampleReport()
    r.summary.throughput.connectionsPerSec = 151
    r.scenario.load.keepAlive = false
    assert.match(await renderDocument(r, 'markdown', {color: false}), /^New connections: 151\.0\/s \(load\.keepAlive false: one per request\)$/m)
    delete r.scenario.load.keepAlive
    r.scenario.load.keepAliveRequests = 20
    assert.match(await renderDocument(r, 'markdown', {color: false}), /^New connections: 151\.0\/s \(load\.keepAlive \{requests: 20\}: one per 20 requests\)$/m)
    assert.doesNotMatch(await renderDocument(sampleReport(), 'markdown', {color: false}), /New connections/)
  })

  test('open connections in the Markdown and HTML per-second tables: a conns column after p99 when the count changed', async () => {
    const r = sampleReport()
    r.series.forEach((p, i) => (p.openConnections = i === 3 ? 7 : 8))
    const md = await renderDocument(r, 'markdown', {color: false})
    assert.match(md, /^\| t \| sent \| completed \| failed \| p99 \| conns \| r1 \|/m)
    assert.match(md, /^\| 3s \| [\d,]+ \| [\d,]+ \| \d+ \| [\d.]+ ms \| 7 \| /m)
    const html = await renderDocument(r, 'html', {color: false})
    assert.match(html, /<th class="num">p99<\/th><th class="num">conns<\/th><th class="num">r1<\/th>/)
    assert.match(html, /<td>3s<\/td>(<td class="num">[^<]*<\/td>){5}<td class="num">7<\/td>/)
    r.series.forEach((p) => (p.openConnections = 8))
    for (const format of ['markdown', 'html']) assert.doesNotMatch(await renderDocument(r, format, {color: false}), /conns/, format)
  })

  test('the report files are one per format with an extension, named by it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbbench-formats-'))
    try {
      const paths = await writeReportFiles(sampleReport(), dir, reportFormats.names)
      const expected = reportFormats.all.flatMap((f) => (f.extension === undefined ? [] : [`report.${f.extension}`]))
      assert.deepEqual(paths, expected.map((f) => join(dir, f)))
      assert.deepEqual((await readdir(dir)).sort(), [...expected].sort())
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  test('importing the registry loads no renderer; each format loads its own when it renders', () => {
    const loads = lazyLoads('formats')
    for (const format of reportFormats.all) {
      const own = (loads.kinds[format.name] ?? []).filter((f) => !loads.registry.includes(f))
      assert.ok(own.length > 0, `${format.name} rendered with nothing the registry had not already loaded: ${loads.registry.join(', ')}`)
    }
  })
})
