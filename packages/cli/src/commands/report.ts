import { join } from 'node:path';
import { CHECKPOINT_FILE, METRICS_FILE, renderReport } from '@cgar/trainer';
import { defineCommand, UsageError } from '../command.js';
import { refuseOverwrite, writeFileAtomic } from '../files.js';

export const report = defineCommand({
  summary: 'Write an HTML report (plots of loss, accuracy, stages, halting) of a training run',
  usage: 'report RUN_DIR [--out FILE]',
  description:
    'Reads RUN_DIR/metrics.jsonl and writes RUN_DIR/report.html, a single file that opens offline.',
  positionals: true,
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'output file (default RUN_DIR/report.html)',
    },
  },
  async run({ values, positionals, io }) {
    const dir = positionals[0];
    if (!dir) throw new UsageError('report needs the run folder: cgar report RUN_DIR');
    const out = values.out ?? join(dir, 'report.html');
    const inputs = [METRICS_FILE, CHECKPOINT_FILE, 'run.json', 'run.lock'].map((f) => join(dir, f));
    refuseOverwrite('--out', out, inputs);
    writeFileAtomic(out, renderReport(dir, { onWarning: (m) => io.stderr(`warning: ${m}\n`) }));
    io.stdout(`wrote ${out}\n`);
    return 0;
  },
});
