import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHaltingGraph, getPreset } from '@cgar/export';
import { create } from '@cgar/runtime/node';
import { buildSudokuDataset, formatGrid, readDataset } from '@cgar/tasks';
import { checkProvider, renderReport, runTraining } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { defineCommand } from '../command.js';
import { choiceFlag, duration, numberFlag, progressBar } from '../flags.js';
import { cgarPlugins } from '../setup.js';

export const demo = defineCommand({
  summary: 'Build data, train a small model with CGAR, evaluate, export and solve with halting',
  usage: 'demo [--out DIR] [--steps N] [--preset NAME] [--ep cpu|cuda|webgpu]',
  description:
    'The whole pipeline on this machine in a few minutes: easy Sudoku puzzles (45 to 55 givens), the\n' +
    'cpu-small preset trained with the progressive depth curriculum and per-sample supervision\n' +
    'weighting, evaluation with adaptive halting, export of the halting model, and unseen puzzles\n' +
    'solved with the steps each took. Everything lands in --out (default runs/demo).',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'folder for data, run and model (default runs/demo)',
    },
    steps: { type: 'string', valueName: 'N', description: 'optimizer steps (default 1000)' },
    preset: { type: 'string', valueName: 'NAME', description: 'model preset (default cpu-small)' },
    batch: { type: 'string', valueName: 'B', description: 'ACT slots (default 32)' },
    ep: { type: 'string', valueName: 'EP', description: 'execution provider: cpu (default), cuda, webgpu' },
  },
  async run({ values, io }) {
    const out = values.out ?? join('runs', 'demo');
    const steps = numberFlag('steps', values.steps, true) ?? 1000;
    const config = getPreset(values.preset ?? 'cpu-small');
    const ep = choiceFlag('ep', values.ep, ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
    await checkProvider(ort, ep);
    const dataDir = join(out, 'data');
    mkdirSync(out, { recursive: true });

    io.stdout(`1/4 building easy Sudoku puzzles in ${dataDir}\n`);
    buildSudokuDataset({ dir: dataDir, seed: 1, train: 3000, test: 200, minGivens: 45, maxGivens: 55 });
    const train = readDataset(join(dataDir, 'train')).examples;
    const test = readDataset(join(dataDir, 'test')).examples;

    io.stdout(
      `2/4 training ${values.preset ?? 'cpu-small'} (D=${config.hidden}) with CGAR for ${steps} steps\n`,
    );
    const run = await runTraining(ort, {
      config,
      train,
      test: test.slice(0, 100),
      steps,
      batchSize: numberFlag('batch', values.batch, true) ?? 32,
      ep,
      seed: 0,
      lr: { lr: 3e-3, warmup: Math.floor(steps / 20) },
      plugins: cgarPlugins(config, steps, 'paper', 'per-sample'),
      outDir: join(out, 'run'),
      checkpointEvery: 100,
      evalEvery: Math.floor(steps / 2),
      describe: { preset: values.preset ?? 'cpu-small', curriculum: 'paper', weighting: 'per-sample' },
      onStep: (m, p) =>
        progressBar(
          io,
          p.step,
          p.total,
          `n=${m.n},T=${m.T} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(1)} it/s ETA ${duration(p.etaSeconds)}`,
        ),
    });
    writeFileSync(join(out, 'run', 'report.html'), renderReport(join(out, 'run')));

    io.stdout('3/4 evaluating on 200 unseen puzzles (EMA weights, full depth)\n');
    const m = await run.trainer.evaluate(test);
    io.stdout(
      `    all ${config.nSup} steps: exact ${(100 * m.exact).toFixed(1)}%, cell ${(100 * m.cell).toFixed(1)}%, halting accuracy ${(100 * m.haltAcc).toFixed(1)}%\n` +
        `    adaptive halting: exact ${(100 * m.exactAdaptive).toFixed(1)}% in ${m.meanSteps.toFixed(2)} steps on average\n`,
    );

    const modelPath = join(out, 'model.onnx');
    const model = buildHaltingGraph(config, run.trainer.exportParams());
    writeFileSync(`${modelPath}.tmp`, model.bytes);
    renameSync(`${modelPath}.tmp`, modelPath);
    io.stdout(`4/4 exported the halting model to ${modelPath}; solving 3 unseen puzzles with it\n\n`);
    // NOTE: the runtime the project ships, with its default rule: stop at the first q_halt > 0.
    const solver = await create(model.bytes, { executionProviders: ep === 'cpu' ? ['cpu'] : [ep, 'cpu'] });
    const puzzles = test.slice(0, 3);
    const results = await solver.solve(puzzles.map((p) => p.puzzle));
    await solver.release();
    puzzles.forEach((p, i) => {
      const answer = results[i]!.digits;
      const right = answer.every((d, c) => d === p.solution[c]);
      const left = formatGrid(p.puzzle).split('\n');
      const rightCol = formatGrid(answer).split('\n');
      io.stdout(`puzzle ${i + 1}: ${results[i]!.steps} steps, ${right ? 'solved' : 'not solved'}\n`);
      io.stdout(`${left.map((l, k) => `  ${l}    ${rightCol[k] ?? ''}`).join('\n')}\n\n`);
    });
    io.stdout(`report: ${join(out, 'run', 'report.html')}\n`);
    return 0;
  },
});
