// The corpus of bad scenario files (test/fixtures/bad/*.yaml, each naming the message it must give in its
// first line, or every line of the message on lines of their own), files that cannot be read at all,
// and the `validate` and `init` commands end to end.
// Most files are checked in-process (the same code the CLI runs); a handful go through the CLI for the
// exit code and what reaches the terminal.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ScenarioError} from '../../src/model/errors.js'
import {loadScenario} from '../../src/scenario/load.js'

const root = join(import.meta.dirname, '..', '..')
const badDir = join('test', 'fixtures', 'bad')
const fixtures = readdirSync(join(root, badDir))
  .filter((f) => f.endsWith('.yaml'))
  .sort()

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The message must start every line with file:line:col and carry no stack trace. */
function assertClean(message: string, file: string): void {
  for (const line of message.split('\n')) assert.match(line, new RegExp(`^${escape(file)}:\\d+:\\d+ \\S`), line)
  assert.doesNotMatch(message, /^\s+at /m)
}

async function problemOf(file: string): Promise<ScenarioError> {
  try {
    await loadScenario(file)
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `${file}: expected a ScenarioError, got ${(e as Error)?.stack ?? String(e)}`)
    assert.equal(e.exitCode, 2)
    return e
  }
  assert.fail(`${file} was accepted`)
}

/**
 * Runs the CLI from the sources. In development mode oclif warns, with a stack, that it cannot map the
 * compiled command paths back to src/ (tsconfig's rootDir is the package root: oclif/core#979); that is
 * oclif's start-up, not our output, so those blocks are taken out before the output is checked.
 */
function cli(args: string[], cwd = root): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dev.js'), ...args], {cwd, encoding: 'utf8', timeout: 60_000, env: {...process.env, NO_COLOR: '1'}})
  const stderr = r.stderr.replace(/^Warning: Could not find source for .* based on tsconfig\. Defaulting to compiled source\.\n(?:\s+at .*\n)*/gm, '')
  return {status: r.status, stdout: r.stdout, stderr}
}

describe('the corpus of bad scenario files', () => {
  test('has at least 42 files, each naming its expected message', () => {
    assert.ok(fixtures.length >= 42, `only ${fixtures.length} files`)
    for (const f of fixtures) assert.match(readFileSync(join(root, badDir, f), 'utf8'), /^# expect: \S/, f)
  })
  for (const f of fixtures) {
    test(f, async () => {
      const file = join(badDir, f)
      const expected = [...readFileSync(join(root, file), 'utf8').matchAll(/^# expect: (.*)$/gm)].map((m) => m[1])
      const e = await problemOf(join(root, file))
      assertClean(e.message, join(root, file))
      if (expected.length === 1) assert.ok(e.message.includes(expected[0]), `${f}:\n  message:  ${e.message}\n  expected: ${expected[0]}`)
      else {
        // Every problem of the file, in order, and nothing else.
        const lines = e.message.split('\n')
        assert.equal(lines.length, expected.length, `${f}:\n${e.message}`)
        lines.forEach((line, i) => assert.ok(line.includes(expected[i]), `${f}, line ${i + 1}:\n  message:  ${line}\n  expected: ${expected[i]}`))
      }
    })
  }
})

describe('files that cannot be read', () => {
  let dir: string
  const cases: Record<string, string> = {}
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbbench-bad-'))
    mkdirSync(join(dir, 'folder.yaml'))
    cases['folder.yaml'] = 'is a directory, not a scenario file; give a .yaml file'
    // Tests run as root, so permissions do not stop a read: a FIFO (which would block a naive read
    // forever), a dangling link, and a path through a file stand for files that cannot be read.
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')])
    cases['fifo.yaml'] = 'is not a regular file (a pipe, socket or device); give a .yaml file'
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'dangling.yaml'))
    cases['dangling.yaml'] = 'cannot be read: it is a symbolic link to a file that does not exist'
    writeFileSync(join(dir, 'plain'), 'name: x\n')
    cases['plain/inside.yaml'] = 'cannot be read: a part of the path is a file, not a directory'
    cases['missing.yaml'] = 'cannot be read: no such file'
    writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x6e, 0x61, 0xff, 0xfe, 0x00, 0x3a]))
    cases['binary.yaml'] = 'is not UTF-8 text; a scenario is a YAML text file'
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  test('each gives one message at file:1:1', async () => {
    for (const [name, message] of Object.entries(cases)) {
      const file = join(dir, name)
      const e = await problemOf(file)
      assert.equal(e.message, `${file}:1:1 ${message}`)
    }
  })

  test('through the CLI: exit 2, one line per file, no stack trace', () => {
    const names = ['folder.yaml', 'fifo.yaml', 'dangling.yaml', 'plain/inside.yaml', 'missing.yaml']
    const r = cli(['validate', ...names.map((n) => join(dir, n))])
    assert.equal(r.status, 2, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, names.map((n) => `${join(dir, n)}:1:1 ${cases[n]}\n`).join(''))
  })
})

describe('lbbench validate', () => {
  test('the shipped scenarios are valid', () => {
    const r = cli(['validate', 'scenarios/hello.yaml', 'scenarios/failover.yaml'])
    assert.equal(r.status, 0, r.stderr)
    assert.equal(
      r.stdout,
      'ok: scenarios/hello.yaml (hello: 2 cluster replicas, built-in proxy (round-robin), measured 5s)\n' +
        'ok: scenarios/failover.yaml (failover: 4 cluster replicas, built-in proxy (round-robin), measured 10s)\n',
    )
    assert.equal(r.stderr, '')
  })

  test('bad files: exit 2 and their messages with file:line:col, nothing else', () => {
    const files = ['fault-after-load-ends.yaml', 'duplicate-key.yaml', 'syntax-unclosed-flow.yaml', 'threshold-unknown-metric.yaml'].map((f) => join(badDir, f))
    const r = cli(['validate', 'scenarios/hello.yaml', ...files])
    assert.equal(r.status, 2)
    assert.equal(r.stdout, 'ok: scenarios/hello.yaml (hello: 2 cluster replicas, built-in proxy (round-robin), measured 5s)\n')
    // A syntax error leaves nothing else to check, and says so on a line of its own.
    const lines = r.stderr.trimEnd().split('\n')
    const syntax = files.indexOf(join(badDir, 'syntax-unclosed-flow.yaml'))
    assert.equal(lines.splice(syntax + 1, 1)[0], `${files[syntax]}:1:1 fix these and validate again: checks that depend on them did not run`)
    assert.equal(lines.length, files.length, r.stderr)
    lines.forEach((line, i) => {
      const expected = /^# expect: (.*)$/m.exec(readFileSync(join(root, files[i]), 'utf8'))![1]
      assert.match(line, new RegExp(`^${escape(files[i])}:\\d+:\\d+ `))
      assert.ok(line.includes(expected), line)
    })
  })

  test('no file at all is a usage error (exit 2)', () => {
    // oclif words this one itself (with a stack in development mode, where it sets debug).
    const r = cli(['validate'])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /Missing 1 required arg/)
  })
})

describe('lbbench init', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbbench-init-'))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  test('writes a valid, commented starter and will not overwrite it without --force', async () => {
    const first = cli(['init'], dir)
    assert.equal(first.status, 0, first.stderr)
    assert.match(first.stdout, /^wrote scenario\.yaml\n/)
    const text = readFileSync(join(dir, 'scenario.yaml'), 'utf8')
    const schemaRef = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1]
    assert.ok(schemaRef, 'the first line points editors at the JSON Schema')
    assert.ok(JSON.parse(readFileSync(join(dir, schemaRef), 'utf8')).properties.name, 'the schema path resolves from the file')
    const loaded = await loadScenario(join(dir, 'scenario.yaml'))
    assert.equal(loaded.scenario.name, 'scenario')

    const again = cli(['init'], dir)
    assert.equal(again.status, 2)
    assert.equal(again.stderr, 'scenario.yaml exists; use --force to overwrite it\n')
    assert.equal(cli(['init', '--force'], dir).status, 0)
  })

  test('takes a name, and refuses one that is not a scenario name', async () => {
    assert.equal(cli(['init', 'checkout-smoke'], dir).status, 0)
    assert.equal((await loadScenario(join(dir, 'checkout-smoke.yaml'))).scenario.name, 'checkout-smoke')
    const bad = cli(['init', 'Checkout_Smoke'], dir)
    assert.equal(bad.status, 2)
    assert.equal(bad.stderr, `"Checkout_Smoke" is not a scenario name: use lowercase words joined by '-', like checkout-failover\n`)
  })
})
