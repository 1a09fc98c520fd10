import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type HostTensor, hostTensor } from './dtype.js';
import { Graph } from './graph.js';
import { crossEntropy, linear, maskedMean } from './nn.js';
import { mul } from './ops/elementwise.js';
import { reduceSum } from './ops/reduce.js';
import { adamw, buildTrainStep, initialState } from './optim.js';
import { TrainStepRunner } from './runner.js';
import { seededRandom } from './testing.js';

const rand = seededRandom(7);
const randn = (n: number) => Float32Array.from({ length: n }, () => 0.3 * (2 * rand() - 1));
const start = {
  w: hostTensor('float32', [5, 8], randn(40)),
  scale: hostTensor('float32', [8], randn(8)),
};
const feeds = {
  x: hostTensor('float32', [2, 3, 8], randn(48)),
  labels: hostTensor('int64', [2, 3], BigInt64Array.from([1n, 2n, 3n, 4n, 0n, 1n])),
};

/** A train step over `w` (trained) and `scale` (fed, frozen); `twice` builds a different graph. */
function trainStep(twice = false) {
  const g = new Graph('runner');
  const x = g.input('x', 'float32', ['B', 3, 8]);
  const labels = g.input('labels', 'int64', ['B', 3]);
  const w = g.param('w', start.w);
  const scale = g.param('scale', start.scale, { trainable: false });
  const h = twice ? mul(mul(x, scale), 2) : mul(x, scale);
  const ce = crossEntropy(linear(h, w), labels, { ignoreIndex: 0 });
  const loss = reduceSum(maskedMean(ce.loss, ce.mask, [1]));
  return buildTrainStep(g, { loss, optimizer: adamw({ weightDecay: 0.1 }) });
}

const copy = (m: ReadonlyMap<string, HostTensor>) =>
  new Map([...m].map(([k, v]) => [k, { dims: [...v.dims], data: Array.from(v.data as Float32Array) }]));

describe('TrainStepRunner over shared stores', () => {
  it('two runners, one after the other, continue one optimisation in the caller’s maps', async () => {
    const model = trainStep();
    const straight = await TrainStepRunner.create(ort, model);
    for (let i = 0; i < 4; i++) await straight.step(feeds, { lr: 1e-2 });
    await straight.release();

    const params = new Map<string, HostTensor>([
      ['w', start.w],
      ['scale', start.scale],
      ['not-in-the-model', hostTensor('float32', [1], Float32Array.of(1))],
    ]);
    const state = new Map<string, HostTensor>();
    const first = await TrainStepRunner.over(
      ort,
      model,
      { params, state },
      { sessionOptions: { intraOpNumThreads: 1 } },
    );
    expect(first.params).toBe(params);
    expect(first.state).toBe(state);
    // Missing state is added to the caller's map, zero-filled exactly as initialState makes it.
    expect(copy(state)).toEqual(copy(initialState(model)));
    for (let i = 0; i < 2; i++) await first.step(feeds, { lr: 1e-2 });
    await first.release();

    const kept = new Map(state);
    const second = await TrainStepRunner.over(ort, trainStep(), { params, state });
    // The state the first runner left is kept, not re-initialised.
    for (const [k, v] of kept) expect(state.get(k)).toBe(v);
    for (let step = 3; step <= 4; step++) await second.step(feeds, { lr: 1e-2, step });
    await second.release();

    expect(copy(new Map([...params].filter(([k]) => k !== 'not-in-the-model')))).toEqual(
      copy(straight.params),
    );
    expect(copy(state)).toEqual(copy(straight.state));
    expect(params.get('scale')).toBe(start.scale);
  });

  it('a different graph over the same stores trains the same parameters', async () => {
    const params = new Map<string, HostTensor>(Object.entries(start));
    const state = new Map<string, HostTensor>();
    const a = await TrainStepRunner.over(ort, trainStep(), { params, state });
    await a.step(feeds, { lr: 1e-2 });
    await a.release();
    const afterA = params.get('w');
    const b = await TrainStepRunner.over(ort, trainStep(true), { params, state });
    await b.step(feeds, { lr: 1e-2, step: 2 });
    await b.release();
    expect(params.get('w')).not.toBe(afterA);
    expect([...state.keys()]).toEqual(['adam.m/w', 'adam.v/w']);
  });

  it('a missing parameter is an error naming it', async () => {
    await expect(
      TrainStepRunner.over(ort, trainStep(), { params: new Map([['w', start.w]]), state: new Map() }),
    ).rejects.toThrow(/no 'scale'/);
  });
});

describe('TrainStepRunner.run and commit', () => {
  it('an update that is never committed leaves the parameters, the state and the step as they were', async () => {
    const params = new Map<string, HostTensor>(Object.entries(start));
    const state = new Map<string, HostTensor>();
    const runner = await TrainStepRunner.over(ort, trainStep(), { params, state });
    await runner.step(feeds, { lr: 1e-2 });
    const before = { params: new Map(params), state: new Map(state), values: copy(params), st: copy(state) };

    const pending = await runner.run(feeds, { lr: 1e-2 });
    expect(pending.step).toBe(2);
    expect(Object.keys(pending.metrics)).toEqual(['loss']);
    expect(pending.outputs['next/w']).toBeDefined();
    // Refused: nothing is written back.
    for (const [k, v] of before.params) expect(params.get(k)).toBe(v);
    for (const [k, v] of before.state) expect(state.get(k)).toBe(v);
    expect(copy(params)).toEqual(before.values);
    expect(copy(state)).toEqual(before.st);
    expect(runner.stepCount).toBe(1);

    // Accepted: the same as step().
    const again = await runner.run(feeds, { lr: 1e-2 });
    runner.commit(again);
    expect(runner.stepCount).toBe(2);
    expect(params.get('w')).toBe(again.outputs['next/w']);
    expect(state.get('adam.m/w')).toBe(again.outputs['next/adam.m/w']);
    expect(() => runner.commit(again)).toThrow(/commit each run once/);
    await runner.release();
  });
});
