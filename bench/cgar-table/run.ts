/**
 * bench/cgar-table: the CGAR ablation table of issue 7. Trains the TRM baseline, PDC only, HSW only,
 * CGAR and CGAR with the official batch-scalar HSW on one data set, with the same seeds and number
 * of optimizer steps, then writes OUT/table.md, OUT/report.html and OUT/results.json.
 *
 *   npx tsx bench/cgar-table/run.ts --preset cpu-small --steps 800 --batch 32 --lr 3e-3 \
 *     --seeds 3 --other-seeds 1 --train 1000 --test 200 --min-givens 50 --max-givens 60 --threads 2
 *
 * Finished runs (final evaluation present) are skipped and interrupted ones resume from their
 * checkpoint, so the same command continues after Ctrl-C or a crash. See README.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import {
  type BenchData,
  benchData,
  COMPRESSED_METRICS_FILE,
  CONFIG_NAMES,
  CONFIGS,
  type ConfigName,
  compressRunLog,
  connectRedis,
  type DataSpec,
  enqueue,
  type RunSpec,
  type RunSummary,
  startLocalRedis,
  summarizeRun,
  type TableHeader,
  type TrainJob,
  type TrainOutcome,
  trainRun,
  waitForJobs,
  writeTableFiles,
} from '@cgar/sweep';
import { checkProvider, METRICS_FILE } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { Flags, orExit, parseFlags } from './args.js';

const HELP = `usage: npx tsx bench/cgar-table/run.ts [flags]
  --preset NAME        model preset (cpu-small)          --steps N        optimizer steps per run (800)
  --batch B            ACT slots (32)                    --lr X           peak learning rate (3e-3)
  --warmup N           warm-up steps (steps/40)          --eval-every N   evaluate every N steps (steps/8)
  --seeds K            seeds of baseline and cgar (3)    --other-seeds K  seeds of the others (1)
  --train N            training puzzles (1000)           --test N         held-out puzzles (200)
  --min-givens G       (50)  --max-givens G (60)         --require-search keep puzzles singles cannot solve
  --data-seed S        seed of the data set (1)          --threads T      onnxruntime intra-op threads
  --ep cpu|cuda|webgpu (cpu)                             --out DIR        (bench/results/cgar-table)
  --configs LIST       subset of ${CONFIG_NAMES.join(',')}
  --table-only         rewrite the table files from the stored runs, training nothing
  --jobs J             runs trained at once: a local redis-server and J worker processes pulling
                       the runs from a BullMQ queue (1: in this process); give each --threads 1`;

const values = orExit(() =>
  parseFlags(
    [
      ...['preset', 'steps', 'batch', 'lr', 'warmup', 'eval-every', 'seeds', 'other-seeds', 'train', 'test'],
      ...['min-givens', 'max-givens', 'data-seed', 'threads', 'ep', 'out', 'configs', 'jobs'],
    ],
    ['require-search', 'table-only', 'help'],
  ),
);
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const f = new Flags('cgar-table', values);
const preset = f.preset('preset', 'cpu-small');
const steps = f.int('steps', 800);
const batch = f.int('batch', 32);
const lr = f.positive('lr', 3e-3);
const warmup = f.int('warmup', Math.floor(steps / 40), 0);
const evalEvery = f.int('eval-every', Math.max(1, Math.floor(steps / 8)));
const seeds = f.int('seeds', 3);
const otherSeeds = f.int('other-seeds', 1);
const threads = values.threads === undefined ? undefined : f.int('threads', 1);
const ep = f.choice('ep', ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
const configs = f.list('configs', CONFIG_NAMES, CONFIG_NAMES);
const jobs = f.int('jobs', 1);
const data: DataSpec = {
  seed: f.int('data-seed', 1, 0),
  train: f.int('train', 1000),
  test: f.int('test', 200),
  minGivens: f.int('min-givens', 50, 17),
  maxGivens: f.int('max-givens', 60, 17),
  requireSearch: values['require-search'] === true,
};
if (data.minGivens > data.maxGivens)
  f.problem(`--min-givens ${data.minGivens} exceeds --max-givens ${data.maxGivens}`);
orExit(() => f.done());
const out = typeof values.out === 'string' ? values.out : join('bench', 'results', 'cgar-table');
const seedsOf = (c: ConfigName) => (CONFIGS[c].main ? seeds : otherSeeds);

/** One training run of the table. */
interface RunId {
  readonly config: ConfigName;
  readonly seed: number;
}

/**
 * Every run of the table in seed-major order (seed 0 of every configuration, then seed 1, ...),
 * so an early stop still leaves a comparable table and slow drift in machine load spreads over
 * every configuration.
 */
function plannedRuns(): RunId[] {
  const runs: RunId[] = [];
  const maxSeeds = Math.max(...configs.map(seedsOf));
  for (let seed = 0; seed < maxSeeds; seed++)
    for (const config of configs) if (seed < seedsOf(config)) runs.push({ config, seed });
  return runs;
}

/** Everything that must match for a stored run to count in this table (`bench` in its run.json). */
const fingerprint = (config: ConfigName, seed: number): RunSpec => ({
  config,
  seed,
  preset: preset.name,
  model: preset.config,
  steps,
  batch,
  lr,
  warmup,
  evalEvery,
  data,
  ep,
  threads: threads ?? null,
});

const runJob = ({ config, seed }: RunId): TrainJob => ({
  kind: 'train',
  runDir: join(out, 'runs', `${config}-s${seed}`),
  dataDir: join(out, 'data'),
  spec: fingerprint(config, seed),
});

/** Runs that stopped on a NaN or infinite loss: reported in the table header, the others go on. */
const failed: string[] = [];

function noteOutcome(outcome: TrainOutcome | undefined): void {
  if (outcome?.status === 'diverged' && outcome.message) failed.push(outcome.message);
}

function header(d: BenchData): TableHeader {
  const c = preset.config;
  const cpu = cpus();
  const m = d.manifests.test;
  return {
    command: ['npx tsx bench/cgar-table/run.ts', ...process.argv.slice(2)].join(' '),
    date: new Date().toISOString(),
    machine: `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${process.platform} ${release()}, Node ${process.version}, onnxruntime-node ${ort.env.versions?.common ?? '?'}, ep ${ep}, threads ${threads ?? 'default'}${jobs > 1 ? `, ${jobs} runs at a time` : ''}`,
    settings: [
      [
        'Preset',
        `${preset.name} (D=${c.hidden}, ${c.layers} blocks, mixer ${c.mixer}, n=${c.n}, T=${c.T}, Nsup=${c.nSup}, loss ${c.loss})`,
      ],
      [
        'Data',
        `${d.train.length} train / ${d.test.length} held-out puzzles, ${data.minGivens}-${data.maxGivens} givens${data.requireSearch ? ', singles cannot solve them' : ''}, data seed ${data.seed}; held-out needing search: ${m.needSearch}/${m.count}`,
      ],
      [
        'Training',
        `${steps} optimizer steps, batch ${batch}, lr ${lr} (warm-up ${warmup}, then constant), evaluation every ${evalEvery} steps`,
      ],
      ['Seeds', `${seeds} for baseline and cgar, ${otherSeeds} for the others (seeds 0..k-1)`],
      ...failed.map((f) => ['Diverged', f] as const),
    ],
  };
}

function writeOutputs(d: BenchData): void {
  const runs: RunSummary[] = [];
  for (const config of configs)
    for (let seed = 0; seed < seedsOf(config); seed++) {
      const dir = join(out, 'runs', `${config}-s${seed}`);
      const r = summarizeRun(dir, config, seed, steps);
      if (!r) continue;
      runs.push(r);
      // NOTE: git keeps the gzip of each finished run's log (see .gitattributes); keep it current.
      const gz = join(dir, COMPRESSED_METRICS_FILE);
      if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(join(dir, METRICS_FILE)).mtimeMs)
        compressRunLog(dir);
    }
  writeTableFiles(out, runs, configs, preset.config, header(d));
}

async function main(): Promise<number> {
  await checkProvider(ort, ep);
  mkdirSync(out, { recursive: true });
  const d = benchData(join(out, 'data'), data);
  const controller = new AbortController();
  process.on('SIGINT', () => {
    console.error('\ninterrupted: checkpointing the current run; rerun the same command to continue');
    controller.abort();
  });
  if (values['table-only'] === true) {
    // NOTE: rows show the runs that are finished; the others are simply not in the table yet.
  } else if (jobs > 1) {
    await runOnQueue(d, controller.signal);
  } else {
    for (const run of plannedRuns()) {
      if (controller.signal.aborted) break;
      noteOutcome(await trainRun(ort, runJob(run), { data: d, signal: controller.signal }));
      writeOutputs(d);
    }
  }
  writeOutputs(d);
  console.log(readFileSync(join(out, 'table.md'), 'utf8'));
  console.log(`wrote table.md, report.html, accuracy.svg and results.json in ${out}`);
  return controller.signal.aborted ? 130 : 0;
}

/**
 * Trains the planned runs `jobs` at a time through the queue `cgar sweep` uses: a private
 * redis-server on a free loopback port, the runs as jobs (in seed-major order; job id = run id)
 * and `jobs` worker processes (`cgar worker`) that each take the next waiting run when they finish
 * one. A SIGINT reaches the workers, which checkpoint and give their runs back; rerunning the
 * command resumes them. The table is rewritten after every finished run.
 */
async function runOnQueue(d: BenchData, signal: AbortSignal): Promise<void> {
  const redis = await startLocalRedis();
  const workers: ChildProcess[] = [];
  const connection = await connectRedis(redis.url);
  try {
    const planned = plannedRuns().map((r) => ({ id: `${r.config}-s${r.seed}`, data: runJob(r) }));
    await enqueue(connection, 'cgar-table', planned);
    const cli = join('packages', 'cli', 'src', 'bin.ts');
    // NOTE: stops waiting on a SIGINT, or when every worker has exited (crashed) with runs left.
    const stop = new AbortController();
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    let alive = 0;
    for (let j = 0; j < jobs; j++) {
      const child = spawn(
        process.execPath,
        [...process.execArgv, cli, 'worker', '--redis', redis.url, '--queue', 'cgar-table'],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      alive++;
      child.on('exit', () => {
        if (--alive === 0) stop.abort();
      });
      workers.push(child);
    }
    console.error(`cgar-table: ${planned.length} runs on a local queue (${redis.url}), ${jobs} workers`);
    const ids = planned.map((p) => p.id);
    const finished = await waitForJobs(connection, 'cgar-table', ids, {
      signal: stop.signal,
      onChange: (s) => {
        noteOutcome(s.result as TrainOutcome | undefined);
        writeOutputs(d);
      },
    });
    const bad = finished.filter((s) => s.state === 'failed');
    if (bad.length)
      throw new Error(
        `cgar-table: ${bad.length} of ${ids.length} runs failed (${bad.map((b) => `${b.id}: ${b.failedReason}`).join('; ')}); fix the cause, then rerun to resume`,
      );
    if (!signal.aborted && finished.some((s) => s.state !== 'completed'))
      throw new Error(
        'cgar-table: every worker process exited before the runs were done; see their messages above, then rerun to resume',
      );
  } finally {
    await stopWorkers(workers);
    connection.disconnect();
    await redis.stop();
  }
}

/**
 * SIGTERM to each worker still running (it checkpoints its run, gives the job back and exits; one
 * that a Ctrl-C already reached ignores it), then waits for them.
 */
async function stopWorkers(workers: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.exitCode !== null || w.signalCode !== null) return Promise.resolve();
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      return exited;
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // NOTE: the messages this script and its packages throw on purpose say what to do; anything
    // else is a bug, so its stack helps.
    const known =
      e instanceof Error &&
      /^(cgar-table|benchData|execution provider|run folder|redis-server|cannot reach Redis)/.test(e.message);
    console.error(known ? (e as Error).message : e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
