import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeFileAtomicSync } from '@cgar/common/node';
import { METRICS_FILE } from '@cgar/trainer';

/**
 * The compressed per-step log a table keeps in git: `metrics.jsonl` is raw output (hundreds of
 * kilobytes per run) that tools and readers should not take for source; its gzip is a sixth of it.
 */
export const COMPRESSED_METRICS_FILE = `${METRICS_FILE}.gz`;

/**
 * Writes `runDir/metrics.jsonl.gz` from `runDir/metrics.jsonl` (atomically; the raw log stays).
 * Returns whether there was a log to compress.
 *
 * @example
 * compressRunLog('bench/results/cgar-table/runs/cgar-s0'); // true
 */
export function compressRunLog(runDir: string): boolean {
  const raw = join(runDir, METRICS_FILE);
  if (!existsSync(raw)) return false;
  // NOTE: mtime 0 in the header (Node writes none), so the same log always gives the same bytes.
  writeFileAtomicSync(join(runDir, COMPRESSED_METRICS_FILE), gzipSync(readFileSync(raw), { level: 9 }));
  return true;
}

/**
 * Puts `runDir/metrics.jsonl` back from its gzip when only the gzip is there (a fresh clone), so
 * the table, `cgar report` and resuming read the run as before. Returns whether it restored one.
 *
 * @example
 * restoreRunLog('bench/results/cgar-table/runs/cgar-s0'); // true on a fresh clone
 */
export function restoreRunLog(runDir: string): boolean {
  const raw = join(runDir, METRICS_FILE);
  const gz = join(runDir, COMPRESSED_METRICS_FILE);
  if (existsSync(raw) || !existsSync(gz)) return false;
  writeFileAtomicSync(raw, gunzipSync(readFileSync(gz)));
  return true;
}
