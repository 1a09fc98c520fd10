/**
 * bench/runtime/rules.ts: every halting rule at inference, against running all Nsup steps, in
 * graph and host mode, on onnxruntime-node CPU and onnxruntime-web wasm: exact accuracy, mean
 * steps and puzzles per second, and each rule's throughput as a multiple of all steps (same
 * runtime and mode, timed in the same run). The learned rule's threshold is calibrated on a
 * validation set generated from its own seed (`calibrateHalting`, at most 0.5 points given up);
 * the reported puzzles are the test split of a data set, never used in training or tuning.
 *
 *   npx tsx bench/runtime/rules.ts --checkpoint RUN/checkpoint.safetensors --test DATA/test \
 *     --min-givens 28 --max-givens 34 [--val-seed 77] [--puzzles N (the last N)] [--threads 1] [--batch 64] [--repeat 1] \
 *     [--out bench/results/halting/rules-hard.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHaltingGraph, buildStepGraph, type TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { create as createNode, type HaltingRule, type SolveResult } from '@cgar/runtime/node';
import { create as createWeb } from '@cgar/runtime/web';
import { generate } from '@cgar/tasks';
import { readDataset } from '@cgar/tasks/node';
import { calibrateHalting, evaluate } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    test: { type: 'string' },
    'min-givens': { type: 'string' },
    'max-givens': { type: 'string' },
    'val-seed': { type: 'string', default: '77' },
    'val-count': { type: 'string', default: '200' },
    puzzles: { type: 'string' },
    threads: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    repeat: { type: 'string', default: '1' },
    raw: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  strict: true,
});
const missing = (['checkpoint', 'test', 'min-givens', 'max-givens'] as const).filter((k) => !args[k]);
if (missing.length) {
  console.error(
    `rules.ts: ${missing.map((k) => `--${k}`).join(', ')} required; see the usage at the top of the file`,
  );
  process.exit(2);
}
const threads = Number(args.threads);
const batchSize = Number(args.batch);
const repeat = Number(args.repeat);

const ckpt = await loadCheckpoint(args.checkpoint!);
const cfg = ckpt.config;
const params = ((args.raw ? undefined : ckpt.ema) ?? ckpt.params) as TrmParams;
const test = readDataset(args.test!).examples.slice(-(Number(args.puzzles) || 0));
const val = generate({
  seed: Number(args['val-seed']),
  count: Number(args['val-count']),
  minGivens: Number(args['min-givens']),
  maxGivens: Number(args['max-givens']),
});
const traces = (await evaluate(ort, cfg, params, val, { traces: true })).traces;
const calibration = calibrateHalting(traces, { maxLoss: 0.005 });
const threshold = Number(calibration.threshold.toPrecision(4));
console.warn(
  `rules.ts: ${test.length} test puzzles; threshold ${threshold} calibrated on ${val.length} puzzles of seed ${args['val-seed']} (${calibration.meanSteps.toFixed(2)} steps there)`,
);

const RULES: [string, HaltingRule][] = [
  [`all ${cfg.nSup} steps`, 'fixed'],
  ['learned, q_halt > 0', { threshold: 0 }],
  [`learned, q_halt > ${threshold} (calibrated)`, { threshold }],
  ['stable, 3 steps', { stable: 3 }],
  ['verified', { verified: true }],
  ['verified or stable 3', { verified: true, stable: 3 }],
];

interface Row {
  runtime: string;
  mode: string;
  rule: string;
  exact: number;
  meanSteps: number;
  puzzlesPerSecond: number;
  /** Throughput as a multiple of all steps, same runtime and mode. */
  speedup: number;
  /** Exact accuracy against all steps, in points. */
  points: number;
}

const models = { halting: buildHaltingGraph(cfg, params).bytes, step: buildStepGraph(cfg, params).bytes };
const puzzles = test.map((e) => e.puzzle);
const rows: Row[] = [];
for (const [runtime, create] of [
  ['onnxruntime-node cpu', createNode],
  ['onnxruntime-web wasm', createWeb],
] as const) {
  for (const mode of ['graph', 'host'] as const) {
    const solvers = await Promise.all(
      RULES.map(([, halting]) => create(models, { mode, threads, batchSize, halting })),
    );
    for (const s of solvers) await s.solve(puzzles.slice(0, 8));
    // NOTE: rules take turns, `repeat` rounds, and each keeps its fastest time: the machine is
    // shared, and load that drifts during the run then weighs on every rule alike.
    const best = RULES.map(() => Number.POSITIVE_INFINITY);
    const results: SolveResult[][] = [];
    for (let r = 0; r < repeat; r++)
      for (const [k, solver] of solvers.entries()) {
        const start = performance.now();
        results[k] = await solver.solve(puzzles);
        best[k] = Math.min(best[k]!, (performance.now() - start) / 1000);
      }
    await Promise.all(solvers.map((s) => s.release()));
    const group = RULES.map(([rule], k) => {
      const rs = results[k]!;
      const right = rs.filter((res, i) => res.digits.every((d, c) => d === test[i]!.solution[c])).length;
      return {
        runtime,
        mode,
        rule,
        exact: right / test.length,
        meanSteps: rs.reduce((sum, res) => sum + res.steps, 0) / test.length,
        puzzlesPerSecond: test.length / best[k]!,
        speedup: best[0]! / best[k]!,
        points: 0,
      };
    });
    for (const row of group) {
      row.points = 100 * (row.exact - group[0]!.exact);
      console.warn(
        `  ${runtime} ${mode} ${row.rule}: exact ${(100 * row.exact).toFixed(1)}% in ${row.meanSteps.toFixed(2)} steps, ${row.puzzlesPerSecond.toFixed(1)} puzzles/s (${row.speedup.toFixed(2)}x)`,
      );
    }
    rows.push(...group);
  }
}

const table = [
  '| runtime | mode | rule | exact | vs all steps | mean steps | puzzles/s | throughput vs all steps |',
  '|---|---|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.runtime} | ${r.mode} | ${r.rule} | ${(100 * r.exact).toFixed(1)}% | ${r.points >= 0 ? '+' : ''}${r.points.toFixed(1)} | ${r.meanSteps.toFixed(2)} | ${r.puzzlesPerSecond.toFixed(1)} | ${r.speedup.toFixed(2)}x |`,
  ),
].join('\n');
console.log(table);
if (args.out) {
  mkdirSync(dirname(args.out), { recursive: true });
  const report = {
    command: ['npx tsx bench/runtime/rules.ts', ...process.argv.slice(2)].join(' '),
    date: new Date().toISOString(),
    source: `${args.checkpoint} step ${ckpt.step} (${args.raw ? 'raw' : 'EMA'})`,
    test: { dir: args.test, count: test.length },
    calibration: { seed: Number(args['val-seed']), count: val.length, threshold, maxLoss: 0.005 },
    threads,
    batchSize,
    rows,
  };
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(args.out.replace(/\.json$/, '.md'), `${table}\n`);
}
