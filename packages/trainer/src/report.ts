import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS_FILE } from './run.js';
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

/** Reads a run folder's `metrics.jsonl`. */
export function readMetrics(runDir: string): { steps: StepRecord[]; evals: EvalRecord[] } {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path))
    throw new Error(`readMetrics: ${path} does not exist; pass the --out folder of a cgar train run`);
  const records = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StepRecord | EvalRecord);
  return {
    steps: records.filter((r): r is StepRecord => r.type === 'step'),
    evals: records.filter((r): r is EvalRecord => r.type === 'eval'),
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

/**
 * The HTML report of a training run: loss and accuracy over time with the curriculum stages
 * shaded, the depth schedule, and the distribution of halting steps at the last evaluation.
 */
export function renderReport(runDir: string): string {
  const { steps, evals } = readMetrics(runDir);
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
        { name: 'loss', points: steps.map((s, i) => [s.time, smooth(steps.map((r) => r.loss))[i]!]) },
        { name: 'cross-entropy', points: steps.map((s, i) => [s.time, smooth(steps.map((r) => r.lm))[i]!]) },
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
          points: steps.map((s, i) => [s.time, smooth(steps.map((r) => r.accuracy))[i]!]),
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
      series: [{ name: 'depth', points: steps.map((s) => [s.step, s.T * (s.n + 1)]) }],
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
    `${table}${charts.join('\n')}<h2>run.json</h2><pre>${escapeHtml(run)}</pre>`,
  );
}
