import type { StepIndexFigures } from './stats.js';
import { escapeHtml, lineChart, type Series } from './svg.js';

/** The halting fields of a `metrics.jsonl` step record (absent in runs made before they existed). */
export interface HaltingStepFields {
  readonly time: number;
  readonly haltAccuracy: number;
  readonly auc?: number | null;
  readonly spread?: number;
  readonly haltedEarly?: number;
}

/** A `metrics.jsonl` window record: training's per-step-index figures over a window of steps. */
export interface WindowRecord extends StepIndexFigures {
  readonly type: 'window';
  readonly step: number;
  readonly samples: number;
}

/** The halting fields of an evaluation (EMA weights, and raw ones under `raw` when evaluated). */
interface HaltingEval {
  readonly step: number;
  readonly time: number;
  readonly haltAcc: number;
  readonly auc?: number | null;
  readonly byStep?: StepIndexFigures;
  readonly rules?: Readonly<Record<string, { readonly exact: number; readonly meanSteps: number }>>;
  readonly raw?: HaltingEval;
}

/** The value if it is a finite number, else undefined: nothing else from a metrics file reaches the page. */
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Mean of `value` over consecutive chunks of `every` records: a smoothed, thinned curve. */
function chunked<T extends { time: number }>(
  rows: readonly T[],
  value: (r: T) => number | null | undefined,
  every: number,
) {
  const points: [number, number][] = [];
  for (let i = 0; i < rows.length; i += every) {
    const vs = rows
      .slice(i, i + every)
      .map((r) => num(value(r)))
      .filter((v): v is number => v !== undefined);
    if (vs.length)
      points.push([
        rows[Math.min(rows.length - 1, i + every - 1)]!.time,
        vs.reduce((a, b) => a + b, 0) / vs.length,
      ]);
  }
  return points;
}

const evalSeries = (
  name: string,
  evals: readonly HaltingEval[],
  value: (e: HaltingEval) => number | null | undefined,
): Series => ({
  name,
  dots: true,
  points: evals.flatMap((e) => {
    const v = num(value(e));
    const t = num(e.time);
    return v !== undefined && t !== undefined ? [[t, v] as const] : [];
  }),
});

const perStep = (name: string, values: readonly (number | null)[] | undefined, dots = false): Series => ({
  name,
  dots,
  points: (Array.isArray(values) ? values : []).flatMap((v, i) => {
    const n = num(v);
    return n === undefined ? [] : [[i + 1, n] as const];
  }),
});

/**
 * The halting section of the run report: how well `q_halt` separates right from wrong answers in
 * training and on held-out puzzles (raw and EMA weights), the lockstep of the ACT batch, the
 * per-step figures, and exact accuracy and steps under each halting rule.
 */
export function haltingSection(
  steps: readonly HaltingStepFields[],
  evals: readonly HaltingEval[],
  windows: readonly WindowRecord[],
): string {
  const every = Math.max(1, Math.floor(steps.length / 200));
  const charts = [
    lineChart({
      title: 'Halting head: q_halt against exactness',
      x: 'seconds',
      y: 'AUC / accuracy',
      yMin: 0,
      yMax: 1,
      series: [
        { name: 'train AUC (slots)', points: chunked(steps, (s) => s.auc, every) },
        { name: 'train halting accuracy', points: chunked(steps, (s) => s.haltAccuracy, every) },
        evalSeries('held-out AUC, EMA', evals, (e) => e.auc),
        evalSeries('held-out AUC, raw', evals, (e) => e.raw?.auc),
        evalSeries('held-out halting acc., EMA', evals, (e) => e.haltAcc),
        evalSeries('held-out halting acc., raw', evals, (e) => e.raw?.haltAcc),
      ],
    }),
    lineChart({
      title: 'Lockstep: spread of the slots\u2019 step indices, and slots halting early per step',
      x: 'seconds',
      y: 'steps / slots',
      series: [
        { name: 'std of step indices', points: chunked(steps, (s) => s.spread, every) },
        { name: 'slots halting early', points: chunked(steps, (s) => s.haltedEarly, every) },
      ],
    }),
  ];
  const lastWindow = windows.at(-1);
  if (lastWindow)
    charts.push(
      lineChart({
        title: `Training, steps up to ${num(lastWindow.step) ?? '?'}: by supervision step`,
        x: 'supervision step',
        y: 'exact / q_halt',
        series: [perStep('exact', lastWindow.exact), perStep('mean q_halt', lastWindow.qHalt)],
      }),
    );
  const last = evals.at(-1);
  if (last?.byStep)
    charts.push(
      lineChart({
        title: `Held-out at step ${num(last.step) ?? '?'}: by supervision step`,
        x: 'supervision step',
        y: 'exact / q_halt',
        series: [
          perStep('exact, EMA', last.byStep.exact),
          perStep('mean q_halt, EMA', last.byStep.qHalt),
          perStep('exact, raw', last.raw?.byStep?.exact, true),
          perStep('mean q_halt, raw', last.raw?.byStep?.qHalt, true),
        ],
      }),
    );
  return `<h2>Halting</h2>${rulesTable(last)}${charts.join('\n')}`;
}

function rulesTable(e: HaltingEval | undefined): string {
  if (!e?.rules) return '';
  const pct = (v: unknown) => {
    const n = num(v);
    return n === undefined ? '' : `${(100 * n).toFixed(1)}%`;
  };
  const fixed = (v: unknown) => num(v)?.toFixed(2) ?? '';
  const rows = Object.entries(e.rules).map(([name, r]) => {
    const raw = e.raw?.rules?.[name];
    return `<tr><td>${escapeHtml(name)}</td><td>${pct(r?.exact)}</td><td>${fixed(r?.meanSteps)}</td><td>${pct(raw?.exact)}</td><td>${fixed(raw?.meanSteps)}</td></tr>`;
  });
  return `<table><tr><th>rule (held-out, step ${num(e.step) ?? '?'})</th><th>exact, EMA</th><th>steps, EMA</th><th>exact, raw</th><th>steps, raw</th></tr>${rows.join('')}</table>`;
}
