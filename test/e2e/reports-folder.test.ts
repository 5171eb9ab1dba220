// The reports folder (--out) is checked before anything starts (issue 16), through the compiled CLI
// (`npm run build` first): one that cannot be made, or written in, is exit 2 with the path and why,
// at once and with nothing started; a report file that cannot be written after the run (the disk filled
// up) is exit 3, with the terminal report still printed and a message saying what was written where.
// Read-only and full file systems are small tmpfs mounts in a private mount namespace (`unshare -m`), which
// works as root, as CI runs the tests.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli} from '../helpers/cli.js'
import {sampleReport} from '../fixtures/sample-report.js'
import {tempDir} from '../helpers/temp-dir.js'

function tmp(): string {
  return tempDir('out')
}

const HELLO = ['run', 'scenarios/hello.yaml', '--time-scale', '0.3']
const quiet = {GITHUB_STEP_SUMMARY: ''}

const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=48k none ${tmp()}`], {encoding: 'utf8'})
const noMounts = probe.status === 0 || process.env.CI ? false : `cannot mount a tmpfs in a private namespace (unshare -m: ${probe.stderr.trim()})`

/** The CLI run inside a private mount namespace in which `dir` is a 48 KB tmpfs (`options`: more mount options), after `then`. */
function onTmpfs(dir: string, options: string, then = 'true'): string[] {
  return ['unshare', '-m', 'sh', '-c', `mount -t tmpfs -o size=48k${options} none ${dir} && { ${then}; } && exec "$0" "$@"`]
}

async function refused(args: string[], message: RegExp, wrap: string[] = []): Promise<void> {
  const r = await cli(args, quiet, wrap).done
  assert.equal(r.code, 2, r.stderr)
  assert.match(r.stderr, message)
  assert.doesNotMatch(r.stderr, /starting|\n\s+at /, 'nothing started, no stack trace')
  assert.equal(r.stdout, '')
  assert.ok(r.ms < 10_000, `answered in ${r.ms} ms`)
}

test('a folder that cannot be made: exit 2 at once with the path and why (under /proc it used to hang)', {timeout: 60_000}, async () => {
  await refused([...HELLO, '--out', '/proc/nope'], /^cannot use \/proc\/nope for reports \(--out\): \/proc takes no new folders \(ENOENT\)$/m)
  const file = join(tmp(), 'a-file')
  writeFileSync(file, 'not a folder\n')
  await refused([...HELLO, '--out', file], new RegExp(`^cannot use ${file} for reports \\(--out\\): ${file} is a file, not a folder$`, 'm'))
  await refused([...HELLO, '--out', join(file, 'reports')], new RegExp(`^cannot use ${file}/reports for reports \\(--out\\): ${file} is a file, not a folder$`, 'm'))
  const saved = join(tmp(), 'report.json')
  writeFileSync(saved, JSON.stringify(sampleReport()))
  await refused(['report', saved, '--format', 'html,junit', '--out', '/proc/nope'], /^cannot use \/proc\/nope for reports \(--out\): \/proc takes no new folders \(ENOENT\)$/m)
})

test('a read-only folder and a full one: exit 2 at once with the path and why', {skip: noMounts}, async () => {
  const readOnly = tmp()
  await refused([...HELLO, '--out', readOnly], new RegExp(`^cannot use ${readOnly} for reports \\(--out\\): cannot write in it: the file system is read-only \\(EROFS\\)$`, 'm'), onTmpfs(readOnly, ',ro'))
  const full = tmp()
  await refused([...HELLO, '--out', full], new RegExp(`^cannot use ${full} for reports \\(--out\\): cannot write in it: no space left on the device \\(ENOSPC\\)$`, 'm'),
    onTmpfs(full, '', `head -c 1M /dev/zero > ${full}/filler 2>/dev/null; true`))
})

test('a disk that fills up during the run: exit 3, the terminal report still printed, what was written and where', {skip: noMounts}, async () => {
  const small = tmp()
  // 48 KB hold report.json (about 10 KB) but not the HTML report (its charting library alone is larger).
  const r = await cli([...HELLO, '--out', small, '--format', 'terminal,html'], quiet, onTmpfs(small, '')).done
  assert.equal(r.code, 3, r.stderr)
  assert.match(r.stdout, /^lbbench · hello {2}(PASS|FAIL)/, 'the terminal report is printed')
  assert.match(r.stdout, /^(PASS|FAIL) {2}/m)
  const json = /^report: (.*\/report\.json)$/m.exec(r.stderr)
  assert.ok(json, r.stderr)
  const html = json[1].replace(/report\.json$/, 'report.html')
  const last = r.stderr.trimEnd().split('\n').at(-1)
  assert.equal(last, `the report could not be saved: writing ${html} failed: no space left on the device (ENOSPC); written: ${json[1]}`)
  assert.doesNotMatch(r.stderr, /\n\s+at /)
})
