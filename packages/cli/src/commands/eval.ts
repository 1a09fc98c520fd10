import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import {
  connectRedis,
  DEFAULT_QUEUE,
  type EvalCounts,
  type EvalShardJob,
  enqueue,
  type ShardedEvalMetrics,
  shardRanges,
  sumShards,
  waitForJobs,
} from '@cgar/sweep';
import { checkDatasetBuild, readDataset } from '@cgar/tasks/node';
import {
  calibrateHalting,
  checkProvider,
  evaluate,
  type HaltingCalibration,
  type HaltingTrace,
  haltingAt,
  sessionOptions,
} from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { defineCommand, UsageError } from '../command.js';
import { choiceFlag, numberFlag, progressBar } from '../flags.js';

export const evalCommand = defineCommand({
  summary: 'Evaluate a checkpoint on held-out puzzles at full depth',
  usage:
    'eval --checkpoint FILE --data DIR [--split test|train] [--limit N] [--raw] [--calibrate [--max-loss P]] [--ep cpu|cuda|webgpu] [--json] [--sweep --redis URL [--queue NAME] [--shard-size N]]',
  description:
    'Runs all Nsup supervision steps on every puzzle of DIR/<split> and reports exact and cell\n' +
    'accuracy, halting accuracy, and the exact accuracy and mean steps under adaptive halting.\n' +
    'Uses the EMA weights unless --raw. --calibrate also finds the q_halt threshold that saves\n' +
    'the most steps on these puzzles while losing at most --max-loss points of exact accuracy, for\n' +
    "'cgar solve --threshold'; calibrate on puzzles other than those you report on.\n" +
    '--sweep splits the puzzles into shards of --shard-size (default 4096, whole batches of 128)\n' +
    "and queues them on Redis; 'cgar worker' processes evaluate them and their counts are added up,\n" +
    'so the figures equal one process evaluating every puzzle. Workers read the checkpoint and the\n' +
    'data at the same absolute paths (a shared disk, or the same files on every machine). Finished\n' +
    'shards are kept: rerunning the command reuses them.',
  options: {
    checkpoint: { type: 'string', short: 'c', valueName: 'FILE', description: 'checkpoint from cgar train' },
    data: { type: 'string', short: 'd', valueName: 'DIR', description: 'data set folder' },
    split: { type: 'string', valueName: 'NAME', description: 'test (default) or train' },
    limit: { type: 'string', valueName: 'N', description: 'evaluate only the first N puzzles' },
    raw: { type: 'boolean', description: 'evaluate the raw weights instead of the EMA' },
    calibrate: { type: 'boolean', description: 'find the halting threshold for cgar solve --threshold' },
    'max-loss': {
      type: 'string',
      valueName: 'P',
      description: 'exact-accuracy points --calibrate may give up (default 0.5)',
    },
    ep: { type: 'string', valueName: 'EP', description: 'execution provider: cpu (default), cuda, webgpu' },
    json: { type: 'boolean', description: 'print JSON' },
    sweep: { type: 'boolean', description: 'evaluate in shards on workers pulling from Redis' },
    redis: { type: 'string', valueName: 'URL', description: 'with --sweep: the Redis server' },
    queue: {
      type: 'string',
      valueName: 'NAME',
      description: `with --sweep: the queue (default ${DEFAULT_QUEUE})`,
    },
    'shard-size': {
      type: 'string',
      valueName: 'N',
      description: 'with --sweep: puzzles per shard (default 4096)',
    },
  },
  async run({ values, io }) {
    if (!values.checkpoint) throw new UsageError('--checkpoint FILE is required');
    if (!values.data) throw new UsageError('--data DIR is required');
    checkDatasetBuild(values.data);
    const ckpt = await loadCheckpoint(values.checkpoint);
    const examples = readDataset(join(values.data, values.split ?? 'test')).examples;
    const limit = numberFlag('limit', values.limit, true) ?? examples.length;
    const params = (values.raw || !ckpt.ema ? ckpt.params : ckpt.ema) as TrmParams;
    const maxLossPoints = numberFlag('max-loss', values['max-loss'], false) ?? 0.5;
    if (values['max-loss'] !== undefined && !values.calibrate)
      throw new UsageError('--max-loss only applies with --calibrate');
    if (!(maxLossPoints >= 0 && maxLossPoints <= 100))
      throw new UsageError(`--max-loss must be between 0 and 100 points, got '${values['max-loss']}'`);
    const ep = choiceFlag('ep', values.ep, ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
    if (values.sweep) {
      if (values.calibrate)
        throw new UsageError('--calibrate needs every trace in one process; leave out --sweep');
      if (!values.redis) throw new UsageError('--sweep needs --redis URL');
      const m = await sweepEval({
        checkpoint: resolve(values.checkpoint),
        data: resolve(values.data),
        split: values.split ?? 'test',
        raw: values.raw === true,
        ep,
        count: Math.min(limit, examples.length),
        shardSize: numberFlag('shard-size', values['shard-size'], true) ?? 4096,
        redis: values.redis,
        queue: values.queue ?? DEFAULT_QUEUE,
        progress: (done, total) => progressBar(io, done, total, 'shards'),
      });
      if (values.json) io.stdout(`${JSON.stringify(m)}\n`);
      else
        io.stdout(
          `${m.count} puzzles in shards, ${values.raw || !ckpt.ema ? 'raw' : 'EMA'} weights, step ${ckpt.step}\n${figures(m, ckpt.config.nSup)}`,
        );
      return 0;
    }
    for (const flag of ['redis', 'queue', 'shard-size'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --sweep`);
    await checkProvider(ort, ep);
    const { traces, ...m } = await evaluate(ort, ckpt.config, params, examples.slice(0, limit), {
      traces: true,
      sessionOptions: sessionOptions(ep),
    });
    const c = values.calibrate ? calibrateHalting(traces, { maxLoss: maxLossPoints / 100 }) : undefined;
    const threshold = c && shortThreshold(traces, c);
    if (values.json) {
      const calibration = c && {
        threshold: Number(threshold),
        exact: c.exact,
        meanSteps: c.meanSteps,
        maxLoss: c.maxLoss,
      };
      io.stdout(`${JSON.stringify(calibration ? { ...m, calibration } : m)}\n`);
    } else {
      io.stdout(
        `${m.count} puzzles, ${values.raw || !ckpt.ema ? 'raw' : 'EMA'} weights, step ${ckpt.step}\n${figures(m, ckpt.config.nSup)}`,
      );
      if (c)
        io.stdout(
          `  calibrated (at most ${maxLossPoints} points lost): q_halt > ${threshold}  exact ${(100 * c.exact).toFixed(2)}%  mean steps ${c.meanSteps.toFixed(2)}\n` +
            `  use it with: cgar solve --threshold ${threshold}\n`,
        );
    }
    return 0;
  },
});

function figures(m: ShardedEvalMetrics, nSup: number): string {
  return (
    `  all ${nSup} steps:  exact ${(100 * m.exact).toFixed(2)}%  cell ${(100 * m.cell).toFixed(2)}%  halting accuracy ${(100 * m.haltAcc).toFixed(2)}%\n` +
    `  adaptive halting: exact ${(100 * m.exactAdaptive).toFixed(2)}%  mean steps ${m.meanSteps.toFixed(2)}\n`
  );
}

/**
 * Queues the shards of an evaluation (job ids from the checkpoint's bytes and the data, so a rerun
 * reuses finished shards), waits for the workers and adds their counts.
 */
async function sweepEval(o: {
  checkpoint: string;
  data: string;
  split: string;
  raw: boolean;
  ep: EvalShardJob['ep'];
  count: number;
  shardSize: number;
  redis: string;
  queue: string;
  progress: (done: number, total: number) => void;
}): Promise<ShardedEvalMetrics> {
  const key = createHash('sha256')
    .update(readFileSync(o.checkpoint))
    .update(JSON.stringify([o.data, o.split, o.raw, o.ep]))
    .digest('hex')
    .slice(0, 16);
  const jobs = shardRanges(o.count, o.shardSize).map(([start, end]) => {
    const data: EvalShardJob = {
      kind: 'eval-shard',
      checkpoint: o.checkpoint,
      data: o.data,
      split: o.split,
      start,
      end,
      raw: o.raw,
      ep: o.ep,
    };
    return { id: `eval.${key}.${start}-${end}`, data };
  });
  const connection = await connectRedis(o.redis);
  try {
    await enqueue(connection, o.queue, jobs);
    let done = 0;
    o.progress(0, jobs.length);
    const all = await waitForJobs(
      connection,
      o.queue,
      jobs.map((j) => j.id),
      {
        onChange: () => o.progress(++done, jobs.length),
      },
    );
    const failed = all.filter((s) => s.state === 'failed');
    if (failed.length)
      throw new Error(
        `${failed.length} of ${jobs.length} shards failed (${failed.map((f) => `${f.id}: ${f.failedReason}`).join('; ')}); ` +
          'fix the cause, then rerun the command: finished shards are reused',
      );
    return sumShards(all.map((s) => s.result as EvalCounts));
  } finally {
    connection.disconnect();
  }
}

/** The threshold with the fewest decimals that halts these puzzles exactly as the calibrated one. */
function shortThreshold(traces: readonly HaltingTrace[], c: HaltingCalibration): string {
  for (let digits = 1; digits <= 12; digits++) {
    const text = c.threshold.toFixed(digits);
    const p = haltingAt(traces, Number(text));
    if (p.exact === c.exact && p.meanSteps === c.meanSteps) return text;
  }
  return String(c.threshold);
}
