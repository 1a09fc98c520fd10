import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@cgar/common/node';
import type { TrmConfig } from '@cgar/export';
import { analyticalBound, type ConfigName } from './configs.js';
import { accuracySvg, htmlReport } from './report.js';
import { type RunSummary, summarizeConfigs } from './summary.js';
import { markdownTable, type TableHeader } from './table.js';

/** The files of a table, as bench/cgar-table writes them. */
export const TABLE_FILES = ['table.md', 'report.html', 'accuracy.svg', 'results.json'] as const;

/**
 * Writes `out/table.md`, `report.html`, `accuracy.svg` and `results.json` from finished runs, one
 * row per configuration of `configs` that has a run, each file replaced atomically.
 *
 * @example
 * writeTableFiles('bench/results/cgar-table', runs, ['baseline', 'cgar'], getPreset('cpu-small'), header);
 */
export function writeTableFiles(
  out: string,
  runs: readonly RunSummary[],
  configs: readonly ConfigName[],
  model: TrmConfig,
  header: TableHeader,
): void {
  const bounds = Object.fromEntries(configs.map((c) => [c, analyticalBound(c, model)]));
  const rows = summarizeConfigs(runs, configs, bounds);
  mkdirSync(out, { recursive: true });
  const write = (name: string, text: string) => writeFileAtomicSync(join(out, name), text);
  write('table.md', markdownTable(rows, header));
  write('report.html', htmlReport(rows, runs, header));
  write('accuracy.svg', accuracySvg(rows));
  write('results.json', `${JSON.stringify({ header, rows, runs }, null, 1)}\n`);
}
