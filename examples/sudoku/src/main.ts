// The Node API end to end, in one file: data, CGAR training, evaluation, export, halting inference.
//   npx tsx examples/sudoku/src/main.ts [steps]
import { writeFileSync } from 'node:fs';
import { createCurriculum, paperSchedule } from '@cgar/curriculum';
import { buildHaltingGraph, getPreset } from '@cgar/export';
import { create } from '@cgar/runtime/node';
import { createWeighting } from '@cgar/supervision';
import { formatGrid, generate } from '@cgar/tasks';
import { Trainer } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const steps = Number(process.argv[2] ?? 600);
const config = getPreset('cpu-small');

// 1. Data: unique-solution puzzles; the held-out set comes from another seed.
const train = generate({ seed: 1, count: 3000, minGivens: 45, maxGivens: 55 });
const test = generate({ seed: 2, count: 100, minGivens: 45, maxGivens: 55 });

// 2. Train with CGAR: the paper's depth curriculum and per-sample supervision weighting.
const trainer = await Trainer.create(ort, {
  config,
  train,
  steps,
  batchSize: 32,
  lr: { lr: 3e-3, warmup: 30 },
  plugins: [createCurriculum(paperSchedule(), { totalSteps: steps }), createWeighting({ nSup: config.nSup })],
});
while (!trainer.done) {
  const m = await trainer.step();
  if (m.step % 100 === 0)
    console.log(`step ${m.step}: depth (n=${m.n}, T=${m.T}), loss ${m.loss.toFixed(3)}`);
}

// 3. Evaluate the EMA weights at full depth, with and without adaptive halting.
const m = await trainer.evaluate(test);
console.log(
  `exact ${(100 * m.exact).toFixed(1)}% after ${config.nSup} steps; ${(100 * m.exactAdaptive).toFixed(1)}% with halting in ${m.meanSteps.toFixed(2)} steps`,
);

// 4. Export the adaptive-halting model: one ONNX file, standard ops, weights embedded.
const model = buildHaltingGraph(config, trainer.exportParams());
writeFileSync('sudoku-halting.onnx', model.bytes);

// 5. Serve it: each puzzle stops at the first step where the halting head says so.
const solver = await create('sudoku-halting.onnx');
const [answer] = await solver.solve([test[0]!.puzzle]);
console.log(formatGrid(answer!.digits));
console.log(`${answer!.steps} steps, halted by ${answer!.haltedBy}, q_halt ${answer!.qHalt.toFixed(2)}`);
await solver.release();
