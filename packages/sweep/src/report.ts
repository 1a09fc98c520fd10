import { netApplications } from '@cgar/curriculum';
import { type Band, barChart, htmlPage, lineChart, type Series } from '@cgar/trainer';
import type { ConfigSummary, CurvePoint, RunSummary } from './summary.js';
import { TABLE_HEAD, TABLE_NOTES, type TableHeader, tableCells, USER_HEAD, userCells } from './table.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line per configuration: `metric` of the seed-averaged evaluations over training time. */
function overTime(rows: readonly ConfigSummary[], metric: keyof CurvePoint, title: string): string {
  return lineChart({
    title,
    x: 'training seconds (evaluations excluded)',
    y: metric,
    yMin: 0,
    yMax: 1,
    series: rows.map((r) => ({
      name: r.config,
      points: r.curve.map((p) => [p.trainSeconds, p[metric]] as const),
    })),
  });
}

/** Net applications per supervision step over training time, seed 0 of each configuration. */
function depthChart(rows: readonly ConfigSummary[], runs: readonly RunSummary[]): string {
  const series: Series[] = rows.flatMap((r) => {
    const run = runs.find((x) => x.config === r.config);
    if (!run) return [];
    const points = run.depth.flatMap((d) => {
      const cost = netApplications(d);
      return [[d.fromSeconds, cost] as const, [d.toSeconds, cost] as const];
    });
    return [{ name: r.config, points }];
  });
  return lineChart({
    title: 'Curriculum: net applications per supervision step over training time (first seed)',
    x: 'training seconds',
    y: 'cost of one step',
    yMin: 0,
    series,
  });
}

/** Per configuration: held-out exact accuracy of each seed, curriculum stages shaded. */
function stagesChart(row: ConfigSummary, runs: readonly RunSummary[]): string {
  const mine = runs.filter((r) => r.config === row.config);
  const bands: Band[] = (mine[0]?.depth ?? []).map((d) => ({
    from: d.fromSeconds,
    to: d.toSeconds,
    label: `n=${d.n}, T=${d.T}`,
  }));
  return lineChart({
    title: `${row.config}: held-out exact over training time, stages shaded`,
    x: 'training seconds',
    y: 'exact',
    yMin: 0,
    yMax: 1,
    bands,
    series: mine.flatMap((r) => [
      { name: `exact s${r.seed}`, points: r.curve.map((p) => [p.trainSeconds, p.exact] as const) },
      { name: `halting s${r.seed}`, points: r.curve.map((p) => [p.trainSeconds, p.exactAdaptive] as const) },
    ]),
  });
}

function histogram(row: ConfigSummary): string {
  const total = row.histogram.reduce((a, b) => a + b, 0);
  return barChart({
    title: `${row.config}: halting steps at the final evaluation (${total} puzzles over ${row.seeds.length} seed(s), mean ${row.meanSteps.mean.toFixed(2)})`,
    x: 'supervision steps used',
    y: 'puzzles',
    labels: row.histogram.map((_, i) => String(i + 1)),
    values: row.histogram,
  });
}

/**
 * Held-out exact accuracy against training time for every configuration as a standalone SVG file
 * (white background, for READMEs in dark mode too).
 *
 * @example
 * writeFileSync('accuracy.svg', accuracySvg(rows));
 */
export function accuracySvg(rows: readonly ConfigSummary[]): string {
  const figure = overTime(rows, 'exact', 'Held-out exact accuracy after 16 steps');
  const svg = figure.slice(figure.indexOf('<svg'), figure.lastIndexOf('</svg>') + '</svg>'.length);
  return `${svg.replace(/^<svg[^>]*>/, (open) => `${open}<rect width="100%" height="100%" fill="white"/>`)}\n`;
}

/**
 * The HTML report: the table, accuracy against training time for every configuration, the
 * curriculum stages, and the distribution of halting steps. Self-contained, no scripts.
 *
 * @example
 * writeFileSync('report.html', htmlReport(rows, runs, header));
 */
export function htmlReport(
  rows: readonly ConfigSummary[],
  runs: readonly RunSummary[],
  header: TableHeader,
): string {
  const cell = (tag: string) => (text: string) => `<${tag}>${esc(text)}</${tag}>`;
  const settings: (readonly [string, string])[] = [
    ['Command', header.command],
    ['Date', header.date],
    ['Machine', header.machine],
    ...header.settings,
  ];
  const body = [
    `<ul>${settings.map(([k, v]) => `<li><b>${esc(k)}</b>: ${k === 'Command' ? `<code>${esc(v)}</code>` : esc(v)}</li>`).join('')}</ul>`,
    '<h2>Training cost and equal compute</h2>',
    `<table><tr>${TABLE_HEAD.map(cell('th')).join('')}</tr>${rows.map((r) => `<tr>${tableCells(r).map(cell('td')).join('')}</tr>`).join('')}</table>`,
    '<h2>Evaluated like a user</h2>',
    `<table><tr>${USER_HEAD.map(cell('th')).join('')}</tr>${rows.map((r) => `<tr>${userCells(r).map(cell('td')).join('')}</tr>`).join('')}</table>`,
    `<p>${esc(TABLE_NOTES.join(' '))}</p>`,
    '<h2>Accuracy against training time (mean over seeds)</h2>',
    overTime(rows, 'exact', 'Held-out exact accuracy after 16 steps'),
    overTime(rows, 'exactAdaptive', 'Held-out exact accuracy with adaptive halting'),
    overTime(rows, 'cell', 'Held-out cell accuracy after 16 steps'),
    overTime(rows, 'haltAcc', 'Halting accuracy'),
    '<h2>Curriculum stages</h2>',
    depthChart(rows, runs),
    ...rows.map((r) => stagesChart(r, runs)),
    '<h2>Halting steps</h2>',
    ...rows.map(histogram),
  ];
  return htmlPage('CGAR ablation table', body.join('\n'));
}
