import { describe, expect, it } from 'vitest';
import type { StepContext } from './index.js';
import { createWeighting } from './weighting.js';
import { stepWeights, supervisionWeights } from './weights.js';

describe('createWeighting', () => {
  it('fills ctx.weights from ctx.stepIndices, reusing the buffer', () => {
    const w = createWeighting({ nSup: 16 });
    const ctx: StepContext = { step: 0, totalSteps: 10, stepIndices: Int32Array.of(1, 2, 16) };
    w.onStepStart(ctx);
    expect(ctx.weights).toEqual(supervisionWeights(ctx.stepIndices!, { nSup: 16 }));
    const buffer = ctx.weights;
    ctx.stepIndices = Int32Array.of(3, 3, 3);
    w.onStepStart(ctx);
    expect(ctx.weights).toBe(buffer);
    expect(w.name).toBe('supervision');
  });

  it('tells the loop what is missing', () => {
    expect(() => createWeighting({ nSup: 4 }).onStepStart({ step: 0, totalSteps: 1 })).toThrow(
      /ctx\.stepIndices/,
    );
    const a = createWeighting({ nSup: 4, mode: 'adaptive' });
    expect(() => a.onStepEnd({ step: 0, totalSteps: 1, stepIndices: Int32Array.of(1) })).toThrow(
      /sampleLosses/,
    );
    expect(() => createWeighting({ nSup: 4 }).observe(Int32Array.of(1), [1])).toThrow(/only mode 'adaptive'/);
    expect(() => createWeighting({ nSup: 4, observe: 'manual' })).toThrow(/only used in mode 'adaptive'/);
  });

  it('adaptive: learns per-step statistics from sampleLosses and saves them', () => {
    const a = createWeighting({ nSup: 3, mode: 'adaptive', momentum: 0.5 });
    const ctx: StepContext = {
      step: 0,
      totalSteps: 10,
      stepIndices: Int32Array.of(1, 1, 2, 3),
      sampleLosses: Float32Array.of(5, 7, 3, 1),
    };
    a.onStepEnd(ctx);
    // NOTE: bias-corrected EMA after one update equals the batch means: 6, 3, 1 (sum 10).
    expect(Array.from(a.table()).map((v) => v.toFixed(6))).toEqual(['1.800000', '0.900000', '0.300000']);
    a.observe(Int32Array.of(1), [2]);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = createWeighting({ nSup: 3, mode: 'adaptive', momentum: 0.5 });
    b.restore(saved);
    expect(b.table()).toEqual(a.table());
    expect(b.weights(Int32Array.of(1, 2))).toEqual(a.weights(Int32Array.of(1, 2)));
  });

  it('adaptive: rejects bad observations naming the slot', () => {
    const a = createWeighting({ nSup: 3, mode: 'adaptive' });
    expect(() => a.observe(Int32Array.of(1, 2), [1, Number.NaN])).toThrow(/values\[1\] = NaN/);
    expect(() => a.observe(Int32Array.of(1, 2), [1])).toThrow(/length 1, expected 2/);
    expect(() => a.observe(Int32Array.of(1, 4), [1, 1])).toThrow(/stepIndices\[1\] = 4/);
  });

  it('adaptive: seeds from options.stats', () => {
    const a = createWeighting({ nSup: 2, mode: 'adaptive', stats: [3, 1] });
    expect(Array.from(a.table())).toEqual([1.5, 0.5]);
    a.observe(Int32Array.of(2), [1]);
    expect(Array.from(a.table())).toEqual([1.5, 0.5]);
  });

  it('refuses a state made with other options', () => {
    const saved = createWeighting({ nSup: 16 }).state();
    expect(() => createWeighting({ nSup: 8 }).restore(saved)).toThrow(
      /saved with mode 'per-sample', lambda 0\.7, nSup 16/,
    );
    expect(() => createWeighting({ nSup: 16, lambda: 0.5 }).restore(saved)).toThrow(Error);
    expect(() => createWeighting({ nSup: 16 }).restore({ kind: 'cgar-curriculum' })).toThrow(TypeError);
    expect(() => createWeighting({ nSup: 16 }).restore(saved)).not.toThrow();
  });

  it('exposes the table of its mode', () => {
    expect(createWeighting({ nSup: 4, mode: 'batch-scalar' }).table()).toEqual(
      stepWeights({ nSup: 4, mode: 'batch-scalar' }),
    );
    expect(createWeighting({ nSup: 4, mode: 'batch-scalar' }).weights(Int32Array.of(3, 3))[0]).toBeCloseTo(
      0.49,
      6,
    );
  });
});
