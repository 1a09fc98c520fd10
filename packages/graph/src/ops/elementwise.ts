import type { DType } from '../dtype.js';
import { emit1, lift, type OpDef, type Operand, type Value, type VjpContext } from '../graph.js';
import { broadcast, need, needDType, needFloat, sameDType } from './check.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];
const FLOATS: readonly DType[] = ['float32', 'float64'];

function binaryDef(
  type: string,
  opts: {
    dtypes: readonly DType[];
    out?: DType;
    vjp?: (c: VjpContext, a: Value, b: Value) => (Value | undefined)[];
  },
): OpDef {
  const { vjp } = opts;
  return {
    type,
    diff: vjp ? [0, 1] : undefined,
    infer(inputs) {
      const a = need(type, 'a', inputs[0]);
      const b = need(type, 'b', inputs[1]);
      const dtype = sameDType(type, ['a', 'b'], [a, b]);
      needDType(type, 'a', a, opts.dtypes);
      return [{ dtype: opts.out ?? dtype, shape: broadcast(type, ['a', 'b'], [a, b]) }];
    },
    vjp: vjp ? (c) => vjp(c, c.inputs[0]!, c.inputs[1]!) : undefined,
  };
}

function unaryDef(
  type: string,
  opts: { dtypes?: readonly DType[]; vjp?: (g: Value, x: Value, y: Value) => Value; stop?: boolean },
): OpDef {
  const { vjp } = opts;
  return {
    type,
    diff: vjp ? [0] : opts.stop ? [] : undefined,
    stop: opts.stop,
    infer(inputs) {
      const x = need(type, 'x', inputs[0]);
      needDType(type, 'x', x, opts.dtypes ?? FLOATS);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    vjp: vjp ? (c) => [c.grads[0] ? vjp(c.grads[0], c.inputs[0]!, c.outputs[0]!) : undefined] : undefined,
  };
}

const zero = (like: Value) => like.graph.constant(0, like.dtype);

export const Add = binaryDef('Add', { dtypes: NUMERIC, vjp: ({ grads: [g] }) => [g, g] });
export const Sub = binaryDef('Sub', { dtypes: NUMERIC, vjp: ({ grads: [g] }) => [g, g && neg(g)] });
export const Mul = binaryDef('Mul', {
  dtypes: NUMERIC,
  vjp: ({ grads: [g] }, a, b) => [g && mul(g, b), g && mul(g, a)],
});
export const Div = binaryDef('Div', {
  dtypes: NUMERIC,
  vjp: ({ grads: [g], outputs: [y] }, _a, b) => [g && div(g, b), g && neg(div(mul(g, y!), b))],
});
export const Pow = binaryDef('Pow', {
  dtypes: FLOATS,
  vjp: ({ grads: [g], outputs: [y] }, a, b) => [
    g && mul(g, mul(b, pow(a, sub(b, 1)))),
    g && mul(g, mul(y!, log(a))),
  ],
});
// NOTE: ties send the whole gradient to 'a', so the two halves always sum to g.
export const Max = binaryDef('Max', {
  dtypes: NUMERIC,
  vjp: ({ grads: [g] }, a, b) => [g && where(less(a, b), zero(g), g), g && where(less(a, b), g, zero(g))],
});
export const Min = binaryDef('Min', {
  dtypes: NUMERIC,
  vjp: ({ grads: [g] }, a, b) => [
    g && where(greater(a, b), zero(g), g),
    g && where(greater(a, b), g, zero(g)),
  ],
});
export const Equal = binaryDef('Equal', { dtypes: [...NUMERIC, 'bool'], out: 'bool' });
export const Greater = binaryDef('Greater', { dtypes: NUMERIC, out: 'bool' });
export const Less = binaryDef('Less', { dtypes: NUMERIC, out: 'bool' });
export const And = binaryDef('And', { dtypes: ['bool'] });
export const Or = binaryDef('Or', { dtypes: ['bool'] });

export const Neg = unaryDef('Neg', { dtypes: NUMERIC, vjp: (g) => neg(g) });
export const Sqrt = unaryDef('Sqrt', { vjp: (g, _x, y) => div(mul(g, 0.5), y) });
export const Exp = unaryDef('Exp', { vjp: (g, _x, y) => mul(g, y) });
export const Log = unaryDef('Log', { vjp: (g, x) => div(g, x) });
// NOTE: sign(x) written as two comparisons: onnxruntime's WebGPU provider has no Sign kernel.
export const Abs = unaryDef('Abs', {
  dtypes: NUMERIC,
  vjp: (g, x) => where(greater(x, 0), g, where(less(x, 0), neg(g), zero(g))),
});
export const Sigmoid = unaryDef('Sigmoid', { vjp: (g, _x, y) => mul(g, mul(y, sub(1, y))) });
export const Tanh = unaryDef('Tanh', { vjp: (g, _x, y) => mul(g, sub(1, mul(y, y))) });
export const Relu = unaryDef('Relu', { vjp: (g, x) => where(greater(x, 0), g, zero(g)) });
export const Reciprocal = unaryDef('Reciprocal', { vjp: (g, _x, y) => neg(mul(g, mul(y, y))) });
export const Identity = unaryDef('Identity', { dtypes: [...NUMERIC, 'bool'], vjp: (g) => g });
/** Piecewise constant: its gradient is zero almost everywhere, so it acts as a barrier. */
export const Sign = unaryDef('Sign', { dtypes: NUMERIC, stop: true });
export const StopGradient: OpDef = {
  ...unaryDef('Identity', { dtypes: [...NUMERIC, 'bool'] }),
  diff: [],
  stop: true,
};
export const Not: OpDef = unaryDef('Not', { dtypes: ['bool'] });

export const Where: OpDef = {
  type: 'Where',
  diff: [1, 2],
  infer(inputs) {
    const c = need('Where', 'condition', inputs[0]);
    const x = need('Where', 'x', inputs[1]);
    const y = need('Where', 'y', inputs[2]);
    needDType('Where', 'condition', c, ['bool']);
    const dtype = sameDType('Where', ['x', 'y'], [x, y]);
    return [{ dtype, shape: broadcast('Where', ['condition', 'x', 'y'], [c, x, y]) }];
  },
  vjp: ({ inputs: [c], grads: [g] }) => [undefined, g && where(c!, g, zero(g)), g && where(c!, zero(g), g)],
};

export const Cast: OpDef = {
  type: 'Cast',
  diff: [0],
  infer(inputs, attrs) {
    const x = need('Cast', 'x', inputs[0]);
    const to = (attrs._to as { s: DType } | undefined)?.s;
    if (!to) throw new TypeError(`Cast: the target dtype is missing`);
    return [{ dtype: to, shape: x.shape }];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [g && cast(g, x!.dtype)],
};

const ONNX_CODE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

/** Elementwise `a + b` with numpy broadcasting. */
export const add = (a: Operand, b: Operand): Value => emit1(Add, lift('Add', [a, b]));
/** Elementwise `a - b`. */
export const sub = (a: Operand, b: Operand): Value => emit1(Sub, lift('Sub', [a, b]));
/** Elementwise `a * b`. */
export const mul = (a: Operand, b: Operand): Value => emit1(Mul, lift('Mul', [a, b]));
/** Elementwise `a / b`. */
export const div = (a: Operand, b: Operand): Value => emit1(Div, lift('Div', [a, b]));
/** Elementwise `a ** b` (float). */
export const pow = (a: Operand, b: Operand): Value => emit1(Pow, lift('Pow', [a, b]));
/** Elementwise maximum. */
export const maximum = (a: Operand, b: Operand): Value => emit1(Max, lift('Max', [a, b]));
/** Elementwise minimum. */
export const minimum = (a: Operand, b: Operand): Value => emit1(Min, lift('Min', [a, b]));
/** Elementwise `a == b` (bool, not differentiable). */
export const equal = (a: Operand, b: Operand): Value => emit1(Equal, lift('Equal', [a, b]));
/** Elementwise `a > b` (bool, not differentiable). */
export const greater = (a: Operand, b: Operand): Value => emit1(Greater, lift('Greater', [a, b]));
/** Elementwise `a < b` (bool, not differentiable). */
export const less = (a: Operand, b: Operand): Value => emit1(Less, lift('Less', [a, b]));
/** Logical and of two bool tensors. */
export const and = (a: Value, b: Value): Value => emit1(And, [a, b]);
/** Logical or of two bool tensors. */
export const or = (a: Value, b: Value): Value => emit1(Or, [a, b]);
/** Logical not of a bool tensor. */
export const not = (x: Value): Value => emit1(Not, [x]);
export const neg = (x: Value): Value => emit1(Neg, [x]);
export const sqrt = (x: Value): Value => emit1(Sqrt, [x]);
export const exp = (x: Value): Value => emit1(Exp, [x]);
export const log = (x: Value): Value => emit1(Log, [x]);
export const abs = (x: Value): Value => emit1(Abs, [x]);
export const sigmoid = (x: Value): Value => emit1(Sigmoid, [x]);
export const tanh = (x: Value): Value => emit1(Tanh, [x]);
export const relu = (x: Value): Value => emit1(Relu, [x]);
export const reciprocal = (x: Value): Value => emit1(Reciprocal, [x]);
export const sign = (x: Value): Value => emit1(Sign, [x]);
export const identity = (x: Value): Value => emit1(Identity, [x]);

/**
 * The value itself, treated as a constant by `gradients`.
 *
 * @example
 * const target = stopGradient(exactMatch(logits, labels));
 */
export const stopGradient = (x: Value): Value => emit1(StopGradient, [x]);

/** `condition ? x : y`, elementwise with broadcasting. */
export function where(condition: Value, x: Operand, y: Operand): Value {
  const [a, b] = lift('Where', [x, y]);
  return emit1(Where, [condition, a, b]);
}

/** Converts to another dtype (`Cast`). */
export function cast(x: Value, to: DType): Value {
  if (x.dtype === to) return x;
  return emit1(Cast, [x], { to: { i: ONNX_CODE[to] }, _to: { s: to } });
}

export function zerosScalar(like: Value): Value {
  needFloat('zeros', 'like', like);
  return zero(like);
}
