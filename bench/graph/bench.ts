/**
 * bench/graph: one train step (forward, backward, AdamW) of the two-block reference model at
 * D=256, sequence 82, batch 64, on onnxruntime-node CPU, side by side with PyTorch eager on the
 * same shapes, plus a 2048^3 MatMul in the same process as this machine's practical peak.
 *
 *   npx tsx bench/graph/bench.ts [--iters 10] [--threads 2] [--no-torch] [--ep cpu|cuda|webgpu]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  adamw,
  buildModel,
  buildTrainStep,
  Graph,
  GraphSession,
  type HostTensor,
  hostTensor,
  matmul,
  matmulFlops,
  TrainStepRunner,
} from '@cgar/graph';
import { seededRandom, twoBlockModel } from '@cgar/graph/testing';
import { checkProvider, type ExecutionProvider, sessionOptions } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    iters: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1,2' },
    d: { type: 'string', default: '256' },
    batch: { type: 'string', default: '64' },
    'no-torch': { type: 'boolean', default: false },
    ep: { type: 'string', default: 'cpu' },
  },
});
const ep = args.ep as ExecutionProvider;
await checkProvider(ort, ep);
const iters = Number(args.iters);
const warmup = Number(args.warmup);
const D = Number(args.d);
const B = Number(args.batch);
const C = 81;
const S = C + 1;
const V = 11;
const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;
const interT = roundUp(Math.round((4 * S * 2) / 3), 256);
const inter = roundUp(Math.round((4 * D * 2) / 3), 256);

function params(): Record<string, HostTensor> {
  const rand = seededRandom(0);
  const normal = (n: number, std: number) =>
    Float32Array.from(
      { length: n },
      () => std * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()),
    );
  const t = (dims: number[], std: number) =>
    hostTensor('float32', dims, normal(dims[0]! * (dims[1] ?? 1), std));
  const p: Record<string, HostTensor> = { embed: t([V, D], 1 / Math.sqrt(D)), prefix: t([D], 1) };
  for (let i = 0; i < 2; i++) {
    p[`block.${i}.mlp_t.gate_up`] = t([2 * interT, S], 1 / Math.sqrt(S));
    p[`block.${i}.mlp_t.down`] = t([S, interT], 1 / Math.sqrt(interT));
    p[`block.${i}.mlp.gate_up`] = t([2 * inter, D], 1 / Math.sqrt(D));
    p[`block.${i}.mlp.down`] = t([D, inter], 1 / Math.sqrt(inter));
  }
  return {
    ...p,
    lm_head: t([V, D], 1 / Math.sqrt(D)),
    'q_head.weight': t([2, D], 0),
    'q_head.bias': t([2], 0),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function ours(threads: number) {
  const m = twoBlockModel(
    { cells: C, hidden: D, blocks: 2, rmsEps: 1e-5, haltWeight: 0.5, loss: 'softmax' },
    params(),
  );
  const model = buildTrainStep(m.g, { loss: m.loss, optimizer: adamw({ beta2: 0.95, weightDecay: 0.1 }) });
  const flops = matmulFlops(m.g, { B });
  const runner = await TrainStepRunner.create(ort, model, undefined, {
    sessionOptions: sessionOptions(ep, threads),
  });
  const rand = seededRandom(1);
  const ints = (lo: number, hi: number) =>
    BigInt64Array.from({ length: B * C }, () => BigInt(lo + Math.floor(rand() * (hi - lo))));
  const feeds = {
    tokens: hostTensor('int64', [B, C], ints(1, V)),
    labels: hostTensor('int64', [B, C], ints(0, V)),
    w: hostTensor('float32', [B], new Float32Array(B).fill(1)),
  };
  const times: number[] = [];
  for (let i = 0; i < warmup + iters; i++) {
    const t0 = performance.now();
    await runner.step(feeds, { lr: 1e-4 });
    if (i >= warmup) times.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(times), flops };
}

async function peak(threads: number) {
  const n = 2048;
  const g = new Graph('peak');
  const a = g.input('a', 'float32', [n, n]);
  const b = g.input('b', 'float32', [n, n]);
  const s = await GraphSession.create(ort, buildModel(g, { outputs: { c: matmul(a, b) } }), {
    sessionOptions: sessionOptions(ep, threads),
  });
  const x = hostTensor('float32', [n, n], new Float32Array(n * n).fill(0.5));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await s.run({ a: x, b: x });
    times.push((performance.now() - t0) / 1000);
  }
  return (2 * n ** 3) / median(times.slice(1)) / 1e9;
}

function torch(threads: number): { seconds_per_step: number; torch: string } | undefined {
  if (args['no-torch']) return undefined;
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      [
        'bench/graph/torch_peer.py',
        '--threads',
        String(threads),
        '--d',
        String(D),
        '--seq',
        String(S),
        '--batch',
        String(B),
        '--iters',
        String(iters),
        '--warmup',
        String(warmup),
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.error(`torch peer failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

const rows: string[] = [];
console.log(
  `bench/graph: two-block train step, D=${D}, S=${S}, B=${B}, interT=${interT}, inter=${inter}, ${iters} iters`,
);
for (const threads of args.threads!.split(',').map(Number)) {
  const p = await peak(threads);
  const o = await ours(threads);
  const t = torch(threads);
  const gf = o.flops / o.seconds / 1e9;
  rows.push(
    `| ${threads} | ${o.seconds.toFixed(4)} | ${t ? t.seconds_per_step.toFixed(4) : 'n/a'} | ${t ? (t.seconds_per_step / o.seconds).toFixed(2) : 'n/a'} | ${gf.toFixed(1)} | ${p.toFixed(1)} | ${((100 * gf) / p).toFixed(0)}% |`,
  );
  console.log(rows.at(-1));
}
console.log(
  '\n| threads | ours s/step | torch s/step | torch/ours | ours GFLOP/s | MatMul 2048^3 GFLOP/s | of peak |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
