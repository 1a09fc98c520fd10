import { describe, expect, it } from 'vitest';
import { batchScalarWeight, checkStepIndices, stepWeights, supervisionWeights } from './weights.js';

const steps = (...t: number[]) => Int32Array.from(t);
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe('per-sample (default)', () => {
  it('is lambda^(t-1) / Z with Z the mean over t = 1..nSup', () => {
    const table = stepWeights({ nSup: 3, lambda: 0.5 });
    expect(Array.from(table)).toEqual([1 / (7 / 12), 0.5 / (7 / 12), 0.25 / (7 / 12)]);
    const w = supervisionWeights(steps(1, 3, 2, 1), { nSup: 3, lambda: 0.5 });
    expect(w).toBeInstanceOf(Float32Array);
    expect(Array.from(w)).toEqual(
      Array.from(Float32Array.from([table[0]!, table[2]!, table[1]!, table[0]!])),
    );
  });

  it.each([1, 2, 8, 16, 64])('averages 1 over steps 1..%i and decreases strictly for lambda < 1', (nSup) => {
    for (const lambda of [0.1, 0.5, 0.7, 0.95, 0.999]) {
      const table = stepWeights({ nSup, lambda });
      expect(Math.abs(mean(table) - 1)).toBeLessThan(1e-12);
      for (let k = 1; k < nSup; k++) expect(table[k]!).toBeLessThan(table[k - 1]!);
      const all = supervisionWeights(
        Int32Array.from({ length: nSup }, (_, k) => k + 1),
        { nSup, lambda },
      );
      expect(Math.abs(mean(all) - 1)).toBeLessThan(1e-6);
    }
  });

  it('is exactly 1 everywhere for lambda = 1, like uniform', () => {
    expect(Array.from(stepWeights({ nSup: 16, lambda: 1 }))).toEqual(new Array(16).fill(1));
    expect(Array.from(supervisionWeights(steps(1, 5, 16), { nSup: 16, mode: 'uniform' }))).toEqual([1, 1, 1]);
  });

  it('uses lambda = 0.7 by default: the paper value', () => {
    const t = stepWeights({ nSup: 16 });
    expect(t[1]! / t[0]!).toBeCloseTo(0.7, 12);
  });

  it('writes into out, and checks it', () => {
    const out = new Float32Array(2);
    expect(supervisionWeights(steps(1, 2), { nSup: 2 }, out)).toBe(out);
    expect(() => supervisionWeights(steps(1, 2), { nSup: 2 }, new Float32Array(3))).toThrow(
      /length 2.*of length 3/,
    );
  });
});

describe('batch-scalar (official code)', () => {
  it.each([
    [[1, 1, 1, 1], 1],
    [[1, 2, 3, 4], 0.7], // t-1 = 0,1,2,3: mean 1.5, floor 1
    [[3, 3], 0.49], // mean 2
    [[2, 3], 0.7], // mean 1.5
    [[1, 1, 1, 2], 1], // mean 0.25
    [[16, 16], 0.7 ** 15],
    [[5, 6, 7], 0.7 ** 5], // mean 5
  ])('steps %j give 0.7^floor(mean(t-1)) = %f', (t, expected) => {
    expect(batchScalarWeight(Int32Array.from(t), { nSup: 16 })).toBeCloseTo(expected, 15);
    const w = supervisionWeights(Int32Array.from(t), { nSup: 16, mode: 'batch-scalar' });
    expect(Array.from(w)).toEqual(new Array(t.length).fill(Math.fround(expected)));
  });

  it('takes another lambda', () => {
    expect(batchScalarWeight(steps(3, 3), { nSup: 4, lambda: 0.5 })).toBe(0.25);
  });
});

describe('validation', () => {
  it('names the index and the value of an out-of-range step', () => {
    expect(() => supervisionWeights(steps(1, 17), { nSup: 16 })).toThrow(RangeError);
    expect(() => supervisionWeights(steps(1, 17), { nSup: 16 })).toThrow(
      /stepIndices\[1\] = 17 is outside 1\.\.16/,
    );
    expect(() => supervisionWeights(steps(0), { nSup: 16 })).toThrow(/stepIndices\[0\] = 0/);
    expect(() => checkStepIndices(new Int32Array(9).fill(-1), 4)).toThrow(/9 problems|6 problems/);
    expect(() => batchScalarWeight(steps(5), { nSup: 4 })).toThrow(/stepIndices\[0\] = 5/);
  });

  it('wants an Int32Array', () => {
    expect(() => supervisionWeights([1, 2] as unknown as Int32Array, { nSup: 16 })).toThrow(TypeError);
    expect(() => supervisionWeights(Float32Array.of(1) as unknown as Int32Array, { nSup: 16 })).toThrow(
      /Int32Array/,
    );
  });

  it.each([
    [{ nSup: 0 }, /options\.nSup = 0 is not a positive integer/],
    [{ nSup: 2.5 }, /options\.nSup = 2\.5/],
    [{ nSup: 16, lambda: 0 }, /options\.lambda = 0 is outside \(0, 1\]/],
    [{ nSup: 16, lambda: 1.2 }, /options\.lambda = 1\.2/],
    [{ nSup: 16, lambda: Number.NaN }, /options\.lambda = NaN/],
    [{ nSup: 16, mode: 'exponential' }, /options\.mode = "exponential" is not one of/],
    [{ nSup: 16, lamda: 0.5 }, /unknown key 'lamda'/],
    [{ nSup: 16, stats: [1] }, /options\.stats is only used in mode 'adaptive'/],
    [{ nSup: 2, mode: 'adaptive', stats: [1] }, /options\.stats has length 1, expected nSup = 2/],
    [{ nSup: 2, mode: 'adaptive', stats: [1, -1] }, /options\.stats\[1\] = -1/],
    [{ nSup: 2, mode: 'adaptive', momentum: 1 }, /options\.momentum = 1 is outside \[0, 1\)/],
  ])('%j', (options, message) => {
    expect(() => stepWeights(options as never)).toThrow(RangeError);
    expect(() => stepWeights(options as never)).toThrow(message);
  });

  it('reports every problem at once, TypeError when all are wrong kinds', () => {
    expect(() => stepWeights({ nSup: -1, lambda: 2, mode: 'x' } as never)).toThrow(
      /stepWeights: 3 problems:/,
    );
    expect(() => stepWeights({ nSup: '16' } as never)).toThrow(TypeError);
    expect(() => stepWeights(undefined as never)).toThrow(TypeError);
  });
});

describe('adaptive', () => {
  it('follows the observed statistic, normalised to average 1', () => {
    const t = stepWeights({ nSup: 4, mode: 'adaptive', stats: [4, 3, 2, 1] });
    expect(Array.from(t)).toEqual([1.6, 1.2, 0.8, 0.4]);
  });

  it('fills unobserved steps (NaN) from the decay, scaled to the observed ones', () => {
    const t = stepWeights({ nSup: 3, mode: 'adaptive', lambda: 0.5, stats: [2, Number.NaN, Number.NaN] });
    // prior 1, 0.5, 0.25 scaled by 2: 2, 1, 0.5 -> normalised by mean 7/6
    expect(t[0]).toBeCloseTo(12 / 7, 12);
    expect(t[1]).toBeCloseTo(6 / 7, 12);
    expect(t[2]).toBeCloseTo(3 / 7, 12);
  });

  it('is the per-sample decay before any statistic', () => {
    expect(stepWeights({ nSup: 5, mode: 'adaptive' })).toEqual(stepWeights({ nSup: 5 }));
  });
});
