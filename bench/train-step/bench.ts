/**
 * bench/train-step: seconds per TRM train step (one supervision step at depth (n, T) with the
 * loss, backward through the last cycle and AdamW) at the curriculum depths, for D=128 and
 * D=256, batch 64, MLP mixer, against PyTorch eager on the same shapes, in one run.
 *
 *   npx tsx bench/train-step/bench.ts [--iters 5] [--threads 2] [--dims 128,256]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildTrainGraph, getPreset, initParams, seqLen } from '@cgar/export';
import { hostTensor, matmulFlops, TrainStepRunner } from '@cgar/graph';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    iters: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    dims: { type: 'string', default: '128,256' },
    batch: { type: 'string', default: '64' },
    'no-torch': { type: 'boolean', default: false },
  },
});
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

async function ours(D: number, n: number, T: number) {
  const config = { ...getPreset('cpu-large'), hidden: D, interMultiple: 256, heads: D / 64 };
  const params = initParams(config, 0);
  const model = buildTrainGraph(config, params, { depth: { n, T } });
  const flops = matmulFlops(model.graph, { B });
  const runner = await TrainStepRunner.create(ort, model, params, {
    sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
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
  const out = execFileSync(
    '/usr/bin/python3',
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
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { seconds_per_step: number }).seconds_per_step;
}

console.log(
  `bench/train-step: batch ${B}, MLP mixer, P=1, interMultiple 256, ours with ${threads} threads, ${iters} iters (median)`,
);
console.log(
  '\n| D | depth | ours s/step | ours GFLOP/s | torch 1 thr s/step | torch 2 thr s/step | best torch / ours |',
);
console.log('|---|---|---|---|---|---|---|');
for (const D of args.dims!.split(',').map(Number)) {
  for (const [n, T] of DEPTHS) {
    const o = await ours(D, n, T);
    const t1 = torch(D, n, T, 1);
    const t2 = torch(D, n, T, 2);
    const best = Math.min(t1 ?? Infinity, t2 ?? Infinity);
    console.log(
      `| ${D} | (${n},${T}) | ${o.seconds.toFixed(3)} | ${(o.flops / o.seconds / 1e9).toFixed(1)} | ${t1?.toFixed(3) ?? 'n/a'} | ${t2?.toFixed(3) ?? 'n/a'} | ${Number.isFinite(best) ? (best / o.seconds).toFixed(2) : 'n/a'} |`,
    );
  }
}
