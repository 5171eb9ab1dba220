import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {substituteCommand} from '../../src/replicas/process.js'
import {describeContainerExit} from '../../src/replicas/docker.js'
import {folderTag} from '../../src/replicas/docker/build-folder.js'
import {sharedLibraries} from '../../src/replicas/docker/base-image.js'
import {appModules} from '../../src/replicas/docker/app-image.js'

describe('replica helpers', () => {
  test('$PORT and $REPLICA are substituted, other variables are left to the shell', () => {
    const vars = {PORT: '20001', REPLICA: 'r2'}
    assert.equal(substituteCommand('app -p $PORT --id ${REPLICA}', vars), 'app -p 20001 --id r2')
    assert.equal(substituteCommand("sh -c 'echo $PORT' $PORTS $REPLICAS ${PORT}x", vars), "sh -c 'echo 20001' $PORTS $REPLICAS 20001x")
    assert.equal(substituteCommand('$HOME/bin/app', vars), '$HOME/bin/app')
  })

  test('container exit codes name the signal', () => {
    assert.equal(describeContainerExit(137), 'killed by SIGKILL (exit code 137)')
    assert.equal(describeContainerExit(143), 'killed by SIGTERM (exit code 143)')
    assert.equal(describeContainerExit(0), 'exited with code 0')
    assert.equal(describeContainerExit(3), 'exited with code 3')
  })

  test('a build folder is tagged by its files: same files, same tag; any change, a new one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbbench-tag-'))
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM lbbench-node:20\n')
      const a = folderTag(dir)
      assert.match(a.tag, /^lbbench-build:[0-9a-f]{12}$/)
      assert.deepEqual(a.files, ['Dockerfile'])
      assert.equal(folderTag(dir).tag, a.tag)
      writeFileSync(join(dir, 'app.js'), 'x')
      assert.notEqual(folderTag(dir).tag, a.tag)
    } finally {
      rmSync(dir, {recursive: true})
    }
  })

  test('ldd lists the loader and libc for node', {skip: process.platform !== 'linux'}, () => {
    const libs = sharedLibraries(process.execPath)
    assert.ok(libs.some((l) => /ld-linux/.test(l)), libs.join(' '))
    assert.ok(libs.some((l) => /libc\.so/.test(l)), libs.join(' '))
    assert.ok(libs.every((l) => l.startsWith('/')))
  })

  test('the built-in app image carries the standalone entry and only relative modules it imports', async () => {
    const modules = await appModules()
    assert.ok(modules.has('replicas/app/standalone'))
    assert.ok(modules.has('model/random'))
    for (const js of modules.values()) assert.doesNotMatch(js, /from '(?!node:|\.)/)
  })
})
