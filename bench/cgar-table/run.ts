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
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { checkProvider, NonFiniteLossError, runTraining } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { Flags, orExit, parseFlags } from './args.js';
import {
  analyticalBound,
  type BenchConfig,
  CONFIG_NAMES,
  CONFIGS,
  type ConfigName,
  isConfigName,
  pluginsFor,
} from './configs.js';
import { benchData, type DataSpec } from './data.js';
import { type RunId, splitRuns } from './jobs.js';
import { accuracySvg, htmlReport } from './report.js';
import { type RunSummary, summarizeConfigs, summarizeRun } from './summary.js';
import { markdownTable, type TableHeader } from './table.js';

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
  --jobs J             runs trained at once, each in its own process (1); give each --threads 1`;

const values = orExit(() =>
  parseFlags(
    [
      ...['preset', 'steps', 'batch', 'lr', 'warmup', 'eval-every', 'seeds', 'other-seeds', 'train', 'test'],
      ...['min-givens', 'max-givens', 'data-seed', 'threads', 'ep', 'out', 'configs', 'jobs', 'runs'],
    ],
    ['require-search', 'help'],
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
// NOTE: `--runs config:seed,...` is how a `--jobs` parent hands a child its share; not in --help.
const only = typeof values.runs === 'string' ? parseRuns(values.runs) : undefined;
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

function parseRuns(text: string): RunId[] {
  return text.split(',').map((item) => {
    const [config = '', seed = ''] = item.split(':');
    if (!isConfigName(config) || !/^\d+$/.test(seed)) {
      f.problem(`--runs takes config:seed pairs such as baseline:0, got '${item}'`);
      return { config: 'baseline', seed: 0 };
    }
    return { config, seed: Number(seed) };
  });
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

/** Everything that must match for a stored run to count in this table. */
const fingerprint = (config: ConfigName, seed: number) => ({
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

/** Throws when `runDir` holds a run made with other settings (mixing them would corrupt the table). */
function checkStored(runDir: string, want: Record<string, unknown>): void {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) return;
  const have = (JSON.parse(readFileSync(path, 'utf8')) as { bench?: Record<string, unknown> }).bench ?? {};
  const differ = Object.keys(want)
    .filter((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k]))
    .map((k) => `${k} was ${JSON.stringify(have[k])}, now ${JSON.stringify(want[k])}`);
  if (differ.length) {
    throw new Error(
      `cgar-table: ${runDir} holds a run made with other settings (${differ.join('; ')}); ` +
        'repeat the original flags, pass another --out, or delete that folder',
    );
  }
}

/** Runs that stopped on a NaN or infinite loss: reported in the table header, the others go on. */
const failed: string[] = [];

async function train(config: ConfigName, seed: number, d: ReturnType<typeof benchData>, signal: AbortSignal) {
  try {
    await trainOnce(config, seed, d, signal);
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    failed.push(`${config} s${seed}: ${e.message}`);
    console.error(`[${config} s${seed}] ${e.message}`);
  }
}

async function trainOnce(
  config: ConfigName,
  seed: number,
  d: ReturnType<typeof benchData>,
  signal: AbortSignal,
) {
  const runDir = join(out, 'runs', `${config}-s${seed}`);
  const bench = fingerprint(config, seed);
  checkStored(runDir, bench);
  if (summarizeRun(runDir, config, seed, steps)) {
    console.error(`[${config} s${seed}] done before, skipped`);
    return;
  }
  const tag = `[${config} s${seed}]`;
  const every = Math.max(1, Math.floor(steps / 20));
  const result = await runTraining(ort, {
    config: preset.config,
    train: d.train,
    test: d.test,
    steps,
    batchSize: batch,
    seed,
    lr: { lr, warmup },
    plugins: pluginsFor(config, preset.config, steps),
    trainHalt: (CONFIGS[config] as BenchConfig).trainHalt,
    weightHalting: (CONFIGS[config] as BenchConfig).weightHalting,
    evalRaw: true,
    ep,
    threads,
    outDir: runDir,
    resume: true,
    evalEvery,
    checkpointEvery: evalEvery,
    signal,
    describe: { bench },
    onStep: (m, p) => {
      if (p.step % every === 0)
        console.error(
          `${tag} ${p.step}/${p.total} n=${m.n} T=${m.T} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(2)} it/s ETA ${Math.round(p.etaSeconds)} s`,
        );
    },
    onEval: (e) =>
      console.error(
        `${tag} eval @${e.step}: exact ${(100 * e.exact).toFixed(1)}% cell ${(100 * e.cell).toFixed(1)}% halting: exact ${(100 * e.exactAdaptive).toFixed(1)}% in ${e.meanSteps.toFixed(2)} steps`,
      ),
  });
  await result.trainer.release();
}

function header(d: ReturnType<typeof benchData>): TableHeader {
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

function writeOutputs(d: ReturnType<typeof benchData>): void {
  const runs: RunSummary[] = [];
  for (const config of configs)
    for (let seed = 0; seed < seedsOf(config); seed++) {
      const r = summarizeRun(join(out, 'runs', `${config}-s${seed}`), config, seed, steps);
      if (r) runs.push(r);
    }
  const bounds = Object.fromEntries(configs.map((c) => [c, analyticalBound(c, preset.config)]));
  const rows = summarizeConfigs(runs, configs, bounds);
  const h = header(d);
  const write = (name: string, text: string) => {
    // NOTE: the pid keeps `--jobs` children that finish together off each other's temporary file.
    const tmp = join(out, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(out, name));
  };
  write('table.md', markdownTable(rows, h));
  write('report.html', htmlReport(rows, runs, h));
  write('accuracy.svg', accuracySvg(rows));
  write('results.json', `${JSON.stringify({ header: h, rows, runs }, null, 1)}\n`);
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
  if (jobs > 1 && !only) {
    await runChildren(controller.signal);
  } else {
    for (const { config, seed } of only ?? plannedRuns()) {
      if (controller.signal.aborted) break;
      await train(config, seed, d, controller.signal);
      writeOutputs(d);
    }
    if (only) return controller.signal.aborted ? 130 : 0;
  }
  writeOutputs(d);
  console.log(readFileSync(join(out, 'table.md'), 'utf8'));
  console.log(`wrote table.md, report.html, accuracy.svg and results.json in ${out}`);
  return controller.signal.aborted ? 130 : 0;
}

/**
 * Trains the planned runs `jobs` at a time: each child process gets a fixed list (`--runs`), split
 * so the lists take about equally long (see `splitRuns`), and trains it in order. A SIGINT reaches
 * the children, which checkpoint and stop; rerunning the command resumes them.
 */
async function runChildren(signal: AbortSignal): Promise<void> {
  const shares = splitRuns(plannedRuns(), jobs, (r) => 1 / analyticalBound(r.config, preset.config));
  const argv = process.argv
    .slice(2)
    .filter((a, i, all) => a !== '--jobs' && all[i - 1] !== '--jobs' && !a.startsWith('--jobs='));
  const script = process.argv[1] ?? '';
  const exits = shares
    .filter((share) => share.length)
    .map((share) => {
      const list = share.map((r) => `${r.config}:${r.seed}`).join(',');
      console.error(`cgar-table: one process trains ${list}`);
      const child = spawn(process.execPath, [...process.execArgv, script, ...argv, '--runs', list], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      signal.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
      return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    });
  const codes = await Promise.all(exits);
  const bad = codes.filter((c) => c !== 0 && c !== 130);
  if (bad.length)
    throw new Error(
      `cgar-table: ${bad.length} of ${codes.length} training processes failed (exit ${bad.join(', ')}); see their messages above, then rerun to resume`,
    );
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // NOTE: the messages this script and its packages throw on purpose say what to do; anything
    // else is a bug, so its stack helps.
    const known = e instanceof Error && /^(cgar-table|benchData|execution provider)/.test(e.message);
    console.error(known ? (e as Error).message : e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
