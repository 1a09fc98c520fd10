import { emit1, type Graph, type OpDef, type Value } from '../graph.js';
import { numel } from '../shape.js';
import { need, needDType } from './check.js';
import { cast, equal } from './elementwise.js';
import { matmul } from './matmul.js';
import { axisOf, reshape, transpose, unsqueeze } from './shape.js';

// NOTE: in its own file because its gradient is a matmul, and matmul's shapes come from shape.ts:
// with Gather in shape.ts the two files imported each other.

export const Gather: OpDef = {
  type: 'Gather',
  diff: [0],
  infer(inputs, attrs) {
    const data = need('Gather', 'data', inputs[0]);
    const idx = need('Gather', 'indices', inputs[1]);
    needDType('Gather', 'indices', idx, ['int32', 'int64']);
    const axis = axisOf('Gather', (attrs.axis as { i: number }).i, data.rank);
    return [
      {
        dtype: data.dtype,
        shape: [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)],
      },
    ];
  },
  vjp: ({ inputs: [data, idx], grads: [g], attrs }) => {
    if (!g) return [];
    if ((attrs.axis as { i: number }).i !== 0) {
      throw new RangeError('Gather: gradients are implemented along axis 0; transpose the data first');
    }
    // NOTE: a one-hot matmul instead of a scatter-add: deterministic and supported by every provider.
    const n = data!.shape[0];
    if (typeof n !== 'number') throw new RangeError(`Gather: gradient needs a static first dim of ${data}`);
    const ids = reshape(idx!, [-1, 1]);
    const onehot = cast(equal(ids, rangeConst(data!.graph, n, idx!.dtype)), g.dtype);
    const rest = data!.shape.slice(1);
    const g2 = reshape(g, [-1, numel(rest)]);
    return [reshape(matmul(transpose(onehot), g2), data!.shape)];
  },
};

function rangeConst(g: Graph, n: number, dtype: 'int32' | 'int64' | string): Value {
  return dtype === 'int32'
    ? g.constant({ dtype: 'int32', dims: [n], data: Int32Array.from({ length: n }, (_, i) => i) })
    : g.ints(Array.from({ length: n }, (_, i) => i));
}

/** Picks entries of `data` along `axis` at integer `indices` (an embedding lookup at axis 0). */
export function gather(data: Value, indices: Value, axis = 0): Value {
  return emit1(Gather, [data, indices], { axis: { i: axis } });
}

/** One-hot encoding of integer `indices` over `depth` classes, as `dtype`. */
export function oneHot(indices: Value, depth: number, dtype: 'float32' | 'float64' = 'float32'): Value {
  return cast(equal(unsqueeze(indices, [-1]), rangeConst(indices.graph, depth, indices.dtype)), dtype);
}
