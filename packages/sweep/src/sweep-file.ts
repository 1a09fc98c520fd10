import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Problems } from '@cgar/common';
import { getPreset, isPresetName, PRESET_NAMES } from '@cgar/export';
import { parse as parseYaml } from 'yaml';
import { CONFIG_NAMES, type ConfigName, isConfigName } from './configs.js';
import type { DataSpec } from './data.js';
import type { RunSpec, TrainJob } from './train-run.js';

/** One data setting of a sweep; `name` tells settings apart (required when there are several). */
export interface DataSetting extends DataSpec {
  readonly name: string;
}

/** A sweep: configurations x seeds x data settings, all trained with the same settings. */
export interface Sweep {
  /** Prefix of every job id, so several sweeps can share a queue. */
  readonly name: string;
  /** Root of the run folders on each worker's machine (relative to the worker's directory). */
  readonly out: string;
  readonly preset: string;
  readonly configs: readonly ConfigName[];
  readonly seeds: readonly number[];
  readonly data: readonly DataSetting[];
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly evalEvery: number;
  readonly ep: 'cpu' | 'cuda' | 'webgpu';
  readonly threads: number | null;
}

/** A planned job: its id on the queue (the run's id, so a run is queued once) and what to do. */
export interface PlannedJob {
  readonly id: string;
  readonly data: TrainJob;
}

const KEYS = [
  'name',
  'out',
  'preset',
  'configs',
  'seeds',
  'data',
  'steps',
  'batch',
  'lr',
  'warmup',
  'evalEvery',
  'ep',
  'threads',
];
const DATA_KEYS = ['name', 'seed', 'train', 'test', 'minGivens', 'maxGivens', 'requireSearch'];

/**
 * Reads a sweep file (`.json`, or `.yaml`/`.yml`) and checks it, reporting every problem at once.
 *
 * @example
 * const sweep = readSweepFile('sweeps/table.yaml');
 */
export function readSweepFile(path: string): Sweep {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read sweep file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new TypeError(
      `sweep file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
  return parseSweep(raw, basename(path, extname(path)), path);
}

/**
 * Checks a parsed sweep (the object of a sweep file) and fills in defaults; throws once naming
 * every problem, by the one error rule of `@cgar/common`'s `Problems`: a TypeError when every problem
 * is a value of the wrong kind (a string for a number), else a RangeError.
 *
 * @example
 * parseSweep({ preset: 'cpu-tiny', configs: ['baseline', 'cgar'], seeds: 2, steps: 20, data: { train: 64, test: 24 } }, 'tiny');
 */
export function parseSweep(raw: unknown, defaultName: string, where = 'sweep'): Sweep {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new TypeError(`${where}: expected an object with preset, configs, seeds, steps and data`);
  const o = raw as Record<string, unknown>;
  const problems = new Problems();
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) problems.range(`unknown key '${k}' (known: ${KEYS.join(', ')})`);
  const int = (v: unknown, name: string, fallback: number | undefined, min = 1): number => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min) return v;
    problems.add(
      typeof v === 'number' ? 'range' : 'type',
      `${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`,
    );
    return fallback ?? min;
  };
  const str = (v: unknown, name: string, fallback: string) => {
    if (v === undefined) return fallback;
    if (typeof v === 'string' && /^[A-Za-z0-9._/-]+$/.test(v)) return v;
    problems.add(
      typeof v === 'string' ? 'range' : 'type',
      `${name} must be a name or path of letters, digits and . _ / -, got ${JSON.stringify(v)}`,
    );
    return fallback;
  };
  const name = str(o.name, 'name', defaultName.replace(/[^A-Za-z0-9._-]/g, '-'));
  const preset = typeof o.preset === 'string' ? o.preset : 'cpu-small';
  if ((o.preset !== undefined && typeof o.preset !== 'string') || !isPresetName(preset))
    problems.add(
      typeof o.preset === 'string' ? 'range' : 'type',
      `preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(o.preset)}`,
    );
  const configs = Array.isArray(o.configs) ? o.configs : [];
  if (!configs.length)
    problems.add(
      o.configs === undefined || Array.isArray(o.configs) ? 'range' : 'type',
      `configs must list at least one of ${CONFIG_NAMES.join(', ')}`,
    );
  for (const c of configs)
    if (typeof c !== 'string' || !isConfigName(c))
      problems.add(
        typeof c === 'string' ? 'range' : 'type',
        `unknown configuration ${JSON.stringify(c)} (known: ${CONFIG_NAMES.join(', ')})`,
      );
  let seeds: number[] = [0];
  if (typeof o.seeds === 'number') seeds = Array.from({ length: int(o.seeds, 'seeds', 1) }, (_, i) => i);
  else if (Array.isArray(o.seeds)) seeds = o.seeds.map((s, i) => int(s, `seeds[${i}]`, undefined, 0));
  else if (o.seeds !== undefined) problems.type('seeds must be a count or a list of seeds');
  const steps = int(o.steps, 'steps', 800);
  const data = (Array.isArray(o.data) ? o.data : [o.data ?? {}]).map((d, i) => {
    const where = Array.isArray(o.data) ? `data[${i}]` : 'data';
    if (typeof d !== 'object' || d === null || Array.isArray(d))
      problems.type(`${where} must be an object of data settings, got ${JSON.stringify(d)}`);
    const e = (typeof d === 'object' && d !== null && !Array.isArray(d) ? d : {}) as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!DATA_KEYS.includes(k))
        problems.range(`${where}: unknown key '${k}' (known: ${DATA_KEYS.join(', ')})`);
    if (Array.isArray(o.data) && o.data.length > 1 && e.name === undefined)
      problems.range(`${where}: a name is required when there are several data settings`);
    const setting: DataSetting = {
      name: str(e.name, `${where}.name`, `d${i}`),
      seed: int(e.seed, `${where}.seed`, 1, 0),
      train: int(e.train, `${where}.train`, 1000),
      test: int(e.test, `${where}.test`, 200),
      minGivens: int(e.minGivens, `${where}.minGivens`, 50, 17),
      maxGivens: int(e.maxGivens, `${where}.maxGivens`, 60, 17),
      requireSearch: e.requireSearch === true,
    };
    if (setting.minGivens > setting.maxGivens || setting.maxGivens > 81)
      problems.range(
        `${where}: need minGivens <= maxGivens <= 81, got ${setting.minGivens}-${setting.maxGivens}`,
      );
    return setting;
  });
  if (new Set(data.map((d) => d.name)).size !== data.length) problems.range('data setting names must differ');
  const lr = o.lr === undefined ? 3e-3 : o.lr;
  if (typeof lr !== 'number' || !(lr > 0 && Number.isFinite(lr)))
    problems.add(
      typeof lr === 'number' ? 'range' : 'type',
      `lr must be a positive number, got ${JSON.stringify(o.lr)}`,
    );
  const ep = o.ep ?? 'cpu';
  if (ep !== 'cpu' && ep !== 'cuda' && ep !== 'webgpu')
    problems.add(
      typeof ep === 'string' ? 'range' : 'type',
      `ep must be cpu, cuda or webgpu, got ${JSON.stringify(o.ep)}`,
    );
  const sweep: Sweep = {
    name,
    out: str(o.out, 'out', join('runs', 'sweeps', name)),
    preset,
    configs: configs.filter((c): c is ConfigName => typeof c === 'string' && isConfigName(c)),
    seeds,
    data,
    steps,
    batch: int(o.batch, 'batch', 32),
    lr: lr as number,
    warmup: int(o.warmup, 'warmup', Math.floor(steps / 40), 0),
    evalEvery: int(o.evalEvery, 'evalEvery', Math.max(1, Math.floor(steps / 8))),
    ep: ep as Sweep['ep'],
    threads: o.threads === undefined || o.threads === null ? null : int(o.threads, 'threads', 1),
  };
  problems.throwIfAny(where);
  return sweep;
}

/**
 * Run folders and data of one data setting: `out/runs` and `out/data` for a single setting (the
 * layout of bench/cgar-table), `out/<name>/runs` and `out/<name>/data` for several.
 */
export function settingDir(sweep: Sweep, setting: DataSetting): string {
  return sweep.data.length > 1 ? join(sweep.out, setting.name) : sweep.out;
}

/**
 * The sweep's jobs in seed-major order (seed 0 of every configuration, then seed 1, ...), so the
 * first results already make a comparable table. Job id `<name>.<config>-s<seed>` (with the data
 * setting's name before the configuration when there are several).
 *
 * @example
 * planSweep(readSweepFile('tiny.json')).map((j) => j.id); // ['tiny.baseline-s0', 'tiny.cgar-s0', ...]
 */
export function planSweep(sweep: Sweep): PlannedJob[] {
  const model = getPreset(sweep.preset);
  const jobs: PlannedJob[] = [];
  for (const setting of sweep.data) {
    const dir = settingDir(sweep, setting);
    const { name: dataName, ...data } = setting;
    for (const seed of sweep.seeds)
      for (const config of sweep.configs) {
        const spec: RunSpec = {
          config,
          seed,
          preset: sweep.preset,
          model,
          steps: sweep.steps,
          batch: sweep.batch,
          lr: sweep.lr,
          warmup: sweep.warmup,
          evalEvery: sweep.evalEvery,
          data,
          ep: sweep.ep,
          threads: sweep.threads,
        };
        const run = `${config}-s${seed}`;
        jobs.push({
          id: sweep.data.length > 1 ? `${sweep.name}.${dataName}.${run}` : `${sweep.name}.${run}`,
          data: { kind: 'train', runDir: join(dir, 'runs', run), dataDir: join(dir, 'data'), spec },
        });
      }
  }
  return jobs;
}
