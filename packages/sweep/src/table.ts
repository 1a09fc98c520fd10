import type { ConfigSummary, RuleStat, Stat } from './summary.js';

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

const steps = (s: Stat) => s.mean.toFixed(2);

export const TABLE_HEAD = [
  'configuration',
  'seeds',
  'train time (s)',
  'steps/s',
  'speedup',
  'bound',
  'exact@16',
  'baseline exact@16 at same time',
  "time to baseline's final exact@16",
  'cell@16',
] as const;

/** The second table: what a user of the trained model gets, with each way of stopping. */
export const USER_HEAD = [
  'configuration',
  'exact@16',
  'learned rule: exact (steps)',
  'best rule: exact (steps)',
  'halting acc.',
  'AUC',
  'fresh set: exact@16',
  'fresh set: learned (steps)',
  'fresh set: best rule (steps)',
] as const;

/** How to read the tables, one sentence per line. */
export const TABLE_NOTES = [
  'Train time: sum of the optimizer-step times (evaluations and checkpoints excluded), less the extra time',
  "of each depth's first step (session build; results.json keeps the raw sum), mean ± sample std over the",
  "timed seeds: a run whose median full-depth step took over 1.25x the baseline's shared the machine, one",
  "under 1/1.05 of it ran on a quicker machine (another day's); their accuracy counts, their time does not",
  '("n/a" where no seed of a row is timed). Speedup: mean baseline train time over mean train time.',
  'Bound: compute bound of the cost model (net applications per supervision step, a backward counted as two',
  'forwards; SPEC section 3). Accuracies: final held-out evaluation with the EMA weights at full depth, mean ±',
  "std over seeds; @16 after all 16 supervision steps. Baseline exact@16 at same time: the baseline's",
  "seed-averaged exact@16 after as much training time as this row's mean, interpolated between its",
  "evaluations: the equal-compute comparison. Time to baseline's final exact@16: when this row's",
  "seed-averaged curve first reaches the baseline's final mean, over the baseline's train time (n/a: never).",
  'Learned rule: each puzzle stops at its first q_halt > 0 (mean supervision steps in brackets). Best rule: of',
  'the standard rules (learned, stable2, stable3 = answer unchanged for 2 or 3 steps, verified = answer is a',
  'valid grid, and their combinations) the one with the best mean exact, the fewest steps on a tie. Halting',
  'acc.: (q_halt >= 0) == correct after 16 steps. AUC: of q_halt against exactness after 16 steps. Fresh set:',
  'the same figures on puzzles from a data seed no run trained or was tuned on (bench/cgar-table/heldout.ts).',
];

/** The cells of each row of the first table, formatted, in `TABLE_HEAD` order. */
export function tableCells(r: ConfigSummary): string[] {
  const seeds =
    r.timedSeeds.length < r.seeds.length
      ? `${r.seeds.length} (${r.timedSeeds.length} timed)`
      : String(r.seeds.length);
  const timed = r.timedSeeds.length > 0;
  return [
    `${r.config}: ${r.label}`,
    seeds,
    timed ? fmtStat(r.trainSeconds, 1) : 'n/a',
    timed ? fmtStat(r.stepsPerSecond, 2) : 'n/a',
    r.speedup === undefined ? 'n/a' : `${r.speedup.toFixed(2)}x`,
    `${r.bound.toFixed(2)}x`,
    pct(r.exact),
    r.baselineExactAtTime === undefined ? 'n/a' : `${(100 * r.baselineExactAtTime).toFixed(1)}%`,
    r.timeToBaselineFinal === undefined ? 'n/a' : `${r.timeToBaselineFinal.toFixed(2)}x`,
    pct(r.cell),
  ];
}

/** `exact (steps)` of a rule, with its name and the seeds it covers when asked. */
function ruleCell(rule: RuleStat | undefined, named: boolean, seeds?: number, of?: number): string {
  if (!rule) return 'n/a';
  const who = seeds !== undefined && of !== undefined && seeds < of ? `, ${seeds} of ${of} seeds` : '';
  return `${named ? `${rule.name}: ` : ''}${pct(rule.exact)} (${steps(rule.meanSteps)}${who})`;
}

/** The cells of each row of the second table, in `USER_HEAD` order. */
export function userCells(r: ConfigSummary): string[] {
  const learned: RuleStat = { name: 'learned', exact: r.exactAdaptive, meanSteps: r.meanSteps };
  const h = r.heldout;
  const of = r.seeds.length;
  const hs = h && h.seeds.length < of ? ` (${h.seeds.length} of ${of} seeds)` : '';
  return [
    r.config,
    pct(r.exact),
    ruleCell(learned, false),
    ruleCell(r.bestRule, true, r.bestRule?.seeds, of),
    pct(r.haltAcc),
    r.auc === undefined ? 'n/a' : fmtStat(r.auc, 3),
    h ? `${pct(h.exact)}${hs}` : 'n/a',
    h ? ruleCell(h.learned, false) : 'n/a',
    h ? ruleCell(h.best, true) : 'n/a',
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
    '## Training cost and equal compute',
    '',
    line(TABLE_HEAD),
    line(TABLE_HEAD.map((_, i) => (i < 2 ? '---' : '---:'))),
    ...rows.map((r) => line(tableCells(r))),
    '',
    '## Evaluated like a user: fixed steps, learned halting, best rule, fresh puzzles',
    '',
    line(USER_HEAD),
    line(USER_HEAD.map((_, i) => (i < 1 ? '---' : '---:'))),
    ...rows.map((r) => line(userCells(r))),
    '',
    ...TABLE_NOTES,
    '',
  ].join('\n');
}
