// The command-line conventions a newcomer and a CI job rely on, through the compiled CLI (`npm run build`
// first): what `validate --resolved` and `validate --json` print on stdout parses as JSON, `-h` is
// `--help` for every command, a mistyped command gets "did you mean" without a prompt and exits 2, and
// each command's help lists every report format there is.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ProblemJson} from '../../src/cli/validate-command.js'
import {reportFormats} from '../../src/report/registry.js'
import {cli, root} from '../helpers/cli.js'

const bad = (name: string) => join('test', 'fixtures', 'bad', name)
const COMMANDS = ['run', 'compare', 'report', 'validate', 'init', 'clean']

describe('validate for programs', () => {
  test('--resolved: stdout is the resolved scenario alone, the ok line on stderr', async () => {
    const {code, stdout, stderr} = await cli(['validate', 'scenarios/hello.yaml', '--resolved']).done
    assert.equal(code, 0, stderr)
    const resolved = JSON.parse(stdout)
    assert.equal(resolved.scenario.name, 'hello')
    assert.equal(resolved.scenario.replicas.ready.timeout, 10000, 'durations in ms')
    assert.equal(stderr, 'ok: scenarios/hello.yaml (hello: 2 cluster replicas, built-in proxy (round-robin), measured 5s)\n')
  })

  test('--json with valid files: [] on stdout, exit 0', async () => {
    const {code, stdout, stderr} = await cli(['validate', 'scenarios/hello.yaml', 'scenarios/failover.yaml', '--json']).done
    assert.equal(code, 0, stderr)
    assert.deepEqual(JSON.parse(stdout), [])
    assert.match(stderr, /^ok: scenarios\/hello\.yaml .*\nok: scenarios\/failover\.yaml /)
  })

  test('--json with problems: one array of file, line, col, path, message for every file; exit 2', async () => {
    const files = [bad('duplicate-key.yaml'), bad('fault-after-load-ends.yaml'), 'no-such-file.yaml']
    const {code, stdout, stderr} = await cli(['validate', 'scenarios/hello.yaml', ...files, '--json']).done
    assert.equal(code, 2, stderr)
    const problems = JSON.parse(stdout) as ProblemJson[]
    assert.ok(problems.length >= files.length, stdout)
    for (const p of problems) {
      assert.deepEqual(Object.keys(p), ['file', 'line', 'col', 'path', 'message'])
      assert.ok(files.includes(p.file), p.file)
      // The same problem as the line for people on stderr, field for field.
      const where = `${p.file}:${p.line}:${p.col}`
      assert.ok(stderr.includes(p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`), `${where} in:\n${stderr}`)
    }
    assert.deepEqual([...new Set(problems.map((p) => p.file))], files)
    const duplicate = problems.find((p) => p.file === files[0])!
    const expected = /^# expect: (.*)$/m.exec(readFileSync(join(root, files[0]), 'utf8'))![1]
    assert.ok(`${duplicate.path}: ${duplicate.message}`.includes(expected), JSON.stringify(duplicate))
    assert.equal(typeof duplicate.line, 'number')
    assert.equal(typeof duplicate.col, 'number')
  })

  test('a valid file whose connections cannot split evenly: ok, with a note under it (stderr with --json), exit 0', async () => {
    const file = join('test', 'fixtures', 'scenarios', 'uneven-connections.yaml')
    const note = /^ {2}note: load\.connections 6 over 4 replicas, and Node's cluster hands out connections, not requests, .*: at best 2 or 1 connections each, .*use a multiple of 4 connections for an even split$/m
    const people = await cli(['validate', file]).done
    assert.equal(people.code, 0, people.stderr)
    assert.match(people.stdout, new RegExp(`^ok: ${file.replace(/\./g, '\\.')} \\(uneven: .*\\)\n {2}note: `))
    assert.match(people.stdout, note)
    const programs = await cli(['validate', file, '--json']).done
    assert.equal(programs.code, 0)
    assert.deepEqual(JSON.parse(programs.stdout), [])
    assert.match(programs.stderr, note)
  })

  test("a valid file whose balancer ignores the replicas' weights: ok, with that note; none where the strategy follows them", async () => {
    const file = join('test', 'fixtures', 'scenarios', 'weights-ignored.yaml')
    const people = await cli(['validate', file]).done
    assert.equal(people.code, 0, people.stderr)
    assert.match(people.stdout, /^ {2}note: replicas\.overrides weigh r1 5 \(the others 1\), but round-robin takes the backends in turn whatever their weights \(weighted-round-robin follows them\); the fairness figures divide each replica's requests by its weight, so they will show the weights not followed$/m)
    const followed = await cli(['validate', 'scenarios/weighted.yaml']).done
    assert.equal(followed.code, 0, followed.stderr)
    assert.doesNotMatch(followed.stdout, /note:/)
  })

  test('--json and --resolved together are a usage error (exit 2)', async () => {
    const {code, stdout} = await cli(['validate', 'scenarios/hello.yaml', '--json', '--resolved']).done
    assert.equal(code, 2)
    assert.equal(stdout, '')
  })
})

describe('help', () => {
  for (const command of COMMANDS) {
    test(`${command} -h is ${command} --help`, async () => {
      const [short, long] = await Promise.all([cli([command, '-h']).done, cli([command, '--help']).done])
      assert.equal(short.code, 0, short.stderr)
      assert.equal(short.stderr, '')
      assert.match(short.stdout, /^USAGE$/m)
      assert.equal(short.stdout, long.stdout)
    })
  }

  test('-h alone is the overview', async () => {
    const {code, stdout} = await cli(['-h']).done
    assert.equal(code, 0)
    for (const command of COMMANDS) assert.match(stdout, new RegExp(`^ {2}${command} `, 'm'))
  })

  test('every command with --format lists every format of the registry', async () => {
    for (const command of ['run', 'compare', 'report']) {
      const {stdout} = await cli([command, '--help']).done
      const flag = stdout.replace(/\s+/g, ' ')
      assert.ok(flag.includes(reportFormats.names.join(', ')), `${command} --help lists ${reportFormats.names.join(', ')}:\n${stdout}`)
    }
  })
})

describe('a mistyped command', () => {
  test('gets "did you mean", keeps its arguments apart, asks nothing, exits 2', async () => {
    // stdin is not a terminal here, as in CI: a prompt would wait (or fail), not exit at once.
    const {code, stdout, stderr, ms} = await cli(['valdate', 'x.yaml', '--json']).done
    assert.equal(code, 2, stderr)
    assert.equal(stdout, '')
    assert.match(stderr, /^valdate is not a command; did you mean validate\? \(lbbench validate x\.yaml --json\)$/m)
    assert.match(stderr, /the commands are clean, compare, help, init, merge, plan, report, run, shard, validate/)
    assert.doesNotMatch(stderr, /valdate:x\.yaml|x\.yaml not found|Error:/)
    assert.ok(ms < 8000, `answered in ${ms} ms`)
  })

  test('with nothing close, the list of commands', async () => {
    const {code, stderr} = await cli(['xyzzy']).done
    assert.equal(code, 2)
    assert.match(stderr, /^xyzzy is not a command\n/)
    assert.doesNotMatch(stderr, /did you mean/)
  })
})
