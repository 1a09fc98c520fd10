import { closest } from '@cgar/common';
import {
  CONFIG_FIELDS,
  channelInter,
  countParams,
  getPreset,
  headDim,
  isPresetName,
  netCallsPerStep,
  netFlops,
  PRESET_NAMES,
  seqLen,
  stepFlops,
  type TrmConfig,
  tokenMixerInter,
} from '@cgar/export';
import { defineCommand, UsageError } from '../command.js';

/** Depths of CGAR's progressive depth curriculum (docs/design.md section 6). */
const CURRICULUM: readonly (readonly [number, number])[] = [
  [2, 1],
  [4, 2],
  [6, 3],
];

/** Everything `cgar info` reports about a config, as plain data (this is the `--json` output). */
export function describeConfig(preset: string, config: TrmConfig) {
  const depths: [number, number][] = CURRICULUM.map(([n, T]) => [n, T]);
  if (!depths.some(([n, T]) => n === config.n && T === config.T)) depths.push([config.n, config.T]);
  const trainable = countParams(config);
  const total = countParams(config, { trainableOnly: false });
  return {
    preset,
    config,
    derived: {
      seqLen: seqLen(config),
      tokenMixerInter: config.mixer === 'mlp' ? tokenMixerInter(config) : null,
      channelInter: channelInter(config),
      headDim: config.mixer === 'attention' ? headDim(config) : null,
    },
    params: { trainable, total, untrained: total - trainable },
    flops: {
      net: netFlops(config),
      perStep: depths.map(([n, T]) => ({
        n,
        T,
        preset: n === config.n && T === config.T,
        netsForward: netCallsPerStep(n, T),
        netsTraining: netCallsPerStep(n, T, { backward: true }),
        forward: stepFlops(config, n, T),
        training: stepFlops(config, n, T, { backward: true }),
      })),
    },
  };
}

const int = (v: number) => v.toLocaleString('en-US');

function flops(v: number): string {
  const units: [number, string][] = [
    [1e12, 'TFLOP'],
    [1e9, 'GFLOP'],
    [1e6, 'MFLOP'],
    [1e3, 'kFLOP'],
  ];
  for (const [scale, unit] of units) if (v >= scale) return `${(v / scale).toFixed(2)} ${unit}`;
  return `${v} FLOP`;
}

const WIDTHS = [10, 8, 14, 10, 14];
const row = (cells: string[]) =>
  `  ${cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[0]!) : c.padStart(WIDTHS[i]!))).join('')}`;

function formatText(info: ReturnType<typeof describeConfig>): string {
  const { config, derived, params } = info;
  const w = Math.max(...CONFIG_FIELDS.map((f) => f.length)) + 2;
  const steps = info.flops.perStep.map((s) =>
    row([
      `(${s.n},${s.T})${s.preset ? ' *' : ''}`,
      String(s.netsForward),
      flops(s.forward),
      String(s.netsTraining),
      flops(s.training),
    ]),
  );
  const inters =
    derived.tokenMixerInter === null
      ? `channel SwiGLU ${derived.channelInter}, head dim ${derived.headDim}`
      : `token SwiGLU ${derived.tokenMixerInter}, channel SwiGLU ${derived.channelInter}`;
  const shape = `${config.mixer} mixer, D=${config.hidden}, ${config.layers} layers`;
  const sequence = `sequence ${derived.seqLen} (prefix ${config.prefix} + ${config.cells} cells)`;
  const untrained = `puzzle_emb and H_init/L_init add ${int(params.untrained)}; not counted as trainable`;
  return [
    `${info.preset}: ${shape}, ${sequence}, ${inters}`,
    '',
    'config',
    ...CONFIG_FIELDS.map((f) => `  ${f.padEnd(w)}${config[f]}`),
    '',
    'parameters',
    `  ${'trainable'.padEnd(w)}${int(params.trainable)}`,
    `  ${'total'.padEnd(w)}${int(params.total)} (${untrained})`,
    '',
    `FLOPs per sample and supervision step (net = ${flops(info.flops.net)}; backward counted as 2 forwards)`,
    row(['depth', 'nets', 'forward', 'nets', 'training']),
    ...steps,
    `  * the preset's depth (n=${config.n}, T=${config.T})`,
    '',
  ].join('\n');
}

export const info = defineCommand({
  summary: "Show a preset's config, parameter counts and FLOPs per supervision step",
  usage: 'info --preset NAME [--json]',
  description:
    "Show a preset's config, its trainable and total parameter counts, and the FLOPs of one\n" +
    "supervision step at the curriculum depths (2,1), (4,2), (6,3) and at the preset's own depth.\n" +
    `Presets: ${PRESET_NAMES.join(', ')}.`,
  options: {
    preset: {
      type: 'string',
      short: 'p',
      valueName: 'NAME',
      description: `preset to describe (${PRESET_NAMES.join(', ')})`,
    },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  async run({ values, io }) {
    const name = values.preset;
    if (name === undefined) throw new UsageError(`missing --preset NAME (one of ${PRESET_NAMES.join(', ')})`);
    if (!isPresetName(name)) {
      const hint = closest(name, PRESET_NAMES);
      throw new UsageError(
        `unknown preset '${name}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${PRESET_NAMES.join(', ')})`,
      );
    }
    const report = describeConfig(name, getPreset(name));
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
    return 0;
  },
});
