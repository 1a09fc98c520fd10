import { describe, expect, it } from 'vitest';
import { applyHaltingRule, haltingStep } from './halting.js';
import { rocAuc, StepIndexStats } from './stats.js';

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0 for inverted, 0.5 for all ties, null for one class', () => {
    expect(rocAuc([0.1, 0.9, 0.4], [0, 1, 0])).toBe(1);
    expect(rocAuc([0.1, 0.9, 0.4], [1, 0, 1])).toBe(0);
    expect(rocAuc([2, 2, 2, 2], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([1, 2], [1, 1])).toBeNull();
  });

  it('equals the pairwise count on a hand-made case with ties', () => {
    const scores = [0.3, 0.3, 0.1, 0.7, 0.5];
    const labels = [1, 0, 0, 1, 0];
    let pairs = 0;
    let wins = 0;
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++)
        if (labels[i] === 1 && labels[j] === 0) {
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });
});

describe('StepIndexStats', () => {
  it('averages exactness and q_halt per step index, and pools the AUC and halting accuracy', () => {
    const s = new StepIndexStats(3);
    s.add(1, -1, 0);
    s.add(1, 1, 1);
    s.add(3, 2, 1);
    s.add(9, -2, 1); // past the last index: counts in the last
    const f = s.figures();
    expect(f.count).toEqual([2, 0, 2]);
    expect(f.exact).toEqual([0.5, null, 1]);
    expect(f.qHalt).toEqual([0, null, 0]);
    expect(f.haltAcc).toBe(0.75);
    expect(f.auc).toBeCloseTo(2 / 3, 12);
    s.clear();
    expect(s.size).toBe(0);
  });

  it('keeps a bounded number of samples for the AUC, the most recent ones', () => {
    const s = new StepIndexStats(2, 8);
    // NOTE: early samples separate inversely, recent ones perfectly; only recent ones are kept.
    for (let i = 0; i < 100; i++) {
      const right = i % 2 === 0;
      s.add(1, right === i >= 50 ? 1 : -1, right);
    }
    expect(s.figures().auc).toBe(1);
    expect(s.size).toBe(100);
    expect(s.figures().count).toEqual([100, 0]);
  });
});

describe('halting rules on traces', () => {
  const trace = {
    qHalt: [-3, -2, 1, 2, 3],
    correct: [0, 1, 1, 0, 0],
    changed: [1, 1, 0, 1, 0],
    valid: [0, 1, 1, 0, 0],
  };

  it('halts where the first rule part that is set says so', () => {
    expect(haltingStep(trace, 5, { threshold: 0 })).toBe(2);
    expect(haltingStep(trace, 5, { stable: 2 })).toBe(2);
    expect(haltingStep(trace, 5, { stable: 3 })).toBe(4); // never 3 in a row: the last step
    expect(haltingStep(trace, 5, { verified: true })).toBe(1);
    expect(haltingStep(trace, 5, { threshold: 10, stable: 2 })).toBe(2);
    expect(haltingStep(trace, 5, {})).toBe(4);
  });

  it('reports exact accuracy at the halting step and the mean steps', () => {
    expect(applyHaltingRule([trace], { verified: true })).toEqual({ exact: 1, meanSteps: 2 });
    expect(applyHaltingRule([trace], {})).toEqual({ exact: 0, meanSteps: 5 });
    expect(() => applyHaltingRule([{ qHalt: [1], correct: [1] }], { stable: 2 })).toThrow(/'changed'/);
  });
});
