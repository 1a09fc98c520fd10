/**
 * The persistent batch of deep supervision with ACT (docs/design.md section 5): B slots, each holding a
 * puzzle, its carry `(y, z)` and the number of supervision steps it has had.
 */
export class Slots {
  readonly tokens: BigInt64Array;
  readonly labels: BigInt64Array;
  readonly y: Float32Array;
  readonly z: Float32Array;
  /** Supervision steps each slot has run on its current puzzle. */
  readonly steps: Int32Array;
  /** 1 where the slot must be refilled before the next step (all at the start). */
  readonly halted: Uint8Array;

  constructor(
    readonly size: number,
    readonly cells: number,
    /** Elements of one slot's carry, `S * D`. */
    readonly carrySize: number,
  ) {
    this.tokens = new BigInt64Array(size * cells);
    this.labels = new BigInt64Array(size * cells);
    this.y = new Float32Array(size * carrySize);
    this.z = new Float32Array(size * carrySize);
    this.steps = new Int32Array(size);
    this.halted = new Uint8Array(size).fill(1);
  }

  /** Indices of halted slots, in order. */
  haltedSlots(): number[] {
    const out: number[] = [];
    this.halted.forEach((h, i) => {
      if (h) out.push(i);
    });
    return out;
  }

  /**
   * Puts new puzzles in slots `which` (token ids and labels, `cells` each, as returned by a
   * loader) and resets their carry to `(y0, z0)`, tiled over the `S` positions.
   */
  refill(
    which: readonly number[],
    inputs: ArrayLike<number>,
    labels: ArrayLike<number>,
    y0: Float32Array,
    z0: Float32Array,
  ): void {
    const { cells, carrySize } = this;
    which.forEach((slot, k) => {
      for (let c = 0; c < cells; c++) {
        this.tokens[slot * cells + c] = BigInt(inputs[k * cells + c]!);
        this.labels[slot * cells + c] = BigInt(labels[k * cells + c]!);
      }
      for (let off = 0; off < carrySize; off += y0.length) {
        this.y.set(y0, slot * carrySize + off);
        this.z.set(z0, slot * carrySize + off);
      }
      this.steps[slot] = 0;
      this.halted[slot] = 0;
    });
  }

  /** 1-based index of the supervision step each slot is about to run. */
  stepIndices(): Int32Array {
    return Int32Array.from(this.steps, (s) => s + 1);
  }

  /**
   * After a step: stores the new carry and marks slots halted when they reached `nSup`, or when
   * they want to halt (`wants[i]` is 1: `q_halt > 0`, or a right answer) and have run at least
   * their exploration minimum.
   */
  advance(
    y: Float32Array,
    z: Float32Array,
    wants: ArrayLike<number>,
    nSup: number,
    minSteps: Int32Array,
  ): void {
    this.y.set(y);
    this.z.set(z);
    for (let i = 0; i < this.size; i++) {
      const s = ++this.steps[i]!;
      this.halted[i] = s >= nSup || (wants[i] === 1 && s >= minSteps[i]!) ? 1 : 0;
    }
  }
}

/**
 * The exploration of docs/design.md section 5: with probability `p` a slot draws a minimum step count
 * uniformly from 2..nSup before which it may not halt; otherwise its minimum is 0.
 */
export function explorationMinimum(size: number, nSup: number, p: number, random: () => number): Int32Array {
  return Int32Array.from({ length: size }, () => (random() < p ? 2 + Math.floor(random() * (nSup - 1)) : 0));
}
