import type { Rng } from '@cgar/common';

/**
 * The toy task: map `x` (uniform in [-1, 1]^IN) to `teacher(x)`, a fixed random two-layer tanh network
 * applied three times, so that a few refinement steps help.
 */
export class Teacher {
  readonly in: number;
  readonly out: number;
  private readonly w1: Float64Array;
  private readonly w2: Float64Array;

  constructor(inSize: number, outSize: number, rng: Rng) {
    this.in = inSize;
    this.out = outSize;
    this.w1 = Float64Array.from({ length: inSize * inSize }, () => (1.5 * rng.normal()) / Math.sqrt(inSize));
    this.w2 = Float64Array.from({ length: inSize * outSize }, () => rng.normal() / Math.sqrt(inSize));
  }

  /** Writes one sample's input and target at row `row` of `x` and `y`. */
  sample(rng: Rng, x: Float32Array, y: Float32Array, row: number): void {
    let h = Array.from({ length: this.in }, () => 2 * rng.next() - 1);
    for (let i = 0; i < this.in; i++) x[row * this.in + i] = h[i]!;
    for (let repeat = 0; repeat < 3; repeat++) {
      h = h.map((_, j) => Math.tanh(h.reduce((s, v, i) => s + v * this.w1[i * this.in + j]!, 0)));
    }
    for (let k = 0; k < this.out; k++) {
      y[row * this.out + k] = h.reduce((s, v, i) => s + v * this.w2[i * this.out + k]!, 0);
    }
  }
}
