/**
 * bench/train-step: seconds per TRM train step (one supervision step at depth (n, T) with the
 * loss, backward through the last cycle and AdamW) at the curriculum depths, for D=128 and
 * D=256, batch 64, MLP mixer, against PyTorch eager on the same shapes, in one run.
 *
 *   npx tsx bench/train-step/bench.ts [--iters 5] [--threads 2] [--dims 128,256]
 *     [--preset sudoku-mlp] [--ep cpu|cuda|webgpu] [--torch-device cpu|cuda] [--python PATH] [--out result.json]
 *
 * `--preset` times that preset's own config (its D) instead of `--dims`; `--ep` runs ours on that
 * execution provider, `--torch-device cuda` the peer on the GPU (one run, threads do not apply).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  buildTrainGraph,
  getPreset,
  initParams,
  type PresetName,
  seqLen,
  type TrmConfig,
} from '@cgar/export';
import { hostTensor, matmulFlops, TrainStepRunner } from '@cgar/graph';
import { checkProvider, type ExecutionProvider, sessionOptions } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    iters: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    dims: { type: 'string', default: '128,256' },
    batch: { type: 'string', default: '64' },
    'no-torch': { type: 'boolean', default: false },
    preset: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
    'torch-device': { type: 'string', default: 'cpu' },
    python: { type: 'string', default: '/usr/bin/python3' },
    out: { type: 'string' },
  },
});
const ep = args.ep as ExecutionProvider;
await checkProvider(ort, ep);
const torchDevice = args['torch-device']!;
const iters = Number(args.iters);
const warmup = Number(args.warmup);
const B = Number(args.batch);
const threads = Number(args.threads);
const DEPTHS = [
  [2, 1],
  [4, 2],
  [6, 3],
] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const configFor = (D: number): TrmConfig =>
  args.preset
    ? getPreset(args.preset as PresetName)
    : { ...getPreset('cpu-large'), hidden: D, interMultiple: 256, heads: D / 64 };

async function ours(D: number, n: number, T: number) {
  const config = configFor(D);
  const params = initParams(config, 0);
  const model = buildTrainGraph(config, params, { depth: { n, T } });
  const flops = matmulFlops(model.graph, { B });
  const runner = await TrainStepRunner.create(ort, model, params, {
    sessionOptions: sessionOptions(ep, threads),
  });
  const S = seqLen(config);
  const rnd = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  const ids = (lo: number) => BigInt64Array.from({ length: B * 81 }, (_, i) => BigInt(lo + (i % 9)));
  const feeds = {
    tokens: hostTensor('int64', [B, 81], ids(1)),
    labels: hostTensor('int64', [B, 81], ids(2)),
    y: hostTensor('float32', [B, S, D], rnd(B * S * D)),
    z: hostTensor('float32', [B, S, D], rnd(B * S * D)),
    w: hostTensor('float32', [B], new Float32Array(B).fill(1)),
  };
  const times: number[] = [];
  for (let i = 0; i < warmup + iters; i++) {
    const t0 = performance.now();
    await runner.step(feeds, { lr: 1e-4 });
    if (i >= warmup) times.push((performance.now() - t0) / 1000);
  }
  await runner.release();
  return { seconds: median(times), flops };
}

function torch(D: number, n: number, T: number, t: number): number | undefined {
  if (args['no-torch']) return undefined;
  const cfg = configFor(D);
  const out = execFileSync(
    args.python!,
    [
      'bench/train-step/torch_peer.py',
      '--d',
      String(D),
      '--n',
      String(n),
      '--T',
      String(T),
      '--batch',
      String(B),
      '--threads',
      String(t),
      '--iters',
      String(iters),
      '--warmup',
      String(warmup),
      '--device',
      torchDevice,
      '--prefix',
      String(cfg.prefix),
      '--heads',
      String(cfg.heads),
      '--inter-multiple',
      String(cfg.interMultiple),
      '--expansion',
      String(cfg.expansion),
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { seconds_per_step: number }).seconds_per_step;
}

console.log(
  `bench/train-step: batch ${B}, MLP mixer, ${args.preset ? `preset ${args.preset}` : 'P=1, interMultiple 256'}, ours on ${ep} with ${threads} threads, torch on ${torchDevice}, ${iters} iters (median)`,
);
console.log(
  '\n| D | depth | ours s/step | ours GFLOP/s | torch 1 thr s/step | torch 2 thr s/step | best torch / ours |',
);
console.log('|---|---|---|---|---|---|---|');
const rows: Record<string, unknown>[] = [];
const dims = args.preset ? [getPreset(args.preset as PresetName).hidden] : args.dims!.split(',').map(Number);
for (const D of dims) {
  for (const [n, T] of DEPTHS) {
    const o = await ours(D, n, T);
    const t1 = torch(D, n, T, 1);
    const t2 = torchDevice === 'cpu' ? torch(D, n, T, 2) : undefined;
    rows.push({
      D,
      n,
      T,
      ep,
      seconds: o.seconds,
      gflops: o.flops / o.seconds / 1e9,
      torchDevice,
      torch1: t1,
      torch2: t2,
    });
    const best = Math.min(t1 ?? Infinity, t2 ?? Infinity);
    console.log(
      `| ${D} | (${n},${T}) | ${o.seconds.toFixed(3)} | ${(o.flops / o.seconds / 1e9).toFixed(1)} | ${t1?.toFixed(3) ?? 'n/a'} | ${t2?.toFixed(3) ?? 'n/a'} | ${Number.isFinite(best) ? (best / o.seconds).toFixed(2) : 'n/a'} |`,
    );
  }
}
if (args.out)
  writeFileSync(
    args.out,
    `${JSON.stringify({ batch: B, preset: args.preset, ep, threads, iters, rows }, null, 2)}\n`,
  );
