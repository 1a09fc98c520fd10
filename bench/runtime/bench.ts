/**
 * bench/runtime: Sudoku puzzles per second with adaptive halting (q_halt > 0) versus all Nsup
 * steps, in graph and host mode, on onnxruntime-node CPU and onnxruntime-web wasm, against
 * PyTorch eager running all Nsup steps on the same weights; with exact accuracy, halting accuracy
 * (mean of (q_halt >= 0) == correct at the step the sample stopped) and mean steps for each.
 *
 *   npx tsx bench/runtime/bench.ts --checkpoint runs/sudoku/last.safetensors [--puzzles 256]
 *       [--file test.txt] [--batch 64] [--threads 1] [--raw] [--no-torch] [--out bench/results/runtime.json]
 *       [--ep cpu|cuda|webgpu]   (the onnxruntime-node rows' execution provider)
 *
 * Without --checkpoint it runs on random cpu-tiny weights (a smoke test: nothing is solved).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildHaltingGraph,
  buildStepGraph,
  getPreset,
  initParams,
  type TrmConfig,
  type TrmParams,
} from '@cgar/export';
import { exportOfficialWeights, loadCheckpoint } from '@cgar/export/node';
import { create as createNode } from '@cgar/runtime/node';
import { create as createWeb } from '@cgar/runtime/web';
import { encodePuzzle, generate, type SudokuExample } from '@cgar/tasks';
import { readPuzzleFile } from '@cgar/tasks/node';
import { checkProvider, type ExecutionProvider } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    raw: { type: 'boolean', default: false },
    file: { type: 'string' },
    threshold: { type: 'string', default: '0' },
    puzzles: { type: 'string', default: '256' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    'no-torch': { type: 'boolean', default: false },
    out: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
  },
});
const ep = args.ep as ExecutionProvider;
await checkProvider(ort, ep);
const threshold = Number(args.threshold);
const threads = Number(args.threads);
const batchSize = Number(args.batch);

async function model(): Promise<{ cfg: TrmConfig; params: TrmParams; source: string }> {
  if (!args.checkpoint) {
    console.warn('bench/runtime: no --checkpoint; using random cpu-tiny weights (nothing will be solved)');
    const cfg = getPreset('cpu-tiny');
    return { cfg, params: initParams(cfg, 0), source: 'random cpu-tiny' };
  }
  const ckpt = await loadCheckpoint(args.checkpoint);
  const ema = !args.raw && ckpt.ema !== undefined;
  const params = (ema ? ckpt.ema : ckpt.params) as TrmParams;
  return {
    cfg: ckpt.config,
    params,
    source: `${args.checkpoint} step ${ckpt.step} (${ema ? 'EMA' : 'raw'})`,
  };
}

function examples(): SudokuExample[] {
  const n = Number(args.puzzles);
  if (args.file) return readPuzzleFile(args.file, { requireUnique: false }).slice(0, n);
  // NOTE: hard-ish by default: few givens and at least one search node beyond singles.
  return generate({ seed: 2025, count: n, minGivens: 22, maxGivens: 30, requireSearch: true });
}

interface Row {
  runtime: string;
  mode: string;
  halting: string;
  puzzlesPerSecond: number;
  exactAccuracy: number;
  haltingAccuracy: number;
  meanSteps: number;
}

const equal = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((v, i) => v === b[i]);

function score(
  data: SudokuExample[],
  answers: ArrayLike<number>[],
  qs: number[],
  steps: number[],
  seconds: number,
) {
  const correct = answers.map((a, i) => equal(a, data[i]!.solution));
  return {
    puzzlesPerSecond: data.length / seconds,
    exactAccuracy: correct.filter(Boolean).length / data.length,
    haltingAccuracy: correct.filter((c, i) => qs[i]! >= 0 === c).length / data.length,
    meanSteps: steps.reduce((s, v) => s + v, 0) / data.length,
  };
}

async function onnxRows(cfg: TrmConfig, params: TrmParams, data: SudokuExample[]): Promise<Row[]> {
  const models = { halting: buildHaltingGraph(cfg, params).bytes, step: buildStepGraph(cfg, params).bytes };
  const puzzles = data.map((e) => e.puzzle);
  const rows: Row[] = [];
  for (const [runtime, create] of [
    [`onnxruntime-node ${ep}`, createNode],
    ['onnxruntime-web wasm', createWeb],
  ] as const) {
    for (const mode of ['graph', 'host'] as const) {
      for (const halting of ['adaptive', 'fixed'] as const) {
        const solver = await create(models, {
          ...(runtime.startsWith('onnxruntime-node') && ep !== 'cpu'
            ? { executionProviders: [ep, 'cpu'] }
            : {}),
          mode,
          threads,
          batchSize,
          halting: halting === 'fixed' ? 'fixed' : { threshold },
        });
        await solver.solve(puzzles.slice(0, Math.min(8, puzzles.length)));
        const start = performance.now();
        const rs = await solver.solve(puzzles);
        const seconds = (performance.now() - start) / 1000;
        await solver.release();
        const s = score(
          data,
          rs.map((r) => r.digits),
          rs.map((r) => r.qHalt),
          rs.map((r) => r.steps),
          seconds,
        );
        rows.push({
          runtime,
          mode,
          halting: halting === 'fixed' ? `all ${cfg.nSup}` : `q_halt > ${threshold}`,
          ...s,
        });
        console.warn(`  ${runtime} ${mode} ${halting}: ${s.puzzlesPerSecond.toFixed(1)} puzzles/s`);
      }
    }
  }
  return rows;
}

function torchRow(cfg: TrmConfig, params: TrmParams, data: SudokuExample[]): Row {
  const dir = mkdtempSync(join(tmpdir(), 'cgar-bench-runtime-'));
  writeFileSync(join(dir, 'w.safetensors'), exportOfficialWeights(params));
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
  writeFileSync(join(dir, 'p.json'), JSON.stringify(data.map((e) => Array.from(encodePuzzle(e.puzzle)))));
  const out = execFileSync(
    '/usr/bin/python3',
    [
      'bench/runtime/torch_peer.py',
      ...[
        '--weights',
        join(dir, 'w.safetensors'),
        '--config',
        join(dir, 'cfg.json'),
        '--puzzles',
        join(dir, 'p.json'),
      ],
      ...['--batch', String(batchSize), '--threads', String(threads), '--steps', String(cfg.nSup)],
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const r = JSON.parse(out) as { seconds: number; torch: string; predictions: number[][]; q_halt: number[] };
  const answers = r.predictions.map((row) => row.map((id) => (id >= 2 ? id - 1 : 0)));
  const steps = data.map(() => cfg.nSup);
  return {
    runtime: `PyTorch ${r.torch} eager`,
    mode: '-',
    halting: `all ${cfg.nSup}`,
    ...score(data, answers, r.q_halt, steps, r.seconds),
  };
}

const { cfg, params, source } = await model();
const data = examples();
console.warn(
  `bench/runtime: ${data.length} puzzles, batch ${batchSize}, ${threads} thread(s), model ${source}`,
);
const rows = await onnxRows(cfg, params, data);
if (!args['no-torch']) rows.push(torchRow(cfg, params, data));

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const header = ['runtime', 'mode', 'halting', 'puzzles/s', 'exact acc', 'halt acc', 'mean steps'];
const table = rows.map((r) => [
  r.runtime,
  r.mode,
  r.halting,
  r.puzzlesPerSecond.toFixed(1),
  pct(r.exactAccuracy),
  pct(r.haltingAccuracy),
  r.meanSteps.toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n'));
for (const runtime of new Set(rows.filter((r) => r.mode !== '-').map((r) => r.runtime))) {
  for (const mode of ['graph', 'host']) {
    const [adaptive, fixed] = rows.filter((r) => r.runtime === runtime && r.mode === mode);
    if (!adaptive || !fixed) continue;
    const speedup = adaptive.puzzlesPerSecond / fixed.puzzlesPerSecond;
    const drop = 100 * (fixed.exactAccuracy - adaptive.exactAccuracy);
    console.log(
      `${runtime} ${mode}: halting ${speedup.toFixed(2)}x the throughput of all steps, exact accuracy ${drop >= 0 ? '-' : '+'}${Math.abs(drop).toFixed(2)} points`,
    );
  }
}
const report = { source, config: cfg, puzzles: data.length, batchSize, threads, rows };
if (args.out) {
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
}
