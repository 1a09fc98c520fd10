import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS_FILE, readMetrics } from '@cgar/trainer';
import { CONFIGS, type ConfigName } from './configs.js';

/** Held-out figures of one evaluation, with the training time spent before it. */
export interface CurvePoint {
  readonly step: number;
  readonly trainSeconds: number;
  readonly exact: number;
  readonly cell: number;
  readonly haltAcc: number;
  readonly exactAdaptive: number;
  readonly meanSteps: number;
}

/** Steps run at one depth, in a row. */
export interface DepthSegment {
  readonly n: number;
  readonly T: number;
  readonly fromStep: number;
  readonly toStep: number;
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

export interface RunSummary {
  readonly config: ConfigName;
  readonly seed: number;
  /**
   * Sum of the optimizer-step times (evaluations, checkpoints and metric writes left out), the
   * first step at each depth counted as that depth's median step: the trainer builds a depth's
   * session in its first step, the baseline its only one before the clock starts, PDC two more
   * inside it.
   */
  readonly trainSeconds: number;
  /** The same without that correction. */
  readonly rawTrainSeconds: number;
  /** What the correction took off. */
  readonly warmupSeconds: number;
  /** The whole run, evaluations and checkpoints included. */
  readonly elapsedSeconds: number;
  readonly stepsPerSecond: number;
  readonly final: CurvePoint & { readonly count: number; readonly stepHistogram: readonly number[] };
  readonly curve: readonly CurvePoint[];
  readonly depth: readonly DepthSegment[];
}

/**
 * Reads a finished run folder; `undefined` while it has no evaluation at step `steps` (not run,
 * or interrupted). Training time is the sum of the per-step `seconds` the trainer reports, so
 * the evaluations every configuration pays alike do not blur the speedup.
 *
 * @example
 * const run = summarizeRun('bench/results/cgar-table/runs/cgar-s0', 'cgar', 0, 800);
 */
export function summarizeRun(
  runDir: string,
  config: ConfigName,
  seed: number,
  steps: number,
): RunSummary | undefined {
  if (!existsSync(join(runDir, METRICS_FILE))) return undefined;
  const m = readMetrics(runDir);
  const last = m.evals.at(-1);
  if (!last || last.step !== steps) return undefined;
  const records = m.steps as ((typeof m.steps)[number] & { seconds: number })[];
  const seconds = stepSeconds(records);
  const cumulative = new Map<number, number>([[0, 0]]);
  let total = 0;
  records.forEach((s, i) => {
    total += seconds[i]!;
    cumulative.set(s.step, total);
  });
  const rawTrainSeconds = records.reduce((a, r) => a + r.seconds, 0);
  const point = (e: (typeof m.evals)[number]): CurvePoint => ({
    step: e.step,
    trainSeconds: cumulative.get(e.step) ?? total,
    exact: e.exact,
    cell: e.cell,
    haltAcc: e.haltAcc,
    exactAdaptive: e.exactAdaptive,
    meanSteps: e.meanSteps,
  });
  const depth: DepthSegment[] = segments(records).map(({ first: _, ...g }) => ({
    ...g,
    fromSeconds: cumulative.get(g.fromStep) ?? 0,
    toSeconds: cumulative.get(g.toStep) ?? total,
  }));
  return {
    config,
    seed,
    trainSeconds: total,
    rawTrainSeconds,
    warmupSeconds: rawTrainSeconds - total,
    elapsedSeconds: last.time,
    stepsPerSecond: records.length / Math.max(total, 1e-9),
    final: {
      ...point(last),
      count: (last as { count?: number }).count ?? 0,
      stepHistogram: last.stepHistogram,
    },
    curve: m.evals.map(point),
    depth,
  };
}

type StepRecord = { step: number; seconds: number; n: number; T: number };

/** Runs of consecutive steps at one depth; steps are 1-based, `fromStep` is the step before the first. */
function segments(records: readonly StepRecord[]) {
  const out: { n: number; T: number; fromStep: number; toStep: number; first: number }[] = [];
  records.forEach((s, i) => {
    const prev = out.at(-1);
    if (prev && prev.n === s.n && prev.T === s.T) prev.toStep = s.step;
    else out.push({ n: s.n, T: s.T, fromStep: s.step - 1, toStep: s.step, first: i });
  });
  return out;
}

/**
 * Each step's time, the first step of every depth less what it took beyond that depth's median
 * step: the session build (and first-run allocations) every depth pays once.
 */
function stepSeconds(records: readonly StepRecord[]): number[] {
  const seconds = records.map((r) => r.seconds);
  for (const g of segments(records)) {
    const rest = records
      .filter((r) => r.step > g.fromStep + 1 && r.step <= g.toStep)
      .map((r) => r.seconds)
      .sort((a, b) => a - b);
    if (rest.length) seconds[g.first] = Math.min(seconds[g.first]!, rest[Math.floor(rest.length / 2)]!);
  }
  return seconds;
}

/** Mean, sample standard deviation (0 for one value), extremes and count. */
export interface Stat {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function stat(values: readonly number[]): Stat {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), n };
}

/** One row of the table: a configuration over its seeds. */
export interface ConfigSummary {
  readonly config: ConfigName;
  readonly label: string;
  readonly seeds: readonly number[];
  readonly trainSeconds: Stat;
  readonly stepsPerSecond: Stat;
  /** Mean baseline training time over this configuration's; `undefined` without a baseline. */
  readonly speedup: number | undefined;
  /**
   * The baseline's exact@16 after the same training time as this row's mean (its seed-averaged
   * curve, interpolated linearly from 0% at 0 s); `undefined` without a baseline or past its end.
   */
  readonly baselineExactAtTime: number | undefined;
  readonly bound: number;
  readonly exact: Stat;
  readonly cell: Stat;
  readonly haltAcc: Stat;
  readonly meanSteps: Stat;
  readonly exactAdaptive: Stat;
  /** Halting steps at the final evaluation, summed over seeds (index 0 = step 1). */
  readonly histogram: readonly number[];
  /** Evaluations averaged over seeds, step by step. */
  readonly curve: readonly CurvePoint[];
}

/**
 * Aggregates finished runs per configuration, in `order`; configurations with no finished run
 * are left out.
 *
 * @example
 * const rows = summarizeConfigs(runs, ['baseline', 'cgar'], { baseline: 1, cgar: 1.54 });
 */
export function summarizeConfigs(
  runs: readonly RunSummary[],
  order: readonly ConfigName[],
  bounds: Readonly<Partial<Record<ConfigName, number>>>,
): ConfigSummary[] {
  const baseline = runs.filter((r) => r.config === 'baseline');
  const baseTime = baseline.length ? stat(baseline.map((r) => r.trainSeconds)).mean : undefined;
  const baseCurve = baseline.length ? meanCurve(baseline) : [];
  return order.flatMap((config) => {
    const mine = runs.filter((r) => r.config === config);
    if (!mine.length) return [];
    const of = (f: (r: RunSummary) => number) => stat(mine.map(f));
    const trainSeconds = of((r) => r.trainSeconds);
    const histogram = mine[0]!.final.stepHistogram.map((_, i) =>
      mine.reduce((a, r) => a + (r.final.stepHistogram[i] ?? 0), 0),
    );
    return [
      {
        config,
        label: CONFIGS[config].label,
        seeds: mine.map((r) => r.seed),
        trainSeconds,
        stepsPerSecond: of((r) => r.stepsPerSecond),
        speedup: baseTime === undefined ? undefined : baseTime / trainSeconds.mean,
        baselineExactAtTime: exactAt(baseCurve, trainSeconds.mean),
        bound: bounds[config] ?? Number.NaN,
        exact: of((r) => r.final.exact),
        cell: of((r) => r.final.cell),
        haltAcc: of((r) => r.final.haltAcc),
        meanSteps: of((r) => r.final.meanSteps),
        exactAdaptive: of((r) => r.final.exactAdaptive),
        histogram,
        curve: meanCurve(mine),
      },
    ];
  });
}

/**
 * Exact accuracy of `curve` after `seconds` of training, linear between evaluations and from 0 at
 * 0 s; `undefined` past the last evaluation (1% slack, for rounding of the seed averages).
 */
export function exactAt(curve: readonly CurvePoint[], seconds: number): number | undefined {
  const last = curve.at(-1);
  if (!last || seconds > last.trainSeconds * 1.01) return undefined;
  let prev = { trainSeconds: 0, exact: 0 };
  for (const p of curve) {
    if (seconds <= p.trainSeconds) {
      const span = p.trainSeconds - prev.trainSeconds;
      const f = span > 0 ? (seconds - prev.trainSeconds) / span : 1;
      return prev.exact + Math.max(0, Math.min(1, f)) * (p.exact - prev.exact);
    }
    prev = p;
  }
  return last.exact;
}

/** Averages the evaluations of several seeds at each step that every seed evaluated. */
function meanCurve(runs: readonly RunSummary[]): CurvePoint[] {
  const steps = runs[0]!.curve.map((p) => p.step);
  return steps.flatMap((step) => {
    const points = runs.map((r) => r.curve.find((p) => p.step === step));
    if (points.some((p) => !p)) return [];
    const avg = (k: keyof CurvePoint) => points.reduce((a, p) => a + p![k], 0) / points.length;
    return [
      {
        step,
        trainSeconds: avg('trainSeconds'),
        exact: avg('exact'),
        cell: avg('cell'),
        haltAcc: avg('haltAcc'),
        exactAdaptive: avg('exactAdaptive'),
        meanSteps: avg('meanSteps'),
      },
    ];
  });
}
