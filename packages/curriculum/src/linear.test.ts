import { describe, expect, it } from 'vitest';
import { functionSchedule } from './function.js';
import { linearSchedule } from './linear.js';

describe('linearSchedule', () => {
  const ramp = linearSchedule({ from: { n: 2, T: 1 }, to: { n: 6, T: 3 } });

  it('rounds n and T to the nearest integer along the ramp', () => {
    for (let i = 0; i <= 1000; i++) {
      const p = i / 1000;
      const { n, T } = ramp.depthAt(p);
      expect([n, T]).toEqual([Math.floor(2 + 4 * p + 0.5), Math.floor(1 + 2 * p + 0.5)]);
    }
  });

  it('makes one stage per distinct depth, and evaluates at `to`', () => {
    expect(ramp.stages.map((s) => [s.n, s.T])).toEqual([
      [2, 1],
      [3, 1],
      [3, 2],
      [4, 2],
      [5, 2],
      [5, 3],
      [6, 3],
    ]);
    expect(ramp.depthAt(1)).toEqual({ n: 6, T: 3, stage: 6 });
    expect(ramp.evaluationDepth()).toEqual({ n: 6, T: 3 });
  });

  it('reaches full depth at `end` and stays there', () => {
    const s = linearSchedule({ from: { n: 2, T: 1 }, to: { n: 6, T: 3 }, end: 0.5 });
    expect(s.depthAt(0.5)).toMatchObject({ n: 6, T: 3 });
    expect(s.depthAt(0.49)).toMatchObject({ n: 6, T: 3 });
    expect(s.depthAt(0.2)).toMatchObject({ n: 4, T: 2 });
  });

  it('is a single stage when from equals to', () => {
    expect(linearSchedule({ from: { n: 4, T: 2 }, to: { n: 4, T: 2 } }).stages).toEqual([{ n: 4, T: 2 }]);
  });

  it('reports every problem at once', () => {
    expect(() => linearSchedule({ from: { n: 6, T: 0 }, to: { n: 2, T: 1 }, end: 2 })).toThrow(
      /linearSchedule: 3 problems:[\s\S]*from\.T = 0[\s\S]*end = 2 is outside[\s\S]*from\.n = 6 is above to\.n = 2/,
    );
  });
});

describe('functionSchedule', () => {
  const s = functionSchedule((p) => (p < 0.25 ? { n: 2, T: 1 } : p < 0.75 ? { n: 4, T: 1 } : { n: 8, T: 2 }));

  it('calls the function at the exact progress and numbers runs of equal depth as stages', () => {
    expect(s.depthAt(0)).toEqual({ n: 2, T: 1, stage: 0 });
    expect(s.depthAt(0.25)).toEqual({ n: 4, T: 1, stage: 1 });
    expect(s.depthAt({ step: 3, totalSteps: 4 })).toEqual({ n: 8, T: 2, stage: 2 });
    expect(s.stages).toEqual([
      { until: 0.25, n: 2, T: 1 },
      { until: 0.75, n: 4, T: 1 },
      { n: 8, T: 2 },
    ]);
    expect(s.evaluationDepth()).toEqual({ n: 8, T: 2 });
  });

  it('takes an explicit full depth', () => {
    expect(functionSchedule(() => ({ n: 2, T: 1 }), { full: { n: 6, T: 3 } }).evaluationDepth()).toEqual({
      n: 6,
      T: 3,
    });
  });

  it('checks what the function returns, naming the progress', () => {
    expect(() => functionSchedule((p) => ({ n: p < 0.5 ? 2 : 2.5, T: 1 }))).toThrow(/fn\(0\.5\)\.n = 2\.5/);
    expect(() => functionSchedule('f' as unknown as () => { n: number; T: number }, { samples: 0 })).toThrow(
      /2 problems/,
    );
  });
});
