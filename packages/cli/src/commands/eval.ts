import { join } from 'node:path';
import { loadCheckpoint, type TrmParams } from '@cgar/export';
import { readDataset } from '@cgar/tasks';
import {
  calibrateHalting,
  checkProvider,
  evaluate,
  type HaltingCalibration,
  type HaltingTrace,
  haltingAt,
  sessionOptions,
} from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { defineCommand, UsageError } from '../command.js';
import { choiceFlag, numberFlag } from '../flags.js';

export const evalCommand = defineCommand({
  summary: 'Evaluate a checkpoint on held-out puzzles at full depth',
  usage:
    'eval --checkpoint FILE --data DIR [--split test|train] [--limit N] [--raw] [--calibrate [--max-loss P]] [--ep cpu|cuda|webgpu] [--json]',
  description:
    'Runs all Nsup supervision steps on every puzzle of DIR/<split> and reports exact and cell\n' +
    'accuracy, halting accuracy, and the exact accuracy and mean steps under adaptive halting.\n' +
    'Uses the EMA weights unless --raw. --calibrate also finds the q_halt threshold that saves\n' +
    'the most steps on these puzzles while losing at most --max-loss points of exact accuracy, for\n' +
    "'cgar solve --threshold'; calibrate on puzzles other than those you report on.",
  options: {
    checkpoint: { type: 'string', short: 'c', valueName: 'FILE', description: 'checkpoint from cgar train' },
    data: { type: 'string', short: 'd', valueName: 'DIR', description: 'data set folder' },
    split: { type: 'string', valueName: 'NAME', description: 'test (default) or train' },
    limit: { type: 'string', valueName: 'N', description: 'evaluate only the first N puzzles' },
    raw: { type: 'boolean', description: 'evaluate the raw weights instead of the EMA' },
    calibrate: { type: 'boolean', description: 'find the halting threshold for cgar solve --threshold' },
    'max-loss': {
      type: 'string',
      valueName: 'P',
      description: 'exact-accuracy points --calibrate may give up (default 0.5)',
    },
    ep: { type: 'string', valueName: 'EP', description: 'execution provider: cpu (default), cuda, webgpu' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run({ values, io }) {
    if (!values.checkpoint) throw new UsageError('--checkpoint FILE is required');
    if (!values.data) throw new UsageError('--data DIR is required');
    const ckpt = await loadCheckpoint(values.checkpoint);
    const examples = readDataset(join(values.data, values.split ?? 'test')).examples;
    const limit = numberFlag('limit', values.limit, true) ?? examples.length;
    const params = (values.raw || !ckpt.ema ? ckpt.params : ckpt.ema) as TrmParams;
    const maxLossPoints = numberFlag('max-loss', values['max-loss'], false) ?? 0.5;
    if (values['max-loss'] !== undefined && !values.calibrate)
      throw new UsageError('--max-loss only applies with --calibrate');
    if (!(maxLossPoints >= 0 && maxLossPoints <= 100))
      throw new UsageError(`--max-loss must be between 0 and 100 points, got '${values['max-loss']}'`);
    const ep = choiceFlag('ep', values.ep, ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
    await checkProvider(ort, ep);
    const { traces, ...m } = await evaluate(ort, ckpt.config, params, examples.slice(0, limit), {
      traces: true,
      sessionOptions: sessionOptions(ep),
    });
    const c = values.calibrate ? calibrateHalting(traces, { maxLoss: maxLossPoints / 100 }) : undefined;
    const threshold = c && shortThreshold(traces, c);
    if (values.json) {
      const calibration = c && {
        threshold: Number(threshold),
        exact: c.exact,
        meanSteps: c.meanSteps,
        maxLoss: c.maxLoss,
      };
      io.stdout(`${JSON.stringify(calibration ? { ...m, calibration } : m)}\n`);
    } else {
      io.stdout(
        `${m.count} puzzles, ${values.raw || !ckpt.ema ? 'raw' : 'EMA'} weights, step ${ckpt.step}\n` +
          `  all ${ckpt.config.nSup} steps:  exact ${(100 * m.exact).toFixed(2)}%  cell ${(100 * m.cell).toFixed(2)}%  halting accuracy ${(100 * m.haltAcc).toFixed(2)}%\n` +
          `  adaptive halting: exact ${(100 * m.exactAdaptive).toFixed(2)}%  mean steps ${m.meanSteps.toFixed(2)}\n`,
      );
      if (c)
        io.stdout(
          `  calibrated (at most ${maxLossPoints} points lost): q_halt > ${threshold}  exact ${(100 * c.exact).toFixed(2)}%  mean steps ${c.meanSteps.toFixed(2)}\n` +
            `  use it with: cgar solve --threshold ${threshold}\n`,
        );
    }
    return 0;
  },
});

/** The threshold with the fewest decimals that halts these puzzles exactly as the calibrated one. */
function shortThreshold(traces: readonly HaltingTrace[], c: HaltingCalibration): string {
  for (let digits = 1; digits <= 12; digits++) {
    const text = c.threshold.toFixed(digits);
    const p = haltingAt(traces, Number(text));
    if (p.exact === c.exact && p.meanSteps === c.meanSteps) return text;
  }
  return String(c.threshold);
}
