import { checkOutput } from './models.js';
import type { Rule } from './options.js';
import { CELLS, idToDigit, isSolvedGrid, VOCAB } from './puzzles.js';
import type { Serial } from './serial.js';
import type { HaltedBy, HaltingFunction, OrtModule, OrtSession } from './types.js';

/** One sample after one step; `haltedBy` is set on its last step. */
export interface SampleStep {
  /** Index of the sample in the call (without `base`). */
  readonly index: number;
  /** Steps run so far, 1-based. */
  readonly step: number;
  readonly qHalt: number;
  /** The answer after this step: 81 digits, 0 where the model predicts no digit. */
  readonly digits: Uint8Array;
  /** Steps in a row, this one included, with this same answer: 1 on step 1 and whenever it changed. */
  readonly held: number;
  /** Whether the answer solves the puzzle (Sudoku's verifier); set when `verifyAll` asks or the rule needed it. */
  readonly valid?: boolean;
  readonly haltedBy?: HaltedBy;
}

export interface Driver {
  readonly ort: OrtModule;
  readonly serial: Serial;
  readonly maxSteps: number;
  readonly rule: Rule;
}

export interface StepDriver extends Driver {
  readonly session: OrtSession;
  /** Sequence length S = prefix + cells, and hidden width D. */
  readonly seq: number;
  readonly hidden: number;
  readonly hInit: Float32Array;
  readonly lInit: Float32Array;
}

/** What one run of the step graph gives for `rows` samples. */
export interface HostStepOutputs {
  /** `[rows, 81, 11]`. */
  readonly logits: Float32Array;
  /** `[rows]`. */
  readonly qHalt: Float32Array;
  /** The next carry, `[rows, S, D]` each. */
  readonly y: Float32Array;
  readonly z: Float32Array;
}

/** Runs the step graph once: token ids `[rows, 81]` and the carry `y`, `z` (`[rows, S, D]` each). */
export type StepRunner = (
  tokens: BigInt64Array,
  y: Float32Array,
  z: Float32Array,
  rows: number,
) => Promise<HostStepOutputs>;

/**
 * The declarative halting rules as the host loop applies them: a sample halts at the first step
 * where a part that is set says so. A `threshold` left out, or a `stable` left out or 0, is off.
 */
export interface HostRule {
  readonly threshold?: number;
  readonly stable?: number;
  readonly verified?: boolean;
}

/** What the host loop needs: how to run one step, where the carry starts, and when samples stop. */
export interface HostLoop {
  readonly run: StepRunner;
  /** Step cap: every sample stops at this step at the latest (`haltedBy: 'cap'`). */
  readonly maxSteps: number;
  /** The rules, or a function of each sample's state (its `index` offset by `base`). */
  readonly rule: HostRule | { readonly fn: HaltingFunction };
  /** Sequence length S = prefix + cells, and hidden width D. */
  readonly seq: number;
  readonly hidden: number;
  /** The vectors every sample's `y` and `z` carry start from, `[D]` each. */
  readonly hInit: Float32Array;
  readonly lInit: Float32Array;
  /** Check every answer with Sudoku's verifier at every step (`SampleStep.valid`), not only for the rule. */
  readonly verifyAll?: boolean;
}

/** What a halting rule looks at for one sample after one step. */
export interface RuleState {
  readonly qHalt: number;
  /** Steps in a row, this one included, with the same answer (1 when it changed). */
  readonly held: number;
  /** Whether the answer solves the puzzle; called only when the rule has `verified`. */
  readonly valid: () => boolean;
}

/**
 * Whether `rule` halts a sample in `state`: `q_halt > threshold`, or the same answer `stable`
 * steps in a row, or (with `verified`) an answer that solves the puzzle. Both the runtime's host
 * loop and the trainer's halting figures apply the rules through this one function.
 *
 * @example
 * shouldHalt({ threshold: 0, stable: 3 }, { qHalt: -1, held: 3, valid: () => false }); // true
 */
export function shouldHalt(rule: HostRule, state: RuleState): boolean {
  return (
    (rule.threshold !== undefined && state.qHalt > rule.threshold) ||
    (rule.stable !== undefined && rule.stable > 0 && state.held >= rule.stable) ||
    (rule.verified === true && state.valid())
  );
}

/** Argmax over each cell's logits (first maximum, like ONNX ArgMax), as digits. */
export function argmaxDigits(logits: Float32Array, sample: number, vocab: number): Uint8Array {
  const digits = new Uint8Array(CELLS);
  let at = sample * CELLS * vocab;
  for (let c = 0; c < CELLS; c++, at += vocab) {
    let best = 0;
    for (let v = 1; v < vocab; v++) if (logits[at + v]! > logits[at + best]!) best = v;
    digits[c] = idToDigit(best);
  }
  return digits;
}

function sameDigits(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function repeat(row: Float32Array, times: number): Float32Array {
  const out = new Float32Array(row.length * times);
  for (let i = 0; i < times; i++) out.set(row, i * row.length);
  return out;
}

function gather<T extends Float32Array | BigInt64Array>(src: T, rows: readonly number[], width: number): T {
  const out = new (src.constructor as new (n: number) => T)(rows.length * width);
  // NOTE: the cast only picks one overload of `set`; source and target share their element type.
  for (const [i, r] of rows.entries()) {
    (out as Float32Array).set(src.subarray(r * width, (r + 1) * width) as Float32Array, i * width);
  }
  return out;
}

/** The step graph's session as a `StepRunner`: every run queued on `serial`, its outputs checked. */
export function sessionRunner(d: StepDriver): StepRunner {
  const { ort, session } = d;
  return async (tokens, y, z, A) => {
    const out = await d.serial.run(() =>
      session.run({
        tokens: new ort.Tensor('int64', tokens, [A, CELLS]),
        y: new ort.Tensor('float32', y, [A, d.seq, d.hidden]),
        z: new ort.Tensor('float32', z, [A, d.seq, d.hidden]),
      }),
    );
    checkOutput('step', 'logits', out.logits, [A, CELLS, VOCAB]);
    checkOutput('step', 'q_halt', out.q_halt, [A]);
    checkOutput('step', 'y_next', out.y_next, [A, d.seq, d.hidden]);
    checkOutput('step', 'z_next', out.z_next, [A, d.seq, d.hidden]);
    return {
      logits: out.logits!.data as Float32Array,
      qHalt: out.q_halt!.data as Float32Array,
      y: out.y_next!.data as Float32Array,
      z: out.z_next!.data as Float32Array,
    };
  };
}

/** The host loop over a solver's step graph session. */
export function driverLoop(d: StepDriver): HostLoop {
  return { ...d, run: sessionRunner(d) };
}

/**
 * Drives the step graph from JavaScript, the one host loop of the project (the runtime's host
 * mode and `trace`, the trainer's `evaluate`): every sample starts from `(hInit, lInit)`; after
 * each step its answer is the argmax of each cell's logits, the rule decides whether it halts, and
 * the samples that halted leave the batch (compaction), so later steps run on fewer rows. Yields,
 * per step, the samples that ran it, in the order of `tokens`. `base` offsets the indices seen by
 * a halting function.
 *
 * @example
 * for await (const report of hostSteps({ run, maxSteps: 16, rule: { threshold: 0 }, seq, hidden, hInit, lInit }, tokens))
 *   for (const s of report) if (s.haltedBy) console.log(s.index, s.step, s.digits);
 */
export async function* hostSteps(
  loop: HostLoop,
  tokens: BigInt64Array,
  base = 0,
): AsyncGenerator<SampleStep[]> {
  const { rule } = loop;
  const width = loop.seq * loop.hidden;
  const puzzles = tokens;
  let active = Array.from({ length: tokens.length / CELLS }, (_, i) => i);
  // NOTE: per puzzle (by index in the call), its previous answer and how many steps it has held.
  const previous: (Uint8Array | undefined)[] = new Array(active.length);
  const held = new Int32Array(active.length);
  let y = repeat(loop.hInit, loop.seq * active.length);
  let z = repeat(loop.lInit, loop.seq * active.length);
  for (let step = 1; step <= loop.maxSteps && active.length > 0; step++) {
    const A = active.length;
    const out = await loop.run(tokens, y, z, A);
    const keep: number[] = [];
    const report: SampleStep[] = [];
    for (let j = 0; j < A; j++) {
      const index = active[j]!;
      const digits = argmaxDigits(out.logits, j, VOCAB);
      const qHalt = out.qHalt[j]!;
      const last = previous[index];
      held[index] = last && sameDigits(last, digits) ? held[index]! + 1 : 1;
      previous[index] = digits;
      let valid: boolean | undefined = loop.verifyAll
        ? isSolvedGrid(puzzles, index * CELLS, digits)
        : undefined;
      const verify = () => {
        valid ??= isSolvedGrid(puzzles, index * CELLS, digits);
        return valid;
      };
      const byRule =
        'fn' in rule
          ? rule.fn({ index: base + index, step, qHalt, digits }) === true
          : shouldHalt(rule, { qHalt, held: held[index]!, valid: verify });
      const haltedBy: HaltedBy | undefined = byRule ? 'rule' : step >= loop.maxSteps ? 'cap' : undefined;
      report.push({
        index,
        step,
        qHalt,
        digits,
        held: held[index]!,
        ...(valid === undefined ? {} : { valid }),
        ...(haltedBy ? { haltedBy } : {}),
      });
      if (!haltedBy) keep.push(j);
    }
    yield report;
    y = out.y;
    z = out.z;
    if (keep.length < A) {
      tokens = gather(tokens, keep, CELLS);
      y = gather(y, keep, width);
      z = gather(z, keep, width);
      active = keep.map((j) => active[j]!);
    }
  }
}
