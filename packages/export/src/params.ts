import { createRng, deriveSeed, type Rng } from '@cgar/common';
import { type HostTensor, hostTensor, sizeOf } from '@cgar/graph';
import { channelInter, seqLen, type TrmConfig, tokenMixerInter } from './config.js';

/** A model's parameters by official state-dict name, all float32. */
export type TrmParams = Map<string, HostTensor<'float32'>>;

/** How a tensor is initialised; linear weights use `truncNormal` with std `1/sqrt(fan_in)` (LeCun). */
export type InitRule =
  | { kind: 'truncNormal'; std: number }
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number };

/**
 * Which optimizer group a tensor belongs to. `weights`: trained by the main optimizer;
 * `puzzle_emb`: the puzzle embedding, a buffer trained by SignSGD in the official code;
 * `init_state`: `H_init`/`L_init`, fixed and never trained.
 */
export type ParamGroup = 'weights' | 'puzzle_emb' | 'init_state';

export interface ParamSpec {
  /** Official TRM state-dict name, e.g. `inner.lm_head.weight`. */
  name: string;
  /** Shape; linear weights are `[out, in]` like the official state dict. */
  dims: readonly number[];
  init: InitRule;
  /**
   * Counted as a trainable parameter. NOTE: only `weights` are; the official 5,028,866 count
   * leaves out the puzzle embedding (a buffer with its own SignSGD) and H_init/L_init. The
   * trainer decides by `group` whether to train the puzzle embedding.
   */
  trainable: boolean;
  group: ParamGroup;
}

/** Name of the parameter every puzzle's `y` carry starts from (the official `H_init`, `[hidden]`). */
export const H_INIT = 'inner.H_init';
/** Name of the parameter every puzzle's `z` carry starts from (the official `L_init`, `[hidden]`). */
export const L_INIT = 'inner.L_init';

/**
 * The vectors a puzzle's carry starts from, taken from `params` (not copied): `y` from
 * {@link H_INIT}, `z` from {@link L_INIT}, each `[hidden]`, repeated at every position.
 *
 * @example
 * const { y, z } = initialCarryData(initParams(getPreset('cpu-tiny'), 0)); // two Float32Array(hidden)
 */
export function initialCarryData(params: ReadonlyMap<string, HostTensor<'float32'>>): {
  y: Float32Array;
  z: Float32Array;
} {
  const get = (name: string) => {
    const t = params.get(name);
    if (!t) throw new Error(`initialCarryData: the parameters have no '${name}'`);
    return t.data;
  };
  return { y: get(H_INIT), z: get(L_INIT) };
}

const lecun = (fanIn: number): InitRule => ({ kind: 'truncNormal', std: 1 / Math.sqrt(fanIn) });
const weight = (name: string, dims: [number, number]): ParamSpec => ({
  name,
  dims,
  init: lecun(dims[1]),
  trainable: true,
  group: 'weights',
});

/**
 * Every tensor of the model, in a fixed order, under the official TRM state-dict names.
 *
 * @example
 * paramSpecs(getPreset('sudoku-mlp')).find((p) => p.name === 'inner.q_head.bias'); // dims [2], bias -5
 */
export function paramSpecs(cfg: TrmConfig): ParamSpec[] {
  const { hidden: D, vocab } = cfg;
  const S = seqLen(cfg);
  const specs: ParamSpec[] = [
    {
      name: 'inner.embed_tokens.embedding_weight',
      dims: [vocab, D],
      init: { kind: 'truncNormal', std: 1 / Math.sqrt(D) },
      trainable: true,
      group: 'weights',
    },
    weight('inner.lm_head.weight', [vocab, D]),
    { name: 'inner.q_head.weight', dims: [2, D], init: { kind: 'zeros' }, trainable: true, group: 'weights' },
    {
      name: 'inner.q_head.bias',
      dims: [2],
      init: { kind: 'constant', value: -5 },
      trainable: true,
      group: 'weights',
    },
    {
      name: 'inner.puzzle_emb.weights',
      dims: [cfg.puzzleIds, D],
      init: { kind: 'zeros' },
      trainable: false,
      group: 'puzzle_emb',
    },
    {
      name: H_INIT,
      dims: [D],
      init: { kind: 'truncNormal', std: 1 },
      trainable: false,
      group: 'init_state',
    },
    {
      name: L_INIT,
      dims: [D],
      init: { kind: 'truncNormal', std: 1 },
      trainable: false,
      group: 'init_state',
    },
  ];
  const inter = channelInter(cfg);
  const interT = tokenMixerInter(cfg);
  for (let i = 0; i < cfg.layers; i++) {
    const p = `inner.L_level.layers.${i}`;
    if (cfg.mixer === 'mlp') {
      specs.push(weight(`${p}.mlp_t.gate_up_proj.weight`, [2 * interT, S]));
      specs.push(weight(`${p}.mlp_t.down_proj.weight`, [S, interT]));
    } else {
      specs.push(weight(`${p}.self_attn.qkv_proj.weight`, [3 * D, D]));
      specs.push(weight(`${p}.self_attn.o_proj.weight`, [D, D]));
    }
    specs.push(weight(`${p}.mlp.gate_up_proj.weight`, [2 * inter, D]));
    specs.push(weight(`${p}.mlp.down_proj.weight`, [D, inter]));
  }
  return specs;
}

// NOTE: the official trunc_normal_init_ (a port of JAX's) rescales so that the std of the
// truncated distribution, not of the underlying normal, equals the requested std.
const TRUNC_STD = (() => {
  const [lower, upper] = [-2, 2];
  const c = 1 / Math.sqrt(2 * Math.PI);
  const pdfL = c * Math.exp(-0.5 * lower * lower);
  const pdfU = c * Math.exp(-0.5 * upper * upper);
  const z = 0.9544997361036416; // P(-2 <= N(0,1) <= 2)
  return Math.sqrt(1 - (upper * pdfU - lower * pdfL) / z - ((pdfU - pdfL) / z) ** 2);
})();

/**
 * Fills `out` with a normal truncated at +-2 standard deviations whose actual std is `std`,
 * as the official TRM `trunc_normal_init_` does.
 *
 * @example
 * truncNormalFill(new Float32Array(8), createRng(1), 0.5);
 */
export function truncNormalFill(out: Float32Array, rng: Rng, std: number): Float32Array {
  const scale = std / TRUNC_STD;
  for (let i = 0; i < out.length; i++) out[i] = rng.truncatedNormal(-2, 2) * scale;
  return out;
}

/**
 * Initialises every tensor of {@link paramSpecs} from `seed`. Each tensor draws from its own
 * stream, `createRng(deriveSeed(seed, name))`, so the result is reproducible and independent of
 * tensor order.
 *
 * @example
 * const params = initParams(getPreset('cpu-tiny'), 0);
 * params.get('inner.q_head.bias')!.data; // Float32Array [-5, -5]
 */
export function initParams(cfg: TrmConfig, seed: number): TrmParams {
  const out: TrmParams = new Map();
  for (const spec of paramSpecs(cfg)) {
    const data = new Float32Array(sizeOf(spec.dims));
    const { init } = spec;
    if (init.kind === 'truncNormal') truncNormalFill(data, createRng(deriveSeed(seed, spec.name)), init.std);
    else if (init.kind === 'constant') data.fill(init.value);
    out.set(spec.name, hostTensor('float32', spec.dims, data));
  }
  return out;
}

/**
 * Counts parameters. With `trainableOnly` (the default) this is the official count: the
 * puzzle embedding and H_init/L_init are left out.
 *
 * @example
 * countParams(getPreset('sudoku-mlp')); // 5_028_866
 */
export function countParams(cfg: TrmConfig, opts: { trainableOnly?: boolean } = {}): number {
  const trainableOnly = opts.trainableOnly ?? true;
  let n = 0;
  for (const spec of paramSpecs(cfg)) if (spec.trainable || !trainableOnly) n += sizeOf(spec.dims);
  return n;
}
