import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedSpeedup, netApplications, scheduleCost } from './cost.js';
import { linearSchedule } from './linear.js';
import { checkStages, deriveStages, stagedSchedule } from './stages.js';
import type { Stage } from './types.js';

const depth = fc.record({ n: fc.integer({ min: 1, max: 12 }), T: fc.integer({ min: 1, max: 6 }) });
const stageList = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 6 }),
    fc.array(depth, { minLength: 7, maxLength: 7 }),
  )
  .map(([ends, depths]): Stage[] => {
    const untils = [...ends].sort((a, b) => a - b).map((k) => k / 1000);
    return [...untils.map((until, i) => ({ until, ...depths[i]! })), { ...depths[6]! }];
  });

describe('properties', () => {
  it('a step lands in the first stage whose until is above its progress', () => {
    fc.assert(
      fc.property(stageList, fc.integer({ min: 1, max: 5000 }), fc.nat(), (stages, total, raw) => {
        const step = raw % (total + 1);
        const at = stagedSchedule(stages).depthAt({ step, totalSteps: total });
        const p = step / total;
        const expected = stages.findIndex((s) => s.until === undefined || p < s.until);
        expect(at).toEqual({ n: stages[expected]!.n, T: stages[expected]!.T, stage: expected });
      }),
    );
  });

  it('at each boundary the next stage has started', () => {
    fc.assert(
      fc.property(stageList, (stages) => {
        const s = stagedSchedule(stages);
        stages.slice(0, -1).forEach((stage, i) => {
          expect(s.depthAt(stage.until!).stage).toBe(i + 1);
        });
      }),
    );
  });

  it('the schedule cost lies between the cheapest and dearest stage, and is exact for the full depth', () => {
    fc.assert(
      fc.property(stageList, (stages) => {
        const costs = stages.map(netApplications);
        const cost = scheduleCost(stagedSchedule(stages));
        expect(cost).toBeGreaterThanOrEqual(Math.min(...costs) - 1e-9);
        expect(cost).toBeLessThanOrEqual(Math.max(...costs) + 1e-9);
        const full = stages[stages.length - 1]!;
        expect(expectedSpeedup(stagedSchedule([full]))).toBe(1);
      }),
    );
  });

  it('derived stages never exceed the full depth and never get shallower', () => {
    fc.assert(
      fc.property(depth, (full) => {
        const stages = deriveStages(full);
        expect(checkStages(stages)).toEqual([]);
        for (let i = 1; i < 3; i++) {
          expect(stages[i]!.n).toBeGreaterThanOrEqual(stages[i - 1]!.n);
          expect(stages[i]!.T).toBeGreaterThanOrEqual(stages[i - 1]!.T);
        }
        expect(stages[0]!.n).toBeLessThanOrEqual(full.n);
        expect(expectedSpeedup(stagedSchedule(stages))).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('a linear ramp matches rounding at any progress', () => {
    fc.assert(
      fc.property(
        depth,
        depth,
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (a, b, e, q) => {
          const from = { n: Math.min(a.n, b.n), T: Math.min(a.T, b.T) };
          const to = { n: Math.max(a.n, b.n), T: Math.max(a.T, b.T) };
          const end = e / 1000;
          const p = q / 1000;
          const r = Math.min(1, p / end);
          const at = linearSchedule({ from, to, end }).depthAt(p);
          // NOTE: away from a rounding tie, the stage depth equals the rounded ramp.
          const exactN = from.n + (to.n - from.n) * r;
          const exactT = from.T + (to.T - from.T) * r;
          if (Math.abs((exactN % 1) - 0.5) > 1e-9) expect(at.n).toBe(Math.round(exactN));
          if (Math.abs((exactT % 1) - 0.5) > 1e-9) expect(at.T).toBe(Math.round(exactT));
        },
      ),
    );
  });

  it('every invalid until is reported', () => {
    fc.assert(
      fc.property(stageList, fc.double({ noNaN: true }), (stages, bad) => {
        fc.pre(stages.length > 1 && !(bad > 0 && bad <= 1));
        const broken = stages.map((s, i) => (i === 0 ? { ...s, until: bad } : s));
        expect(checkStages(broken).some((m) => m.startsWith('stages[0].until'))).toBe(true);
      }),
    );
  });
});
