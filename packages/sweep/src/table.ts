import type { ConfigSummary, Stat } from './summary.js';

/** What the header of the table states about the run. */
export interface TableHeader {
  readonly command: string;
  readonly date: string;
  readonly machine: string;
  readonly settings: readonly (readonly [string, string])[];
}

/** `mean ± std` (just the mean for one seed), scaled and with `digits` decimals. */
export function fmtStat(s: Stat, digits: number, scale = 1, unit = ''): string {
  const v = (x: number) => (x * scale).toFixed(digits);
  return s.n > 1 ? `${v(s.mean)} ± ${v(s.std)}${unit}` : `${v(s.mean)}${unit}`;
}

const pct = (s: Stat) => fmtStat(s, 1, 100, '%');

export const TABLE_HEAD = [
  'configuration',
  'seeds',
  'train time (s)',
  'steps/s',
  'speedup',
  'bound',
  'exact@16',
  'baseline exact@16 at same time',
  'cell@16',
  'halting acc.',
  'mean steps (halting)',
  'exact (halting)',
] as const;

/** How to read the table, one sentence per line. */
export const TABLE_NOTES = [
  'Train time: sum of the optimizer-step times (evaluations and checkpoints excluded), less the extra time',
  "of each depth's first step (session build; results.json keeps the raw sum), mean ± sample std over seeds.",
  'Speedup: mean baseline train time over mean train time. Bound: compute bound of the cost model',
  '(net applications per supervision step, a backward counted as two forwards; SPEC section 3).',
  'Accuracies: final held-out evaluation with the EMA weights at full depth; @16 after all 16 supervision',
  'steps, "halting" stopping each puzzle at its first q_halt > 0. Halting acc.: (q_halt >= 0) == correct.',
  "Baseline exact@16 at same time: the baseline's seed-averaged held-out exact accuracy after as much",
  "training time as this row's mean, interpolated linearly between its evaluations: the equal-compute comparison.",
];

/** The cells of each row, formatted, in `TABLE_HEAD` order. */
export function tableCells(r: ConfigSummary): string[] {
  return [
    `${r.config}: ${r.label}`,
    String(r.seeds.length),
    fmtStat(r.trainSeconds, 1),
    fmtStat(r.stepsPerSecond, 2),
    r.speedup === undefined ? 'n/a' : `${r.speedup.toFixed(2)}x`,
    `${r.bound.toFixed(2)}x`,
    pct(r.exact),
    r.baselineExactAtTime === undefined ? 'n/a' : `${(100 * r.baselineExactAtTime).toFixed(1)}%`,
    pct(r.cell),
    pct(r.haltAcc),
    fmtStat(r.meanSteps, 2),
    pct(r.exactAdaptive),
  ];
}

/**
 * The markdown table of issue 7: the run's settings, then one row per configuration.
 *
 * @example
 * writeFileSync('table.md', markdownTable(rows, header));
 */
export function markdownTable(rows: readonly ConfigSummary[], header: TableHeader): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# CGAR ablation table',
    '',
    `- Command: \`${header.command}\``,
    `- Date: ${header.date}`,
    `- Machine: ${header.machine}`,
    ...header.settings.map(([k, v]) => `- ${k}: ${v}`),
    '',
    line(TABLE_HEAD),
    line(TABLE_HEAD.map((_, i) => (i < 2 ? '---' : '---:'))),
    ...rows.map((r) => line(tableCells(r))),
    '',
    ...TABLE_NOTES,
    '',
  ].join('\n');
}
