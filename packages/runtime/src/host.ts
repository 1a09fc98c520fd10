import { checkOutput } from './models.js';
import type { Rule } from './options.js';
import { CELLS, idToDigit, isSolvedGrid, VOCAB } from './puzzles.js';
import type { Serial } from './serial.js';
import type { HaltedBy, OrtModule, OrtSession } from './types.js';

/** One sample after one step; `haltedBy` is set on its last step. */
export interface SampleStep {
  readonly index: number;
  readonly step: number;
  readonly qHalt: number;
  readonly digits: Uint8Array;
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

/**
 * Drives the step graph from JavaScript: every sample starts from `(H_init, L_init)`, and after
 * each step the samples that halted leave the batch (compaction), so later steps run on fewer
 * rows. Yields, per step, the samples that ran it. `base` offsets the indices seen by a rule.
 */
export async function* hostSteps(
  d: StepDriver,
  tokens: BigInt64Array,
  base = 0,
): AsyncGenerator<SampleStep[]> {
  const { ort, session } = d;
  const width = d.seq * d.hidden;
  const puzzles = tokens;
  let active = Array.from({ length: tokens.length / CELLS }, (_, i) => i);
  // NOTE: per puzzle (by index in the call), its previous answer and how many steps it has held.
  const previous: (Uint8Array | undefined)[] = new Array(active.length);
  const held = new Int32Array(active.length);
  let y = repeat(d.hInit, d.seq * active.length);
  let z = repeat(d.lInit, d.seq * active.length);
  for (let step = 1; step <= d.maxSteps && active.length > 0; step++) {
    const A = active.length;
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
    const logits = out.logits!.data as Float32Array;
    const q = out.q_halt!.data as Float32Array;
    const vocab = VOCAB;
    const keep: number[] = [];
    const report: SampleStep[] = [];
    for (let j = 0; j < A; j++) {
      const index = active[j]!;
      const digits = argmaxDigits(logits, j, vocab);
      const qHalt = q[j]!;
      const rule = d.rule;
      const last = previous[index];
      held[index] = last && sameDigits(last, digits) ? held[index]! + 1 : 1;
      previous[index] = digits;
      const byRule =
        'fn' in rule
          ? rule.fn({ index: base + index, step, qHalt, digits }) === true
          : qHalt > rule.threshold ||
            (rule.stable > 0 && held[index]! >= rule.stable) ||
            (rule.verified && isSolvedGrid(puzzles, index * CELLS, digits));
      const haltedBy: HaltedBy | undefined = byRule ? 'rule' : step >= d.maxSteps ? 'cap' : undefined;
      report.push({ index, step, qHalt, digits, ...(haltedBy ? { haltedBy } : {}) });
      if (!haltedBy) keep.push(j);
    }
    yield report;
    y = out.y_next!.data as Float32Array;
    z = out.z_next!.data as Float32Array;
    if (keep.length < A) {
      tokens = gather(tokens, keep, CELLS);
      y = gather(y, keep, width);
      z = gather(z, keep, width);
      active = keep.map((j) => active[j]!);
    }
  }
}
