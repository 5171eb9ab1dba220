// The layering of src/ (test/helpers/layers.ts): no folder imports one above it, none is outside the
// order, no folders import each other in a loop. The checker is tried on made-up files first, so that a
// checker that finds nothing cannot pass for a tree that is in order.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {layerViolations, relativeImports, type SourceFile} from '../helpers/layers.js'

function sources(dir: string, root = dir): SourceFile[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p, root)
    return e.name.endsWith('.ts') ? [{path: relative(root, p).split(sep).join('/'), text: readFileSync(p, 'utf8')}] : []
  })
}

describe('layers', () => {
  test('an import of a folder above is caught, with the file, line and import', () => {
    const files = [
      {path: 'model/ok.ts', text: "export const a = 1\n"},
      {path: 'metrics/early.ts', text: "import {a} from '../model/ok.js'\nimport {metricValue} from '../report/format.js'\n"},
      {path: 'report/format.ts', text: "import {x} from '../metrics/early.js'\nexport const metricValue = x\n"},
    ]
    const problems = layerViolations(files)
    assert.ok(problems.some((p) => p.startsWith('src/metrics/early.ts:2 imports ../report/format.js: metrics/ may not import report/')), problems.join('\n'))
    assert.ok(problems.some((p) => /^folders import each other in a loop: (metrics → report → metrics|report → metrics → report)/.test(p)), problems.join('\n'))
    assert.equal(problems.length, 2, problems.join('\n'))
  })

  test('every kind of import counts: export from, import(), import types', () => {
    const text = [
      "export {a} from '../run/a.js'",
      "const b = await import('../cli/b.js')",
      "type C = typeof import('../commands/c.js')",
      "import {readFileSync} from 'node:fs'",
    ].join('\n')
    assert.deepEqual(relativeImports({path: 'model/m.ts', text}).map((i) => [i.line, i.target]), [[1, 'run/a.js'], [2, 'cli/b.js'], [3, 'commands/c.js']])
    assert.equal(layerViolations([{path: 'model/m.ts', text}]).length, 3)
  })

  test('folders outside the order, files at the root of src/ and imports of either are errors; cli/ may import run/', () => {
    const problems = layerViolations([
      {path: 'util/x.ts', text: ''},
      {path: 'stray.ts', text: ''},
      {path: 'model/m.ts', text: "import {u} from '../util/u.js'\n"},
      {path: 'cli/run.ts', text: "import {run} from '../run/run.js'\n"},
      {path: 'commands/run.ts', text: "import {exitWith} from '../exit-with.js'\nimport {runCommand} from '../cli/run.js'\n"},
    ])
    assert.deepEqual(problems, [
      'src/util/x.ts: folder util/ is not a layer (folders: model → process → metrics → proxy → replicas → balancers → faults → load → scenario → report → run → cli → commands)',
      'src/stray.ts: stray.ts is at the root of src/, in no layer (folders: model → process → metrics → proxy → replicas → balancers → faults → load → scenario → report → run → cli → commands)',
      'src/model/m.ts:1 imports ../util/u.js: folder util/ is not a layer (folders: model → process → metrics → proxy → replicas → balancers → faults → load → scenario → report → run → cli → commands)',
      'src/commands/run.ts:1 imports ../exit-with.js: exit-with.js is at the root of src/, in no layer (folders: model → process → metrics → proxy → replicas → balancers → faults → load → scenario → report → run → cli → commands)',
    ])
  })

  test('src/ is in order', () => {
    const files = sources('src')
    assert.ok(files.length > 100, `read ${files.length} files of src/`)
    assert.ok(files.some((f) => relativeImports(f).length > 0))
    assert.deepEqual(layerViolations(files), [])
  })
})
