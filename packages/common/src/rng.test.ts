import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from './rng.js';

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xs);
  });

  it('keeps its output stable across versions (golden values, seed 42)', () => {
    const rng = createRng(42);
    expect(Array.from({ length: 4 }, () => rng.uint32())).toEqual(GOLDEN_42);
  });

  it('uses the high bits of large seeds', () => {
    expect(createRng(2 ** 40 + 5).uint32()).not.toBe(createRng(5).uint32());
  });

  it('restores its exact state through JSON', () => {
    const rng = createRng(7);
    for (let i = 0; i < 100; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = [rng.next(), rng.int(1000), rng.uint32()];
    const other = createRng(999);
    other.setState(saved);
    expect([other.next(), other.int(1000), other.uint32()]).toEqual(expected);
  });

  it('draws floats in [0, 1) with mean near 1/2', () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });

  it('draws integers uniformly in [0, n)', () => {
    const rng = createRng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.int(7)]++;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - 10000) ** 2 / 10000;
    expect(chi2).toBeLessThan(22.5); // p = 0.001 for 6 degrees of freedom
    expect(rng.int(1)).toBe(0);
    expect(rng.int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('shuffles into a permutation, typed arrays included', () => {
    const rng = createRng(5);
    const xs = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const typed = rng.shuffle(Uint8Array.from([1, 2, 3, 4, 5]));
    expect([...typed].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects bad seeds, bounds and states', () => {
    expect(() => createRng(-1)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(/integer in \[0, 2\^53\)/);
    expect(() => createRng('1' as unknown as number)).toThrow(TypeError);
    expect(() => createRng(1).int(0)).toThrow(RangeError);
    expect(() => createRng(1).setState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(
      /4 integers/,
    );
  });
});

describe('normal and truncatedNormal', () => {
  it('draws standard normals with the right moments', () => {
    const rng = createRng(42);
    const n = 200_000;
    let [s, s2] = [0, 0];
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });

  it('keeps truncated draws inside the bounds with the truncated std', () => {
    const rng = createRng(3);
    const n = 200_000;
    let [s, s2, lo, hi] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const v = rng.truncatedNormal(-2, 2);
      [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      s += v;
      s2 += v * v;
    }
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThanOrEqual(2);
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    // std of N(0, 1) truncated at +-2
    expect(Math.abs(Math.sqrt(s2 / n) / 0.8796256610342398 - 1)).toBeLessThan(0.01);
    const one = createRng(4);
    for (let i = 0; i < 1000; i++) {
      const v = one.truncatedNormal(0.5, 1);
      expect(v >= 0.5 && v <= 1).toBe(true);
    }
  });

  it('is part of the state: a restored generator draws the same normals', () => {
    const rng = createRng(11);
    rng.normal();
    const saved = rng.state();
    const expected = [rng.normal(), rng.truncatedNormal(-2, 2), rng.next()];
    rng.setState(saved);
    expect([rng.normal(), rng.truncatedNormal(-2, 2), rng.next()]).toEqual(expected);
  });

  it('rejects bounds that are out of order, missing or hold no mass', () => {
    const rng = createRng(1);
    expect(() => rng.truncatedNormal(2, -2)).toThrow(RangeError);
    expect(() => rng.truncatedNormal(1, 1)).toThrow(/lower < upper/);
    expect(() => rng.truncatedNormal(Number.NaN, 1)).toThrow(RangeError);
    expect(() => rng.truncatedNormal(9, 10)).toThrow(/overlap \[-8, 8\]/);
    expect(() => rng.truncatedNormal('a' as unknown as number, 1)).toThrow(TypeError);
  });
});

describe('deriveSeed', () => {
  it('is stable and separates labels', () => {
    expect(deriveSeed(1, 'train')).toBe(deriveSeed(1, 'train'));
    const seeds = new Set([
      deriveSeed(1, 'train'),
      deriveSeed(1, 'test'),
      deriveSeed(2, 'train'),
      deriveSeed(1, 'order', 0),
      deriveSeed(1, 'order', 1),
      deriveSeed(1, 'order', '1'),
    ]);
    expect(seeds.size).toBe(6);
  });

  it('keeps its output stable across versions (golden values)', () => {
    expect([deriveSeed(0, 'train'), deriveSeed(42, 'test'), deriveSeed(1, 'order', 3)]).toEqual(
      GOLDEN_DERIVED,
    );
  });
});

// NOTE: checked against a C build of PractRand's sfc32 with the same seeding (a=0, b=42, c=0, counter=1, 12 discarded).
const GOLDEN_42 = [1264412219, 1947509147, 3919439299, 1251167922];
// NOTE: recorded from the implementation that generated the project's datasets (then in @cgar/tasks).
const GOLDEN_DERIVED = [3983779713, 2827946173, 616862454];
