import {
  add,
  bceWithLogits,
  concat,
  crossEntropy,
  exactMatch,
  expand,
  type Graph,
  gather,
  hostTensor,
  linear,
  maskedMean,
  matmul,
  mul,
  neg,
  reduceMean,
  reshape,
  rmsNorm,
  slice,
  softmax,
  split,
  stopGradient,
  swiglu,
  swigluRows,
  transpose,
  type Value,
} from '@cgar/graph';
import { headDim, seqLen, type TrmConfig } from '../config.js';
import { H_INIT, L_INIT, type TrmParams } from '../params.js';

/** The TRM parameters as graph values, by official state-dict name. */
export type ParamValues = Readonly<Record<string, Value>>;

/** Declares every parameter on `g` (H_init, L_init: not trainable). */
export function declareParams(
  g: Graph,
  params: TrmParams,
  options: { trainPuzzleEmb?: boolean } = {},
): ParamValues {
  const out: Record<string, Value> = {};
  for (const [name, t] of params) {
    const fixed = name.endsWith('H_init') || name.endsWith('L_init');
    const trainable = !fixed && ((options.trainPuzzleEmb ?? true) ? true : !name.includes('puzzle_emb'));
    out[name] = g.param(name, t, { trainable });
  }
  return out;
}

const layer = (i: number) => `inner.L_level.layers.${i}`;

/** `x = sqrt(D) * [prefix ; E[tokens]]`: the puzzle-embedding row 0 at position 0, zeros after. */
export function embedInput(cfg: TrmConfig, p: ParamValues, tokens: Value): Value {
  const D = cfg.hidden;
  const g = tokens.graph;
  const first = reshape(slice(p['inner.puzzle_emb.weights']!, [0], [0], [1]), [1, 1, D]);
  const prefix =
    cfg.prefix > 1
      ? concat(
          [
            first,
            g.constant(hostTensor('float32', [1, cfg.prefix - 1, D], new Float32Array((cfg.prefix - 1) * D))),
          ],
          1,
        )
      : first;
  const B = tokens.shape[0]!;
  const x = concat(
    [expand(prefix, [B, cfg.prefix, D]), gather(p['inner.embed_tokens.embedding_weight']!, tokens)],
    1,
  );
  return mul(x, Math.sqrt(D));
}

/** Rotary tables `[S, headDim]` (Llama's rotate-half layout), as constants. */
function rope(cfg: TrmConfig, g: Graph): { cos: Value; sin: Value } {
  const S = seqLen(cfg);
  const hd = headDim(cfg);
  const c = new Float32Array(S * hd);
  const s = new Float32Array(S * hd);
  for (let pos = 0; pos < S; pos++) {
    for (let i = 0; i < hd / 2; i++) {
      const angle = pos / cfg.ropeTheta ** ((2 * i) / hd);
      for (const k of [i, i + hd / 2]) {
        c[pos * hd + k] = Math.cos(angle);
        s[pos * hd + k] = Math.sin(angle);
      }
    }
  }
  return {
    cos: g.constant(hostTensor('float32', [S, hd], c)),
    sin: g.constant(hostTensor('float32', [S, hd], s)),
  };
}

function rotateHalf(x: Value): Value {
  const hd = x.shape[x.rank - 1] as number;
  const [a, b] = split(x, [hd / 2, hd / 2], -1);
  return concat([neg(b!), a!], -1);
}

function attention(
  cfg: TrmConfig,
  p: ParamValues,
  i: number,
  h: Value,
  tables: { cos: Value; sin: Value },
): Value {
  const { hidden: D, heads: H } = cfg;
  const S = seqLen(cfg);
  const hd = headDim(cfg);
  const B = h.shape[0]!;
  const qkv = transpose(
    reshape(linear(h, p[`${layer(i)}.self_attn.qkv_proj.weight`]!), [B, S, 3 * H, hd]),
    [0, 2, 1, 3],
  );
  const [q, k, v] = split(qkv, [H, H, H], 1);
  const rot = (t: Value) => add(mul(t, tables.cos), mul(rotateHalf(t), tables.sin));
  const scores = mul(matmul(rot(q!), transpose(rot(k!), [0, 1, 3, 2])), 1 / Math.sqrt(hd));
  const out = reshape(transpose(matmul(softmax(scores, -1), v!), [0, 2, 1, 3]), [B, S, D]);
  return linear(out, p[`${layer(i)}.self_attn.o_proj.weight`]!);
}

/**
 * `net(h, injection) = blocks(h + injection)`: post-norm blocks of a token mixer (a SwiGLU over
 * the sequence with rms over the sequence, or attention) and a channel SwiGLU.
 */
export function createNet(cfg: TrmConfig, p: ParamValues): (h: Value, injection: Value) => Value {
  const tables = cfg.mixer === 'attention' ? rope(cfg, p[H_INIT]!.graph) : undefined;
  return (h, injection) => {
    let x = add(h, injection);
    for (let i = 0; i < cfg.layers; i++) {
      if (cfg.mixer === 'mlp') {
        // NOTE: the official code transposes to [B, D, S], mixes and normalises over S, and
        // transposes back; mixing along axis 1 computes the same without moving activations.
        const mixed = swigluRows(
          x,
          p[`${layer(i)}.mlp_t.gate_up_proj.weight`]!,
          p[`${layer(i)}.mlp_t.down_proj.weight`]!,
        );
        x = rmsNorm(add(x, mixed), cfg.rmsEps, 1);
      } else {
        x = rmsNorm(add(x, attention(cfg, p, i, x, tables!)), cfg.rmsEps);
      }
      x = rmsNorm(
        add(x, swiglu(x, p[`${layer(i)}.mlp.gate_up_proj.weight`]!, p[`${layer(i)}.mlp.down_proj.weight`]!)),
        cfg.rmsEps,
      );
    }
    return x;
  };
}

export interface StepOutputs {
  readonly y: Value;
  readonly z: Value;
  readonly logits: Value;
  readonly qHalt: Value;
}

/**
 * One supervision step at depth (n, T) (docs/design.md section 3). With `grad`, the first T-1 cycles sit
 * behind a gradient barrier so only the last cycle is back-propagated.
 */
export function supervisionStep(
  cfg: TrmConfig,
  p: ParamValues,
  net: (h: Value, inj: Value) => Value,
  x: Value,
  carry: { y: Value; z: Value },
  depth: { n: number; T: number },
): StepOutputs {
  let { y, z } = carry;
  const cycle = (c: number) =>
    y.graph.scope(`cycle${c}`, () => {
      for (let i = 0; i < depth.n; i++) z = net(z, add(y, x));
      y = net(y, z);
    });
  for (let c = 0; c < depth.T - 1; c++) cycle(c);
  if (depth.T > 1) {
    y = stopGradient(y);
    z = stopGradient(z);
  }
  cycle(depth.T - 1);
  return { y, z, ...heads(cfg, p, y) };
}

/**
 * `logits = lm_head(y)` without the prefix; `q_halt = q_head(y[:, 0])[0]`, or with
 * `haltHead: 'cells'` `q_head(mean of y over the answer cells)[0]`.
 */
export function heads(cfg: TrmConfig, p: ParamValues, y: Value): { logits: Value; qHalt: Value } {
  const S = seqLen(cfg);
  const B = y.shape[0]!;
  const cells = slice(y, [1], [cfg.prefix], [S]);
  const logits = linear(cells, p['inner.lm_head.weight']!);
  const read =
    cfg.haltHead === 'cells' ? reduceMean(cells, [1]) : reshape(slice(y, [1], [0], [1]), [B, cfg.hidden]);
  const q = add(linear(read, p['inner.q_head.weight']!), p['inner.q_head.bias']!);
  return { logits, qHalt: reshape(slice(q, [1], [0], [1]), [B]) };
}

/**
 * The per-sample loss of docs/design.md section 4 and the weighted batch loss `sum_i w_i loss_i / B`.
 * With `weightHalting: false` the weights multiply the cross-entropy only and every halting
 * BCE counts fully: `sum_i (w_i lm_i + haltWeight halt_i) / B`.
 */
export function trmLoss(
  cfg: TrmConfig,
  logits: Value,
  qHalt: Value,
  labels: Value,
  w: Value,
  options: { readonly weightHalting?: boolean } = {},
) {
  const ce = crossEntropy(logits, labels, { kind: cfg.loss, ignoreIndex: 0 });
  const lm = maskedMean(ce.loss, ce.mask, [1]);
  const correct = exactMatch(logits, labels);
  const halt = bceWithLogits(qHalt, correct);
  const haltTerm = mul(halt, cfg.haltWeight);
  const loss = reduceMean(
    options.weightHalting === false ? add(mul(w, lm), haltTerm) : mul(w, add(lm, haltTerm)),
  );
  return { loss, lm, halt, correct };
}

/** `H_init`/`L_init` broadcast to `[B, S, D]`. */
export function initialCarry(cfg: TrmConfig, p: ParamValues, B: string | number): { y: Value; z: Value } {
  const D = cfg.hidden;
  const S = seqLen(cfg);
  const b = (name: string) => expand(reshape(p[name]!, [1, 1, D]), [B, S, D]);
  return { y: b(H_INIT), z: b(L_INIT) };
}
