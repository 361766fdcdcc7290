/**
 * Child process of the bench: reads one CSV with the chosen parser and prints one JSON line with the time and the
 * process's peak resident memory, so each measurement starts from a fresh heap.
 */
import { statSync } from 'node:fs';
import { readCsv } from '../../src/engine/io/csv';

async function run(): Promise<void> {
  const [file, parser] = process.argv.slice(2);
  const baselineRss = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const dataset = await readCsv(file, { parser: parser === 'papaparse' ? 'papaparse' : 'auto' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const floatBytes = dataset.columns.reduce((s, c) => s + c.byteLength, 0) + (dataset.label ? dataset.label.values.byteLength : 0);
  process.stdout.write(
    JSON.stringify({
      ms,
      bytes: statSync(file).size,
      rows: dataset.rows,
      features: dataset.columns.length,
      parser: dataset.source.parser,
      floatBytes,
      baselineRss,
      // ru_maxrss is in KiB on Linux.
      peakRss: process.resourceUsage().maxRSS * 1024,
    }) + '\n',
  );
}

void run();
