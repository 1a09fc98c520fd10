import { type HaltingDriver, haltingRun } from './graph-mode.js';
import { driverLoop, hostSteps, type SampleStep, type StepDriver } from './host.js';
import { type GraphKind, type LoadedModel, loadModels, type ModelConfig, openSession } from './models.js';
import { checkOptions, type Rule, resolveRule } from './options.js';
import { CELLS, digitsToString, encodePuzzle, encodePuzzles } from './puzzles.js';
import { Serial } from './serial.js';
import type { Mode, ModelInput, Platform, Puzzle, SolveResult, SolverOptions, TraceStep } from './types.js';

const DEFAULT_BATCH = 256;
/** `maxSteps` may reach this many times the model's `nSup`; beyond that a typo would run for hours. */
const MAX_STEPS_FACTOR = 4;

const missingModel = (kind: GraphKind, why: string) =>
  new Error(
    `${why} needs the ${kind} graph; export it with 'cgar export --graph ${kind}' and pass it as { ${kind}: ... }`,
  );

function toResult(s: Omit<SampleStep, 'held'>): SolveResult {
  return {
    grid: digitsToString(s.digits),
    digits: s.digits,
    steps: s.step,
    qHalt: s.qHalt,
    haltedBy: s.haltedBy ?? 'cap',
  };
}

/**
 * A loaded model that answers Sudoku puzzles with adaptive halting. Made by `create` of
 * `@cgar/runtime/node` or `@cgar/runtime/web`. Every session run is queued, so concurrent calls
 * are safe on both runtimes.
 */
export class Solver {
  private released = false;

  private constructor(
    /** `graph` (one run of the halting graph per batch) or `host` (step graph driven from JS). */
    readonly mode: Mode,
    /** The model's `cgar.config`. */
    readonly config: ModelConfig,
    readonly maxSteps: number,
    private readonly batchSize: number,
    private readonly halting: HaltingDriver | undefined,
    private readonly step: StepDriver | undefined,
  ) {}

  /** Builds a solver on `platform`; the entry points call this. */
  static async create(platform: Platform, model: ModelInput, options?: SolverOptions): Promise<Solver> {
    const opts = checkOptions(options);
    const models = await loadModels(platform, model);
    const mode = opts.mode ?? (models.halting ? 'graph' : 'host');
    const rule = resolveRule(opts.halting);
    if (mode === 'graph' && 'fn' in rule) {
      throw new Error(
        "create: a halting function runs in host mode only; pass mode: 'host' with the step graph",
      );
    }
    const needed: GraphKind = mode === 'graph' ? 'halting' : 'step';
    if (!models[needed]) throw missingModel(needed, `create: mode '${mode}'`);
    const config = (models.halting ?? models.step)!.config;
    const maxSteps = opts.maxSteps ?? config.nSup;
    if (maxSteps > MAX_STEPS_FACTOR * config.nSup)
      throw new RangeError(
        `create: 'maxSteps' is ${maxSteps}; this model was trained for ${config.nSup} steps, so at most ${MAX_STEPS_FACTOR * config.nSup} are allowed`,
      );
    const serial = new Serial();
    const base = { ort: platform.ort, serial, maxSteps, rule };
    // NOTE: the step graph is opened in graph mode too when given, so `trace` works there.
    const halting =
      mode === 'graph' ? { ...base, session: await openSession(platform, models.halting!, opts) } : undefined;
    if (
      halting &&
      'threshold' in rule &&
      (rule.stable || rule.verified) &&
      !halting.session.inputNames.includes('stable')
    ) {
      await halting.session.release?.();
      throw new Error(
        "create: this halting graph predates the 'stable' and 'verified' rules; export it again with 'cgar export --graph halting', or use mode: 'host'",
      );
    }
    const step = models.step ? await stepDriver(platform, models.step, opts, base) : undefined;
    return new Solver(mode, config, maxSteps, opts.batchSize ?? DEFAULT_BATCH, halting, step);
  }

  /**
   * Solves a batch of puzzles; resolves to one result per puzzle, in order.
   *
   * @example
   * const [r] = await solver.solve(['4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......']);
   * console.log(r.grid, r.steps, r.qHalt, r.haltedBy);
   */
  async solve(puzzles: readonly Puzzle[]): Promise<SolveResult[]> {
    this.checkLive('solve');
    const tokens = encodePuzzles('solve', puzzles);
    const results: SolveResult[] = [];
    for (let at = 0; at < puzzles.length; at += this.batchSize) {
      const chunk = tokens.subarray(at * CELLS, Math.min(puzzles.length, at + this.batchSize) * CELLS);
      const finals =
        this.mode === 'graph' ? await haltingRun(this.halting!, chunk) : await this.hostFinals(chunk, at);
      results.push(...finals.map(toResult));
    }
    return results;
  }

  /**
   * Steps through one puzzle with the step graph, yielding the answer and `q_halt` after every
   * supervision step until the halting rule (or `maxSteps`) stops it; the last step carries `haltedBy`.
   *
   * @example
   * for await (const s of solver.trace(puzzle)) console.log(s.step, s.qHalt, s.grid);
   */
  async *trace(puzzle: Puzzle): AsyncGenerator<TraceStep> {
    this.checkLive('trace');
    if (!this.step) throw missingModel('step', 'trace');
    const tokens = encodePuzzle('trace', puzzle);
    for await (const [s] of hostSteps(driverLoop(this.step), tokens)) {
      const { step, qHalt, digits, haltedBy } = s!;
      yield { step, grid: digitsToString(digits), digits, qHalt, ...(haltedBy ? { haltedBy } : {}) };
    }
  }

  /** Frees the sessions; the solver cannot be used afterwards. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const serial = (this.halting ?? this.step)!.serial;
    await serial.run(async () => {
      await this.halting?.session.release?.();
      await this.step?.session.release?.();
    });
  }

  private async hostFinals(tokens: BigInt64Array, base: number): Promise<SampleStep[]> {
    const finals: SampleStep[] = new Array(tokens.length / CELLS);
    for await (const report of hostSteps(driverLoop(this.step!), tokens, base))
      for (const s of report) finals[s.index] = s;
    return finals;
  }

  private checkLive(fn: string): void {
    if (this.released) throw new Error(`${fn}: this solver was released; create a new one`);
  }
}

async function stepDriver(
  platform: Platform,
  model: LoadedModel,
  opts: SolverOptions,
  base: { ort: Platform['ort']; serial: Serial; maxSteps: number; rule: Rule },
): Promise<StepDriver> {
  const { hidden, prefix, cells } = model.config;
  const init = (key: string) => {
    const v = Float32Array.from(JSON.parse(model.meta[key]!) as number[]);
    if (v.length !== hidden)
      throw new TypeError(`create: the step graph's ${key} has ${v.length} values, expected ${hidden}`);
    return v;
  };
  const hInit = init('cgar.h_init');
  const lInit = init('cgar.l_init');
  return {
    ...base,
    session: await openSession(platform, model, opts),
    seq: prefix + cells,
    hidden,
    hInit,
    lInit,
  };
}
