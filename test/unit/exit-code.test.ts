// The exit code of `lbbench run` from what the run gave. Exit 4 is tested here rather than end to end:
// the load generator cannot be made to saturate reliably on a shared 2-core machine without a flaky test.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {runExitCode, type ExitInputs} from '../../src/cli/exit-code.js'

const report = (o: {pass?: boolean; aborted?: boolean; saturated?: boolean} = {}): ExitInputs['report'] => ({
  pass: o.pass ?? true,
  meta: {...(o.aborted ? {aborted: true} : {}), generator: {cpuPct: o.saturated ? 99 : 40, saturated: o.saturated ?? false}},
})

test('0 pass, 1 failed or aborted by abortOnFail, 3 broken part, 4 strict and saturated, 130/143 signals', () => {
  const cases: Array<[string, ExitInputs, number]> = [
    ['all held', {report: report(), strict: false}, 0],
    ['a threshold failed (or a baseline regression)', {report: report({pass: false}), strict: false}, 1],
    ['abortOnFail stopped it', {report: report({pass: false, aborted: true}), strict: false}, 1],
    ['saturated without --strict: the verdict stands', {report: report({saturated: true}), strict: false}, 0],
    ['saturated with --strict', {report: report({saturated: true}), strict: true}, 4],
    ['saturated with --strict beats a failed threshold: the figures measured the generator', {report: report({pass: false, saturated: true}), strict: true}, 4],
    ['not saturated with --strict', {report: report({pass: false}), strict: true}, 1],
    ['a part broke', {report: report({pass: false, aborted: true}), brokeDown: true, strict: true}, 3],
    ['SIGINT', {report: report({pass: false, aborted: true, saturated: true}), signalExit: 130, strict: true}, 130],
    ['SIGTERM', {report: report({pass: false, aborted: true}), signalExit: 143, strict: false}, 143],
  ]
  for (const [what, inputs, code] of cases) assert.equal(runExitCode(inputs), code, what)
})
