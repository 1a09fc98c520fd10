import type { TrmConfig } from './config.js';

const sudokuMlp: TrmConfig = {
  hidden: 512,
  layers: 2,
  expansion: 4,
  interMultiple: 256,
  mixer: 'mlp',
  heads: 8,
  ropeTheta: 10000,
  vocab: 11,
  cells: 81,
  prefix: 16,
  puzzleIds: 1,
  nSup: 16,
  n: 6,
  T: 3,
  loss: 'stablemax',
  haltWeight: 0.5,
  rmsEps: 1e-5,
};

// NOTE: the CPU presets keep the full depth (n=6, T=3) so CGAR's depth curriculum has
// stages to walk through; they shrink the width, use one prefix position and softmax.
const cpu = (hidden: number, interMultiple: number, heads: number): TrmConfig => ({
  ...sudokuMlp,
  hidden,
  interMultiple,
  heads,
  prefix: 1,
  loss: 'softmax',
});

/**
 * Named configurations. `sudoku-mlp` and `sudoku-attn` are the official Sudoku models
 * (TRM-MLP and the attention variant); `cpu-*` are small models that train on a laptop CPU.
 * Head counts of the `cpu-*` presets keep head dim 16 to 64 for an `attention` override.
 */
export const presets = {
  'sudoku-mlp': Object.freeze(sudokuMlp),
  'sudoku-attn': Object.freeze({ ...sudokuMlp, mixer: 'attention' } satisfies TrmConfig),
  'cpu-tiny': Object.freeze(cpu(32, 16, 2)),
  'cpu-small': Object.freeze(cpu(64, 32, 2)),
  'cpu-medium': Object.freeze(cpu(128, 64, 2)),
  'cpu-large': Object.freeze(cpu(256, 128, 4)),
} as const satisfies Record<string, Readonly<TrmConfig>>;

export type PresetName = keyof typeof presets;

export const PRESET_NAMES = Object.keys(presets) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(presets, name);
}

/**
 * Looks up a preset by name and returns a fresh, mutable copy.
 *
 * @example
 * getPreset('cpu-small').hidden; // 64
 */
export function getPreset(name: string): TrmConfig {
  if (typeof name !== 'string') {
    throw new TypeError(`getPreset: 'name' must be a string, got ${typeof name}`);
  }
  if (!isPresetName(name)) {
    throw new RangeError(`getPreset: unknown preset '${name}'; known presets: ${PRESET_NAMES.join(', ')}`);
  }
  return { ...presets[name] };
}
