import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { gradients } from './autodiff.js';
import { hostTensor } from './dtype.js';
import { Graph } from './graph.js';
import { add, cast, sigmoid } from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import { argMax, reduceSum } from './ops/reduce.js';
import { concat, reshape, transpose } from './ops/shape.js';
import { buildModel } from './serialize.js';
import { GraphSession } from './session.js';

const table: {
  what: string;
  build: (g: Graph) => unknown;
  error: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;
  message: RegExp;
}[] = [
  {
    what: 'MatMul inner dims',
    build: (g) => matmul(g.input('a', 'float32', ['B', 3]), g.input('b', 'float32', [4, 5])),
    error: RangeError,
    message: /MatMul: 'b' has shape \[4, 5\], expected \[3, \*\]/,
  },
  {
    what: 'broadcast mismatch',
    build: (g) => add(g.input('a', 'float32', [2, 3]), g.input('b', 'float32', [4])),
    error: RangeError,
    message: /Add: 'b' has shape \[4\], which does not broadcast with \[2, 3\]/,
  },
  {
    what: 'different symbols do not broadcast',
    build: (g) => add(g.input('a', 'float32', ['B', 3]), g.input('b', 'float32', ['N', 3])),
    error: RangeError,
    message: /does not broadcast/,
  },
  {
    what: 'dtype mismatch',
    build: (g) => add(g.input('a', 'float32', [2]), g.input('b', 'float64', [2])),
    error: TypeError,
    message: /Add: 'b' has dtype float64 but 'a' has float32/,
  },
  {
    what: 'unsupported dtype for an op',
    build: (g) => sigmoid(g.input('a', 'int32', [2])),
    error: TypeError,
    message: /Sigmoid: 'x' has dtype int32, expected one of float32, float64/,
  },
  {
    what: 'reshape element count',
    build: (g) => reshape(g.input('a', 'float32', [2, 3]), [4, 2]),
    error: RangeError,
    message: /Reshape: cannot reshape 'a'/,
  },
  {
    what: 'transpose perm',
    build: (g) => transpose(g.input('a', 'float32', [2, 3]), [0, 0]),
    error: RangeError,
    message: /Transpose: perm \[0, 0\]/,
  },
  {
    what: 'concat off-axis mismatch',
    build: (g) => concat([g.input('a', 'float32', [2, 3]), g.input('b', 'float32', [3, 3])], 1),
    error: RangeError,
    message: /Concat: inputs\[1\] has shape \[3, 3\]/,
  },
  {
    what: 'reduce axis out of range',
    build: (g) => reduceSum(g.input('a', 'float32', [2, 3]), [2]),
    error: RangeError,
    message: /ReduceSum: axis 2 is out of range/,
  },
  {
    what: 'gradient through ArgMax',
    build: (g) => {
      const x = g.param('x', hostTensor('float32', [2, 3], new Float32Array(6)));
      return gradients(reduceSum(cast(argMax(x), 'float32')), [x]);
    },
    error: TypeError,
    message: /ArgMax 'ArgMax' is not differentiable.*stopGradient/,
  },
];

describe('build-time errors name the op and the argument', () => {
  for (const c of table) {
    it(c.what, () => {
      const g = new Graph();
      expect(() => c.build(g)).toThrow(c.error);
      expect(() => c.build(new Graph())).toThrow(c.message);
    });
  }
});

describe('GraphSession checks feeds before running', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['B', 3]);
  const y = g.input('y', 'float32', ['B', 3]);
  const model = buildModel(g, { outputs: { z: add(x, y) } });
  const t = (dims: number[]) =>
    hostTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

  it('a missing feed is a TypeError naming it and its signature', async () => {
    const s = await GraphSession.create(ort, model);
    await expect(s.run({ x: t([2, 3]) })).rejects.toThrow(TypeError);
    await expect(s.run({ x: t([2, 3]) })).rejects.toThrow(/missing feed 'y' \(float32 \[B, 3\]\)/);
  });
  it('a wrong dtype is a TypeError', async () => {
    const s = await GraphSession.create(ort, model);
    await expect(s.run({ x: t([2, 3]), y: hostTensor('int32', [2, 3], new Int32Array(6)) })).rejects.toThrow(
      TypeError,
    );
  });
  it('a wrong shape, or a symbol bound to two sizes, is a RangeError', async () => {
    const s = await GraphSession.create(ort, model);
    await expect(s.run({ x: t([2, 4]), y: t([2, 3]) })).rejects.toThrow(RangeError);
    await expect(s.run({ x: t([2, 3]), y: t([5, 3]) })).rejects.toThrow(
      /feed 'y' has shape \[5, 3\], expected \[B, 3\]/,
    );
  });
  it('reports every problem at once, a RangeError when wrong kinds and names out of range mix', async () => {
    const s = await GraphSession.create(ort, model);
    await expect(s.run({ z: t([1]) })).rejects.toThrow(RangeError);
    await expect(s.run({ z: t([1]) })).rejects.toThrow(
      /^GraphSession\.run: 3 problems:\n.*missing feed 'x'.*missing feed 'y'.*unknown feed 'z'/s,
    );
    await expect(s.run({})).rejects.toThrow(TypeError);
    await expect(s.run({ x: t([2, 3]), y: t([2, 3]) }, ['nope'])).rejects.toThrow(RangeError);
  });
});
