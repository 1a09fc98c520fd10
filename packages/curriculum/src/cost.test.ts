import { describe, expect, it } from 'vitest';
import {
  expectedSpeedup,
  flopsModel,
  forwardApplications,
  netApplications,
  scheduleCost,
  stageCosts,
  stepCost,
} from './cost.js';
import { paperSchedule, stagedSchedule } from './stages.js';

describe('cost model', () => {
  it('counts net applications as docs/design.md section 3 does', () => {
    expect([
      netApplications({ n: 2, T: 1 }),
      netApplications({ n: 4, T: 2 }),
      netApplications({ n: 6, T: 3 }),
    ]).toEqual([9, 20, 35]);
    expect(forwardApplications({ n: 6, T: 3 })).toBe(21);
  });

  it('gives the paper schedule a cost of 22.7 and a speedup of 35 / 22.7', () => {
    expect(scheduleCost(paperSchedule())).toBeCloseTo(22.7, 12);
    expect(Math.abs(expectedSpeedup(paperSchedule()) - 35 / 22.7)).toBeLessThan(1e-9);
    expect(stageCosts(paperSchedule()).map((s) => [s.from, s.until, s.cost])).toEqual([
      [0, 0.3, 9],
      [0.3, 0.6, 20],
      [0.6, 1, 35],
    ]);
  });

  it("reproduces the paper's 41.4% fewer forward applications", () => {
    const saved = 1 - scheduleCost(paperSchedule(), forwardApplications) / 21;
    expect(saved).toBeCloseTo(0.414, 3);
  });

  it('scales by FLOPs per application without changing the speedup', () => {
    const flops = flopsModel(1e9);
    expect(stepCost({ n: 6, T: 3 }, flops)).toBe(35e9);
    expect(expectedSpeedup(paperSchedule(), flops)).toBeCloseTo(35 / 22.7, 9);
    expect(() => flopsModel(0)).toThrow(RangeError);
  });

  it('is 1 for a schedule that never leaves full depth, and takes any model', () => {
    expect(expectedSpeedup(stagedSchedule([{ n: 6, T: 3 }]))).toBe(1);
    expect(expectedSpeedup(paperSchedule(), ({ n, T }) => n * T)).toBeCloseTo(
      18 / (0.3 * 2 + 0.3 * 8 + 0.4 * 18),
      12,
    );
  });

  it('rejects a model that returns a non-positive or non-finite cost, naming the depth', () => {
    expect(() => scheduleCost(paperSchedule(), () => -1)).toThrow(/returned -1 for depth \(n=2, T=1\)/);
    expect(() => stepCost({ n: 6, T: 3 }, () => Number.NaN)).toThrow(RangeError);
    expect(() => stepCost({ n: 0, T: 3 })).toThrow(/depth\.n = 0/);
  });
});
