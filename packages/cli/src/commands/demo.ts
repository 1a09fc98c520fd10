import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildHaltingGraph, getPreset } from '@cgar/export';
import { create } from '@cgar/runtime/node';
import { cgarPlugins } from '@cgar/sweep';
import { formatGrid } from '@cgar/tasks';
import { buildSudokuDataset, readDataset } from '@cgar/tasks/node';
import { calibrateHalting, checkProvider, haltingAt, renderReport, runTraining } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';
import { defineCommand } from '../command.js';
import { writeFileAtomic } from '../files.js';
import { choiceFlag, duration, numberFlag, progressBar } from '../flags.js';

/** The demo's puzzles: medium Sudoku, where a trained model refines over several steps. */
export const DEMO_GIVENS = { minGivens: 36, maxGivens: 45 } as const;
/** Optimizer steps of the demo's training run. */
export const DEMO_STEPS = 2000;
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export const demo = defineCommand({
  summary: 'Build data, train a small model with CGAR, evaluate, export and solve with halting',
  usage:
    'demo [--out DIR] [--steps N] [--preset NAME] [--batch B] [--halt-head cells|prefix] [--ep cpu|cuda|webgpu]',
  description:
    'The whole pipeline on this machine in about ten minutes: medium Sudoku puzzles (36 to 45\n' +
    'givens), the cpu-small preset trained with the progressive depth curriculum and supervision\n' +
    'weighting (training slots halt when their answer is right), evaluation under every halting\n' +
    'rule, a halting threshold calibrated on a validation split, export of the halting model, and\n' +
    'unseen puzzles solved with the steps each took. Everything lands in --out (default runs/demo).',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'folder for data, run and model (default runs/demo)',
    },
    steps: { type: 'string', valueName: 'N', description: 'optimizer steps (default 2000)' },
    preset: { type: 'string', valueName: 'NAME', description: 'model preset (default cpu-small)' },
    batch: { type: 'string', valueName: 'B', description: 'ACT slots (default 32)' },
    'halt-head': {
      type: 'string',
      valueName: 'WHAT',
      description:
        'what the halting head reads: cells (default, the mean over the answer) or prefix (official)',
    },
    ep: { type: 'string', valueName: 'EP', description: 'execution provider: cpu (default), cuda, webgpu' },
  },
  async run({ values, io }) {
    const out = values.out ?? join('runs', 'demo');
    const steps = numberFlag('steps', values.steps, true) ?? DEMO_STEPS;
    const haltHead = choiceFlag('halt-head', values['halt-head'], ['cells', 'prefix'] as const, 'cells');
    const config = { ...getPreset(values.preset ?? 'cpu-small'), haltHead };
    const ep = choiceFlag('ep', values.ep, ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
    await checkProvider(ort, ep);
    const dataDir = join(out, 'data');
    mkdirSync(out, { recursive: true });

    io.stdout(`1/5 building Sudoku puzzles of 36 to 45 givens in ${dataDir}\n`);
    buildSudokuDataset({ dir: dataDir, seed: 1, train: 5000, test: 400, ...DEMO_GIVENS });
    const train = readDataset(join(dataDir, 'train')).examples;
    const held = readDataset(join(dataDir, 'test')).examples;
    // NOTE: both halves come from the test seed, never seen in training: one tunes the threshold, one reports.
    const validation = held.slice(0, 200);
    const test = held.slice(200);

    io.stdout(
      `2/5 training ${values.preset ?? 'cpu-small'} (D=${config.hidden}) with CGAR for ${steps} steps\n`,
    );
    const run = await runTraining(ort, {
      config,
      train,
      test: validation.slice(0, 100),
      steps,
      batchSize: numberFlag('batch', values.batch, true) ?? 32,
      ep,
      seed: 0,
      lr: { lr: 3e-3, warmup: Math.floor(steps / 20) },
      plugins: cgarPlugins(config, steps, 'paper', 'per-sample'),
      trainHalt: 'correct',
      weightHalting: false,
      outDir: join(out, 'run'),
      checkpointEvery: 100,
      evalEvery: Math.floor(steps / 2),
      evalRaw: true,
      describe: {
        preset: values.preset ?? 'cpu-small',
        curriculum: 'paper',
        weighting: 'per-sample',
        trainHalt: 'correct',
        weightHalting: false,
        haltHead,
      },
      onStep: (m, p) =>
        progressBar(
          io,
          p.step,
          p.total,
          `n=${m.n},T=${m.T} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(1)} it/s ETA ${duration(p.etaSeconds)}`,
        ),
    });
    writeFileAtomic(join(out, 'run', 'report.html'), renderReport(join(out, 'run')));

    io.stdout(`3/5 evaluating on ${test.length} unseen puzzles (EMA weights, full depth)\n`);
    const m = await run.trainer.evaluate(test, { traces: true });
    io.stdout(
      `    all ${config.nSup} steps: exact ${pct(m.exact)}, cell ${pct(m.cell)}, halting accuracy ${pct(m.haltAcc)}\n`,
    );
    for (const [name, r] of Object.entries(m.rules))
      io.stdout(
        `    halting rule ${name.padEnd(17)} exact ${pct(r.exact)} in ${r.meanSteps.toFixed(2)} steps\n`,
      );

    const v = await run.trainer.evaluate(validation, { traces: true });
    const c = calibrateHalting(v.traces, { maxLoss: 0.005 });
    const threshold = Number(c.threshold.toPrecision(4));
    const learned = haltingAt(m.traces, threshold);
    io.stdout(
      `4/5 q_halt threshold calibrated on ${validation.length} other unseen puzzles: ${threshold}; ` +
        `on the test puzzles: exact ${pct(learned.exact)} in ${learned.meanSteps.toFixed(2)} steps\n`,
    );

    const modelPath = join(out, 'model.onnx');
    const model = buildHaltingGraph(config, run.trainer.exportParams());
    writeFileAtomic(modelPath, model.bytes);
    writeFileAtomic(
      join(out, 'halting.json'),
      `${JSON.stringify({ threshold, calibration: { maxLoss: c.maxLoss, validation: validation.length } }, null, 2)}\n`,
    );
    io.stdout(
      `5/5 exported the halting model to ${modelPath}; solving the ${test.length} unseen test puzzles with q_halt > ${threshold}\n\n`,
    );
    const solver = await create(model.bytes, {
      executionProviders: ep === 'cpu' ? ['cpu'] : [ep, 'cpu'],
      halting: { threshold },
    });
    // NOTE: the solved puzzles that took the most steps show the answer being refined.
    const results = await solver.solve(test.map((p) => p.puzzle));
    await solver.release();
    const graded = results.map((r, i) => ({
      r,
      p: test[i]!,
      right: r.digits.every((d, cell) => d === test[i]!.solution[cell]),
    }));
    const solved = graded.filter((g) => g.right).length;
    const meanSteps = graded.reduce((sum, g) => sum + g.r.steps, 0) / graded.length;
    io.stdout(
      `    ${solved} of ${graded.length} unseen puzzles solved, ${meanSteps.toFixed(2)} steps on average (of ${config.nSup}); the three solved ones that took the most steps:\n\n`,
    );
    const shown = graded
      .sort((a, b) => Number(b.right) - Number(a.right) || b.r.steps - a.r.steps)
      .slice(0, 3);
    shown.forEach(({ r, p, right }, i) => {
      const left = formatGrid(p.puzzle).split('\n');
      const rightCol = formatGrid(r.digits).split('\n');
      io.stdout(
        `puzzle ${i + 1}: ${r.steps} step${r.steps === 1 ? '' : 's'}, ${right ? 'solved' : 'not solved'}\n`,
      );
      io.stdout(`${left.map((l, k) => `  ${l}    ${rightCol[k] ?? ''}`).join('\n')}\n\n`);
    });
    io.stdout(`report: ${join(out, 'run', 'report.html')}\n`);
    return 0;
  },
});
