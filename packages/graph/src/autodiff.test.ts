import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { gradients } from './autodiff.js';
import { hostTensor } from './dtype.js';
import { emit1, Graph, type OpDef } from './graph.js';
import { add, cast, mul, Sigmoid, sigmoid, stopGradient } from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import { argMax, reduceSum } from './ops/reduce.js';
import { buildModel } from './serialize.js';
import { GraphSession } from './session.js';
import { expectAllClose, gradcheck } from './testing.js';

async function evaluate(g: Graph, outputs: Parameters<typeof buildModel>[1]['outputs']) {
  const s = await GraphSession.create(ort, buildModel(g, { outputs }));
  return s.run({});
}

describe('gradients: hand-computed cases', () => {
  it('d/dx of sum(x * x + 3x) is 2x + 3', async () => {
    const g = new Graph();
    const x = g.param('x', hostTensor('float64', [3], Float64Array.from([1, -2, 0.5])));
    const loss = reduceSum(add(mul(x, x), mul(x, 3)));
    const [dx] = gradients(loss, [x]);
    const out = await evaluate(g, { dx: dx! });
    expectAllClose(out.dx!, { dims: [3], data: [5, -1, 4] });
  });

  it('accumulates where a value fans out, and un-broadcasts a row vector', async () => {
    const g = new Graph();
    const x = g.param('x', hostTensor('float64', [2, 2], Float64Array.from([1, 2, 3, 4])));
    const b = g.param('b', hostTensor('float64', [2], Float64Array.from([10, 20])));
    // loss = sum(x + b) + sum(x * b): dx = 1 + b, db = 2 (rows) + colsum(x)
    const loss = add(reduceSum(add(x, b)), reduceSum(mul(x, b)));
    const [dx, db] = gradients(loss, [x, b]);
    const out = await evaluate(g, { dx: dx!, db: db! });
    expectAllClose(out.dx!, { dims: [2, 2], data: [11, 21, 11, 21] });
    expectAllClose(out.db!, { dims: [2], data: [2 + 4, 2 + 6] });
  });

  it('matmul: d/dA sum(A @ B) = rowsum(B) broadcast', async () => {
    const g = new Graph();
    const a = g.param('a', hostTensor('float64', [1, 2], Float64Array.from([1, 2])));
    const bm = g.param('b', hostTensor('float64', [2, 2], Float64Array.from([1, 2, 3, 4])));
    const [da, db] = gradients(reduceSum(matmul(a, bm)), [a, bm]);
    const out = await evaluate(g, { da: da!, db: db! });
    expectAllClose(out.da!, { dims: [1, 2], data: [3, 7] });
    expectAllClose(out.db!, { dims: [2, 2], data: [1, 1, 2, 2] });
  });

  it('stopGradient treats its value as a constant', async () => {
    const g = new Graph();
    const x = g.param('x', hostTensor('float64', [2], Float64Array.from([1, 2])));
    const [dx] = gradients(reduceSum(mul(x, stopGradient(x))), [x]);
    const out = await evaluate(g, { dx: dx! });
    expectAllClose(out.dx!, { dims: [2], data: [1, 2] });
  });
});

describe('gradients: the checks can fail', () => {
  it('a deliberately wrong vector-Jacobian rule fails the finite-difference check', async () => {
    const WrongSigmoid: OpDef = { ...Sigmoid, vjp: ({ grads: [g], outputs: [y] }) => [mul(g!, y!)] };
    await expect(gradcheck(ort, ([x]) => emit1(WrongSigmoid, [x!]), [{ shape: [3] }])).rejects.toThrow(
      /not close/,
    );
    await gradcheck(ort, ([x]) => sigmoid(x!), [{ shape: [3] }]);
  });

  it('a too-small epsilon fails in float32, so float64 is what makes the check precise', async () => {
    const f = ([x]: import('./graph.js').Value[]) => sigmoid(x!);
    await expect(gradcheck(ort, f, [{ shape: [4] }], { dtype: 'float32', eps: 1e-7 })).rejects.toThrow(
      /not close/,
    );
    await gradcheck(ort, f, [{ shape: [4] }], { dtype: 'float64', eps: 1e-7 });
  });
});

describe('gradients: errors', () => {
  it('names ArgMax when a gradient would pass through it', () => {
    const g = new Graph();
    const x = g.param('x', hostTensor('float32', [2, 3], new Float32Array(6)));
    const loss = reduceSum(cast(argMax(x), 'float32'));
    expect(() => gradients(loss, [x])).toThrow(/ArgMax.*not differentiable.*stopGradient/);
  });

  it('rejects a non-scalar loss and an unused parameter', () => {
    const g = new Graph();
    const x = g.param('x', hostTensor('float32', [2], new Float32Array(2)));
    const y = g.param('y', hostTensor('float32', [2], new Float32Array(2)));
    expect(() => gradients(mul(x, 2), [x])).toThrow(TypeError);
    expect(() => gradients(reduceSum(x), [y])).toThrow(/does not depend on 'y'/);
    expect(gradients(reduceSum(x), [y], { allowUnused: true })).toHaveLength(1);
  });
});
