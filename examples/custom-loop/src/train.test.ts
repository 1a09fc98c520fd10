import { describe, expect, it } from 'vitest';

describe('custom TensorFlow.js loop with @cgar/curriculum and @cgar/supervision', () => {
  it('walks the paper stages and the loss falls', async () => {
    const { train } = await import('./train.js');
    const { losses, stages, evalDepth } = await train({ totalSteps: 150, log: () => {} });
    expect(stages.map((s) => [s.step, s.depth.n, s.depth.T])).toEqual([
      [0, 2, 1],
      [45, 4, 2],
      [90, 6, 3],
    ]);
    expect(evalDepth).toEqual({ n: 6, T: 3 });
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-15))).toBeLessThan(0.5 * mean(losses.slice(0, 15)));
  });
});
