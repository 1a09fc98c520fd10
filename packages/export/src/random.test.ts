import { describe, expect, it } from 'vitest';
import { createRng, truncNormalFill } from './random.js';

describe('createRng', () => {
  it('is deterministic per (seed, stream) and independent across streams', () => {
    const draw = (seed: number, stream?: string) => {
      const r = createRng(seed, stream);
      return Array.from({ length: 5 }, () => r.u32());
    };
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('draws uniform in [0,1) and standard normals with the right moments', () => {
    const r = createRng(42);
    const n = 200_000;
    let [s, s2, min, max] = [0, 0, 1, 0];
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      [min, max] = [Math.min(min, u), Math.max(max, u)];
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });

  it('truncNormalFill hits the requested std and stays inside the bound', () => {
    const a = truncNormalFill(new Float32Array(200_000), createRng(3), 0.5);
    const m = a.reduce((x, v) => x + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, v) => x + (v - m) ** 2, 0) / a.length);
    expect(Math.abs(sd / 0.5 - 1)).toBeLessThan(0.01);
    expect(a.reduce((x, v) => Math.max(x, Math.abs(v)), 0)).toBeLessThanOrEqual(
      (2 * 0.5) / 0.8796256610342398 + 1e-6,
    );
  });

  it('rejects a bad seed', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});
