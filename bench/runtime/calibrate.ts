/**
 * bench/runtime/calibrate.ts: how well a halting threshold calibrated on one split holds on
 * another. Evaluates a checkpoint (EMA weights, all Nsup steps) on a validation data set and a
 * held-out test set, picks the threshold with `calibrateHalting` on the validation traces only,
 * and reports on the test set: every step, the trained rule `q_halt > 0`, and the calibrated one.
 *
 *   npx tsx bench/runtime/calibrate.ts --checkpoint RUN/checkpoint.safetensors --val DIR --test DIR [--max-loss 0.5]
 *
 * DIR is a split folder made by `cgar build-data` (for example data/val/test).
 */
import { parseArgs } from 'node:util';
import type { TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { readDataset } from '@cgar/tasks/node';
import { calibrateHalting, evaluate, haltingAt } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    val: { type: 'string' },
    test: { type: 'string' },
    'max-loss': { type: 'string' },
  },
  strict: true,
});
const missing = (['checkpoint', 'val', 'test'] as const).filter((k) => !values[k]);
if (missing.length) {
  console.error(
    `calibrate.ts: ${missing.map((k) => `--${k}`).join(', ')} required; see the usage at the top of the file`,
  );
  process.exit(2);
}
const maxLoss = Number(values['max-loss'] ?? '0.5') / 100;
const ckpt = await loadCheckpoint(values.checkpoint!);
const params = (ckpt.ema ?? ckpt.params) as TrmParams;
const run = (dir: string) => evaluate(ort, ckpt.config, params, readDataset(dir).examples, { traces: true });
const val = await run(values.val!);
const test = await run(values.test!);
const c = calibrateHalting(val.traces, { maxLoss });
const rows: [string, { exact: number; meanSteps: number }][] = [
  [`all ${ckpt.config.nSup} steps`, { exact: test.exact, meanSteps: ckpt.config.nSup }],
  ['q_halt > 0 (trained rule)', haltingAt(test.traces, 0)],
  [`q_halt > ${c.threshold.toFixed(3)} (calibrated on --val)`, haltingAt(test.traces, c.threshold)],
];
console.log(
  `calibrated on ${val.count} validation puzzles: threshold ${c.threshold.toFixed(3)}, exact ${(100 * c.exact).toFixed(1)}% (all steps ${(100 * c.fullExact).toFixed(1)}%) in ${c.meanSteps.toFixed(2)} steps\n`,
);
console.log(`| rule, on ${test.count} test puzzles | exact | mean steps |\n| --- | ---: | ---: |`);
for (const [name, p] of rows)
  console.log(`| ${name} | ${(100 * p.exact).toFixed(1)}% | ${p.meanSteps.toFixed(2)} |`);
