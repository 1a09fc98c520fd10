import { describe, expect, it } from 'vitest';
import { Ema, emaDecay } from './ema.js';
import { learningRate } from './schedule.js';
import { explorationMinimum, Slots } from './slots.js';

describe('Slots: the ACT bookkeeping of docs/design.md section 5', () => {
  const y0 = Float32Array.of(1, 2);
  const z0 = Float32Array.of(3, 4);

  it('starts all halted, refills with a reset carry and a zero step count', () => {
    const s = new Slots(3, 2, 4);
    expect(s.haltedSlots()).toEqual([0, 1, 2]);
    s.refill([0, 2], [5, 6, 7, 8], [9, 10, 2, 3], y0, z0);
    expect(Array.from(s.tokens)).toEqual([5n, 6n, 0n, 0n, 7n, 8n]);
    expect(Array.from(s.y.subarray(0, 4))).toEqual([1, 2, 1, 2]);
    expect(Array.from(s.z.subarray(8, 12))).toEqual([3, 4, 3, 4]);
    expect(s.haltedSlots()).toEqual([1]);
    expect(Array.from(s.stepIndices())).toEqual([1, 1, 1]);
  });

  it('halts when a slot wants to, on nSup, and not before an exploration minimum', () => {
    const s = new Slots(4, 1, 2);
    s.refill([0, 1, 2, 3], [1, 1, 1, 1], [2, 2, 2, 2], y0, z0);
    const q = Uint8Array.of(1, 0, 1, 0);
    s.advance(new Float32Array(8), new Float32Array(8), q, 16, Int32Array.of(0, 0, 3, 0));
    // slot 0 halts; 1 and 3 do not want to; 2 must wait for 3 steps
    expect(Array.from(s.halted)).toEqual([1, 0, 0, 0]);
    s.advance(new Float32Array(8), new Float32Array(8), q, 2, Int32Array.of(0, 0, 3, 0));
    expect(Array.from(s.halted)).toEqual([1, 1, 1, 1]); // nSup = 2 reached
    expect(Array.from(s.stepIndices())).toEqual([3, 3, 3, 3]);
  });

  it('draws exploration minima in 2..nSup with the given probability', () => {
    let x = 0;
    const rand = () => {
      x = (x * 16807 + 11) % 2147483647;
      return x / 2147483647;
    };
    const m = explorationMinimum(20000, 16, 0.1, rand);
    const drawn = Array.from(m).filter((v) => v > 0);
    expect(drawn.length / m.length).toBeGreaterThan(0.09);
    expect(drawn.length / m.length).toBeLessThan(0.11);
    expect(Math.min(...drawn)).toBe(2);
    expect(Math.max(...drawn)).toBe(16);
  });
});

describe('learning rate and EMA', () => {
  it('warms up linearly, then stays constant or follows a cosine', () => {
    expect(learningRate({ lr: 1, warmup: 10, kind: 'constant' }, 4, 100)).toBeCloseTo(0.5);
    expect(learningRate({ lr: 1, warmup: 10, kind: 'constant' }, 50, 100)).toBe(1);
    expect(learningRate({ lr: 1, warmup: 0, kind: 'cosine' }, 50, 100)).toBeCloseTo(0.5);
    expect(learningRate({ lr: 1, warmup: 0, kind: 'cosine', minLr: 0.1 }, 100, 100)).toBeCloseTo(0.1);
  });

  it('EMA follows d * ema + (1 - d) * p, with the warm-up decay', () => {
    expect(emaDecay(0.999, 0, true)).toBeCloseTo(0.1);
    expect(emaDecay(0.999, 10_000, true)).toBe(0.999);
    const p = new Map([['w', { dtype: 'float32' as const, dims: [1], data: Float32Array.of(0) }]]);
    const ema = Ema.of(p, 0.5, false);
    p.set('w', { dtype: 'float32', dims: [1], data: Float32Array.of(1) });
    ema.update(p);
    ema.update(p);
    expect(ema.values.get('w')!.data[0]).toBeCloseTo(0.75);
  });
});
