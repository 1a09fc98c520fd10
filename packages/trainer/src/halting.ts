import { type HostRule, shouldHalt } from '@cgar/runtime';

/** One puzzle's halting logit and exactness after each supervision step (index 0 = step 1). */
export interface HaltingTrace {
  readonly qHalt: ArrayLike<number>;
  /** 1 (or true) where every cell was right after that step. */
  readonly correct: ArrayLike<number | boolean>;
  /** 1 where the predicted answer differs from the previous step's (step 1 always counts as changed). */
  readonly changed?: ArrayLike<number | boolean>;
  /** 1 where the task's verifier accepts the answer (Sudoku: a complete valid grid keeping the givens). */
  readonly valid?: ArrayLike<number | boolean>;
}

/**
 * A halting rule at inference; a puzzle halts at the first step where any part that is set says
 * so, and at the last step otherwise:
 * - `threshold`: the learned rule, `q_halt > threshold`;
 * - `stable`: the predicted answer has not changed for this many consecutive steps (2 = the
 *   same answer twice in a row);
 * - `verified`: the task's verifier accepts the answer (never halts on a wrong Sudoku).
 */
export interface HaltingRuleSpec {
  readonly threshold?: number;
  readonly stable?: number;
  readonly verified?: boolean;
}

/** The rules every evaluation reports, by name. */
export const STANDARD_RULES: Readonly<Record<string, HaltingRuleSpec>> = {
  learned: { threshold: 0 },
  stable2: { stable: 2 },
  stable3: { stable: 3 },
  verified: { verified: true },
  'verified|stable3': { verified: true, stable: 3 },
  'verified|learned': { verified: true, threshold: 0 },
};

/** The step (0-based) at which `rule` halts a trace of `steps` steps. */
export function haltingStep(t: HaltingTrace, steps: number, rule: HaltingRuleSpec): number {
  // NOTE: the runtime's `shouldHalt` reads `stable` 0 as off; here any `stable` <= 1 halts at once.
  const host: HostRule = {
    threshold: rule.threshold,
    stable: rule.stable === undefined ? undefined : Math.max(1, rule.stable),
    verified: Boolean(rule.verified),
  };
  let held = 0;
  for (let s = 0; s < steps - 1; s++) {
    held = s > 0 && t.changed && !t.changed[s] ? held + 1 : 1;
    if (shouldHalt(host, { qHalt: t.qHalt[s]!, held, valid: () => Boolean(t.valid?.[s]) })) return s;
  }
  return steps - 1;
}

/**
 * Exact accuracy and mean steps of a halting rule on traces (see {@link HaltingRuleSpec}).
 *
 * @example
 * applyHaltingRule(traces, { verified: true, stable: 3 }); // { exact, meanSteps }
 */
export function applyHaltingRule(
  traces: readonly HaltingTrace[],
  rule: HaltingRuleSpec,
): { readonly exact: number; readonly meanSteps: number } {
  const steps = checkTraces('applyHaltingRule', traces);
  if ((rule.stable !== undefined || rule.verified) && traces.some((t) => !t.changed || !t.valid))
    throw new RangeError(
      "applyHaltingRule: the 'stable' and 'verified' rules need traces with 'changed' and 'valid' (evaluate makes them)",
    );
  let exact = 0;
  let total = 0;
  for (const t of traces) {
    const s = haltingStep(t, steps, rule);
    exact += Number(t.correct[s]!);
    total += s + 1;
  }
  return { exact: exact / traces.length, meanSteps: total / traces.length };
}

/** What the rule "halt at the first `q_halt > threshold`, else at the last step" gives. */
export interface HaltingPoint {
  readonly threshold: number;
  /** Share of puzzles exactly right at the step where they halt. */
  readonly exact: number;
  readonly meanSteps: number;
}

/** The threshold `calibrateHalting` picked, and everything it weighed. */
export interface HaltingCalibration extends HaltingPoint {
  /** Most exact accuracy given up against running every step (a share: 0.005 = 0.5 points). */
  readonly maxLoss: number;
  /** Exact accuracy after every step (no early halting). */
  readonly fullExact: number;
  /** Steps per trace (`nSup`). */
  readonly steps: number;
  /** One point per distinct behaviour, threshold ascending: from halting every puzzle at step 1 to never halting early. */
  readonly curve: readonly HaltingPoint[];
}

/**
 * Applies the halting rule with `threshold` to traces: each puzzle stops at its first step with
 * `q_halt > threshold`, or at its last step.
 *
 * @example
 * haltingAt(traces, 0); // the trained rule: { threshold: 0, exact, meanSteps }
 */
export function haltingAt(traces: readonly HaltingTrace[], threshold: number): HaltingPoint {
  return applyRule(traces, checkTraces('haltingAt', traces), threshold);
}

/** `haltingAt` on traces already checked to have `steps` steps each. */
function applyRule(traces: readonly HaltingTrace[], steps: number, threshold: number): HaltingPoint {
  let exact = 0;
  let total = 0;
  for (const t of traces) {
    let s = 0;
    while (s < steps - 1 && !(t.qHalt[s]! > threshold)) s++;
    exact += Number(t.correct[s]!);
    total += s + 1;
  }
  return { threshold, exact: exact / traces.length, meanSteps: total / traces.length };
}

/**
 * Picks the halting threshold that saves the most steps on `traces` while giving up at most
 * `maxLoss` of exact accuracy against running every step (default 0.005, half a point). The
 * candidates are the midpoints between consecutive distinct `q_halt` values, one below the lowest
 * (halt everything at step 1) and one above the highest (never halt early, always within
 * `maxLoss`); among the admissible ones the fewest mean steps wins, then the higher threshold.
 * Calibrate on puzzles other than the ones you report accuracy on: on the same ones the figure
 * is optimistic.
 *
 * @example
 * const { traces } = await evaluate(ort, cfg, params, validation, { traces: true });
 * const { threshold } = calibrateHalting(traces, { maxLoss: 0.005 });
 * const solver = await create(model, { halting: { threshold } }); // @cgar/runtime
 */
export function calibrateHalting(
  traces: readonly HaltingTrace[],
  options: { readonly maxLoss?: number } = {},
): HaltingCalibration {
  const steps = checkTraces('calibrateHalting', traces);
  const maxLoss = options.maxLoss ?? 0.005;
  if (typeof maxLoss !== 'number' || !(maxLoss >= 0 && maxLoss <= 1))
    throw new RangeError(
      `calibrateHalting: 'maxLoss' must be a share in [0, 1] (0.005 = half a point), got ${maxLoss}`,
    );
  const values = [...new Set(traces.flatMap((t) => Array.from(t.qHalt).slice(0, steps)))].sort(
    (a, b) => a - b,
  );
  const thresholds = [
    values[0]! - 1,
    ...values.slice(1).map((v, i) => (values[i]! + v) / 2),
    values.at(-1)! + 1,
  ];
  // NOTE: the traces were checked once above, not again for each of the (up to steps x puzzles) candidates.
  const curve = thresholds.map((t) => applyRule(traces, steps, t));
  const fullExact = curve.at(-1)!.exact;
  let best = curve.at(-1)!;
  for (const p of curve) {
    if (p.exact < fullExact - maxLoss - 1e-12) continue;
    if (p.meanSteps < best.meanSteps || (p.meanSteps === best.meanSteps && p.threshold > best.threshold))
      best = p;
  }
  return { ...best, maxLoss, fullExact, steps, curve };
}

/** Checks the traces and returns their common number of steps. */
function checkTraces(fn: string, traces: readonly HaltingTrace[]): number {
  if (!Array.isArray(traces) || traces.length === 0)
    throw new RangeError(
      `${fn}: 'traces' must be a non-empty array (evaluate(..., { traces: true }) makes them)`,
    );
  const steps = traces[0]!.qHalt.length;
  traces.forEach((t, i) => {
    if (t.qHalt.length !== steps || t.correct.length !== steps || steps === 0)
      throw new RangeError(
        `${fn}: traces[${i}] has ${t.qHalt.length} q_halt values and ${t.correct.length} correct flags; every trace needs the same number of steps (${steps}), at least 1`,
      );
    for (let s = 0; s < steps; s++)
      if (!Number.isFinite(t.qHalt[s]))
        throw new RangeError(
          `${fn}: traces[${i}].qHalt[${s}] is ${t.qHalt[s]}; q_halt values must be finite`,
        );
  });
  return steps;
}
