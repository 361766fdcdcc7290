import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetStem, obviousPartners } from '../../src/features/compare/pairs';

const folderOf = (n: string): string => n.slice(0, n.lastIndexOf('/'));

test('a training set and its hidden or test set share a stem', () => {
  assert.equal(datasetStem('data/kryptonite-9-X.npy'), 'kryptonite 9');
  assert.equal(datasetStem('data/hidden-kryptonite-9-X.npy'), 'kryptonite 9');
  assert.equal(datasetStem('adult.test.csv'), 'adult');
  assert.equal(datasetStem('train.csv'), '');
});

test('the obvious partner comes first; other datasets are not partners', () => {
  const names = ['d/kryptonite-9-X.npy', 'd/hidden-kryptonite-9-X.npy', 'd/kryptonite-12-X.npy', 'e/kryptonite-9.csv', 'd/train.csv', 'd/test.csv', 'e/test.csv'];
  assert.deepEqual(obviousPartners('d/kryptonite-9-X.npy', names, folderOf), ['d/hidden-kryptonite-9-X.npy', 'e/kryptonite-9.csv']);
  assert.deepEqual(obviousPartners('d/hidden-kryptonite-9-X.npy', names, folderOf), ['d/kryptonite-9-X.npy', 'e/kryptonite-9.csv']);
  assert.deepEqual(obviousPartners('d/train.csv', names, folderOf), ['d/test.csv'], 'role-only names pair within their folder');
  assert.deepEqual(obviousPartners('d/kryptonite-12-X.npy', names, folderOf), []);
});
