import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { hostTensor } from './dtype.js';
import { Graph } from './graph.js';
import { crossEntropy, linear, maskedMean, rmsNorm, swiglu } from './nn.js';
import { add, less, mul } from './ops/elementwise.js';
import { loop } from './ops/loop.js';
import { reduceSum } from './ops/reduce.js';
import { adamw, buildTrainStep } from './optim.js';
import { TrainStepRunner } from './runner.js';
import { buildModel } from './serialize.js';
import { GraphSession, type OrtModule } from './session.js';
import { expectAllClose, seededRandom } from './testing.js';

ortWeb.env.wasm.numThreads = 1;

function smallTrainStep() {
  const rand = seededRandom(3);
  const randn = (n: number, s = 0.3) => Float32Array.from({ length: n }, () => s * (2 * rand() - 1));
  const g = new Graph('parity');
  const x = g.input('x', 'float32', ['B', 6, 8]);
  const labels = g.input('labels', 'int64', ['B', 6]);
  const gu = g.param('gate_up', hostTensor('float32', [32, 8], randn(256)));
  const down = g.param('down', hostTensor('float32', [8, 16], randn(128)));
  const head = g.param('head', hostTensor('float32', [5, 8], randn(40)));
  const h = rmsNorm(add(x, swiglu(x, gu, down)));
  const ce = crossEntropy(linear(h, head), labels, { ignoreIndex: 0 });
  const loss = reduceSum(maskedMean(ce.loss, ce.mask, [1]));
  const model = buildTrainStep(g, {
    loss: reduceSum(loss),
    optimizer: adamw({ weightDecay: 0.1 }),
    maxGradNorm: 1,
  });
  const feeds = {
    x: hostTensor('float32', [2, 6, 8], randn(96, 1)),
    labels: hostTensor(
      'int64',
      [2, 6],
      BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i % 5)),
    ),
  };
  return { model, feeds };
}

describe('onnxruntime-node (CPU) and onnxruntime-web (wasm) parity', () => {
  it('the same train-step graph gives the same losses and parameters over three steps', async () => {
    const { model, feeds } = smallTrainStep();
    const runners = await Promise.all(
      [ortNode, ortWeb as unknown as OrtModule].map((ort) => TrainStepRunner.create(ort as OrtModule, model)),
    );
    for (let step = 0; step < 3; step++) {
      const [a, b] = await Promise.all(runners.map((r) => r.step(feeds, { lr: 1e-2 })));
      expectAllClose(b!.loss!, a!.loss!, { rtol: 1e-5, label: `loss at step ${step + 1}` });
      expectAllClose(b!.grad_norm!, a!.grad_norm!, { rtol: 1e-5, label: 'grad norm' });
    }
    for (const [name, t] of runners[0]!.params) {
      expectAllClose(runners[1]!.params.get(name)!, t, { rtol: 1e-5, atol: 1e-6, label: name });
    }
  });

  it('a Loop with an early exit runs the same on both', async () => {
    const g = new Graph('loop');
    const start = g.input('start', 'float32', ['B']);
    const { carried, scans } = loop({
      maxTrips: 10,
      carried: [start],
      body: (_i, [acc]) => {
        const next = mul(acc!, 2);
        return { cond: less(reduceSum(next), 100), carried: [next], scans: [next] };
      },
    });
    const model = buildModel(g, { outputs: { total: carried[0]!, trace: scans[0]! } });
    const feeds = { start: hostTensor('float32', [2], Float32Array.from([1, 2])) };
    for (const ort of [ortNode, ortWeb as unknown as OrtModule]) {
      const out = await (await GraphSession.create(ort as OrtModule, model)).run(feeds);
      // 1,2 -> 2,4 -> ... -> 32,64 (sum 96, go on) -> 64,128 (sum 192, stop): 6 trips
      expect(Array.from(out.total!.data as Float32Array)).toEqual([64, 128]);
      expect(out.trace!.dims).toEqual([6, 2]);
    }
  });
});
