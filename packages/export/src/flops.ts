import { channelInter, seqLen, type TrmConfig, tokenMixerInter } from './config.js';

const matmul = (m: number, k: number, n: number) => 2 * m * k * n;

/**
 * Multiply-add FLOPs (2*m*k*n per matmul) of one application of `net` over `batch` samples:
 * every block's token mixer (the sequence SwiGLU, or attention including QK^T and AV) and
 * channel SwiGLU. Norms, activations and additions are not counted.
 *
 * @example
 * netFlops(getPreset('sudoku-mlp')); // 1_220_542_464
 */
export function netFlops(cfg: TrmConfig, batch = 1): number {
  const { hidden: D } = cfg;
  const S = seqLen(cfg);
  const inter = channelInter(cfg);
  const rows = batch * S;
  let mixer: number;
  if (cfg.mixer === 'mlp') {
    const interT = tokenMixerInter(cfg);
    mixer = matmul(batch * D, S, 2 * interT) + matmul(batch * D, interT, S);
  } else {
    const attention = 2 * matmul(batch * S, D, S);
    mixer = matmul(rows, D, 3 * D) + attention + matmul(rows, D, D);
  }
  const channel = matmul(rows, D, 2 * inter) + matmul(rows, inter, D);
  return cfg.layers * (mixer + channel);
}

/** FLOPs of the output heads of one supervision step: `lm_head` on the cells, `q_head` on position 0. */
export function headFlops(cfg: TrmConfig, batch = 1): number {
  return matmul(batch * cfg.cells, cfg.hidden, cfg.vocab) + matmul(batch, cfg.hidden, 2);
}

/** Applications of `net` in one supervision step at depth (n, T), counting a backward as 2 forwards. */
export function netCallsPerStep(n: number, T: number, opts: { backward?: boolean } = {}): number {
  return T * (n + 1) + (opts.backward ? 2 * (n + 1) : 0);
}

/**
 * FLOPs per sample of one supervision step at depth (n, T): `T*(n+1)` applications of `net`
 * plus the heads; with `backward`, the back-propagated last cycle adds `2*(n+1)` nets and twice
 * the heads (a backward costs two forwards).
 *
 * @example
 * stepFlops(cfg, 6, 3, { backward: true }) / netFlops(cfg); // about 35
 */
export function stepFlops(cfg: TrmConfig, n: number, T: number, opts: { backward?: boolean } = {}): number {
  for (const [name, v] of [
    ['n', n],
    ['T', T],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`stepFlops: '${name}' is ${v}, expected an integer >= 1`);
  }
  const heads = headFlops(cfg) * (opts.backward ? 3 : 1);
  return netCallsPerStep(n, T, opts) * netFlops(cfg) + heads;
}
