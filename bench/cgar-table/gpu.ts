/**
 * bench/cgar-table/gpu.ts: the official scale on an accelerator. Trains `sudoku-mlp` (D=512) with
 * batch 768 for a fixed number of optimizer steps, once per configuration (CGAR and the baseline by
 * default), and prints optimizer steps per second overall and per curriculum depth. No evaluation:
 * this times steps, it does not measure accuracy.
 *
 *   npx tsx bench/cgar-table/gpu.ts --ep cuda --steps 300 --batch 768 --preset sudoku-mlp
 *
 * Fails at once, with the trainer's advice, when onnxruntime has no such execution provider.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { generate } from '@cgar/tasks';
import { checkProvider, Trainer } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { Flags, orExit, parseFlags } from './args.js';
import { analyticalBound, CONFIG_NAMES, type ConfigName, pluginsFor } from './configs.js';

const values = orExit(() =>
  parseFlags(['ep', 'steps', 'batch', 'preset', 'configs', 'train', 'threads', 'lr', 'out'], ['help']),
);
if (values.help) {
  console.log(`usage: npx tsx bench/cgar-table/gpu.ts --ep cuda|webgpu|cpu [--steps 300] [--batch 768]
  [--preset sudoku-mlp] [--configs cgar,baseline] [--train 1000] [--threads T] [--lr 1e-4] [--out DIR]`);
  process.exit(0);
}
const f = new Flags('cgar-table/gpu', values);
const ep = f.choice('ep', ['cuda', 'webgpu', 'cpu'] as const, 'cuda');
const steps = f.int('steps', 300);
const batch = f.int('batch', 768);
const preset = f.preset('preset', 'sudoku-mlp');
const configs = f.list('configs', CONFIG_NAMES, ['cgar', 'baseline']);
const trainCount = f.int('train', 1000);
const threads = values.threads === undefined ? undefined : f.int('threads', 1);
const lr = f.positive('lr', 1e-4);
orExit(() => f.done());
const out = typeof values.out === 'string' ? values.out : join('bench', 'results', 'cgar-table');

interface DepthTiming {
  depth: string;
  steps: number;
  /** Steps after the first at this depth (the first builds the session). */
  seconds: number;
  stepsPerSecond: number;
  firstStepSeconds: number;
}

/** Trains one configuration for `steps` steps, timing every step. */
async function time(config: ConfigName, train: ReturnType<typeof generate>) {
  const t0 = performance.now();
  const trainer = await Trainer.create(ort, {
    config: preset.config,
    train,
    steps,
    batchSize: batch,
    seed: 0,
    lr: { lr, warmup: 0 },
    plugins: pluginsFor(config, preset.config, steps),
    ep,
    threads,
  });
  const setupSeconds = (performance.now() - t0) / 1000;
  const byDepth = new Map<string, number[]>();
  const started = performance.now();
  while (!trainer.done) {
    const m = await trainer.step();
    const key = `${m.n},${m.T}`;
    byDepth.set(key, [...(byDepth.get(key) ?? []), m.seconds]);
    if (trainer.stepCount % Math.max(1, Math.floor(steps / 10)) === 0)
      console.error(`[${config}] ${trainer.stepCount}/${steps} depth ${key} ${m.seconds.toFixed(3)} s/step`);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  await trainer.release();
  const depths: DepthTiming[] = [...byDepth].map(([depth, s]) => {
    const rest = s.slice(1).reduce((a, b) => a + b, 0);
    return {
      depth,
      steps: s.length,
      seconds: rest,
      stepsPerSecond: s.length > 1 ? (s.length - 1) / rest : Number.NaN,
      firstStepSeconds: s[0]!,
    };
  });
  const timedSteps = depths.reduce((a, d) => a + d.steps - 1, 0);
  const timedSeconds = depths.reduce((a, d) => a + d.seconds, 0);
  return {
    config,
    setupSeconds,
    wallSeconds,
    stepsPerSecond: timedSteps / timedSeconds,
    puzzleStepsPerSecond: (batch * timedSteps) / timedSeconds,
    bound: analyticalBound(config, preset.config),
    depths,
  };
}

const rate = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');

async function main(): Promise<number> {
  try {
    await checkProvider(ort, ep);
  } catch (e) {
    console.error(`cgar-table/gpu: ${(e as Error).message}`);
    return 1;
  }
  const train = generate({ seed: 1, count: trainCount, minGivens: 25, maxGivens: 35 });
  const results = [];
  for (const config of configs) results.push(await time(config, train));
  const base = results.find((r) => r.config === 'baseline');
  const lines = [
    `# ${preset.name}, batch ${batch}, ${steps} steps, ep ${ep} (${cpus()[0]?.model ?? '?'}, ${cpus().length} cores)`,
    '',
    '| configuration | steps/s | puzzle-steps/s | wall s | speedup | bound | per depth: steps/s (first step s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      (r) =>
        `| ${r.config} | ${rate(r.stepsPerSecond, 3)} | ${rate(r.puzzleStepsPerSecond, 0)} | ${r.wallSeconds.toFixed(1)} | ${base ? times(r.stepsPerSecond / base.stepsPerSecond) : 'n/a'} | ${r.bound.toFixed(2)}x | ${r.depths.map((d) => `(${d.depth}): ${rate(d.stepsPerSecond, 3)} (${d.firstStepSeconds.toFixed(2)})`).join(', ')} |`,
    ),
    '',
    "steps/s leaves out the first step at each depth (it builds that depth's session); speedup is steps/s",
    "over the baseline's, averaged over the whole run (the same step count for both); n/a: every depth",
    'ran a single step, raise --steps.',
  ];
  console.log(lines.join('\n'));
  mkdirSync(out, { recursive: true });
  const file = join(out, `gpu-${ep}-${preset.name}-b${batch}.json`);
  writeFileSync(file, `${JSON.stringify({ ep, preset: preset.name, batch, steps, results }, null, 1)}\n`);
  console.log(`\nwrote ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
