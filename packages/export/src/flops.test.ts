import { describe, expect, it } from 'vitest';
import { headFlops, netCallsPerStep, netFlops, stepFlops } from './flops.js';
import { getPreset } from './presets.js';
import { defineConfig } from './validate.js';

describe('netFlops', () => {
  it('sudoku-mlp, worked by hand', () => {
    // per block: token SwiGLU 2*512*97*1024 + 2*512*512*97, channel SwiGLU 2*97*512*3072 + 2*97*1536*512
    const block = 2 * 512 * 97 * 1024 + 2 * 512 * 512 * 97 + 2 * 97 * 512 * 3072 + 2 * 97 * 1536 * 512;
    expect(netFlops(getPreset('sudoku-mlp'))).toBe(2 * block);
    expect(netFlops(getPreset('sudoku-mlp'))).toBe(1_220_542_464);
  });

  it('sudoku-attn includes QK^T and AV', () => {
    const [S, D] = [97, 512];
    const attn = 2 * S * D * 3 * D + 2 * (2 * S * S * D) + 2 * S * D * D;
    const channel = 2 * S * D * 3072 + 2 * S * 1536 * D;
    expect(netFlops(getPreset('sudoku-attn'))).toBe(2 * (attn + channel));
  });

  it('is linear in batch and in layers', () => {
    const cfg = getPreset('cpu-small');
    expect(netFlops(cfg, 8)).toBe(8 * netFlops(cfg));
    expect(netFlops(defineConfig({ layers: 4 }, 'cpu-small'))).toBe(2 * netFlops(cfg));
  });

  it('is about 2 FLOPs per weight per token for the channel MLP (sanity)', () => {
    const cfg = getPreset('cpu-large');
    const channelWeights = 3 * 256 * 768; // gate, up, down
    expect(netFlops(cfg)).toBeGreaterThan(2 * cfg.layers * 82 * channelWeights);
  });
});

describe('stepFlops', () => {
  const cfg = getPreset('sudoku-mlp');
  it.each([
    [2, 1, 3, 9],
    [4, 2, 10, 20],
    [6, 3, 21, 35],
  ])(
    'depth (%d,%d): %d nets forward, %d with backward (cost model of docs/design.md section 3)',
    (n, T, fwd, train) => {
      expect(netCallsPerStep(n, T)).toBe(fwd);
      expect(netCallsPerStep(n, T, { backward: true })).toBe(train);
      expect(stepFlops(cfg, n, T)).toBe(fwd * netFlops(cfg) + headFlops(cfg));
      expect(stepFlops(cfg, n, T, { backward: true })).toBe(train * netFlops(cfg) + 3 * headFlops(cfg));
    },
  );

  it('PDC time-weighted cost bound is 35 / 22.7 = 1.54x', () => {
    const c = (n: number, T: number) => netCallsPerStep(n, T, { backward: true });
    const mix = 0.3 * c(2, 1) + 0.3 * c(4, 2) + 0.4 * c(6, 3);
    expect(mix).toBeCloseTo(22.7, 10);
    expect(c(6, 3) / mix).toBeCloseTo(1.54, 2);
  });

  it('heads: lm_head on the cells only, q_head on position 0', () => {
    expect(headFlops(cfg)).toBe(2 * 81 * 512 * 11 + 2 * 512 * 2);
  });

  it('rejects a bad depth', () => {
    expect(() => stepFlops(cfg, 0, 1)).toThrow(/'n' is 0/);
    expect(() => stepFlops(cfg, 2, 1.5)).toThrow(RangeError);
  });
});
