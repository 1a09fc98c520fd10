import { closest, type ProblemKind, Problems } from '@cgar/common';
import { HALT_HEADS, LOSSES, MIXERS, type TrmConfig } from './config.js';
import { getPreset, type PresetName } from './presets.js';

type Kind = 'positiveInt' | 'positive' | 'nonNegative' | 'mixer' | 'loss' | 'haltHead';

const FIELDS: Readonly<Record<keyof TrmConfig, Kind>> = {
  hidden: 'positiveInt',
  layers: 'positiveInt',
  expansion: 'positive',
  interMultiple: 'positiveInt',
  mixer: 'mixer',
  heads: 'positiveInt',
  ropeTheta: 'positive',
  vocab: 'positiveInt',
  cells: 'positiveInt',
  prefix: 'positiveInt',
  puzzleIds: 'positiveInt',
  nSup: 'positiveInt',
  n: 'positiveInt',
  T: 'positiveInt',
  loss: 'loss',
  haltWeight: 'nonNegative',
  rmsEps: 'positive',
  haltHead: 'haltHead',
};

export const CONFIG_FIELDS = Object.keys(FIELDS) as (keyof TrmConfig)[];

/**
 * Upper bounds far above any model this project trains; they turn a typo such as
 * `hidden: 1e12` into a clear error before any memory is allocated.
 */
const MAXIMA: Readonly<Partial<Record<keyof TrmConfig, number>>> = {
  hidden: 16_384,
  layers: 256,
  expansion: 64,
  interMultiple: 65_536,
  heads: 1024,
  vocab: 1 << 20,
  cells: 1 << 16,
  prefix: 4096,
  puzzleIds: 1 << 24,
  nSup: 4096,
  n: 256,
  T: 256,
};

interface Problem {
  kind: ProblemKind;
  text: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v));

function checkField(field: keyof TrmConfig, value: unknown): Problem | undefined {
  const kind = FIELDS[field];
  // NOTE: haltHead is optional; configs written before it existed mean 'prefix'.
  if (value === undefined)
    return kind === 'haltHead' ? undefined : { kind: 'type', text: `${field} is missing` };
  if (kind === 'mixer' || kind === 'loss' || kind === 'haltHead') {
    const allowed: readonly string[] = kind === 'mixer' ? MIXERS : kind === 'loss' ? LOSSES : HALT_HEADS;
    if (typeof value !== 'string')
      return { kind: 'type', text: `${field} is ${show(value)}, expected a string` };
    if (!allowed.includes(value)) {
      return {
        kind: 'range',
        text: `${field} is ${show(value)}, expected one of ${allowed.map(show).join(', ')}`,
      };
    }
    return undefined;
  }
  if (typeof value !== 'number') {
    return { kind: 'type', text: `${field} is ${show(value)} (${typeof value}), expected a number` };
  }
  const ok =
    kind === 'positiveInt'
      ? Number.isInteger(value) && value >= 1
      : kind === 'positive'
        ? Number.isFinite(value) && value > 0
        : Number.isFinite(value) && value >= 0;
  if (ok) return undefined;
  const want = {
    positiveInt: 'an integer >= 1',
    positive: 'a finite number > 0',
    nonNegative: 'a finite number >= 0',
  };
  return { kind: 'range', text: `${field} is ${show(value)}, expected ${want[kind]}` };
}

function suggest(name: string): string {
  const best = closest(name, CONFIG_FIELDS);
  return best !== undefined ? `; did you mean '${best}'?` : `; known fields: ${CONFIG_FIELDS.join(', ')}`;
}

function collectProblems(cfg: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(cfg)) {
    if (!Object.hasOwn(FIELDS, key))
      problems.push({ kind: 'type', text: `unknown field '${key}'${suggest(key)}` });
  }
  for (const field of CONFIG_FIELDS) {
    const p = checkField(field, cfg[field]);
    if (p) problems.push(p);
  }
  const { mixer, hidden, heads } = cfg;
  if (
    mixer === 'attention' &&
    Number.isInteger(hidden) &&
    Number.isInteger(heads) &&
    (heads as number) >= 1
  ) {
    const [h, k] = [hidden as number, heads as number];
    if (h % k !== 0) {
      problems.push({ kind: 'range', text: `hidden ${h} is not divisible by heads ${k} (attention mixer)` });
    } else if ((h / k) % 2 !== 0) {
      problems.push({
        kind: 'range',
        text: `head dim hidden/heads = ${h / k} must be even for rotary embedding`,
      });
    }
  }
  for (const [field, max] of Object.entries(MAXIMA)) {
    const v = cfg[field];
    if (typeof v === 'number' && v > max)
      problems.push({ kind: 'range', text: `${field} is ${v}, expected at most ${max} (a sanity bound)` });
  }
  if (Number.isInteger(cfg.vocab) && (cfg.vocab as number) < 2) {
    problems.push({ kind: 'range', text: `vocab is ${cfg.vocab}, expected >= 2 (id 0 is padding)` });
  }
  return problems;
}

/**
 * Checks every field of a config and throws once listing every problem (`Problems` of @cgar/common):
 * a `TypeError` if every problem is a field of the wrong kind, missing or unknown (typos get a
 * did-you-mean), else a `RangeError`.
 *
 * @example
 * validateConfig({ ...getPreset('cpu-tiny'), hiden: 64 }); // TypeError: unknown field 'hiden'; did you mean 'hidden'?
 */
export function validateConfig(cfg: unknown): TrmConfig {
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) {
    throw new TypeError(`validateConfig: 'cfg' must be an object, got ${cfg === null ? 'null' : typeof cfg}`);
  }
  const problems = new Problems();
  for (const p of collectProblems(cfg as Record<string, unknown>)) problems.add(p.kind, p.text);
  problems.throwIfAny('validateConfig: the TRM config');
  return cfg as TrmConfig;
}

/**
 * Builds a validated config from overrides on top of a base (a preset name or a config;
 * `sudoku-mlp` by default).
 *
 * @example
 * const cfg = defineConfig({ hidden: 96, interMultiple: 32 }, 'cpu-small');
 */
export function defineConfig(
  partial: Partial<TrmConfig>,
  base: TrmConfig | PresetName = 'sudoku-mlp',
): TrmConfig {
  const start = typeof base === 'string' ? getPreset(base) : base;
  return validateConfig({ ...start, ...partial });
}

/**
 * Lists the fields where two configs differ, as `field: a vs b` lines (empty when equal).
 *
 * @example
 * diffConfigs(getPreset('cpu-tiny'), getPreset('cpu-small')); // ['hidden: 32 vs 64', 'interMultiple: 16 vs 32']
 */
export function diffConfigs(a: TrmConfig, b: TrmConfig): string[] {
  const out: string[] = [];
  for (const field of CONFIG_FIELDS) {
    if (!Object.is(a[field], b[field])) out.push(`${field}: ${show(a[field])} vs ${show(b[field])}`);
  }
  return out;
}
