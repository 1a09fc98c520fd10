// NOTE: the ONNX Runtime interfaces are @cgar/common's (the same declarations @cgar/graph uses). The
// core speaks only them; the `node` and `web` entry points pass the real module.
import type { OrtModule, OrtSession, OrtTensor } from '@cgar/common';

export type { OrtModule, OrtSession, OrtTensor };

/** A model file: its bytes, a path (Node) or a URL (web; `file:` URLs in Node). */
export type ModelSource = Uint8Array | ArrayBuffer | string | URL;

/**
 * What `create` loads: one exported model (its `cgar.graph` metadata says whether it is the
 * `halting` or the `step` graph), or both, as a list in any order or as `{ halting, step }`.
 */
export type ModelInput =
  | ModelSource
  | readonly ModelSource[]
  | { readonly halting?: ModelSource; readonly step?: ModelSource };

/**
 * One puzzle: a string of 81 cells (`1`-`9`, `.` or `0` blank; whitespace and `|+-` ignored),
 * a `Uint8Array` or `number[]` of 81 digits (0 blank), or an `Int32Array` / `BigInt64Array` of 81
 * token ids (1 blank, digit d -> d + 1), as `encodePuzzle` of `@cgar/tasks` makes them.
 */
export type Puzzle = string | Uint8Array | readonly number[] | Int32Array | BigInt64Array;

/** What a halting function sees for one sample after one step. */
export interface HaltingState {
  /** Index of the sample in the `solve` call (0 in `trace`). */
  readonly index: number;
  /** Steps run so far, 1-based. */
  readonly step: number;
  readonly qHalt: number;
  /** The answer after this step: 81 digits, 0 where the model predicts no digit. */
  readonly digits: Uint8Array;
}

/** Returns true to halt the sample now. Host mode only. */
export type HaltingFunction = (state: HaltingState) => boolean;

/**
 * The declarative halting rules; a sample halts at the first step where any part that is set
 * says so. Both modes run them (the halting graph computes them in ONNX ops).
 */
export interface HaltingRules {
  /** The learned rule: halt when `q_halt > threshold` (0 is what training targets). */
  readonly threshold?: number;
  /** Halt once the answer has been the same for this many consecutive steps (an integer >= 2). */
  readonly stable?: number;
  /**
   * Halt at the first step whose answer is a complete Sudoku grid with every row, column and box
   * holding 1..9 once and every given kept: for a puzzle with one solution that is the solution,
   * so this never stops on a wrong answer.
   */
  readonly verified?: boolean;
}

/**
 * When a sample stops: rules (see {@link HaltingRules}; default `{ threshold: 0 }`, the trained
 * rule), `'fixed'` always runs `maxSteps` steps, and a function decides per sample and step
 * (host mode only). Every rule stops at `maxSteps`.
 *
 * @example
 * create(model, { halting: { verified: true, stable: 3 } }); // whichever comes first
 */
export type HaltingRule = HaltingRules | 'fixed' | HaltingFunction;

/** `graph`: the exported halting graph, one run per batch. `host`: the step graph driven from JS. */
export type Mode = 'graph' | 'host';

export interface SolverOptions {
  /** Default `graph` when a halting model is given, else `host`. */
  readonly mode?: Mode;
  /** Step cap, an integer >= 1 (default the model's Nsup). */
  readonly maxSteps?: number;
  readonly halting?: HaltingRule;
  /** Execution providers in order of preference (`['cpu']` in Node, `['wasm']` on the web). */
  readonly executionProviders?: readonly (string | { readonly name: string })[];
  /** Threads per session (Node: intra-op threads; web: wasm threads, set before the first session). */
  readonly threads?: number;
  /** Puzzles per session run; `solve` splits larger calls (default 256). */
  readonly batchSize?: number;
  /** Extra options passed to `InferenceSession.create` as they are. */
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

/** How a sample stopped: by the halting rule, or at `maxSteps`. */
export type HaltedBy = 'rule' | 'cap';

/** The answer to one puzzle. */
export interface SolveResult {
  /** 81 characters, `.` where the model predicts no digit. */
  readonly grid: string;
  /** 81 digits, 0 where the model predicts no digit. */
  readonly digits: Uint8Array;
  /** Supervision steps run for this puzzle. */
  readonly steps: number;
  /** The halting logit after the last step. */
  readonly qHalt: number;
  readonly haltedBy: HaltedBy;
}

/** One step of `trace`: the answer so far and the halting logit. */
export interface TraceStep {
  readonly step: number;
  readonly grid: string;
  readonly digits: Uint8Array;
  readonly qHalt: number;
  /** Set on the last step: why the sample stopped. */
  readonly haltedBy?: HaltedBy;
}

/** What the core needs from an entry point: its ONNX Runtime and how it reads model sources. */
export interface Platform {
  readonly name: 'node' | 'web';
  readonly ort: OrtModule;
  /** Reads a path or URL. */
  load(source: string | URL): Promise<Uint8Array>;
  /** Session options for `InferenceSession.create` from the solver options. */
  sessionOptions(options: SolverOptions): object;
}
