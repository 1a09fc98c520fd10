import type { HostTensor } from './dtype.js';
import { Graph, type Value } from './graph.js';
import {
  bceWithLogits,
  crossEntropy,
  exactMatch,
  linear,
  maskedMean,
  rmsNorm,
  swiglu,
  swigluRows,
} from './nn.js';
import { add, mul } from './ops/elementwise.js';
import { gather } from './ops/gather.js';
import { reduceMean } from './ops/reduce.js';
import { concat, expand, reshape, slice } from './ops/shape.js';

export interface TwoBlockConfig {
  readonly cells: number;
  readonly hidden: number;
  readonly blocks: number;
  readonly rmsEps: number;
  readonly haltWeight: number;
  readonly loss: 'softmax' | 'stablemax';
}

/**
 * The reference model of the golden tests and of `bench/graph`: a one-position prefix and
 * token embeddings, `blocks` post-norm blocks (token-mixing SwiGLU with rms over the sequence,
 * channel SwiGLU with rms over features), an LM head on the cells and a halting head on
 * position 0, with the TRM loss. Parameter names follow `fixtures/make_two_block.py`.
 */
export function twoBlockModel(cfg: TwoBlockConfig, params: Readonly<Record<string, HostTensor>>) {
  const { cells: C, hidden: D, rmsEps } = cfg;
  const g = new Graph('two_block');
  const p: Record<string, Value> = {};
  for (const [name, t] of Object.entries(params)) p[name] = g.param(name, t);
  const tokens = g.input('tokens', 'int64', ['B', C]);
  const labels = g.input('labels', 'int64', ['B', C]);
  const w = g.input('w', 'float32', ['B']);
  const prefix = expand(reshape(p.prefix!, [1, 1, D]), ['B', 1, D]);
  let h = mul(concat([prefix, gather(p.embed!, tokens)], 1), Math.sqrt(D));
  for (let i = 0; i < cfg.blocks; i++) {
    h = g.scope(`block.${i}`, () => {
      // NOTE: the token mixer works along the sequence axis; no activation is transposed.
      const mixed = rmsNorm(
        add(h, swigluRows(h, p[`block.${i}.mlp_t.gate_up`]!, p[`block.${i}.mlp_t.down`]!)),
        rmsEps,
        1,
      );
      return rmsNorm(
        add(mixed, swiglu(mixed, p[`block.${i}.mlp.gate_up`]!, p[`block.${i}.mlp.down`]!)),
        rmsEps,
      );
    });
  }
  const logits = linear(slice(h, [1], [1], [1 + C]), p.lm_head!);
  const q = add(linear(reshape(slice(h, [1], [0], [1]), ['B', D]), p['q_head.weight']!), p['q_head.bias']!);
  const qHalt = reshape(slice(q, [1], [0], [1]), ['B']);
  const ce = crossEntropy(logits, labels, { kind: cfg.loss, ignoreIndex: 0 });
  const lm = maskedMean(ce.loss, ce.mask, [1]);
  const correct = exactMatch(logits, labels);
  const halt = bceWithLogits(qHalt, correct);
  // NOTE: sum_i w_i * loss_i / B is the mean over the batch, whatever B is at run time.
  const loss = reduceMean(mul(w, add(lm, mul(halt, cfg.haltWeight))));
  return { g, p, loss, logits, qHalt, lm, halt, correct };
}
