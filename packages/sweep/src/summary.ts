import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS_FILE, readMetrics } from '@cgar/trainer';
import { CONFIGS, type ConfigName } from './configs.js';
import { restoreRunLog } from './raw-log.js';

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

/** Exact accuracy and mean supervision steps of one halting rule. */
export interface RuleFigures {
  readonly exact: number;
  readonly meanSteps: number;
}

/** The final figures of a run on the fresh held-out set of `bench/cgar-table/heldout.ts`. */
export interface HeldoutFigures {
  readonly dataSeed: number;
  readonly count: number;
  readonly exact: number;
  readonly haltAcc: number;
  readonly auc: number | null;
  readonly rules: Readonly<Record<string, RuleFigures>>;
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
  /** Median seconds of one optimizer step at the run's deepest recursion: how loaded the machine was. */
  readonly deepStepSeconds: number;
  /** Final evaluation: every standard halting rule (absent in runs older than the rules). */
  readonly rules?: Readonly<Record<string, RuleFigures>>;
  /** Final evaluation: ROC AUC of the last step's `q_halt` against exactness. */
  readonly auc?: number | null;
  /** `RUN/heldout.json`, when it was computed from this run's final checkpoint. */
  readonly heldout?: HeldoutFigures;
}

/** `RUN/heldout.json`, written by `bench/cgar-table/heldout.ts`. */
export const HELDOUT_FILE = 'heldout.json';

/**
 * Reads a finished run folder (its log restored from `metrics.jsonl.gz` if only that is there);
 * `undefined` while it has no evaluation at step `steps` (not run, or interrupted). Training time
 * is the sum of the per-step `seconds` the trainer reports, so the evaluations every configuration
 * pays alike do not blur the speedup.
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
  restoreRunLog(runDir);
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
    deepStepSeconds: deepStepSeconds(records),
    ...finalRules(last),
    ...heldout(runDir, steps),
  };
}

function finalRules(last: object): Pick<RunSummary, 'rules' | 'auc'> {
  const e = last as { rules?: Record<string, RuleFigures>; auc?: number | null };
  return e.rules ? { rules: e.rules, auc: e.auc ?? null } : {};
}

function heldout(runDir: string, steps: number): Pick<RunSummary, 'heldout'> {
  const path = join(runDir, HELDOUT_FILE);
  if (!existsSync(path)) return {};
  const h = JSON.parse(readFileSync(path, 'utf8'));
  // NOTE: a file from an earlier checkpoint of a run that then went on does not describe its end.
  if (h.checkpointStep !== steps) return {};
  const { dataSeed, count, exact, haltAcc, auc, rules } = h;
  return { heldout: { dataSeed, count, exact, haltAcc, auc, rules } };
}

/** Median step time at the deepest (n, T) the run used. */
function deepStepSeconds(records: readonly StepRecord[]): number {
  const cost = (r: StepRecord) => r.T * (r.n + 1);
  const deepest = Math.max(...records.map(cost));
  const s = records
    .filter((r) => cost(r) === deepest)
    .map((r) => r.seconds)
    .sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
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

function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** A halting rule over seeds. */
export interface RuleStat {
  readonly name: string;
  readonly exact: Stat;
  readonly meanSteps: Stat;
}

/** A row's final figures on the fresh held-out set, over the seeds that have them. */
export interface HeldoutSummary {
  readonly seeds: readonly number[];
  readonly dataSeed: number;
  readonly count: number;
  readonly exact: Stat;
  readonly learned: RuleStat;
  readonly best: RuleStat;
}

/**
 * A run whose median step at full depth took more than this many times the baseline's (the median
 * over the baseline's runs) was timed on a loaded machine: its accuracy counts, its time does not.
 */
export const CONTENTION_FACTOR = 1.25;

/**
 * A run whose median step at full depth took less than the baseline's divided by this ran on a
 * quicker machine (another day's): its accuracy counts, its time is not compared with the baseline's.
 */
export const OTHER_MACHINE_FACTOR = 1.05;

/** One row of the table: a configuration over its seeds. */
export interface ConfigSummary {
  readonly config: ConfigName;
  readonly label: string;
  readonly seeds: readonly number[];
  /**
   * Seeds whose training time counts: the others ran on a loaded or another machine (see
   * {@link CONTENTION_FACTOR}, {@link OTHER_MACHINE_FACTOR}). With none, the time figures below
   * cover every seed and the comparisons with the baseline's time are `undefined`.
   */
  readonly timedSeeds: readonly number[];
  readonly trainSeconds: Stat;
  readonly stepsPerSecond: Stat;
  /** Mean baseline training time over this configuration's; `undefined` without a baseline. */
  readonly speedup: number | undefined;
  /**
   * The baseline's exact@16 after the same training time as this row's mean (its seed-averaged
   * curve, interpolated linearly from 0% at 0 s); `undefined` without a baseline or past its end.
   */
  readonly baselineExactAtTime: number | undefined;
  /**
   * Training time at which this row's seed-averaged exact@16 first reaches the baseline's final
   * one, over the baseline's mean training time; `undefined` if it never does (or no baseline).
   */
  readonly timeToBaselineFinal: number | undefined;
  readonly bound: number;
  readonly exact: Stat;
  readonly cell: Stat;
  readonly haltAcc: Stat;
  readonly meanSteps: Stat;
  readonly exactAdaptive: Stat;
  /** ROC AUC of `q_halt` at the final evaluation, over the seeds that report it. */
  readonly auc: Stat | undefined;
  /**
   * The standard halting rule with the best mean exact accuracy over the seeds that report rules
   * (fewest mean steps on a tie); `undefined` when no seed does.
   */
  readonly bestRule: (RuleStat & { readonly seeds: number }) | undefined;
  readonly heldout: HeldoutSummary | undefined;
  /** Halting steps at the final evaluation, summed over seeds (index 0 = step 1). */
  readonly histogram: readonly number[];
  /** Evaluations averaged over seeds, step by step (time over the timed seeds). */
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
  const reference = median((baseline.length ? baseline : runs).map((r) => r.deepStepSeconds));
  const timed = (rs: readonly RunSummary[]) =>
    rs.filter(
      (r) =>
        r.deepStepSeconds <= CONTENTION_FACTOR * reference &&
        r.deepStepSeconds >= reference / OTHER_MACHINE_FACTOR,
    );
  const baseClock = timed(baseline);
  const baseTime = baseClock.length ? stat(baseClock.map((r) => r.trainSeconds)).mean : undefined;
  const baseCurve = baseClock.length ? meanCurve(baseline, baseClock) : [];
  const baseFinal = baseline.length ? stat(baseline.map((r) => r.final.exact)).mean : undefined;
  return order.flatMap((config) => {
    const mine = runs.filter((r) => r.config === config);
    if (!mine.length) return [];
    const timedRuns = timed(mine);
    const clock = timedRuns.length ? timedRuns : mine;
    const comparable = timedRuns.length > 0 && baseTime !== undefined;
    const of = (f: (r: RunSummary) => number) => stat(mine.map(f));
    const trainSeconds = stat(clock.map((r) => r.trainSeconds));
    const histogram = mine[0]!.final.stepHistogram.map((_, i) =>
      mine.reduce((a, r) => a + (r.final.stepHistogram[i] ?? 0), 0),
    );
    const curve = meanCurve(mine, clock);
    const aucs = mine.flatMap((r) => (typeof r.auc === 'number' ? [r.auc] : []));
    const withRules = mine.filter((r) => r.rules);
    const best = bestRule(withRules.map((r) => r.rules!));
    const reach = baseFinal === undefined || !comparable ? undefined : timeToReach(curve, baseFinal);
    return [
      {
        config,
        label: CONFIGS[config].label,
        seeds: mine.map((r) => r.seed),
        timedSeeds: timedRuns.map((r) => r.seed),
        trainSeconds,
        stepsPerSecond: stat(clock.map((r) => r.stepsPerSecond)),
        speedup: comparable ? baseTime / trainSeconds.mean : undefined,
        baselineExactAtTime: comparable ? exactAt(baseCurve, trainSeconds.mean) : undefined,
        timeToBaselineFinal: reach === undefined || baseTime === undefined ? undefined : reach / baseTime,
        bound: bounds[config] ?? Number.NaN,
        exact: of((r) => r.final.exact),
        cell: of((r) => r.final.cell),
        haltAcc: of((r) => r.final.haltAcc),
        meanSteps: of((r) => r.final.meanSteps),
        exactAdaptive: of((r) => r.final.exactAdaptive),
        auc: aucs.length ? stat(aucs) : undefined,
        bestRule: best && { ...best, seeds: withRules.length },
        heldout: heldoutSummary(mine),
        histogram,
        curve,
      },
    ];
  });
}

/** A rule's figures over seeds. */
function ruleStat(name: string, rules: readonly Readonly<Record<string, RuleFigures>>[]): RuleStat {
  return {
    name,
    exact: stat(rules.map((r) => r[name]!.exact)),
    meanSteps: stat(rules.map((r) => r[name]!.meanSteps)),
  };
}

/** Among the rules every seed reports, the best mean exact accuracy, then the fewest mean steps. */
function bestRule(rules: readonly Readonly<Record<string, RuleFigures>>[]): RuleStat | undefined {
  if (!rules.length) return undefined;
  const names = Object.keys(rules[0]!).filter((n) => rules.every((r) => r[n]));
  const stats = names.map((n) => ruleStat(n, rules));
  // NOTE: accuracies are shares of the same puzzles; 1e-9 keeps float noise from deciding a tie.
  stats.sort((a, b) =>
    b.exact.mean - a.exact.mean > 1e-9
      ? 1
      : a.exact.mean - b.exact.mean > 1e-9
        ? -1
        : a.meanSteps.mean - b.meanSteps.mean,
  );
  return stats[0];
}

function heldoutSummary(runs: readonly RunSummary[]): HeldoutSummary | undefined {
  const first = runs.find((r) => r.heldout)?.heldout;
  if (!first) return undefined;
  // NOTE: files from another set (an older heldout.ts call) are left out, not mixed in.
  const mine = runs.filter((r) => r.heldout?.dataSeed === first.dataSeed && r.heldout.count === first.count);
  const h = mine.map((r) => r.heldout!);
  return {
    seeds: mine.map((r) => r.seed),
    dataSeed: h[0]!.dataSeed,
    count: h[0]!.count,
    exact: stat(h.map((x) => x.exact)),
    learned: ruleStat(
      'learned',
      h.map((x) => x.rules),
    ),
    best: bestRule(h.map((x) => x.rules))!,
  };
}

/** Training seconds at which `curve` first reaches `target` exact accuracy (linear from 0 at 0 s). */
function timeToReach(curve: readonly CurvePoint[], target: number): number | undefined {
  let prev = { trainSeconds: 0, exact: 0 };
  for (const p of curve) {
    if (p.exact >= target - 1e-9) {
      const rise = p.exact - prev.exact;
      const f = rise > 0 ? (target - prev.exact) / rise : 1;
      return prev.trainSeconds + Math.max(0, Math.min(1, f)) * (p.trainSeconds - prev.trainSeconds);
    }
    prev = p;
  }
  return undefined;
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

/**
 * Averages the evaluations of several seeds at each step that every seed evaluated; the time axis
 * averages the `clock` runs only (those timed on an unloaded machine).
 */
function meanCurve(runs: readonly RunSummary[], clock: readonly RunSummary[] = runs): CurvePoint[] {
  const steps = runs[0]!.curve.map((p) => p.step);
  return steps.flatMap((step) => {
    const points = runs.map((r) => r.curve.find((p) => p.step === step));
    if (points.some((p) => !p)) return [];
    const avg = (k: keyof CurvePoint) => points.reduce((a, p) => a + p![k], 0) / points.length;
    const times = clock.map((r) => r.curve.find((p) => p.step === step)?.trainSeconds ?? Number.NaN);
    return [
      {
        step,
        trainSeconds: times.reduce((a, t) => a + t, 0) / times.length,
        exact: avg('exact'),
        cell: avg('cell'),
        haltAcc: avg('haltAcc'),
        exactAdaptive: avg('exactAdaptive'),
        meanSteps: avg('meanSteps'),
      },
    ];
  });
}
