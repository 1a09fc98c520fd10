import { buildStepGraph, getPreset, initParams } from '@cgar/export';
import { hostTensor } from '@cgar/graph';
import { create } from '@cgar/runtime/node';
import { generate, gradeAnswer } from '@cgar/tasks';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { calibrateHalting, type HaltingTrace, haltingAt, haltingStep, STANDARD_RULES } from './halting.js';

const trace = (qHalt: number[], correct: number[]): HaltingTrace => ({ qHalt, correct });

// Four puzzles, three steps. Right after: A step 1, B step 2, C step 3, D never.
const traces = [
  trace([3, 4, 5], [1, 1, 1]), // A: confident and right from step 1
  trace([1, 2.5, 3], [0, 1, 1]), // B: right from step 2
  trace([-1, 0.5, 2], [0, 0, 1]), // C: right only at step 3
  trace([-2, -2, -2], [0, 0, 0]), // D: never right, never confident
];

describe('haltingAt', () => {
  it('stops each puzzle at its first q_halt > threshold, else at the last step', () => {
    expect(haltingAt(traces, 0)).toEqual({ threshold: 0, exact: 1 / 4, meanSteps: (1 + 1 + 2 + 3) / 4 });
    expect(haltingAt(traces, 2)).toEqual({ threshold: 2, exact: 3 / 4, meanSteps: (1 + 2 + 3 + 3) / 4 });
    expect(haltingAt(traces, 100)).toEqual({ threshold: 100, exact: 3 / 4, meanSteps: 3 });
    expect(haltingAt(traces, -100)).toEqual({ threshold: -100, exact: 1 / 4, meanSteps: 1 });
  });
});

describe('calibrateHalting', () => {
  it('saves the most steps without losing more than maxLoss', () => {
    const c = calibrateHalting(traces, { maxLoss: 0 });
    expect(c.fullExact).toBe(3 / 4);
    expect(c.exact).toBe(3 / 4);
    // q_halt > 1.5 stops A at 1 and B at 2, but C at step 2 (q 0.5 < 1.5 < 2): the best is between 1 and 2.5
    expect(c.meanSteps).toBe((1 + 2 + 3 + 3) / 4);
    expect(c.threshold).toBeGreaterThanOrEqual(1);
    expect(c.threshold).toBeLessThan(2.5);
    expect(haltingAt(traces, c.threshold)).toEqual({
      threshold: c.threshold,
      exact: c.exact,
      meanSteps: c.meanSteps,
    });
    expect(c.steps).toBe(3);
  });

  it('gives up accuracy for steps when maxLoss allows it', () => {
    const c = calibrateHalting(traces, { maxLoss: 0.5 });
    expect(c.exact).toBeGreaterThanOrEqual(c.fullExact - 0.5);
    expect(c.meanSteps).toBe(1); // halting everything at step 1 keeps A: 25%, within 50 points of 75%
    expect(c.threshold).toBeLessThan(-2);
  });

  it('the curve runs from halting everything at step 1 to never halting early', () => {
    const { curve } = calibrateHalting(traces);
    expect(curve[0]!.meanSteps).toBe(1);
    expect(curve.at(-1)!.meanSteps).toBe(3);
    for (let i = 1; i < curve.length; i++)
      expect(curve[i]!.threshold).toBeGreaterThan(curve[i - 1]!.threshold);
  });

  it('rejects empty or ragged traces, non-finite logits and a bad maxLoss, naming them', () => {
    expect(() => calibrateHalting([])).toThrow(/'traces' must be a non-empty array/);
    expect(() => calibrateHalting([trace([1], [1]), trace([1, 2], [1, 1])])).toThrow(/traces\[1\] has 2/);
    expect(() => calibrateHalting([trace([Number.NaN], [1])])).toThrow(/traces\[0\]\.qHalt\[0\] is NaN/);
    expect(() => calibrateHalting(traces, { maxLoss: 5 })).toThrow(/'maxLoss' must be a share in \[0, 1\]/);
  });
});

describe('evaluate with traces', () => {
  it('the traces reproduce every figure evaluate reports', async () => {
    const cfg = { ...getPreset('cpu-tiny'), n: 2, T: 1, nSup: 5 };
    const params = initParams(cfg, 4);
    // NOTE: the official init (weight 0, bias -5) makes q_halt constant; random weights make it vary.
    const w = params.get('inner.q_head.weight')!;
    params.set(
      'inner.q_head.weight',
      hostTensor(
        'float32',
        w.dims,
        w.data.map((_, i) => Math.sin(i * 1.7)),
      ),
    );
    params.set('inner.q_head.bias', hostTensor('float32', [2], Float32Array.of(0, 0)));
    const examples = generate({ seed: 5, count: 20, minGivens: 60, maxGivens: 70 });
    const m = await evaluate(ort, cfg, params, examples, { traces: true, batchSize: 8 });
    expect(m.traces).toHaveLength(20);
    const rule = haltingAt(m.traces, 0);
    expect(rule.exact).toBeCloseTo(m.exactAdaptive, 12);
    expect(rule.meanSteps).toBeCloseTo(m.meanSteps, 12);
    const last = m.traces.map((t) => ({ q: t.qHalt[cfg.nSup - 1]!, right: t.correct[cfg.nSup - 1]! }));
    expect(last.filter((l) => l.right).length / 20).toBeCloseTo(m.exact, 12);
    expect(last.filter((l) => l.q >= 0 === (l.right === 1)).length / 20).toBeCloseTo(m.haltAcc, 12);
    const qs = new Set(m.traces.flatMap((t) => Array.from(t.qHalt)));
    expect(qs.size).toBeGreaterThan(20);
    const plain = await evaluate(ort, cfg, params, examples);
    expect('traces' in plain).toBe(false);
  });
});

describe('evaluate and the runtime', () => {
  it('every standard rule stops each puzzle where the runtime solver in host mode does', async () => {
    const cfg = { ...getPreset('cpu-tiny'), hidden: 16, n: 2, T: 1, nSup: 5 };
    const params = initParams(cfg, 9);
    const w = params.get('inner.q_head.weight')!;
    for (let i = 0; i < w.data.length; i++) w.data[i] = Math.sin(i * 12.9898) * 2;
    params.get('inner.q_head.bias')!.data.fill(0);
    // NOTE: a zero lm_head keeps every answer the same, so `stable` halts early; q_halt still varies.
    params.get('inner.lm_head.weight')!.data.fill(0);
    const examples = generate({ seed: 2, count: 24, minGivens: 30, maxGivens: 60 });
    const m = await evaluate(ort, cfg, params, examples, { batchSize: 10, traces: true });
    const step = buildStepGraph(cfg, params).bytes;
    const seen = new Set<string>();
    for (const [name, rule] of Object.entries(STANDARD_RULES)) {
      const solver = await create({ step }, { mode: 'host', halting: rule });
      const rs = await solver.solve(examples.map((e) => e.puzzle));
      await solver.release();
      const steps = m.traces.map((t) => haltingStep(t, cfg.nSup, rule) + 1);
      expect(
        rs.map((r) => r.steps),
        name,
      ).toEqual(steps);
      seen.add(steps.join());
      const right = rs.map((r, i) => Number(gradeAnswer(r.digits, examples[i]!.solution).exact));
      expect(right, name).toEqual(m.traces.map((t, i) => t.correct[steps[i]! - 1]));
    }
    // NOTE: the rules stop the puzzles at different steps, so the comparison is not trivial.
    expect(seen.size).toBeGreaterThan(2);
  });
});
