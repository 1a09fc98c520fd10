/**
 * bench/cgar-table/heldout.ts: evaluates every finished run of a CGAR table on puzzles from a data
 * seed that no run trained on and no setting was tuned on (issue 11, "evaluate like a user"). The
 * set is generated here (default data seed 2, 500 puzzles, the table's givens), any puzzle or
 * solution grid that also occurs in the table's own train or test split is dropped, and each run's
 * EMA weights are evaluated at full depth with every standard halting rule. Writes
 * RUN/heldout.json beside each run's metrics; `run.ts` puts the figures in the table.
 *
 *   npx tsx bench/cgar-table/heldout.ts --out bench/results/cgar-table --threads 1 [--shard I/N]
 *
 * Runs whose heldout.json matches the set are skipped, so the command resumes.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomicSync } from '@cgar/common/node';
import type { TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { gridToString, type SudokuExample } from '@cgar/tasks';
import { buildSudokuDataset, readDataset } from '@cgar/tasks/node';
import { evaluate } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: join('bench', 'results', 'cgar-table') },
    'data-seed': { type: 'string', default: '2' },
    test: { type: 'string', default: '500' },
    'min-givens': { type: 'string', default: '28' },
    'max-givens': { type: 'string', default: '34' },
    threads: { type: 'string' },
    shard: { type: 'string', default: '0/1' },
  },
  strict: true,
});
const int = (name: keyof typeof args, min: number): number => {
  const v = Number(args[name]);
  if (!Number.isSafeInteger(v) || v < min) {
    console.error(`heldout.ts: --${name} must be an integer >= ${min}, got ${String(args[name])}`);
    process.exit(2);
  }
  return v;
};
const out = args.out!;
const seed = int('data-seed', 0);
const count = int('test', 1);
const minGivens = int('min-givens', 17);
const maxGivens = int('max-givens', minGivens);
const threads = args.threads === undefined ? undefined : int('threads', 1);
const [shard, shards] = args.shard!.split('/').map(Number) as [number, number];
if (
  !(
    Number.isSafeInteger(shards) &&
    shards >= 1 &&
    Number.isSafeInteger(shard) &&
    shard >= 0 &&
    shard < shards
  )
) {
  console.error(
    `heldout.ts: --shard must be I/N with 0 <= I < N (run N processes, one per I), got ${args.shard}`,
  );
  process.exit(2);
}
const tableData = join(out, 'data');
if (!existsSync(join(tableData, 'train', 'manifest.json'))) {
  console.error(
    `heldout.ts: no table data in ${tableData}; run bench/cgar-table/run.ts first, or pass its --out`,
  );
  process.exit(2);
}
const tableSeed = JSON.parse(readFileSync(join(tableData, 'train', 'manifest.json'), 'utf8')).seed as number;
if (seed === tableSeed) {
  console.error(
    `heldout.ts: --data-seed ${seed} is the table's own data seed; pass a seed no run trained on`,
  );
  process.exit(2);
}

/** The fresh set, built once (in a temporary folder, then renamed) and reused. */
function freshSet(): SudokuExample[] {
  const dir = join(out, `heldout-s${seed}`);
  if (!existsSync(join(dir, 'test', 'manifest.json'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    // NOTE: a generous draw, so the overlap filter below still leaves `count` puzzles.
    buildSudokuDataset({ dir: tmp, seed, train: 0, test: Math.ceil(count * 1.1), minGivens, maxGivens });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const seen = new Set<string>();
  for (const split of ['train', 'test'])
    for (const ex of readDataset(join(tableData, split)).examples) {
      seen.add(gridToString(ex.puzzle));
      seen.add(gridToString(ex.solution));
    }
  const fresh = readDataset(join(dir, 'test')).examples.filter(
    (ex) => !seen.has(gridToString(ex.puzzle)) && !seen.has(gridToString(ex.solution)),
  );
  if (fresh.length < count)
    throw new Error(`heldout.ts: only ${fresh.length} fresh puzzles left after the overlap filter`);
  return fresh.slice(0, count);
}

const set = freshSet();
const runsDir = join(out, 'runs');
// NOTE: --shard I/N takes every N-th run folder, so N processes share the runs without a queue.
const runs = readdirSync(runsDir)
  .sort()
  .filter((_, i) => i % shards === shard);
console.error(
  `heldout.ts: ${set.length} puzzles from data seed ${seed}, ${runs.length} run folders in ${runsDir}`,
);
for (const id of runs) {
  const dir = join(runsDir, id);
  const ckptPath = join(dir, 'checkpoint.safetensors');
  const target = join(dir, 'heldout.json');
  if (!existsSync(ckptPath)) {
    console.error(`  ${id}: no checkpoint (run predates kept checkpoints), skipped`);
    continue;
  }
  const ckpt = await loadCheckpoint(ckptPath);
  const planned = existsSync(join(dir, 'run.json'))
    ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { steps?: number }).steps
    : undefined;
  if (ckpt.step !== planned) {
    console.error(`  ${id}: checkpoint at step ${ckpt.step} of ${planned ?? '?'} (still training), skipped`);
    continue;
  }
  if (existsSync(target)) {
    const prev = JSON.parse(readFileSync(target, 'utf8'));
    if (prev.dataSeed === seed && prev.count === set.length && prev.checkpointStep === ckpt.step) continue;
  }
  const params = (ckpt.ema ?? ckpt.params) as TrmParams;
  const sessionOptions =
    threads === undefined ? undefined : { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const { byStep: _, ...m } = await evaluate(ort, ckpt.config, params, set, { sessionOptions });
  const record = {
    dataSeed: seed,
    givens: [minGivens, maxGivens],
    checkpointStep: ckpt.step,
    weights: 'ema',
    ...m,
  };
  writeFileAtomicSync(target, `${JSON.stringify(record)}\n`);
  console.error(
    `  ${id} (step ${ckpt.step}): exact@16 ${(100 * m.exact).toFixed(1)}%, verified ${(100 * (m.rules.verified?.exact ?? Number.NaN)).toFixed(1)}%`,
  );
}
