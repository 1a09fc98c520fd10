import { createRng } from '@cgar/common';
import { gradients } from './autodiff.js';
import { type HostTensor, hostTensor, sizeOf } from './dtype.js';
import { Graph, type Value } from './graph.js';
import { mul } from './ops/elementwise.js';
import { reduceSum } from './ops/reduce.js';
import { buildModel } from './serialize.js';
import { GraphSession, type OrtModule } from './session.js';

export interface CloseOptions {
  readonly atol?: number;
  readonly rtol?: number;
  /** Prefix for the error message, such as the tensor name. */
  readonly label?: string;
}

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

/**
 * Asserts `|actual - expected| <= atol + rtol * |expected|` elementwise and equal shapes,
 * reporting the largest error and its index. Works with any test runner (it throws).
 *
 * @example
 * expectAllClose(out.y, { dims: [2], data: [1, 2] }, { atol: 1e-6 });
 */
export function expectAllClose(
  actual: { dims: readonly number[]; data: Numeric },
  expected: { dims: readonly number[]; data: Numeric },
  options: CloseOptions = {},
): void {
  const { atol = 1e-6, rtol = 1e-5, label = 'tensor' } = options;
  const a = actual.dims.join(',');
  const e = expected.dims.join(',');
  if (a !== e) throw new Error(`${label}: shape [${a}] differs from expected [${e}]`);
  if (actual.data.length !== expected.data.length) {
    throw new Error(`${label}: ${actual.data.length} elements, expected ${expected.data.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const x = Number(actual.data[i]);
    const y = Number(expected.data[i]);
    const err = Math.abs(x - y);
    const excess = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err - (atol + rtol * Math.abs(y));
    maxAbs = Math.max(maxAbs, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    const at = unravel(worst, expected.dims);
    throw new Error(
      `${label}: not close (atol ${atol}, rtol ${rtol}); worst at [${at.join(', ')}]: ` +
        `${Number(actual.data[worst])} vs expected ${Number(expected.data[worst])}; largest abs error ${maxAbs}`,
    );
  }
}

function unravel(index: number, dims: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = dims.length - 1; k >= 0; k--) {
    out.unshift(index % dims[k]!);
    index = Math.floor(index / dims[k]!);
  }
  return out;
}

/**
 * Uniform draws in [0, 1) for reproducible test data: `next` of the project's seeded generator
 * (`createRng` of `@cgar/common`, sfc32); `seed` an integer in [0, 2^53).
 *
 * @example
 * const rand = seededRandom(3);
 * const x = Float32Array.from({ length: 4 }, () => 2 * rand() - 1);
 */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

export interface GradcheckInput {
  readonly shape: readonly number[];
  /** Draws each element; defaults to uniform in [-1, 1). */
  readonly sample?: (rand: () => number) => number;
}

export interface GradcheckOptions {
  readonly seed?: number;
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
  readonly dtype?: 'float64' | 'float32';
  readonly label?: string;
}

/**
 * Checks `gradients` of `f` against central finite differences: builds `sum(f(x) * r)` for a
 * random `r`, runs the backward graph and the forward graph with each input element nudged by
 * `±eps`, and compares. Runs in float64 unless told otherwise.
 *
 * @example
 * await gradcheck(ort, ([x]) => tanh(x!), [{ shape: [3, 4] }]);
 */
export async function gradcheck(
  ort: OrtModule,
  f: (inputs: Value[]) => Value,
  specs: readonly GradcheckInput[],
  options: GradcheckOptions = {},
): Promise<void> {
  const { seed = 1, eps = 1e-6, atol = 1e-6, rtol = 1e-5, dtype = 'float64', label = 'gradcheck' } = options;
  const rand = seededRandom(seed);
  const Arr = (dtype === 'float64' ? Float64Array : Float32Array) as Float64ArrayConstructor;
  const values = specs.map((s) =>
    Arr.from({ length: sizeOf(s.shape) }, () => (s.sample ?? ((r) => 2 * r() - 1))(rand)),
  );
  const g = new Graph('gradcheck');
  const xs = specs.map((s, i) => g.input(`x${i}`, dtype, s.shape));
  const y = f(xs);
  const r = Arr.from({ length: sizeOf(y.shape as number[]) }, () => 2 * rand() - 1);
  const loss = reduceSum(mul(y, g.constant(hostTensor(dtype, y.shape as number[], r as Float64Array))));
  const grads = gradients(loss, xs);
  const outputs: Record<string, Value> = { loss };
  grads.forEach((gr, i) => {
    outputs[`grad${i}`] = gr;
  });
  const session = await GraphSession.create(ort, buildModel(g, { outputs }));
  const feeds = (vals: ArrayLike<number>[]) =>
    Object.fromEntries(
      specs.map((s, i) => [
        `x${i}`,
        hostTensor(dtype, s.shape, Arr.from(vals[i]!) as Float64Array) as HostTensor,
      ]),
    );
  const base = await session.run(feeds(values));
  for (let i = 0; i < specs.length; i++) {
    const numeric = new Float64Array(values[i]!.length);
    for (let k = 0; k < numeric.length; k++) {
      const plus = values.map((v) => Arr.from(v));
      const minus = values.map((v) => Arr.from(v));
      plus[i]![k]! += eps;
      minus[i]![k]! -= eps;
      const fp = await session.run(feeds(plus), ['loss']);
      const fm = await session.run(feeds(minus), ['loss']);
      numeric[k] = (Number(fp.loss!.data[0]) - Number(fm.loss!.data[0])) / (2 * eps);
    }
    expectAllClose(
      base[`grad${i}`]!,
      { dims: specs[i]!.shape, data: numeric },
      { atol, rtol, label: `${label}: d/dx${i}` },
    );
  }
  await session.release();
}

export { type TwoBlockConfig, twoBlockModel } from './two-block.js';
