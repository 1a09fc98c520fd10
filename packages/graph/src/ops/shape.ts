import { emit, emit1, type Graph, type OpDef, type Value } from '../graph.js';
import {
  broadcastShapes,
  canonDim,
  type Dim,
  dimCoef,
  dimEquals,
  dimSymbols,
  divDims,
  formatShape,
  mulDims,
  normAxis,
  numel,
  type Shape,
} from '../shape.js';
import { intsOf, need } from './check.js';
import { mul } from './elementwise.js';

const hintDims = (attrs: Record<string, unknown>): Shape | undefined =>
  (attrs._dims as { dims: Shape })?.dims;

/** `axis` of a rank-`rank` input, negative counted from the end; a RangeError naming `op` if out of range. */
export function axisOf(op: string, axis: number, rank: number): number {
  const a = normAxis(axis, rank);
  if (a === undefined) throw new RangeError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export const ShapeOp: OpDef = {
  type: 'Shape',
  infer(inputs, attrs) {
    const x = need('Shape', 'x', inputs[0]);
    const start = (attrs.start as { i: number } | undefined)?.i ?? 0;
    const end = (attrs.end as { i: number } | undefined)?.i ?? x.rank;
    return [{ dtype: 'int64', shape: [Math.max(0, end - start)] }];
  },
};

export const Size: OpDef = {
  type: 'Size',
  infer: () => [{ dtype: 'int64', shape: [] }],
};

/** The runtime shape of `x` (or of axes `start..end`) as a 1-D int64 tensor. */
export function shapeOf(x: Value, start = 0, end = x.rank): Value {
  return emit1(ShapeOp, [x], { start: { i: start }, end: { i: end } });
}

/** The runtime element count of `x` as an int64 scalar. */
export const sizeOf = (x: Value): Value => emit1(Size, [x]);

/**
 * A 1-D int64 tensor holding `dims` at run time. Symbols are read from the inputs that
 * declared them (`g.input('x', 'float32', ['B', 4])` makes `'B'` readable).
 */
export function shapeTensor(g: Graph, dims: Shape): Value {
  if (dims.every((d) => typeof d === 'number')) return g.ints(dims as number[]);
  const parts = dims.map((d) => {
    if (typeof d === 'number') return g.ints([d]);
    let v: Value | undefined;
    for (const sym of dimSymbols(d)) {
      const src = g.dimSource(sym);
      if (!src) {
        throw new RangeError(
          `shape: no input declares the symbol '${sym}'; declare one with g.input(..., ['${sym}', ...])`,
        );
      }
      const s = shapeOf(src.value, src.axis, src.axis + 1);
      v = v ? mul(v, s) : s;
    }
    const coef = dimCoef(d);
    return coef === 1 ? v! : mul(v!, coef);
  });
  return concat(parts, 0);
}

export const Reshape: OpDef = {
  type: 'Reshape',
  diff: [0],
  infer(inputs, attrs) {
    const x = need('Reshape', 'x', inputs[0]);
    const dims = hintDims(attrs);
    if (!dims) throw new TypeError('Reshape: build it with reshape(x, dims)');
    if (!dimEquals(numel(dims), numel(x.shape))) {
      throw new RangeError(
        `Reshape: cannot reshape ${x} with ${numel(x.shape)} elements to ${formatShape(dims)}`,
      );
    }
    return [{ dtype: x.dtype, shape: dims }];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [g && reshape(g, x!.shape)],
};

/**
 * Reshapes `x` to `dims`; a `-1` takes the remaining size, symbols such as `'B'` are allowed.
 *
 * @example
 * const flat = reshape(h, [-1, 256]); // [B, 82, 256] -> ['82*B', 256]
 */
export function reshape(x: Value, dims: Shape): Value {
  const minus = dims.filter((d) => d === -1).length;
  if (minus > 1) throw new RangeError(`reshape: at most one -1 is allowed, got ${formatShape(dims)}`);
  let resolved: Dim[] = dims.map(canonDim);
  if (minus === 1) {
    const known = resolved.filter((d) => d !== -1).reduce<Dim>((a, d) => mulDims(a, d), 1);
    const rest = divDims(numel(x.shape), known);
    if (rest === undefined) {
      throw new RangeError(`reshape: ${x} cannot be reshaped to ${formatShape(dims)}`);
    }
    resolved = resolved.map((d) => (d === -1 ? rest : d));
  }
  if (resolved.length === x.rank && resolved.every((d, i) => dimEquals(d, x.shape[i]!))) return x;
  // NOTE: prefer a constant target (0 copies an input dim, -1 infers one) so runtimes can fold it.
  const target = resolved.map((d, i) =>
    typeof d === 'number' ? d : x.shape[i] !== undefined && dimEquals(d, x.shape[i]!) ? 0 : undefined,
  );
  const unknown = target.filter((d) => d === undefined).length;
  const shape =
    unknown === 0
      ? x.graph.ints(target as number[])
      : unknown === 1
        ? x.graph.ints(target.map((d) => d ?? -1))
        : shapeTensor(x.graph, resolved);
  return emit1(Reshape, [x, shape], { _dims: { dims: resolved } });
}

export const Expand: OpDef = {
  type: 'Expand',
  diff: [0],
  infer(inputs, attrs) {
    const x = need('Expand', 'x', inputs[0]);
    const dims = hintDims(attrs)!;
    const out = broadcastShapes(x.shape, dims);
    if (!out) throw new RangeError(`Expand: ${x} does not broadcast to ${formatShape(dims)}`);
    return [{ dtype: x.dtype, shape: out }];
  },
  vjp: ({ grads: [g] }) => [g],
};

/** Broadcasts `x` to `dims` (numpy rules); symbols such as `'B'` are read at run time. */
export function expand(x: Value, dims: Shape): Value {
  if (x.rank === dims.length && x.shape.every((d, i) => dimEquals(d, dims[i]!))) return x;
  return emit1(Expand, [x, shapeTensor(x.graph, dims)], { _dims: { dims: dims.map(canonDim) } });
}

export const Transpose: OpDef = {
  type: 'Transpose',
  diff: [0],
  infer(inputs, attrs) {
    const x = need('Transpose', 'x', inputs[0]);
    const perm = (attrs.perm as { ints: number[] }).ints;
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.rank || sorted.some((p, i) => p !== i)) {
      throw new RangeError(
        `Transpose: perm [${perm.join(', ')}] is not a permutation of ${x.rank} axes of ${x}`,
      );
    }
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
  },
  vjp: ({ grads: [g], attrs }) => {
    const perm = (attrs.perm as { ints: number[] }).ints;
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [g && transpose(g, inv)];
  },
};

/** Permutes axes; without `perm`, reverses them. */
export function transpose(x: Value, perm?: readonly number[]): Value {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.every((a, i) => a === i)) return x;
  return emit1(Transpose, [x], { perm: { ints: p } });
}

/** Swaps the last two axes. */
export function transposeLast(x: Value): Value {
  const p = x.shape.map((_, i) => i);
  p[x.rank - 1] = x.rank - 2;
  p[x.rank - 2] = x.rank - 1;
  return transpose(x, p);
}

export const Concat: OpDef = {
  type: 'Concat',
  diff: 'all',
  infer(inputs, attrs) {
    const xs = inputs.map((v, i) => need('Concat', `inputs[${i}]`, v));
    const first = xs[0]!;
    const axis = axisOf('Concat', (attrs.axis as { i: number }).i, first.rank);
    let total: Dim = 0;
    xs.forEach((x, i) => {
      if (x.dtype !== first.dtype || x.rank !== first.rank) {
        throw new TypeError(`Concat: inputs[${i}] is ${x}, expected ${first.dtype} of rank ${first.rank}`);
      }
      x.shape.forEach((d, k) => {
        if (k !== axis && !dimEquals(d, first.shape[k]!)) {
          throw new RangeError(
            `Concat: inputs[${i}] has shape ${formatShape(x.shape)}, expected ${formatShape(first.shape)} off axis ${axis}`,
          );
        }
      });
      const d = x.shape[axis]!;
      total = typeof total === 'number' && typeof d === 'number' ? total + d : `${total}+${d}`;
    });
    if (typeof total === 'string') throw new RangeError(`Concat: axis ${axis} needs static sizes`);
    return [{ dtype: first.dtype, shape: first.shape.map((d, k) => (k === axis ? total : d)) }];
  },
  vjp: ({ inputs, grads: [g], attrs }) => {
    if (!g) return [];
    const axis = normAxis((attrs.axis as { i: number }).i, g.rank)!;
    let start = 0;
    return inputs.map((x) => {
      const size = x!.shape[axis] as number;
      const piece = slice(g, [axis], [start], [start + size]);
      start += size;
      return piece;
    });
  },
};

/** Joins tensors along `axis`. */
export function concat(xs: readonly Value[], axis: number): Value {
  if (xs.length === 1) return xs[0]!;
  return emit1(Concat, xs, { axis: { i: axis } });
}

export const Slice: OpDef = {
  type: 'Slice',
  diff: [0],
  infer(inputs) {
    const x = need('Slice', 'x', inputs[0]);
    const [starts, ends, axes] = [intsOf(inputs[1]), intsOf(inputs[2]), intsOf(inputs[3])];
    if (!starts || !ends || !axes) throw new TypeError('Slice: starts, ends and axes must be constants');
    const shape = [...x.shape];
    axes.forEach((a, k) => {
      const axis = axisOf('Slice', a, x.rank);
      const d = x.shape[axis]!;
      const [s, e] = [starts[k]!, ends[k]!];
      if (typeof d !== 'number') {
        if (s === 0 && e >= 2 ** 31 - 1) return;
        throw new RangeError(`Slice: axis ${axis} of ${x} is symbolic; only a full slice is allowed there`);
      }
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      shape[axis] = Math.max(0, clamp(e) - clamp(s));
    });
    return [{ dtype: x.dtype, shape }];
  },
  vjp: ({ inputs, grads: [g] }) => {
    const x = inputs[0]!;
    const [starts, ends, axes] = [intsOf(inputs[1])!, intsOf(inputs[2])!, intsOf(inputs[3])!];
    const pads = new Array<number>(2 * x.rank).fill(0);
    axes.forEach((a, k) => {
      const axis = normAxis(a, x.rank)!;
      const d = x.shape[axis];
      if (typeof d !== 'number') return;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const [s, e] = [clamp(starts[k]!), clamp(ends[k]!)];
      pads[axis] = s;
      pads[x.rank + axis] = d - Math.max(s, e);
    });
    return [g && pad(g, pads)];
  },
};

/**
 * Takes `[starts[k], ends[k])` along each of `axes` (step 1; negative indices count from the end).
 *
 * @example
 * const first = slice(y, [1], [0], [1]); // y[:, 0:1]
 */
export function slice(
  x: Value,
  axes: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
): Value {
  const g = x.graph;
  return emit1(Slice, [x, g.ints(starts), g.ints(ends), g.ints(axes)]);
}

export const Pad: OpDef = {
  type: 'Pad',
  diff: [0],
  infer(inputs) {
    const x = need('Pad', 'x', inputs[0]);
    const pads = intsOf(inputs[1]);
    if (!pads || pads.length !== 2 * x.rank)
      throw new RangeError(`Pad: pads must hold ${2 * x.rank} constants`);
    return [
      {
        dtype: x.dtype,
        shape: x.shape.map((d, i) => {
          const extra = pads[i]! + pads[i + x.rank]!;
          if (extra === 0) return d;
          if (typeof d !== 'number') throw new RangeError(`Pad: axis ${i} of ${x} is symbolic`);
          return d + extra;
        }),
      },
    ];
  },
  vjp: ({ inputs, grads: [g] }) => {
    const x = inputs[0]!;
    const pads = intsOf(inputs[1])!;
    const axes: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    x.shape.forEach((d, i) => {
      if (pads[i] === 0 && pads[i + x.rank] === 0) return;
      axes.push(i);
      starts.push(pads[i]!);
      ends.push(pads[i]! + (d as number));
    });
    return [g && (axes.length ? slice(g, axes, starts, ends) : g)];
  },
};

/** Zero-pads `x`: `pads` lists the begins of every axis, then the ends (ONNX layout). */
export function pad(x: Value, pads: readonly number[]): Value {
  if (pads.every((p) => p === 0)) return x;
  return emit1(Pad, [x, x.graph.ints(pads)]);
}

export const Split: OpDef = {
  type: 'Split',
  diff: [0],
  infer(inputs, attrs) {
    const x = need('Split', 'x', inputs[0]);
    const sizes = intsOf(inputs[1]);
    const axis = axisOf('Split', (attrs.axis as { i: number }).i, x.rank);
    const total = sizes?.reduce((a, b) => a + b, 0);
    if (!sizes || total !== x.shape[axis]) {
      throw new RangeError(`Split: sizes [${sizes?.join(', ')}] must sum to axis ${axis} of ${x}`);
    }
    return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
  },
  vjp: ({ outputs, grads, attrs }) => {
    const axis = (attrs.axis as { i: number }).i;
    if (grads.every((g) => !g)) return [undefined];
    return [
      concat(
        outputs.map((o, i) => grads[i] ?? zerosLike(o)),
        axis,
      ),
    ];
  },
};

/** Splits `x` along `axis` into pieces of the given sizes. */
export function split(x: Value, sizes: readonly number[], axis: number): Value[] {
  return emit(Split, [x, x.graph.ints(sizes)], { axis: { i: axis } });
}

export const Unsqueeze: OpDef = {
  type: 'Unsqueeze',
  diff: [0],
  infer(inputs) {
    const x = need('Unsqueeze', 'x', inputs[0]);
    const rank = x.rank + intsOf(inputs[1])!.length;
    const axes = intsOf(inputs[1])!.map((a) => axisOf('Unsqueeze', a, rank));
    const shape: Dim[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!);
    return [{ dtype: x.dtype, shape }];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [g && reshape(g, x!.shape)],
};

/** Inserts size-1 axes at `axes` (positions in the result). */
export function unsqueeze(x: Value, axes: readonly number[]): Value {
  return emit1(Unsqueeze, [x, x.graph.ints(axes)]);
}

export const Squeeze: OpDef = {
  type: 'Squeeze',
  diff: [0],
  infer(inputs) {
    const x = need('Squeeze', 'x', inputs[0]);
    const axes = intsOf(inputs[1])!.map((a) => axisOf('Squeeze', a, x.rank));
    for (const a of axes) {
      if (x.shape[a] !== 1) throw new RangeError(`Squeeze: axis ${a} of ${x} is not of size 1`);
    }
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) }];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [g && reshape(g, x!.shape)],
};

/** Removes size-1 axes. */
export function squeeze(x: Value, axes: readonly number[]): Value {
  return emit1(Squeeze, [x, x.graph.ints(axes)]);
}

/** Zeros shaped like `v`. */
export function zerosLike(v: Value): Value {
  return expand(v.graph.constant(0, v.dtype), v.shape);
}
