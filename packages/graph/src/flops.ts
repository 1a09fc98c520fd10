import type { Graph } from './graph.js';
import { type Dim, dimCoef, dimSymbols } from './shape.js';

/**
 * Multiply-add FLOPs (`2 * m * n * k`) of every MatMul in `g`, forward and backward alike:
 * what a run of the graph actually computes. `sizes` binds symbolic dims such as `B`.
 *
 * @example
 * matmulFlops(g, { B: 64 });
 */
export function matmulFlops(g: Graph, sizes: Readonly<Record<string, number>>): number {
  const dim = (d: Dim): number => {
    if (typeof d === 'number') return d;
    return dimSymbols(d).reduce((acc, s) => {
      const v = sizes[s];
      if (v === undefined) throw new RangeError(`matmulFlops: no size for symbol '${s}'; pass it in 'sizes'`);
      return acc * v;
    }, dimCoef(d));
  };
  let total = 0;
  for (const node of g.nodes) {
    if (node.def.type !== 'MatMul') continue;
    const a = node.inputs[0]!;
    total +=
      2 * node.outputs[0]!.shape.reduce<number>((acc, d) => acc * dim(d), 1) * dim(a.shape[a.rank - 1]!);
  }
  return total;
}
