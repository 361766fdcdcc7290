import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inPlaceOsr } from '../../src/cli/jit';

test('on-stack replacement is compiled in place only when the pool holds every core', () => {
  assert.equal(inPlaceOsr(2, 2), true, 'two threads on two cores: no core left for the background compiler');
  assert.equal(inPlaceOsr(4, 2), true, 'more threads than cores');
  assert.equal(inPlaceOsr(2, 8), false, 'cores to spare: the background compile is free');
  assert.equal(inPlaceOsr(1, 1), false, 'one thread alone: the default');
  assert.equal(inPlaceOsr(1, 2), false, 'one thread, the other core compiles');
});
