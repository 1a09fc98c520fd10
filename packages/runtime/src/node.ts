import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { Solver } from './solver.js';
import type { ModelInput, Platform, SolverOptions } from './types.js';

const platform: Platform = {
  name: 'node',
  ort,
  async load(source) {
    return new Uint8Array(await readFile(source));
  },
  sessionOptions(o: SolverOptions) {
    return {
      executionProviders: o.executionProviders ?? ['cpu'],
      ...(o.threads ? { intraOpNumThreads: o.threads } : {}),
      ...o.sessionOptions,
    };
  },
};

/**
 * Loads an exported model into onnxruntime-node and returns a `Solver`. `model` is a path, bytes,
 * a `file:` URL, or `{ halting?, step? }`.
 *
 * @example
 * import { create } from '@cgar/runtime/node';
 * const solver = await create('sudoku-halting.onnx', { threads: 2 });
 * const [r] = await solver.solve(['53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79']);
 * console.log(r.grid, r.steps, r.haltedBy);
 */
export function create(model: ModelInput, options?: SolverOptions): Promise<Solver> {
  return Solver.create(platform, model, options);
}

export { Solver } from './solver.js';
export type {
  HaltedBy,
  HaltingFunction,
  HaltingRule,
  HaltingRules,
  HaltingState,
  Mode,
  ModelInput,
  ModelSource,
  Puzzle,
  SolveResult,
  SolverOptions,
  TraceStep,
} from './types.js';
