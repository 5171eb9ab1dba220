// `lbbench report` end to end: a saved report (or comparison) rendered again in every format, and the
// ways a file can be wrong, each exit 2 with a message and no stack trace.

import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli} from '../helpers/cli.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'

// eslint-disable-next-line no-control-regex -- a colour code starts with the escape character
const ANSI = /\u001b\[/
const NO_STACK = /^\s+at /m
// The step summary gets every rendered report: none of these may reach a real job's summary.
const quiet = {GITHUB_STEP_SUMMARY: ''}

describe('lbbench report', () => {
  let dir: string
  let report: string
  let comparison: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbbench-report-'))
    report = join(dir, 'report.json')
    comparison = join(dir, 'comparison.json')
    writeFileSync(report, JSON.stringify(sampleReport(), null, 2))
    writeFileSync(comparison, JSON.stringify(sampleComparison(), null, 2))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  test('renders the terminal report; colour only when asked', async () => {
    const plain = await cli(['report', report], quiet).done
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stdout, /^lbbench · failover {2}FAIL/)
    assert.match(plain.stdout, /^FAIL {2}1 of 4 thresholds failed/m)
    assert.doesNotMatch(plain.stdout, ANSI)
    const coloured = await cli(['report', report, '--color'], quiet).done
    assert.equal(coloured.code, 0)
    assert.match(coloured.stdout, ANSI)
    const forced = await cli(['report', report], {...quiet, FORCE_COLOR: '1'}).done
    assert.match(forced.stdout, ANSI)
  })

  test('one other format on stdout, or as files with --out; markdown also to the step summary', async () => {
    const html = await cli(['report', report, '--format', 'html'], quiet).done
    assert.equal(html.code, 0)
    assert.match(html.stdout, /^<!doctype html>/)
    const out = join(dir, 'out')
    const summary = join(dir, 'summary.md')
    const files = await cli(['report', report, '--format', 'terminal,markdown,junit,html,json', '--out', out], {GITHUB_STEP_SUMMARY: summary}).done
    assert.equal(files.code, 0, files.stderr)
    assert.match(files.stdout, /^lbbench · failover/)
    assert.deepEqual(readdirSync(out).sort(), ['report.html', 'report.json', 'report.junit.xml', 'report.md'])
    for (const f of ['report.md', 'report.junit.xml', 'report.html', 'report.json']) assert.match(files.stderr, new RegExp(`^report: \\S*/out/${f}$`, 'm'), `${f} path printed`)
    assert.match(readFileSync(summary, 'utf8'), /^## ❌ FAIL · lbbench: failover/)
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), JSON.parse(readFileSync(report, 'utf8')))
  })

  test('a saved comparison renders side by side', async () => {
    const r = await cli(['report', comparison, '--format', 'terminal,markdown'], quiet).done
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^lbbench compare · failover/)
    assert.doesNotMatch(r.stdout, /## lbbench compare/, 'one document on stdout')
    assert.match(readFileSync(join(dir, 'comparison.md'), 'utf8'), /## lbbench compare: failover/)
  })

  test('one rule for stdout: one document at most; several formats without --out are written beside the file read', async () => {
    const beside = mkdtempSync(join(tmpdir(), 'lbbench-report-beside-'))
    const saved = join(beside, 'failover.json')
    writeFileSync(saved, JSON.stringify(sampleReport(), null, 2))
    const text = readFileSync(saved, 'utf8')
    const several = await cli(['report', saved, '--format', 'markdown,junit,json'], quiet).done
    assert.equal(several.code, 0, several.stderr)
    assert.equal(several.stdout, '', 'several formats, none of them terminal: nothing on stdout')
    assert.deepEqual(readdirSync(beside).sort(), ['failover.json', 'failover.junit.xml', 'failover.md'], 'named after the file read')
    assert.equal(readFileSync(saved, 'utf8'), text, 'the file read is not written again')
    assert.deepEqual([...several.stderr.matchAll(/^report: (.*)$/gm)].map((m) => m[1].split('/').at(-1)), ['failover.md', 'failover.junit.xml'])
    assert.match(readFileSync(join(beside, 'failover.md'), 'utf8'), /^## ❌ FAIL · lbbench: failover/)
    const one = await cli(['report', saved, '--format', 'json'], quiet).done
    assert.deepEqual(JSON.parse(one.stdout), JSON.parse(text), 'one format: that one on stdout')
    rmSync(beside, {recursive: true, force: true})
  })

  test('the Markdown goes to the step summary whatever the formats', async () => {
    const summary = join(dir, 'summary-terminal.md')
    const r = await cli(['report', report, '--format', 'terminal'], {GITHUB_STEP_SUMMARY: summary}).done
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^lbbench · failover {2}FAIL/)
    assert.match(readFileSync(summary, 'utf8'), /^## ❌ FAIL · lbbench: failover/)
  })

  test('a missing, unreadable or invalid file is exit 2 with a clear message', async () => {
    const notJson = join(dir, 'not.json')
    writeFileSync(notJson, 'hello')
    const wrong = join(dir, 'wrong.json')
    writeFileSync(wrong, JSON.stringify({...sampleReport(), summary: {}}))
    const cases: Array<[string[], RegExp]> = [
      [['report', join(dir, 'missing.json')], /missing\.json: no such file/],
      [['report', dir], /is a folder, not a file/],
      [['report', notJson], /not\.json: not JSON/],
      [['report', wrong], /wrong\.json: not a valid lbbench report:\n {2}summary\.durationMs: /],
      [['report', report, '--format', 'pdf'], /--format: unknown format pdf; expected some of terminal, json, markdown, html, junit/],
    ]
    for (const [args, message] of cases) {
      const r = await cli(args, quiet).done
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
      assert.doesNotMatch(r.stderr, NO_STACK)
      assert.equal(r.stdout, '')
    }
    assert.equal(existsSync(join(dir, 'missing.json')), false)
  })
})
