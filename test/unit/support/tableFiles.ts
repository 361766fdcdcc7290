/**
 * Test support for the known-answer tables (src/engine/synth/tables.ts): write a table's CSV text to a temporary
 * directory and read it through both CSV paths (the byte-level fast path and papaparse), asserting that they give the
 * same dataset, so every typing test also checks that the two readers agree.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../../src/engine/dataset';
import { readCsv } from '../../../src/engine/io/csv';
import type { CsvOptions } from '../../../src/engine/io/csv';

export interface TempFiles {
  /** Write `text` to `name` inside the directory; returns the path. */
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempFiles(prefix: string): Promise<TempFiles> {
  const dir = await mkdtemp(join(tmpdir(), `kryptonite-${prefix}-`));
  return {
    async write(name: string, text: string): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, text, 'utf8');
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Float32 bit patterns, so NaN and −0 compare exactly. */
function bits(column: Float32Array): number[] {
  return Array.from(new Uint32Array(column.buffer, column.byteOffset, column.length));
}

/** Everything a consumer sees except which parser produced it. */
export function comparable(d: Dataset): unknown {
  return {
    rows: d.rows,
    names: d.names,
    columns: d.columns.map(bits),
    missing: d.missing,
    label: d.label && { ...d.label, values: Array.from(d.label.values), target: d.label.target && Array.from(d.label.target) },
    types: d.types,
    categories: d.categories.map((c) => c && { ...c, codes: Array.from(c.codes) }),
    typeEvidence: d.typeEvidence,
    derivedFrom: d.derivedFrom,
    columnInfo: d.columnInfo,
    warnings: d.warnings,
    source: { ...d.source, parser: undefined },
  };
}

/** Read `file` with the automatic path and with papaparse; assert they agree and return the automatic one. */
export async function readBothPaths(file: string, options: CsvOptions = {}): Promise<Dataset> {
  const auto = await readCsv(file, { ...options, parser: 'auto' });
  const papa = await readCsv(file, { ...options, parser: 'papaparse' });
  assert.equal(papa.source.parser, 'papaparse');
  assert.deepEqual(comparable(auto), comparable(papa), `${file}: the fast path and papaparse disagree`);
  return auto;
}

/** Both paths must fail the same way; returns the error of the automatic path. */
export async function rejectBothPaths(file: string, options: CsvOptions, check: (e: unknown) => boolean): Promise<void> {
  await assert.rejects(readCsv(file, { ...options, parser: 'auto' }), check);
  await assert.rejects(readCsv(file, { ...options, parser: 'papaparse' }), check);
}
