import { join } from 'node:path';
import type { TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import type { OrtModule } from '@cgar/graph';
import { readDataset } from '@cgar/tasks/node';
import { type EvalMetrics, evaluate, sessionOptions } from '@cgar/trainer';

/** One shard of a sharded evaluation: puzzles `[start, end)` of `data/split`. */
export interface EvalShardJob {
  readonly kind: 'eval-shard';
  readonly checkpoint: string;
  readonly data: string;
  readonly split: string;
  readonly start: number;
  readonly end: number;
  readonly raw: boolean;
  readonly ep: 'cpu' | 'cuda' | 'webgpu';
}

/**
 * What a shard counted: whole numbers, so shards add up exactly (averages of shards would not).
 * `cells` is the number of cells right, `steps` the supervision steps adaptive halting used.
 */
export interface EvalCounts {
  readonly count: number;
  readonly exact: number;
  readonly cells: number;
  readonly cellsTotal: number;
  readonly haltAcc: number;
  readonly exactAdaptive: number;
  readonly steps: number;
  readonly stepHistogram: readonly number[];
}

/** The additive figures of `evaluate`, as the ratios it reports (the same division, so the same doubles). */
export type ShardedEvalMetrics = Pick<
  EvalMetrics,
  'count' | 'exact' | 'cell' | 'haltAcc' | 'exactAdaptive' | 'meanSteps' | 'stepHistogram'
>;

/** The batch `evaluate` runs; shards start on its multiples so every batch is the same as unsharded. */
export const EVAL_BATCH = 128;

/**
 * Splits `total` puzzles into shards of about `size` (rounded up to whole evaluation batches).
 *
 * @example
 * shardRanges(1000, 300); // [[0, 384], [384, 768], [768, 1000]]
 */
export function shardRanges(total: number, size: number): [number, number][] {
  const step = Math.max(EVAL_BATCH, Math.ceil(size / EVAL_BATCH) * EVAL_BATCH);
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += step) out.push([start, Math.min(total, start + step)]);
  return out;
}

/** Turns `evaluate`'s ratios back into the counts they were computed from. */
export function countsOf(m: EvalMetrics, cellsPerPuzzle: number): EvalCounts {
  const n = m.count;
  return {
    count: n,
    exact: Math.round(m.exact * n),
    cells: Math.round(m.cell * n * cellsPerPuzzle),
    cellsTotal: n * cellsPerPuzzle,
    haltAcc: Math.round(m.haltAcc * n),
    exactAdaptive: Math.round(m.exactAdaptive * n),
    steps: Math.round(m.meanSteps * n),
    stepHistogram: [...m.stepHistogram],
  };
}

/**
 * Adds shard counts and divides once, as one process evaluating every puzzle would.
 *
 * @example
 * const m = sumShards(results); // m.exact === (await evaluate(ort, cfg, params, all)).exact
 */
export function sumShards(shards: readonly EvalCounts[]): ShardedEvalMetrics {
  if (!shards.length) throw new RangeError('sumShards: no shard results to add');
  const sum = (f: (c: EvalCounts) => number) => shards.reduce((a, c) => a + f(c), 0);
  const n = sum((c) => c.count);
  const width = Math.max(...shards.map((c) => c.stepHistogram.length));
  return {
    count: n,
    exact: sum((c) => c.exact) / n,
    cell: sum((c) => c.cells) / sum((c) => c.cellsTotal),
    haltAcc: sum((c) => c.haltAcc) / n,
    exactAdaptive: sum((c) => c.exactAdaptive) / n,
    meanSteps: sum((c) => c.steps) / n,
    stepHistogram: Array.from({ length: width }, (_, i) => sum((c) => c.stepHistogram[i] ?? 0)),
  };
}

/**
 * Evaluates one shard (EMA weights unless `raw`) and returns its counts.
 *
 * @example
 * const counts = await evalShard(ort, { kind: 'eval-shard', checkpoint: 'runs/a/checkpoint.safetensors', data: 'data/sudoku', split: 'test', start: 0, end: 128, raw: false, ep: 'cpu' });
 */
export async function evalShard(ort: OrtModule, job: EvalShardJob): Promise<EvalCounts> {
  const ckpt = await loadCheckpoint(job.checkpoint);
  const examples = readDataset(join(job.data, job.split)).examples.slice(job.start, job.end);
  if (!examples.length)
    throw new RangeError(
      `eval shard [${job.start}, ${job.end}) of ${join(job.data, job.split)} holds no puzzle`,
    );
  const params = (job.raw || !ckpt.ema ? ckpt.params : ckpt.ema) as TrmParams;
  const m = await evaluate(ort, ckpt.config, params, examples, {
    batchSize: EVAL_BATCH,
    sessionOptions: sessionOptions(job.ep),
  });
  return countsOf(m, ckpt.config.cells);
}
