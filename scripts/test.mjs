#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test through tsx. Node 20's --test neither expands globs nor
// finds .ts files in a directory, so the list is built here, and an empty list is a failure.
// Usage: node scripts/test.mjs [substring …]   (only files whose path contains one of the substrings)
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : find(p)
    return p.endsWith('.test.ts') ? [p] : []
  })
}

const filters = process.argv.slice(2)
const files = find('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort()
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
// Integration and end-to-end tests start real processes on 2 cores: run files one at a time.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {stdio: 'inherit'})
process.exit(r.status ?? 1)
