import { join } from 'node:path';
import { loadCheckpoint, type TrmParams } from '@cgar/export';
import { readDataset } from '@cgar/tasks';
import { evaluate } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { defineCommand, UsageError } from '../command.js';
import { numberFlag } from '../flags.js';

export const evalCommand = defineCommand({
  summary: 'Evaluate a checkpoint on held-out puzzles at full depth',
  usage: 'eval --checkpoint FILE --data DIR [--split test|train] [--limit N] [--raw] [--json]',
  description:
    'Runs all Nsup supervision steps on every puzzle of DIR/<split> and reports exact and cell\n' +
    'accuracy, halting accuracy, and the exact accuracy and mean steps under adaptive halting.\n' +
    'Uses the EMA weights unless --raw.',
  options: {
    checkpoint: { type: 'string', short: 'c', valueName: 'FILE', description: 'checkpoint from cgar train' },
    data: { type: 'string', short: 'd', valueName: 'DIR', description: 'data set folder' },
    split: { type: 'string', valueName: 'NAME', description: 'test (default) or train' },
    limit: { type: 'string', valueName: 'N', description: 'evaluate only the first N puzzles' },
    raw: { type: 'boolean', description: 'evaluate the raw weights instead of the EMA' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run({ values, io }) {
    if (!values.checkpoint) throw new UsageError('--checkpoint FILE is required');
    if (!values.data) throw new UsageError('--data DIR is required');
    const ckpt = await loadCheckpoint(values.checkpoint);
    const examples = readDataset(join(values.data, values.split ?? 'test')).examples;
    const limit = numberFlag('limit', values.limit, true) ?? examples.length;
    const params = (values.raw || !ckpt.ema ? ckpt.params : ckpt.ema) as TrmParams;
    const m = await evaluate(ort, ckpt.config, params, examples.slice(0, limit));
    if (values.json) io.stdout(`${JSON.stringify(m)}\n`);
    else {
      io.stdout(
        `${m.count} puzzles, ${values.raw || !ckpt.ema ? 'raw' : 'EMA'} weights, step ${ckpt.step}\n` +
          `  all ${ckpt.config.nSup} steps:  exact ${(100 * m.exact).toFixed(2)}%  cell ${(100 * m.cell).toFixed(2)}%  halting accuracy ${(100 * m.haltAcc).toFixed(2)}%\n` +
          `  adaptive halting: exact ${(100 * m.exactAdaptive).toFixed(2)}%  mean steps ${m.meanSteps.toFixed(2)}\n`,
      );
    }
    return 0;
  },
});
