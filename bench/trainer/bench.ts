/**
 * bench/trainer: the whole ACT training loop (data and augmentation, slot bookkeeping, one
 * supervision train step per optimizer step, AdamW, EMA, halting, curriculum and HSW plugins) in
 * puzzle-steps per second (B x steps / second), ours (`@cgar/trainer` over onnxruntime-node) against
 * a PyTorch eager implementation of the same loop (torch_peer.py), on the same config, data, initial
 * weights, batch, steps, stage boundaries and threads; plus the peak RSS of each side, each measured
 * in its own process.
 *
 *   npx tsx bench/trainer/bench.ts [--preset cpu-small] [--batch 32] [--steps 60] [--threads 1,2] [--ep cpu|cuda|webgpu]
 *
 * With `--repeat N` each side runs N times per thread count, interleaved, and the fastest run is
 * kept (a shared machine only ever slows a run down).
 *
 * The first `--warmup` steps of every curriculum stage are not timed on either side (ours builds
 * the train session of a new depth there); "total s" is the wall time of all steps.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCurriculum, paperSchedule } from '@cgar/curriculum';
import { getPreset, initParams, type TrmConfig } from '@cgar/export';
import { createWeighting } from '@cgar/supervision';
import { generate, type SudokuExample } from '@cgar/tasks';
import { type ExecutionProvider, Trainer } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'cpu-small' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '60' },
    threads: { type: 'string', default: '1,2' },
    warmup: { type: 'string', default: '2' },
    puzzles: { type: 'string', default: '256' },
    seed: { type: 'string', default: '0' },
    repeat: { type: 'string', default: '1' },
    child: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
  },
});
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const B = Number(args.batch);
const steps = Number(args.steps);
const warmup = Number(args.warmup);
const seed = Number(args.seed);

/** What run.json holds: everything both loops need besides the data and the initial weights. */
interface RunSpec {
  config: TrmConfig;
  lr: { lr: number; warmup: number };
  ema: number;
  explore: number;
  lambda: number;
  params: { name: string; dims: number[] }[];
}

interface Result {
  threads: number;
  timed_steps: number;
  seconds: number;
  total_seconds: number;
  puzzle_steps_per_second: number;
  /** Per curriculum stage: (2,1), (4,2), (6,3). */
  stage_puzzle_steps_per_second: number[];
  rss_after_create_mb?: number;
  peak_rss_mb: number;
  final_loss: number;
  torch?: string;
}

/** First 0-based step with `step / steps >= until`, the curriculum's own rule. */
const stageStart = (until: number) =>
  Array.from({ length: steps }, (_, i) => i).find((i) => i / steps >= until);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const digits = (g: Uint8Array) => Array.from(g).join('');
const grid = (s: string) => Uint8Array.from(s, (c) => Number(c));

/** Our side, in a child process so that its peak RSS is the trainer's alone. */
async function child(dir: string, threads: number): Promise<void> {
  const spec = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSpec;
  const train: SudokuExample[] = readFileSync(join(dir, 'puzzles.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [p, s] = line.split(' ');
      return { puzzle: grid(p!), solution: grid(s!) };
    });
  const trainer = await Trainer.create(ort, {
    config: spec.config,
    train,
    steps,
    batchSize: B,
    seed,
    threads,
    ep: args.ep as ExecutionProvider,
    lr: { ...spec.lr, kind: 'constant' },
    ema: { decay: spec.ema, warmup: true },
    explore: spec.explore,
    plugins: [
      createCurriculum(paperSchedule(), { totalSteps: steps }),
      createWeighting({ nSup: spec.config.nSup, lambda: spec.lambda }),
    ],
  });
  const rssAfterCreate = process.memoryUsage().rss / 2 ** 20;
  const seconds = [0, 0, 0]; // timed, per curriculum stage
  const counts = [0, 0, 0];
  let stageSteps = 0;
  let lastStage = -1;
  let loss = Number.NaN;
  const started = performance.now();
  while (!trainer.done) {
    const t0 = performance.now();
    const m = await trainer.step();
    const dt = (performance.now() - t0) / 1000;
    stageSteps = m.stage === lastStage ? stageSteps + 1 : 1;
    lastStage = m.stage;
    loss = m.loss;
    if (stageSteps > warmup) {
      seconds[m.stage] = seconds[m.stage]! + dt;
      counts[m.stage] = counts[m.stage]! + 1;
    }
  }
  const result: Result = {
    threads,
    timed_steps: sum(counts),
    seconds: sum(seconds),
    total_seconds: (performance.now() - started) / 1000,
    puzzle_steps_per_second: (B * sum(counts)) / sum(seconds),
    stage_puzzle_steps_per_second: counts.map((c, i) => (B * c) / seconds[i]!),
    rss_after_create_mb: rssAfterCreate,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    final_loss: loss,
  };
  await trainer.release();
  console.log(JSON.stringify(result));
}

/** Writes run.json, puzzles.txt and params.bin (the Trainer's own seeded init) for both sides. */
function prepare(dir: string): TrmConfig {
  const config = getPreset(args.preset!);
  const params = initParams(config, seed);
  const spec: RunSpec = {
    config,
    lr: { lr: 1e-3, warmup: Math.floor(steps / 10) },
    ema: 0.999,
    explore: 0.1,
    lambda: 0.7,
    params: [...params].map(([name, t]) => ({ name, dims: [...t.dims] })),
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(spec));
  const flat = [...params.values()].map((t) => Buffer.from((t.data as Float32Array).slice().buffer));
  writeFileSync(join(dir, 'params.bin'), Buffer.concat(flat));
  const puzzles = generate({ seed, count: Number(args.puzzles), minGivens: 25, maxGivens: 35 });
  writeFileSync(
    join(dir, 'puzzles.txt'),
    `${puzzles.map((p) => `${digits(p.puzzle)} ${digits(p.solution)}`).join('\n')}\n`,
  );
  return config;
}

function runJson(cmd: string, argv: string[]): Result | undefined {
  try {
    const out = execFileSync(cmd, argv, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return JSON.parse(out.trim().split('\n').pop()!) as Result;
  } catch (e) {
    console.error(`${cmd} failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trainer-'));
  const config = prepare(dir);
  const common = ['--batch', String(B), '--steps', String(steps), '--warmup', String(warmup)];
  const threadList = args.threads!.split(',').map(Number);
  const ours = new Map<number, Result | undefined>();
  const torch = new Map<number, Result | undefined>();
  const fastest = (a: Result | undefined, b: Result | undefined) =>
    !a || (b && b.puzzle_steps_per_second > a.puzzle_steps_per_second) ? b : a;
  for (let r = 0; r < Number(args.repeat); r++) {
    for (const t of threadList) {
      const tail = ['--threads', String(t), '--seed', String(seed), ...common];
      const o = runJson(process.execPath, [
        '--import',
        'tsx',
        'bench/trainer/bench.ts',
        '--child',
        dir,
        ...tail,
        '--ep',
        args.ep!,
      ]);
      ours.set(t, fastest(ours.get(t), o));
      const p = runJson('/usr/bin/python3', [
        'bench/trainer/torch_peer.py',
        ...['--preset-json', join(dir, 'run.json'), '--data', join(dir, 'puzzles.txt')],
        ...['--params', join(dir, 'params.bin'), ...tail],
      ]);
      torch.set(t, fastest(torch.get(t), p));
    }
  }
  rmSync(dir, { recursive: true, force: true });

  const fmt = (x: number | undefined, d = 0) => (x === undefined ? 'n/a' : x.toFixed(d));
  const bestTorch = Math.max(...[...torch.values()].map((r) => r?.puzzle_steps_per_second ?? 0));
  const torchVersion = [...torch.values()].find((r) => r)?.torch ?? 'n/a';
  const c = config;
  console.log(
    `\nbench/trainer: ${args.preset} (D=${c.hidden}, n=${c.n}, T=${c.T}, nSup=${c.nSup}, ${c.loss}), ` +
      `B=${B}, ${steps} steps, paper curriculum (stages start at steps ${stageStart(0.3)} and ${stageStart(0.6)}), ` +
      `per-sample HSW, EMA, first ${warmup} steps of each stage untimed, best of ${args.repeat}; torch ${torchVersion} eager\n`,
  );
  console.log(
    '| threads | ours puzzle-steps/s | torch puzzle-steps/s | ours / torch | ours / best torch | ours peak RSS MB | torch peak RSS MB | total s ours / torch | final loss ours / torch |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const t of threadList) {
    const o = ours.get(t);
    const p = torch.get(t);
    const ratio = o && p ? (o.puzzle_steps_per_second / p.puzzle_steps_per_second).toFixed(2) : 'n/a';
    const best = o && bestTorch > 0 ? (o.puzzle_steps_per_second / bestTorch).toFixed(2) : 'n/a';
    console.log(
      `| ${t} | ${fmt(o?.puzzle_steps_per_second)} | ${fmt(p?.puzzle_steps_per_second)} | ${ratio} | ${best} | ` +
        `${fmt(o?.peak_rss_mb)} | ${fmt(p?.peak_rss_mb)} | ${fmt(o?.total_seconds, 1)} / ${fmt(p?.total_seconds, 1)} | ` +
        `${fmt(o?.final_loss, 3)} / ${fmt(p?.final_loss, 3)} |`,
    );
  }
  const stages = (r: Result | undefined) =>
    r?.stage_puzzle_steps_per_second.map((x) => fmt(x)).join(' / ') ?? 'n/a';
  console.log('\nper stage (2,1) / (4,2) / (6,3), puzzle-steps/s:');
  for (const t of threadList) {
    const o = ours.get(t);
    console.log(`  threads ${t}: ours ${stages(o)}; torch ${stages(torch.get(t))}`);
    if (o?.rss_after_create_mb)
      console.log(`  threads ${t}: ours RSS after Trainer.create ${fmt(o.rss_after_create_mb)} MB`);
  }
}

if (args.child) await child(args.child, Number(args.threads));
else await main();
