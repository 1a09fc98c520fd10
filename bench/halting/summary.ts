/**
 * bench/halting/summary.ts: the halting figures of finished runs, side by side, from their
 * metrics.jsonl (the last evaluation; EMA weights, and raw ones where the run evaluated them).
 *
 *   npx tsx bench/halting/summary.ts --out bench/results/halting/training.md RUN_DIR [RUN_DIR ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreRunLog } from '@cgar/sweep';
import { readMetrics } from '@cgar/trainer';

const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
if (!positionals.length) {
  console.error('summary.ts: give run folders; see the usage at the top of the file');
  process.exit(2);
}

interface Rules {
  readonly [name: string]: { readonly exact: number; readonly meanSteps: number };
}
interface Eval {
  readonly step: number;
  readonly exact: number;
  readonly haltAcc: number;
  readonly exactAdaptive: number;
  readonly meanSteps: number;
  readonly auc?: number | null;
  readonly rules?: Rules;
  readonly raw?: Eval;
}

const pct = (v: number | undefined | null) => (typeof v === 'number' ? `${(100 * v).toFixed(1)}%` : '-');
const num = (v: number | undefined | null, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '-');
const rule = (r: Rules | undefined, name: string) =>
  r?.[name] ? `${pct(r[name]!.exact)} / ${num(r[name]!.meanSteps)}` : '-';

const rows = positionals.map((dir) => {
  restoreRunLog(dir); // a fresh clone keeps only metrics.jsonl.gz
  // NOTE: the evaluation records hold more than the report's EvalRecord type names (auc, rules, raw).
  const last = readMetrics(dir).evals.at(-1) as unknown as Eval | undefined;
  const run = JSON.parse(readFileSync(`${dir}/run.json`, 'utf8')) as { bench?: { config?: string } };
  const name = run.bench?.config
    ? `${run.bench.config} s${(run as { seed?: number }).seed ?? 0}`
    : basename(dir) === 'run'
      ? basename(dirname(dir))
      : basename(dir);
  if (!last) return `| ${name} | no evaluation yet |`;
  const raw = last.raw;
  return `| ${name} | ${last.step} | ${pct(last.exact)} | ${pct(last.haltAcc)} / ${pct(raw?.haltAcc)} | ${num(last.auc, 3)} / ${num(raw?.auc, 3)} | ${pct(last.exactAdaptive)} / ${num(last.meanSteps)} | ${raw ? `${pct(raw.exactAdaptive)} / ${num(raw.meanSteps)}` : '-'} | ${rule(last.rules, 'stable3')} | ${rule(last.rules, 'verified')} | ${rule(last.rules, 'verified|stable3')} |`;
});
const table = [
  '| run | step | exact@16 (EMA) | halting acc. EMA / raw | AUC of q_halt EMA / raw | learned rule (q_halt > 0), EMA: exact / steps | learned rule, raw | stable 3 | verified | verified or stable 3 |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
console.log(table);
if (values.out) writeFileSync(values.out, `${table}\n`);
