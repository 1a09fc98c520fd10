import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Value } from '../graph.js';
import { bceWithLogits, crossEntropy, maskedMean, rmsNorm, silu, swiglu, swigluRows } from '../nn.js';
import { type GradcheckInput, gradcheck, seededRandom } from '../testing.js';
import * as E from './elementwise.js';
import { gather } from './gather.js';
import { matmul } from './matmul.js';
import { reduceMax, reduceMean, reduceMin, reduceSum } from './reduce.js';
import { OPS } from './registry.js';
import * as S from './shape.js';
import { logSoftmax, softmax } from './softmax.js';

const positive = (r: () => number) => 0.5 + r();
const awayFromZero = (r: () => number) => (r() < 0.5 ? -1 : 1) * (0.2 + r());
const distinct = (r: () => number) => Math.round(r() * 1e6) / 1e3; // no ties for Max/Min

interface Case {
  readonly op: string;
  readonly label: string;
  /** Input specs for a seeded shape draw. */
  readonly inputs: (dim: () => number) => GradcheckInput[];
  readonly f: (xs: Value[]) => Value;
  readonly atol?: number;
}

const two = (a: number[], b: number[], sa?: GradcheckInput['sample'], sb?: GradcheckInput['sample']) => [
  { shape: a, sample: sa },
  { shape: b, sample: sb },
];

// Each primitive over shapes drawn from a seeded generator, broadcasting where the op does.
const CASES: Case[] = [
  {
    op: 'Add',
    label: '[m,n] + [n]',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [n]);
    },
    f: ([a, b]) => E.add(a!, b!),
  },
  {
    op: 'Add',
    label: '[m,1,n] + [k,1]',
    inputs: (d) => two([d(), 1, d()], [d(), 1]),
    f: ([a, b]) => E.add(a!, b!),
  },
  {
    op: 'Sub',
    label: '[m,n] - [m,1]',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [m, 1]);
    },
    f: ([a, b]) => E.sub(a!, b!),
  },
  {
    op: 'Mul',
    label: '[m,n] * [n]',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [n]);
    },
    f: ([a, b]) => E.mul(a!, b!),
  },
  {
    op: 'Div',
    label: '[m,n] / [m,1]',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [m, 1], undefined, positive);
    },
    f: ([a, b]) => E.div(a!, b!),
  },
  {
    op: 'Pow',
    label: '[m,n] ** [n]',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [n], positive);
    },
    f: ([a, b]) => E.pow(a!, b!),
  },
  {
    op: 'Max',
    label: 'max([m,n], [n])',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [n], distinct, distinct);
    },
    f: ([a, b]) => E.maximum(a!, b!),
  },
  {
    op: 'Min',
    label: 'min([m,n], [m,1])',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [m, 1], distinct, distinct);
    },
    f: ([a, b]) => E.minimum(a!, b!),
  },
  { op: 'Neg', label: 'neg', inputs: (d) => [{ shape: [d(), d()] }], f: ([x]) => E.neg(x!) },
  {
    op: 'Sqrt',
    label: 'sqrt',
    inputs: (d) => [{ shape: [d(), d()], sample: positive }],
    f: ([x]) => E.sqrt(x!),
  },
  { op: 'Exp', label: 'exp', inputs: (d) => [{ shape: [d(), d()] }], f: ([x]) => E.exp(x!) },
  {
    op: 'Log',
    label: 'log',
    inputs: (d) => [{ shape: [d(), d()], sample: positive }],
    f: ([x]) => E.log(x!),
  },
  {
    op: 'Abs',
    label: 'abs',
    inputs: (d) => [{ shape: [d(), d()], sample: awayFromZero }],
    f: ([x]) => E.abs(x!),
  },
  { op: 'Sigmoid', label: 'sigmoid', inputs: (d) => [{ shape: [d(), d()] }], f: ([x]) => E.sigmoid(x!) },
  { op: 'Tanh', label: 'tanh', inputs: (d) => [{ shape: [d(), d()] }], f: ([x]) => E.tanh(x!) },
  {
    op: 'Relu',
    label: 'relu',
    inputs: (d) => [{ shape: [d(), d()], sample: awayFromZero }],
    f: ([x]) => E.relu(x!),
  },
  {
    op: 'Reciprocal',
    label: '1/x',
    inputs: (d) => [{ shape: [d(), d()], sample: positive }],
    f: ([x]) => E.reciprocal(x!),
  },
  { op: 'Identity', label: 'identity', inputs: (d) => [{ shape: [d()] }], f: ([x]) => E.identity(x!) },
  {
    op: 'Where',
    label: 'where(c[m,n], x[m,n], y[n])',
    inputs: (d) => {
      const [m, n] = [d(), d()];
      return two([m, n], [n]);
    },
    f: ([x, y]) => E.where(E.greater(x!, 0.1), x!, y!),
  },
  {
    op: 'Cast',
    label: 'cast f64 -> f64 via f64',
    inputs: (d) => [{ shape: [d()] }],
    f: ([x]) => E.cast(E.mul(x!, 2), 'float64'),
  },
  {
    op: 'MatMul',
    label: '[m,k] @ [k,n]',
    inputs: (d) => {
      const [m, k, n] = [d(), d(), d()];
      return two([m, k], [k, n]);
    },
    f: ([a, b]) => matmul(a!, b!),
  },
  {
    op: 'MatMul',
    label: '[b,m,k] @ [k,n] (shared weight)',
    inputs: (d) => {
      const [m, k, n] = [d(), d(), d()];
      return two([2, m, k], [k, n]);
    },
    f: ([a, b]) => matmul(a!, b!),
  },
  {
    op: 'MatMul',
    label: '[b,1,m,k] @ [c,k,n] (broadcast batch)',
    inputs: (d) => {
      const [m, k, n] = [d(), d(), d()];
      return two([2, 1, m, k], [3, k, n]);
    },
    f: ([a, b]) => matmul(a!, b!),
  },
  {
    op: 'ReduceSum',
    label: 'sum axis 1',
    inputs: (d) => [{ shape: [d(), d(), d()] }],
    f: ([x]) => reduceSum(x!, [1]),
  },
  {
    op: 'ReduceSum',
    label: 'sum all, keepdims',
    inputs: (d) => [{ shape: [d(), d()] }],
    f: ([x]) => reduceSum(x!, undefined, true),
  },
  {
    op: 'ReduceMean',
    label: 'mean axes [0,2]',
    inputs: (d) => [{ shape: [d(), d(), d()] }],
    f: ([x]) => reduceMean(x!, [0, 2]),
  },
  {
    op: 'ReduceMax',
    label: 'max axis -1',
    inputs: (d) => [{ shape: [d(), d()], sample: distinct }],
    f: ([x]) => reduceMax(x!, [-1]),
  },
  {
    op: 'ReduceMin',
    label: 'min axis 0 keepdims',
    inputs: (d) => [{ shape: [d(), d()], sample: distinct }],
    f: ([x]) => reduceMin(x!, [0], true),
  },
  {
    op: 'Softmax',
    label: 'softmax axis -1',
    inputs: (d) => [{ shape: [d(), d()] }],
    f: ([x]) => softmax(x!, -1),
  },
  {
    op: 'Softmax',
    label: 'softmax axis 0',
    inputs: (d) => [{ shape: [d(), d()] }],
    f: ([x]) => softmax(x!, 0),
  },
  {
    op: 'LogSoftmax',
    label: 'log-softmax',
    inputs: (d) => [{ shape: [d(), d(), d()] }],
    f: ([x]) => logSoftmax(x!, -1),
  },
  {
    op: 'Reshape',
    label: '[m,n,k] -> [m,-1]',
    inputs: (d) => [{ shape: [d(), d(), d()] }],
    f: ([x]) => S.reshape(x!, [x!.shape[0]!, -1]),
  },
  {
    op: 'Transpose',
    label: 'perm [2,0,1]',
    inputs: (d) => [{ shape: [d(), d(), d()] }],
    f: ([x]) => S.transpose(x!, [2, 0, 1]),
  },
  {
    op: 'Concat',
    label: 'concat axis 1',
    inputs: (d) => {
      const m = d();
      return two([m, d()], [m, d()]);
    },
    f: ([a, b]) => S.concat([a!, b!, a!], 1),
  },
  {
    op: 'Slice',
    label: 'x[:, 1:-1]',
    inputs: (d) => [{ shape: [d(), 3 + d()] }],
    f: ([x]) => S.slice(x!, [1], [1], [-1]),
  },
  {
    op: 'Split',
    label: 'split axis 0, one piece unused',
    inputs: (d) => [{ shape: [4, d()] }],
    f: ([x]) => E.mul(S.split(x!, [1, 3], 0)[1]!, 2),
  },
  {
    op: 'Gather',
    label: 'embedding lookup',
    inputs: (d) => [{ shape: [5, d()] }],
    f: ([x]) => gather(x!, x!.graph.ints([0, 3, 3, 1])),
  },
  {
    op: 'Expand',
    label: '[1,n] -> [m,n]',
    inputs: (d) => [{ shape: [1, d()] }],
    f: ([x]) => S.expand(x!, [3, x!.shape[1]!]),
  },
  {
    op: 'Unsqueeze',
    label: 'unsqueeze [0, 2]',
    inputs: (d) => [{ shape: [d(), d()] }],
    f: ([x]) => S.unsqueeze(x!, [0, 2]),
  },
  {
    op: 'Squeeze',
    label: 'squeeze axis 1',
    inputs: (d) => [{ shape: [d(), 1, d()] }],
    f: ([x]) => S.squeeze(x!, [1]),
  },
  {
    op: 'Pad',
    label: 'pad both sides',
    inputs: (d) => [{ shape: [d(), d()] }],
    f: ([x]) => S.pad(x!, [1, 0, 0, 2]),
  },
];

const COMPOSITES: Case[] = [
  { op: 'silu', label: 'silu', inputs: (d) => [{ shape: [d(), d()] }], f: ([x]) => silu(x!) },
  {
    op: 'rmsNorm',
    label: 'rms over last axis',
    inputs: (d) => [{ shape: [d(), 2 + d()] }],
    f: ([x]) => rmsNorm(x!),
  },
  {
    op: 'rmsNorm',
    label: 'rms over axis 0',
    inputs: (d) => [{ shape: [2 + d(), d()] }],
    f: ([x]) => rmsNorm(x!, 1e-5, 0),
  },
  {
    op: 'swiglu',
    label: 'fused gate/up',
    inputs: (d) => {
      const [w, i] = [d(), d()];
      return [{ shape: [2, 3, w] }, { shape: [2 * i, w] }, { shape: [w, i] }];
    },
    f: ([x, gu, dn]) => swiglu(x!, gu!, dn!),
  },
  {
    op: 'swigluRows',
    label: 'mixing along the sequence axis',
    inputs: (d) => {
      const [s, i] = [1 + d(), d()];
      return [{ shape: [2, s, 3] }, { shape: [2 * i, s] }, { shape: [s, i] }];
    },
    f: ([x, gu, dn]) => swigluRows(x!, gu!, dn!),
  },
  {
    op: 'crossEntropy',
    label: 'softmax, ignore label 0',
    inputs: () => [{ shape: [2, 3, 4] }],
    f: ([x]) =>
      crossEntropy(
        x!,
        x!.graph.constant({
          dtype: 'int64',
          dims: [2, 3],
          data: BigInt64Array.from([1n, 0n, 3n, 2n, 2n, 0n]),
        }),
      ).loss,
  },
  {
    op: 'crossEntropy',
    label: 'stablemax, ignore label 0',
    inputs: () => [{ shape: [2, 3, 4], sample: (r) => 4 * r() - 2 }],
    f: ([x]) =>
      crossEntropy(
        x!,
        x!.graph.constant({
          dtype: 'int64',
          dims: [2, 3],
          data: BigInt64Array.from([1n, 0n, 3n, 2n, 2n, 0n]),
        }),
        {
          kind: 'stablemax',
        },
      ).loss,
  },
  {
    op: 'bceWithLogits',
    label: 'bce with logits',
    inputs: (d) => [{ shape: [d()], sample: (r) => 6 * r() - 3 }],
    f: ([x]) => bceWithLogits(x!, E.stopGradient(E.cast(E.greater(x!, 0.5), 'float64'))),
  },
  {
    op: 'maskedMean',
    label: 'masked mean over axis 1',
    inputs: () => [{ shape: [2, 3] }],
    f: ([x]) =>
      maskedMean(
        x!,
        x!.graph.constant({ dtype: 'float64', dims: [2, 3], data: Float64Array.from([1, 0, 1, 0, 0, 0]) }),
        [1],
      ),
  },
];

describe('gradient rules against central differences (float64, onnxruntime-node)', () => {
  for (const seed of [1, 2]) {
    for (const c of [...CASES, ...COMPOSITES]) {
      it(`${c.op}: ${c.label} (seed ${seed})`, async () => {
        const rand = seededRandom(seed * 7919 + c.label.length);
        const dim = () => 1 + Math.floor(rand() * 4);
        await gradcheck(ort, c.f, c.inputs(dim), { seed, label: `${c.op} ${c.label}`, atol: c.atol ?? 1e-6 });
      });
    }
  }

  it('covers every differentiable primitive of the op table', () => {
    const tested = new Set(CASES.map((c) => c.op));
    const differentiable = [...OPS.values()].filter((d) => d.vjp).map((d) => d.type);
    expect(differentiable.filter((t) => !tested.has(t))).toEqual([]);
  });
});
