#!/usr/bin/env node
// Runs the TypeScript sources through tsx (pinned to 4.23.14: 4.23.15 breaks oclif's dev mode).
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
