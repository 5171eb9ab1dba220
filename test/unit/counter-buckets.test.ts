// Attempt buckets from cumulative counters (HAProxy's `show stat` polled every 100 ms).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {CounterBuckets} from '../../src/balancers/counter-buckets.js'

const t0 = 1_000_000

test('the first poll is the baseline; each increase goes to the bucket of its interval’s middle', () => {
  const b = new CounterBuckets()
  b.add(t0 + 30, {r1: {attempts: 500, failed: 2}, r2: {attempts: 400, failed: 0}})
  assert.deepEqual(b.list(), [], 'what came before the first poll is in no bucket')
  b.add(t0 + 130, {r1: {attempts: 510, failed: 2}, r2: {attempts: 407, failed: 1}})
  // Middle 1,000,080 → bucket 1,000,000.
  assert.deepEqual(b.list(), [{epochMs: t0, attempts: {r1: 10, r2: 7}, failed: {r2: 1}}])
  b.add(t0 + 240, {r1: {attempts: 520, failed: 2}, r2: {attempts: 407, failed: 1}})
  // Middle 1,000,185 → bucket 1,000,100; r2 had nothing, so it is left out.
  assert.deepEqual(b.list(), [
    {epochMs: t0, attempts: {r1: 10, r2: 7}, failed: {r2: 1}},
    {epochMs: t0 + 100, attempts: {r1: 10}, failed: {}},
  ])
})

test('a late poll: the whole increase goes to the bucket of the middle; polls in one bucket add up', () => {
  const b = new CounterBuckets()
  b.add(t0, {r1: {attempts: 0, failed: 0}})
  b.add(t0 + 500, {r1: {attempts: 50, failed: 0}})
  b.add(t0 + 540, {r1: {attempts: 54, failed: 0}})
  b.add(t0 + 560, {r1: {attempts: 60, failed: 3}})
  assert.deepEqual(b.list(), [
    {epochMs: t0 + 200, attempts: {r1: 50}, failed: {}},
    {epochMs: t0 + 500, attempts: {r1: 10}, failed: {r1: 3}},
  ])
})

test('a backend that appears later counts from 0; a counter that goes down adds nothing; a poll not later only moves the baseline', () => {
  const b = new CounterBuckets()
  b.add(t0, {r1: {attempts: 100, failed: 0}})
  b.add(t0 + 100, {r1: {attempts: 20, failed: 0}, r2: {attempts: 5, failed: 1}})
  b.add(t0 + 100, {r1: {attempts: 999, failed: 0}, r2: {attempts: 5, failed: 1}})
  assert.deepEqual(b.list(), [{epochMs: t0, attempts: {r2: 5}, failed: {r2: 1}}])
  b.add(t0 + 200, {r1: {attempts: 1009, failed: 0}, r2: {attempts: 5, failed: 1}})
  assert.deepEqual(b.list()[1], {epochMs: t0 + 100, attempts: {r1: 10}, failed: {}})
})
