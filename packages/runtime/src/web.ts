import * as ort from 'onnxruntime-web';
import { Solver } from './solver.js';
import type { ModelInput, Platform, SolverOptions } from './types.js';

/** Options of the web entry point: the solver options plus where the ORT wasm files are served. */
export interface WebSolverOptions extends SolverOptions {
  /** Sets `ort.env.wasm.wasmPaths`: the folder (URL) that serves onnxruntime-web's `.wasm`/`.mjs` files. */
  readonly wasmPaths?: string;
}

const platform: Platform = {
  name: 'web',
  ort,
  async load(source) {
    const response = await fetch(source);
    if (!response.ok)
      throw new Error(`create: fetching ${String(source)} failed with HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  sessionOptions(o: SolverOptions) {
    return { executionProviders: o.executionProviders ?? ['wasm'], ...o.sessionOptions };
  },
};

/**
 * Loads an exported model into onnxruntime-web (wasm, or WebGPU with
 * `executionProviders: ['webgpu', 'wasm']`) and returns a `Solver`. `model` is a URL, bytes or
 * `{ halting?, step? }`. `threads` and `wasmPaths` set `ort.env.wasm`, which takes effect before
 * the first session of the page.
 *
 * @example
 * import { create } from '@cgar/runtime/web';
 * const solver = await create({ step: '/model/sudoku-step.onnx' }, { threads: 1, wasmPaths: '/ort/' });
 * for await (const s of solver.trace(puzzle)) render(s.grid, s.step, s.qHalt);
 */
export function create(model: ModelInput, options?: WebSolverOptions): Promise<Solver> {
  if (options?.threads !== undefined && Number.isInteger(options.threads))
    ort.env.wasm.numThreads = options.threads;
  if (typeof options?.wasmPaths === 'string') ort.env.wasm.wasmPaths = options.wasmPaths;
  const { wasmPaths: _, ...rest } = options ?? {};
  return Solver.create(platform, model, rest);
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
