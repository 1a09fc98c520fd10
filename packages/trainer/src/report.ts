import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { haltingSection, type WindowRecord } from './report-halting.js';
import { METRICS_FILE } from './run.js';
import { readJsonLines } from './run-folder.js';
import { type Band, barChart, escapeHtml, htmlPage, lineChart } from './svg.js';

/** A `metrics.jsonl` step record. */
export interface StepRecord {
  type: 'step';
  seconds: number;
  step: number;
  time: number;
  loss: number;
  lm: number;
  accuracy: number;
  haltAccuracy: number;
  n: number;
  T: number;
  stage: number;
}
/** A `metrics.jsonl` evaluation record. */
export interface EvalRecord {
  type: 'eval';
  count: number;
  step: number;
  time: number;
  exact: number;
  cell: number;
  haltAcc: number;
  exactAdaptive: number;
  meanSteps: number;
  stepHistogram: number[];
}

const STEP_NUMBERS = ['seconds', 'step', 'time', 'loss', 'lm', 'accuracy', 'haltAccuracy', 'n', 'T', 'stage'];
const EVAL_NUMBERS = ['count', 'step', 'time', 'exact', 'cell', 'haltAcc', 'exactAdaptive', 'meanSteps'];

/**
 * A record with every field the report shows turned into a number (anything else becomes NaN),
 * so that nothing a metrics file holds reaches the HTML as text.
 */
function sanitize<T extends StepRecord | EvalRecord>(r: T): T {
  const out = { ...r } as Record<string, unknown>;
  for (const k of r.type === 'eval' ? EVAL_NUMBERS : STEP_NUMBERS) out[k] = Number(out[k]);
  if (r.type === 'eval')
    out.stepHistogram = Array.isArray(out.stepHistogram) ? out.stepHistogram.map(Number) : [];
  return out as T;
}

/**
 * Reads a run folder's `metrics.jsonl`. A torn last line (a crash or a full disk during a write)
 * is dropped and reported through `onWarning`; a bad line elsewhere names the file and line.
 */
export function readMetrics(
  runDir: string,
  options: { onWarning?: (message: string) => void } = {},
): { steps: StepRecord[]; evals: EvalRecord[]; windows: WindowRecord[] } {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path))
    throw new Error(`readMetrics: ${path} does not exist; pass the --out folder of a cgar train run`);
  const all = readJsonLines<StepRecord | EvalRecord | WindowRecord>(path, options.onWarning).filter(
    (r) => r !== null && typeof r === 'object',
  );
  const records = all
    .filter((r): r is StepRecord | EvalRecord => r.type === 'step' || r.type === 'eval')
    .map(sanitize);
  return {
    steps: records.filter((r): r is StepRecord => r.type === 'step'),
    evals: records.filter((r): r is EvalRecord => r.type === 'eval'),
    windows: all.filter((r): r is WindowRecord => r.type === 'window'),
  };
}

/** Contiguous runs of the same curriculum depth, as shaded bands over `x`. */
export function stageBands(steps: readonly { n: number; T: number }[], x: (i: number) => number): Band[] {
  const bands: Band[] = [];
  steps.forEach((s, i) => {
    const label = `n=${s.n}, T=${s.T}`;
    const last = bands.at(-1);
    if (last) (last as { to: number }).to = x(i);
    if (!last || last.label !== label) bands.push({ from: x(i), to: x(i), label });
  });
  return bands;
}

function smooth(values: readonly number[], k = 0.9): number[] {
  let s = values[0] ?? 0;
  return values.map((v) => (s = k * s + (1 - k) * v));
}

/** At most `max` evenly spaced points (the last one always kept): a chart needs no more. */
export function thin<T>(points: readonly T[], max = 1000): T[] {
  if (points.length <= max) return [...points];
  const stride = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * stride)]!);
  out[max - 1] = points.at(-1)!;
  return out;
}

/**
 * The HTML report of a training run: loss and accuracy over time with the curriculum stages
 * shaded, the depth schedule, and the distribution of halting steps at the last evaluation.
 */
export function renderReport(
  runDir: string,
  options: { onWarning?: (message: string) => void } = {},
): string {
  const { steps, evals, windows } = readMetrics(runDir, options);
  // NOTE: smoothed once and thinned, so the report stays linear in the number of steps.
  const loss = smooth(steps.map((r) => r.loss));
  const lm = smooth(steps.map((r) => r.lm));
  const acc = smooth(steps.map((r) => r.accuracy));
  const shown = thin(steps.map((s, i) => ({ s, i })));
  const run = existsSync(join(runDir, 'run.json')) ? readFileSync(join(runDir, 'run.json'), 'utf8') : '{}';
  const t = steps.map((s) => s.time);
  const bands = stageBands(steps, (i) => t[i]!);
  const last = evals.at(-1);
  const charts = [
    lineChart({
      title: 'Training loss (smoothed) over wall time',
      x: 'seconds',
      y: 'loss',
      bands,
      series: [
        { name: 'loss', points: shown.map(({ s, i }) => [s.time, loss[i]!]) },
        { name: 'cross-entropy', points: shown.map(({ s, i }) => [s.time, lm[i]!]) },
      ],
    }),
    lineChart({
      title: 'Accuracy over wall time',
      x: 'seconds',
      y: 'accuracy',
      yMin: 0,
      yMax: 1,
      bands,
      series: [
        {
          name: 'train exact (slots)',
          points: shown.map(({ s, i }) => [s.time, acc[i]!]),
        },
        { name: 'held-out exact', points: evals.map((e) => [e.time, e.exact]), dots: true },
        { name: 'held-out cell', points: evals.map((e) => [e.time, e.cell]), dots: true },
        { name: 'exact, halting', points: evals.map((e) => [e.time, e.exactAdaptive]), dots: true },
      ],
    }),
    lineChart({
      title: 'Curriculum: net applications per supervision step',
      x: 'step',
      y: 'T * (n + 1)',
      series: [{ name: 'depth', points: shown.map(({ s }) => [s.step, s.T * (s.n + 1)]) }],
    }),
  ];
  if (last) {
    charts.push(
      barChart({
        title: `Halting steps at step ${last.step} (mean ${last.meanSteps.toFixed(2)})`,
        x: 'supervision steps used',
        y: 'puzzles',
        labels: last.stepHistogram.map((_, i) => String(i + 1)),
        values: last.stepHistogram,
      }),
    );
  }
  const table = evals.length
    ? `<table><tr><th>step</th><th>seconds</th><th>exact</th><th>cell</th><th>halting acc.</th><th>exact (halting)</th><th>mean steps</th></tr>${evals
        .map(
          (e) =>
            `<tr><td>${e.step}</td><td>${e.time.toFixed(0)}</td><td>${(100 * e.exact).toFixed(1)}%</td><td>${(100 * e.cell).toFixed(1)}%</td><td>${(100 * e.haltAcc).toFixed(1)}%</td><td>${(100 * e.exactAdaptive).toFixed(1)}%</td><td>${e.meanSteps.toFixed(2)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>No evaluation yet.</p>';
  return htmlPage(
    `CGAR run: ${runDir}`,
    `${table}${charts.join('\n')}${haltingSection(steps, evals, windows)}<h2>run.json</h2><pre>${escapeHtml(run)}</pre>`,
  );
}
