import { emit1, type OpDef, type Value, type VjpContext } from '../graph.js';
import { normAxis, type Shape } from '../shape.js';
import { intsOf, need, needDType } from './check.js';
import { cast, div, equal, mul } from './elementwise.js';
import { expand, shapeOf, unsqueeze } from './shape.js';

function reducedShape(op: string, x: Value, axes: readonly number[], keep: boolean): Shape {
  const norm = axes.map((a) => {
    const n = normAxis(a, x.rank);
    if (n === undefined) throw new RangeError(`${op}: axis ${a} is out of range for ${x}`);
    return n;
  });
  return keep
    ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !norm.includes(i));
}

const keepOf = (attrs: VjpContext['attrs']) => (attrs.keepdims as { i: number }).i === 1;

function reduceDef(type: string, vjp?: (c: VjpContext, gk: Value, axes: number[]) => Value): OpDef {
  return {
    type,
    diff: vjp ? [0] : undefined,
    infer(inputs, attrs) {
      const x = need(type, 'x', inputs[0]);
      needDType(type, 'x', x, ['float32', 'float64', 'int32', 'int64']);
      return [{ dtype: x.dtype, shape: reducedShape(type, x, intsOf(inputs[1])!, keepOf(attrs)) }];
    },
    vjp: vjp
      ? (c) => {
          const g = c.grads[0];
          if (!g) return [];
          const x = c.inputs[0]!;
          const axes = intsOf(c.inputs[1])!.map((a) => normAxis(a, x.rank)!);
          const gk = keepOf(c.attrs)
            ? g
            : unsqueeze(
                g,
                [...axes].sort((p, q) => p - q),
              );
          return [vjp(c, gk, axes)];
        }
      : undefined,
  };
}

function count(x: Value, axes: readonly number[]): Value | number {
  let known = 1;
  let runtime: Value | undefined;
  for (const a of axes) {
    const d = x.shape[a]!;
    if (typeof d === 'number') known *= d;
    else {
      // NOTE: Shape, not Size: onnxruntime's WebGPU provider has a Shape kernel (its output
      // lives in host memory) but no Size, and a host Size would copy all of x off the device.
      const s = shapeOf(x, a, a + 1);
      runtime = runtime ? mul(runtime, s) : s;
    }
  }
  if (!runtime) return known;
  const n = cast(runtime, x.dtype);
  return known === 1 ? n : mul(n, known);
}

export const ReduceSum = reduceDef('ReduceSum', ({ inputs: [x] }, gk) => expand(gk, x!.shape));
export const ReduceMean = reduceDef('ReduceMean', ({ inputs: [x] }, gk, axes) =>
  div(expand(gk, x!.shape), count(x!, axes)),
);
function argExtremeVjp({ inputs: [x], outputs: [y], attrs }: VjpContext, gk: Value, axes: number[]): Value {
  // NOTE: ties share the gradient equally, as PyTorch's amax/amin do.
  const yk = keepOf(attrs)
    ? y!
    : unsqueeze(
        y!,
        [...axes].sort((p, q) => p - q),
      );
  const mask = cast(equal(x!, yk), x!.dtype);
  return div(mul(expand(gk, x!.shape), mask), reduceSum(mask, axes, true));
}
export const ReduceMax = reduceDef('ReduceMax', argExtremeVjp);
export const ReduceMin = reduceDef('ReduceMin', argExtremeVjp);

function reduce(def: OpDef, x: Value, axes: readonly number[] | undefined, keepdims: boolean): Value {
  const ax = axes ?? x.shape.map((_, i) => i);
  if (ax.length === 0) return x;
  return emit1(def, [x, x.graph.ints(ax)], { keepdims: { i: keepdims ? 1 : 0 } });
}

/** Sum over `axes` (all axes when omitted). */
export const reduceSum = (x: Value, axes?: readonly number[], keepdims = false): Value =>
  reduce(ReduceSum, x, axes, keepdims);
/** Mean over `axes` (all axes when omitted). */
export const reduceMean = (x: Value, axes?: readonly number[], keepdims = false): Value =>
  reduce(ReduceMean, x, axes, keepdims);
/** Maximum over `axes` (all axes when omitted). */
export const reduceMax = (x: Value, axes?: readonly number[], keepdims = false): Value =>
  reduce(ReduceMax, x, axes, keepdims);
/** Minimum over `axes` (all axes when omitted). */
export const reduceMin = (x: Value, axes?: readonly number[], keepdims = false): Value =>
  reduce(ReduceMin, x, axes, keepdims);

export const ArgMax: OpDef = {
  type: 'ArgMax',
  infer(inputs, attrs) {
    const x = need('ArgMax', 'x', inputs[0]);
    const axis = (attrs.axis as { i: number }).i;
    return [{ dtype: 'int64', shape: reducedShape('ArgMax', x, [axis], keepOf(attrs)) }];
  },
};

/** Index of the largest entry along `axis` (int64; not differentiable). */
export const argMax = (x: Value, axis = -1, keepdims = false): Value =>
  emit1(ArgMax, [x], { axis: { i: axis }, keepdims: { i: keepdims ? 1 : 0 } });
