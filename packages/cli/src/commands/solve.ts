import type { SolveResult, SolverOptions } from '@cgar/runtime/node';
import { formatGrid, givensConflict, isValidSolution, parseGrid } from '@cgar/tasks';
import { readPuzzleGrids } from '@cgar/tasks/node';
import { defineCommand, type Io, UsageError } from '../command.js';
import { choiceFlag, numberFlag, threadsFlag } from '../flags.js';
import { checkModelFile } from '../model-check.js';

const BATCH = 256;

function progress(io: Io, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  io.stderr(`\r[${bar}] ${done}/${total}${done === total ? '\n' : ''}`);
}

export const solve = defineCommand({
  summary: 'Solve Sudoku puzzles with an exported model and adaptive halting',
  usage:
    'solve --model FILE (PUZZLE | --file FILE) [--mode graph|host] [--threshold X] [--stable K] [--verified] [--fixed] [--ep cpu|cuda|webgpu] [--json]',
  description:
    'Solve one puzzle given on the command line (81 cells, 1-9 and . or 0 for blanks) or every puzzle\n' +
    "of a file (one per line, optional solution after it). The model is a graph made by 'cgar export\n" +
    "--graph halting' (mode graph) or '--graph step' (mode host); give --model twice for both.\n" +
    'Prints each answer with the steps used, or for a file a summary: exact accuracy, mean steps\n' +
    'and puzzles per second. Halting rules combine (a puzzle stops when any says so): --threshold X\n' +
    '(q_halt > X; the default rule, X = 0, unless --stable or --verified is given alone), --stable K\n' +
    '(the answer unchanged for K steps), --verified (a valid complete grid keeping the givens).',
  options: {
    model: {
      type: 'string',
      short: 'm',
      multiple: true,
      valueName: 'FILE',
      description: 'exported model (.onnx)',
    },
    file: { type: 'string', short: 'f', valueName: 'FILE', description: 'puzzle file, one puzzle per line' },
    mode: {
      type: 'string',
      valueName: 'MODE',
      description: "'graph' (halting graph) or 'host' (step graph, compaction)",
    },
    'max-steps': { type: 'string', valueName: 'N', description: "step cap (default the model's Nsup)" },
    threshold: { type: 'string', valueName: 'X', description: 'halt once q_halt > X (default 0)' },
    stable: {
      type: 'string',
      valueName: 'K',
      description: 'halt once the answer is the same K steps in a row',
    },
    verified: { type: 'boolean', description: 'halt on a valid complete grid that keeps the givens' },
    fixed: { type: 'boolean', description: 'no adaptive halting: always run max-steps steps' },
    threads: { type: 'string', valueName: 'N', description: 'intra-op threads' },
    ep: { type: 'string', valueName: 'EP', description: 'execution provider: cpu (default), cuda, webgpu' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    if (!values.model?.length) throw new UsageError('missing --model FILE');
    if (values.model.length > 2)
      throw new UsageError('give --model at most twice (a halting and a step graph)');
    if ((values.file === undefined) === (positionals.length === 0)) {
      throw new UsageError('give one PUZZLE or --file FILE');
    }
    if (positionals.length > 1)
      throw new UsageError(`expected one PUZZLE, got ${positionals.length} arguments`);
    if (values.mode !== undefined && values.mode !== 'graph' && values.mode !== 'host') {
      throw new UsageError(`--mode must be 'graph' or 'host', got '${values.mode}'`);
    }
    if (values.fixed && (values.threshold !== undefined || values.stable !== undefined || values.verified))
      throw new UsageError('give --fixed or a halting rule (--threshold, --stable, --verified), not both');
    const threshold = numberFlag('threshold', values.threshold, false);
    const stable = numberFlag('stable', values.stable, true);
    if (stable !== undefined && stable < 2)
      throw new UsageError(`--stable must be an integer >= 2 (steps with the same answer), got ${stable}`);
    const learned = threshold ?? (stable === undefined && !values.verified ? 0 : undefined);
    const ep = choiceFlag('ep', values.ep, ['cpu', 'cuda', 'webgpu'] as const, 'cpu');
    const options: SolverOptions = {
      executionProviders: ep === 'cpu' ? ['cpu'] : [ep, 'cpu'],
      ...(values.mode ? { mode: values.mode } : {}),
      maxSteps: numberFlag('max-steps', values['max-steps'], true),
      threads: threadsFlag(values.threads),
      halting: values.fixed
        ? 'fixed'
        : {
            ...(learned !== undefined ? { threshold: learned } : {}),
            ...(stable !== undefined ? { stable } : {}),
            ...(values.verified ? { verified: true } : {}),
          },
    };
    // NOTE: puzzles are checked for clashing givens only; solving them by search to check them
    // cost more than the model (29 s for 10 hard puzzles).
    const puzzles = values.file
      ? readPuzzleGrids(values.file).map((e) => e.puzzle)
      : [parseGrid(positionals[0]!)];
    const clash = values.file ? undefined : givensConflict(puzzles[0]!);
    if (clash) throw new UsageError(`PUZZLE has no solution: ${clash}`);
    const configs = values.model.map((path) => checkModelFile(path));
    const nSup = Math.min(...configs.map((c) => c?.nSup ?? Number.POSITIVE_INFINITY));
    if (options.maxSteps !== undefined && options.maxSteps > nSup)
      throw new UsageError(
        `--max-steps ${options.maxSteps} is more than the model's Nsup (${nSup}), the most steps it was trained for; use at most ${nSup}`,
      );
    // NOTE: loaded on use, so other commands start without the native onnxruntime binding.
    const { create } = await import('@cgar/runtime/node');
    if (ep !== 'cpu') {
      const { checkProvider } = await import('@cgar/trainer');
      await checkProvider(await import('onnxruntime-node'), ep);
    }
    const solver = await create(values.model.length === 1 ? values.model[0]! : values.model, options);
    const results: SolveResult[] = [];
    const started = performance.now();
    for (let at = 0; at < puzzles.length; at += BATCH) {
      results.push(...(await solver.solve(puzzles.slice(at, at + BATCH))));
      if (values.file && !values.json) progress(io, results.length, puzzles.length);
    }
    const seconds = (performance.now() - started) / 1000;
    await solver.release();
    const correct = results.map((r, i) => isValidSolution(puzzles[i]!, r.digits));
    const summary = {
      mode: solver.mode,
      puzzles: results.length,
      exactAccuracy: correct.filter(Boolean).length / results.length,
      meanSteps: results.reduce((s, r) => s + r.steps, 0) / results.length,
      haltedByRule: results.filter((r) => r.haltedBy === 'rule').length / results.length,
      seconds,
      puzzlesPerSecond: results.length / seconds,
    };
    if (values.json) {
      const rows = results.map((r, i) => ({
        grid: r.grid,
        steps: r.steps,
        qHalt: r.qHalt,
        haltedBy: r.haltedBy,
        correct: correct[i],
      }));
      io.stdout(`${JSON.stringify({ summary, results: rows }, null, 2)}\n`);
      return 0;
    }
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    if (!values.file) {
      const r = results[0]!;
      io.stdout(`${formatGrid(r.digits)}\n`);
      io.stdout(
        `${correct[0] ? 'solved' : 'not solved'} in ${r.steps} ${r.steps === 1 ? 'step' : 'steps'} (q_halt ${r.qHalt.toFixed(3)}, halted by ${r.haltedBy})\n`,
      );
      return 0;
    }
    io.stdout(
      `${summary.puzzles} puzzles, ${summary.mode} mode: exact accuracy ${pct(summary.exactAccuracy)}, ` +
        `mean steps ${summary.meanSteps.toFixed(2)}, halted by rule ${pct(summary.haltedByRule)}, ` +
        `${summary.puzzlesPerSecond.toFixed(1)} puzzles/s\n`,
    );
    return 0;
  },
});
