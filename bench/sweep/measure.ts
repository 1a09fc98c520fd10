/**
 * bench/sweep: the same small sweep through the queue with 1 and with 2 `cgar worker` processes,
 * on a private redis-server; wall time of each, the tables (`cgar sweep table`) and whether every
 * run's figures and per-step losses are equal.
 *
 *   npx tsx bench/sweep/measure.ts [--sweep bench/sweep/tiny.yaml] [--out bench/results/sweep] [--workers 1,2]
 *
 * Run folders go to a temporary folder (removed at the end); OUT/workers-W/ gets table.md,
 * report.html, accuracy.svg and results.json, OUT/summary.md and summary.json the comparison.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main as cgar } from '@cgar/cli';
import {
  connectRedis,
  enqueue,
  jobStatus,
  planSweep,
  type RunSummary,
  readSweepFile,
  startLocalRedis,
  type TrainOutcome,
} from '@cgar/sweep';

const { values } = parseArgs({
  options: {
    sweep: { type: 'string', default: join('bench', 'sweep', 'tiny.yaml') },
    out: { type: 'string', default: join('bench', 'results', 'sweep') },
    workers: { type: 'string', default: '1,2' },
  },
});
const counts = values.workers.split(',').map(Number);
const bin = join('packages', 'cli', 'src', 'bin.ts');

/** Every figure of a run but the clock: what must not depend on which worker trained it. */
function figures(s: RunSummary) {
  const { trainSeconds: _t, ...final } = s.final;
  return {
    final,
    curve: s.curve.map((p) => [p.step, p.exact, p.cell, p.haltAcc, p.exactAdaptive, p.meanSteps]),
  };
}

const losses = (runDir: string) =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; loss?: number })
    .filter((r) => r.type === 'step')
    .map((r) => r.loss);

async function measure(workers: number, url: string, tmp: string) {
  const base = readSweepFile(values.sweep);
  // NOTE: a queue and a run folder per measurement, so the second trains everything again.
  const sweep = { ...base, name: `${base.name}-w${workers}`, out: join(tmp, `workers-${workers}`) };
  const jobs = planSweep(sweep);
  const connection = await connectRedis(url);
  await enqueue(connection, sweep.name, jobs);
  const started = performance.now();
  const exits = Array.from({ length: workers }, () => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, bin, 'worker', '--redis', url, '--queue', sweep.name, '--until-empty'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return new Promise<number | null>((r) => child.on('exit', r));
  });
  const codes = await Promise.all(exits);
  const seconds = (performance.now() - started) / 1000;
  if (codes.some((c) => c !== 0)) throw new Error(`measure: a worker exited with ${codes.join(', ')}`);
  const status = await jobStatus(
    connection,
    sweep.name,
    jobs.map((j) => j.id),
  );
  connection.disconnect();
  const results = status.map((s) => s.result as TrainOutcome);
  if (status.some((s) => s.state !== 'completed')) throw new Error(`measure: not every job completed`);
  // NOTE: the table as `cgar sweep table` writes it, from the results in Redis.
  const sweepFile = join(tmp, `${sweep.name}.json`);
  writeFileSync(sweepFile, JSON.stringify({ ...sweep, data: sweep.data[0] }));
  const tableDir = join(values.out, `workers-${workers}`);
  const code = await cgar([
    'sweep',
    'table',
    sweepFile,
    '--redis',
    url,
    '--queue',
    sweep.name,
    '--out',
    tableDir,
  ]);
  if (code !== 0) throw new Error(`measure: cgar sweep table exited with ${code}`);
  return { workers, seconds, jobs: jobs.map((j) => j.id.replace(`${sweep.name}.`, '')), results };
}

const redis = await startLocalRedis();
const tmp = mkdtempSync(join(tmpdir(), 'cgar-sweep-measure-'));
try {
  mkdirSync(values.out, { recursive: true });
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  for (const w of counts) runs.push(await measure(w, redis.url, tmp));
  const [first, ...rest] = runs;
  const equal = rest.map((r) =>
    r.results.every(
      (x, i) =>
        JSON.stringify(figures(x.summary!)) === JSON.stringify(figures(first!.results[i]!.summary!)) &&
        JSON.stringify(losses(x.runDir)) === JSON.stringify(losses(first!.results[i]!.runDir)),
    ),
  );
  const row = (r: (typeof runs)[number]) =>
    `| ${r.workers} | ${r.seconds.toFixed(1)} | ${r.results
      .map(
        (x, i) =>
          `${r.jobs[i]} ${(100 * x.summary!.final.exact).toFixed(1)}% / ${(100 * x.summary!.final.cell).toFixed(1)}%`,
      )
      .join(', ')} |`;
  const summary = [
    '# One sweep through the queue with 1 and 2 workers',
    '',
    `- Command: \`npx tsx bench/sweep/measure.ts --sweep ${values.sweep} --out ${values.out} --workers ${values.workers}\``,
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, redis-server on 127.0.0.1, workers = \`cgar worker\` processes`,
    `- Sweep: ${values.sweep}`,
    '',
    '| workers | wall time (s) | final exact@16 / cell@16 per run |',
    '|---:|---:|---|',
    ...runs.map(row),
    '',
    ...rest.map(
      (r, i) =>
        `${r.workers} workers against ${first!.workers}: every run's final figures, evaluation curve and per-step losses ${equal[i] ? 'are equal (bit for bit)' : 'DIFFER'}.`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(values.out, 'summary.md'), summary);
  writeFileSync(
    join(values.out, 'summary.json'),
    `${JSON.stringify({ runs: runs.map(({ results: _, ...r }) => r), equal }, null, 1)}\n`,
  );
  console.log(summary);
  if (equal.some((e) => !e)) process.exitCode = 1;
} finally {
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
