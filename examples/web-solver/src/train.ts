import {
  buildTrainGraph,
  getPreset,
  initialCarryData,
  initParams,
  seqLen,
  type TrmConfig,
} from '@cgar/export';
import { type HostTensor, hostTensor, TrainStepRunner } from '@cgar/graph';
import { createLoader, generate } from '@cgar/tasks';
import * as ort from 'onnxruntime-web';

/** The tiny TRM this page trains: one block of width 16, depth (2,1), two slots. */
export const TRAIN_CONFIG: TrmConfig = {
  ...getPreset('cpu-tiny'),
  hidden: 16,
  interMultiple: 16,
  heads: 1,
  layers: 1,
  n: 2,
  T: 1,
  nSup: 2,
};

/** What the page leaves on `window.trainResult` when it is done. */
export interface TrainResult {
  readonly ep: string;
  readonly losses: number[];
  readonly params: Record<string, number[]>;
}

const query = new URLSearchParams(location.search);
const ep = query.get('ep') ?? 'wasm';
const steps = Number(query.get('steps') ?? 3);
const log = document.getElementById('log')!;
const say = (line: string) => {
  log.textContent += `${line}\n`;
};

async function run(): Promise<TrainResult> {
  ort.env.wasm.numThreads = 1;
  const cfg = TRAIN_CONFIG;
  const B = 2;
  const init = initParams(cfg, 0);
  const model = buildTrainGraph(cfg, init, { depth: { n: cfg.n, T: cfg.T } });
  // NOTE: one provider, no wasm fallback: a page that silently ran on wasm would prove nothing.
  const runner = await TrainStepRunner.create(ort as never, model, undefined, {
    sessionOptions: { executionProviders: [ep] },
  });
  const batch = createLoader(generate({ seed: 1, count: 8, minGivens: 50, maxGivens: 55 }), {
    batchSize: B,
    seed: 3,
    augment: false,
  }).next(B);
  const start = initialCarryData(init);
  const carry = (from: Float32Array) => {
    const out = new Float32Array(B * seqLen(cfg) * cfg.hidden);
    for (let i = 0; i < out.length; i += from.length) out.set(from, i);
    return hostTensor('float32', [B, seqLen(cfg), cfg.hidden], out);
  };
  const feeds: Record<string, HostTensor> = {
    tokens: hostTensor('int64', [B, cfg.cells], BigInt64Array.from(batch.inputs, BigInt)),
    labels: hostTensor('int64', [B, cfg.cells], BigInt64Array.from(batch.labels, BigInt)),
    y: carry(start.y),
    z: carry(start.z),
    w: hostTensor('float32', [B], new Float32Array(B).fill(1)),
  };
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const out = await runner.step(feeds, { lr: 1e-3 });
    losses.push(Number(out.loss!.data[0]));
    feeds.y = out.y_next!;
    feeds.z = out.z_next!;
    say(
      `step ${i + 1}: loss ${losses[i]!.toFixed(6)} (${((performance.now() - t0) / 1000).toFixed(2)} s on ${ep})`,
    );
  }
  const params: Record<string, number[]> = {};
  for (const [name, t] of runner.params) params[name] = Array.from(t.data as Float32Array);
  await runner.release();
  return { ep, losses, params };
}

run().then(
  (result) => {
    (window as unknown as { trainResult: TrainResult }).trainResult = result;
    document.body.dataset.state = 'done';
  },
  (e: Error) => {
    say(`error: ${e.message}`);
    document.body.dataset.error = e.message;
    document.body.dataset.state = 'error';
  },
);
