import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SudokuExample } from '@cgar/tasks';
import { buildSudokuDataset, type DatasetManifest, readDataset } from '@cgar/tasks/node';

export interface DataSpec {
  readonly seed: number;
  readonly train: number;
  readonly test: number;
  readonly minGivens: number;
  readonly maxGivens: number;
  readonly requireSearch: boolean;
}

export interface BenchData {
  readonly train: SudokuExample[];
  readonly test: SudokuExample[];
  /** Counts, seeds, givens and difficulty histograms of both splits. */
  readonly manifests: { readonly train: DatasetManifest; readonly test: DatasetManifest };
}

/**
 * The one data set every configuration trains and is evaluated on, kept in `dir` so a resumed
 * table uses the very same puzzles. `buildSudokuDataset` draws train and test from separate
 * derived seeds and drops test puzzles sharing a puzzle or a solution grid with train. It is
 * built in a temporary folder and renamed into place, so workers that start together on one
 * machine never read a half-written set (the set depends only on `spec`: every machine builds
 * the same puzzles).
 *
 * @example
 * const { train, test } = benchData('bench/results/cgar-table/data', { seed: 1, train: 1000, test: 200, minGivens: 50, maxGivens: 60, requireSearch: false });
 */
export function benchData(dir: string, spec: DataSpec): BenchData {
  if (!existsSync(join(dir, 'test', 'manifest.json'))) {
    const { seed, train, test, minGivens, maxGivens, requireSearch } = spec;
    const tmp = `${dir}.tmp-${process.pid}`;
    buildSudokuDataset({ dir: tmp, seed, train, test, minGivens, maxGivens, requireSearch });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // NOTE: another process renamed its copy first (same spec, same puzzles): keep that one.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, 'test', 'manifest.json'))) throw e;
    }
  }
  const train = readDataset(join(dir, 'train'));
  const test = readDataset(join(dir, 'test'));
  const problems = [
    ...mismatches(train.manifest, spec, spec.train),
    ...mismatches(test.manifest, spec, spec.test),
  ];
  if (problems.length) {
    throw new Error(
      `benchData: the data set in ${dir} was built with other settings (${problems.join('; ')}); ` +
        'pass the same data flags as before, or another --out, or delete that folder to rebuild it',
    );
  }
  return {
    train: train.examples,
    test: test.examples,
    manifests: { train: train.manifest, test: test.manifest },
  };
}

function mismatches(m: DatasetManifest, spec: DataSpec, count: number): string[] {
  const g = m.generator ?? {};
  const want: [string, unknown, unknown][] = [
    ['count', m.count, count],
    ['seed', m.seed, spec.seed],
    ['minGivens', g.minGivens, spec.minGivens],
    ['maxGivens', g.maxGivens, spec.maxGivens],
    ['requireSearch', g.requireSearch, spec.requireSearch],
  ];
  return want
    .filter(([, have, expected]) => have !== expected)
    .map(([name, have, expected]) => `${m.split} ${name} is ${String(have)}, flags say ${String(expected)}`);
}
