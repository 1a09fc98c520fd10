import { buildStepGraph, seqLen, type TrmConfig, type TrmParams } from '@cgar/export';
import { GraphSession, type HostTensor, hostTensor, type OrtModule } from '@cgar/graph';
import { encodePuzzle, encodeSolution, isValidSolution, type SudokuExample } from '@cgar/tasks';
import { applyHaltingRule, type HaltingTrace, haltingStep, STANDARD_RULES } from './halting.js';
import { rocAuc, type StepIndexFigures, StepIndexStats } from './stats.js';

/** Held-out figures at full depth, with and without adaptive halting. */
export interface EvalMetrics {
  readonly count: number;
  /** After all `nSup` steps: share of puzzles with every cell right. */
  readonly exact: number;
  /** After all `nSup` steps: share of cells right. */
  readonly cell: number;
  /** After all `nSup` steps: share of samples where `(q_halt >= 0) == correct`. */
  readonly haltAcc: number;
  /** Adaptive halting (stop at the first `q_halt > 0`): exact accuracy. */
  readonly exactAdaptive: number;
  /** Adaptive halting: mean supervision steps used. */
  readonly meanSteps: number;
  /** Adaptive halting: how many puzzles stopped at each step (index 0 = step 1). */
  readonly stepHistogram: readonly number[];
  /** Exact accuracy and mean `q_halt` after each step 1..nSup, and the AUC of `q_halt` over all steps. */
  readonly byStep: StepIndexFigures;
  /** ROC AUC of the last step's `q_halt` against exactness (`null` when all right or all wrong). */
  readonly auc: number | null;
  /** Exact accuracy and mean steps of each of the {@link STANDARD_RULES}. */
  readonly rules: Readonly<Record<string, { readonly exact: number; readonly meanSteps: number }>>;
}

export interface EvalOptions {
  readonly batchSize?: number;
  readonly sessionOptions?: object;
  /** Also return every puzzle's `q_halt` and exactness after each step, for `calibrateHalting`. */
  readonly traces?: boolean;
}

/** `EvalMetrics`, with the per-step traces when `traces: true` was passed. */
export type EvalResult<O extends EvalOptions> = EvalMetrics &
  (O extends { traces: true } ? { readonly traces: HaltingTrace[] } : unknown);

/**
 * Evaluates `params` on `examples` at the config's full depth: runs all `nSup` supervision
 * steps once and reads both the fixed-step figures and where adaptive halting would stop.
 * The last batch is simply smaller: no padding rows count (docs/design.md section 7).
 */
export async function evaluate<O extends EvalOptions = EvalOptions>(
  ort: OrtModule,
  cfg: TrmConfig,
  params: TrmParams,
  examples: readonly SudokuExample[],
  options: O = {} as O,
): Promise<EvalResult<O>> {
  if (examples.length === 0) throw new RangeError('evaluate: `examples` is empty; pass at least one puzzle');
  const session = await GraphSession.create(ort, buildStepGraph(cfg, params, { embedParams: false }), {
    sessionOptions: options.sessionOptions,
  });
  const feedsParams = Object.fromEntries(
    session.inputs.filter((s) => params.has(s.name)).map((s) => [s.name, params.get(s.name)!]),
  );
  const { cells, vocab, nSup, hidden: D } = cfg;
  const S = seqLen(cfg);
  const batch = options.batchSize ?? 128;
  let cell = 0;
  const traces: HaltingTrace[] = [];
  const perStep = new StepIndexStats(nSup);
  for (let start = 0; start < examples.length; start += batch) {
    const chunk = examples.slice(start, start + batch);
    const B = chunk.length;
    const tokens = new BigInt64Array(B * cells);
    const labels = new Int32Array(B * cells);
    chunk.forEach((ex, b) => {
      encodePuzzle(ex.puzzle).forEach((v, c) => {
        tokens[b * cells + c] = BigInt(v);
      });
      labels.set(encodeSolution(ex.solution), b * cells);
    });
    let y = tile(params.get('inner.H_init')!.data, B * S);
    let z = tile(params.get('inner.L_init')!.data, B * S);
    let lastCellsRight = 0;
    const chunkTraces = Array.from({ length: B }, () => ({
      qHalt: new Float32Array(nSup),
      correct: new Uint8Array(nSup),
      changed: new Uint8Array(nSup),
      valid: new Uint8Array(nSup),
    }));
    let previous: Uint8Array | undefined;
    for (let s = 1; s <= nSup; s++) {
      const out = await session.run({
        ...feedsParams,
        tokens: hostTensor('int64', [B, cells], tokens),
        y: hostTensor('float32', [B, S, D], y),
        z: hostTensor('float32', [B, S, D], z),
      });
      y = out.y_next!.data as Float32Array;
      z = out.z_next!.data as Float32Array;
      const q = out.q_halt!.data as Float32Array;
      const graded = grade(out.logits!, labels, B, cells, vocab);
      chunkTraces.forEach((t, b) => {
        const digits = graded.digits.subarray(b * cells, (b + 1) * cells);
        t.qHalt[s - 1] = q[b]!;
        t.correct[s - 1] = graded.right[b]!;
        t.changed[s - 1] = Number(!previous || !sameCells(previous, graded.digits, b * cells, cells));
        t.valid[s - 1] = Number(isValidSolution(chunk[b]!.puzzle, digits));
        perStep.add(s, q[b]!, graded.right[b]!);
      });
      previous = graded.digits;
      lastCellsRight = graded.cellsRight;
    }
    cell += lastCellsRight;
    traces.push(...chunkTraces);
  }
  await session.release();
  const n = examples.length;
  // NOTE: the fixed-step and adaptive figures are read off the traces, the one record of every step.
  const lastQ = traces.map((t) => t.qHalt[nSup - 1]!);
  const lastRight = traces.map((t) => Number(t.correct[nSup - 1]!));
  const histogram = new Array<number>(nSup).fill(0);
  for (const t of traces) histogram[haltingStep(t, nSup, STANDARD_RULES.learned!)]! += 1;
  const rules = Object.fromEntries(
    Object.entries(STANDARD_RULES).map(([name, rule]) => [name, applyHaltingRule(traces, rule)]),
  );
  return {
    count: n,
    exact: lastRight.reduce((a, b) => a + b, 0) / n,
    cell: cell / (n * cells),
    haltAcc: lastQ.filter((q, i) => q >= 0 === (lastRight[i] === 1)).length / n,
    exactAdaptive: rules.learned!.exact,
    meanSteps: rules.learned!.meanSteps,
    stepHistogram: histogram,
    byStep: perStep.figures(),
    auc: rocAuc(lastQ, lastRight),
    rules,
    ...(options.traces ? { traces } : {}),
  } as EvalResult<O>;
}

function tile(v: Float32Array, times: number): Float32Array {
  const out = new Float32Array(v.length * times);
  for (let i = 0; i < times; i++) out.set(v, i * v.length);
  return out;
}

function sameCells(a: Uint8Array, b: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Argmax per cell against the labels: which samples are exactly right, how many cells are, and
 * the predicted digits (token id - 1; 0 where the model predicts padding or blank).
 */
function grade(logits: HostTensor, labels: Int32Array, B: number, cells: number, vocab: number) {
  const data = logits.data as Float32Array;
  const right = new Uint8Array(B);
  const digits = new Uint8Array(B * cells);
  let cellsRight = 0;
  for (let b = 0; b < B; b++) {
    let all = 1;
    for (let c = 0; c < cells; c++) {
      const base = (b * cells + c) * vocab;
      let best = 0;
      for (let k = 1; k < vocab; k++) if (data[base + k]! > data[base + best]!) best = k;
      digits[b * cells + c] = Math.max(0, best - 1);
      const ok = best === labels[b * cells + c] ? 1 : 0;
      cellsRight += ok;
      all &= ok;
    }
    right[b] = all;
  }
  return { right, cellsRight, digits };
}
