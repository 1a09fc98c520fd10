import { buildStepGraph, initialCarryData, seqLen, type TrmConfig, type TrmParams } from '@cgar/export';
import { GraphSession, hostTensor, type OrtModule } from '@cgar/graph';
import { type HostLoop, hostSteps } from '@cgar/runtime';
import { encodePuzzle, encodeSolution, gradeAnswer, type SudokuExample } from '@cgar/tasks';
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
  const { cells, nSup, hidden: D } = cfg;
  const S = seqLen(cfg);
  const carry = initialCarryData(params);
  // NOTE: the runtime's host loop, with no rule (every puzzle runs all `nSup` steps) and the
  // verifier at every step; every halting rule is then applied to the traces.
  const loop: HostLoop = {
    run: async (tokens, y, z, rows) => {
      const out = await session.run({
        ...feedsParams,
        tokens: hostTensor('int64', [rows, cells], tokens),
        y: hostTensor('float32', [rows, S, D], y),
        z: hostTensor('float32', [rows, S, D], z),
      });
      return {
        logits: out.logits!.data as Float32Array,
        qHalt: out.q_halt!.data as Float32Array,
        y: out.y_next!.data as Float32Array,
        z: out.z_next!.data as Float32Array,
      };
    },
    maxSteps: nSup,
    rule: {},
    seq: S,
    hidden: D,
    hInit: carry.y,
    lInit: carry.z,
    verifyAll: true,
  };
  const batch = options.batchSize ?? 128;
  let cell = 0;
  const traces: HaltingTrace[] = [];
  const perStep = new StepIndexStats(nSup);
  for (let start = 0; start < examples.length; start += batch) {
    const chunk = examples.slice(start, start + batch);
    const tokens = new BigInt64Array(chunk.length * cells);
    chunk.forEach((ex, b) => {
      encodePuzzle(ex.puzzle).forEach((v, c) => {
        tokens[b * cells + c] = BigInt(v);
      });
      // NOTE: checks the solution before any step runs (a blank or a bad digit throws).
      encodeSolution(ex.solution);
    });
    const chunkTraces = chunk.map(() => ({
      qHalt: new Float32Array(nSup),
      correct: new Uint8Array(nSup),
      changed: new Uint8Array(nSup),
      valid: new Uint8Array(nSup),
    }));
    for await (const report of hostSteps(loop, tokens)) {
      for (const { index, step, qHalt, digits, held, valid } of report) {
        const t = chunkTraces[index]!;
        const grade = gradeAnswer(digits, chunk[index]!.solution);
        t.qHalt[step - 1] = qHalt;
        t.correct[step - 1] = Number(grade.exact);
        t.changed[step - 1] = Number(held === 1);
        t.valid[step - 1] = Number(valid);
        perStep.add(step, qHalt, Number(grade.exact));
        if (step === nSup) cell += grade.cellsRight;
      }
    }
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
