/**
 * The shape of a Tiny Recursive Model and its recursion schedule (docs/design.md sections 2 and 3).
 * Field names follow the project spec; the comment gives the official name where it differs.
 */
export interface TrmConfig {
  /** D, the hidden width (512 official). */
  hidden: number;
  /** Number of blocks in `net` (2). */
  layers: number;
  /** SwiGLU expansion factor (4). */
  expansion: number;
  /** SwiGLU width rounding: `inter = roundUp(round(expansion * width * 2/3), interMultiple)` (256). */
  interMultiple: number;
  /** Token mixer: `mlp` (SwiGLU over the sequence, "mlp_t") or `attention`. */
  mixer: 'mlp' | 'attention';
  /** Attention heads; head dim = hidden / heads (64 official). Unused by the `mlp` mixer. */
  heads: number;
  /** Rotary embedding base (10000). */
  ropeTheta: number;
  /** Token vocabulary (11 for Sudoku). */
  vocab: number;
  /** Cells per puzzle (81 for Sudoku). */
  cells: number;
  /** P, puzzle-embedding positions before the cells (16 official Sudoku, or 1). */
  prefix: number;
  /** Rows of the puzzle embedding table (1 for Sudoku). */
  puzzleIds: number;
  /** Maximum supervision steps, Nsup (16). */
  nSup: number;
  /** L_cycles (6). */
  n: number;
  /** H_cycles (3). */
  T: number;
  /** Output distribution of the LM loss: `softmax` (paper text) or `stablemax` (official code). */
  loss: 'softmax' | 'stablemax';
  /** Weight of the halting BCE: 0.5 in the official code, 1 in the paper text. */
  haltWeight: number;
  /** Epsilon of the parameter-free RMS norm (1e-5). */
  rmsEps: number;
  /**
   * What the halting head reads: `'prefix'` (default, the official code) reads `y` at position 0;
   * `'cells'` reads the mean of `y` over the answer cells, so `q_halt` sees the answer it judges.
   */
  haltHead?: 'prefix' | 'cells';
}

export const MIXERS: readonly TrmConfig['mixer'][] = ['mlp', 'attention'];
export const LOSSES: readonly TrmConfig['loss'][] = ['softmax', 'stablemax'];
export const HALT_HEADS: readonly NonNullable<TrmConfig['haltHead']>[] = ['prefix', 'cells'];

/** Sequence length `S = prefix + cells`. */
export function seqLen(cfg: TrmConfig): number {
  return cfg.prefix + cfg.cells;
}

/**
 * SwiGLU hidden width for an input of `width` features, as in the official code
 * (`_find_multiple(round(expansion * width * 2 / 3), multiple)`).
 *
 * @example
 * swigluWidth(4, 512, 256); // 1536
 */
export function swigluWidth(expansion: number, width: number, multiple: number): number {
  const raw = roundHalfEven((expansion * width * 2) / 3);
  return Math.ceil(raw / multiple) * multiple;
}

// NOTE: the official code uses Python's round(), which rounds halves to even.
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const frac = v - f;
  if (frac !== 0.5) return Math.round(v);
  return f % 2 === 0 ? f : f + 1;
}

/** Inner width of the sequence-mixing SwiGLU of the `mlp` mixer (its width is the sequence length). */
export function tokenMixerInter(cfg: TrmConfig): number {
  return swigluWidth(cfg.expansion, seqLen(cfg), cfg.interMultiple);
}

/** Inner width of the channel SwiGLU of every block (its width is `hidden`). */
export function channelInter(cfg: TrmConfig): number {
  return swigluWidth(cfg.expansion, cfg.hidden, cfg.interMultiple);
}

/** Attention head dimension, `hidden / heads`. */
export function headDim(cfg: TrmConfig): number {
  return cfg.hidden / cfg.heads;
}
