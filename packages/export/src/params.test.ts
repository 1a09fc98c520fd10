import { createRng, deriveSeed } from '@cgar/common';
import { sizeOf } from '@cgar/graph';
import { describe, expect, it } from 'vitest';
import {
  countParams,
  H_INIT,
  initialCarryData,
  initParams,
  L_INIT,
  paramSpecs,
  truncNormalFill,
} from './params.js';
import { getPreset, PRESET_NAMES } from './presets.js';
import { defineConfig } from './validate.js';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: Float32Array) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};

describe('paramSpecs and countParams', () => {
  it('sudoku-mlp has exactly 5,028,866 trainable parameters', () => {
    // blocks 2*(99328 + 49664 + 1572864 + 786432) + embed 5632 + lm_head 5632 + q_head 1026
    expect(countParams(getPreset('sudoku-mlp'))).toBe(5_028_866);
    expect(countParams(getPreset('sudoku-mlp'), { trainableOnly: false })).toBe(5_028_866 + 3 * 512);
  });

  it('sudoku-attn has about 6.8M trainable parameters', () => {
    expect(countParams(getPreset('sudoku-attn'))).toBe(6_828_034);
  });

  it('uses the official names and [out, in] shapes', () => {
    const specs = paramSpecs(getPreset('sudoku-mlp'));
    const shapes = Object.fromEntries(specs.map((s) => [s.name, s.dims]));
    expect(shapes).toEqual({
      'inner.embed_tokens.embedding_weight': [11, 512],
      'inner.lm_head.weight': [11, 512],
      'inner.q_head.weight': [2, 512],
      'inner.q_head.bias': [2],
      'inner.puzzle_emb.weights': [1, 512],
      'inner.H_init': [512],
      'inner.L_init': [512],
      'inner.L_level.layers.0.mlp_t.gate_up_proj.weight': [1024, 97],
      'inner.L_level.layers.0.mlp_t.down_proj.weight': [97, 512],
      'inner.L_level.layers.0.mlp.gate_up_proj.weight': [3072, 512],
      'inner.L_level.layers.0.mlp.down_proj.weight': [512, 1536],
      'inner.L_level.layers.1.mlp_t.gate_up_proj.weight': [1024, 97],
      'inner.L_level.layers.1.mlp_t.down_proj.weight': [97, 512],
      'inner.L_level.layers.1.mlp.gate_up_proj.weight': [3072, 512],
      'inner.L_level.layers.1.mlp.down_proj.weight': [512, 1536],
    });
    const attn = paramSpecs(getPreset('sudoku-attn')).map((s) => [s.name, s.dims]);
    expect(attn).toContainEqual(['inner.L_level.layers.1.self_attn.qkv_proj.weight', [1536, 512]]);
    expect(attn).toContainEqual(['inner.L_level.layers.1.self_attn.o_proj.weight', [512, 512]]);
  });

  it('groups: only weights are trainable; puzzle_emb and init states are not', () => {
    const specs = paramSpecs(getPreset('cpu-tiny'));
    const byGroup = (g: string) => specs.filter((s) => s.group === g).map((s) => s.name);
    expect(byGroup('puzzle_emb')).toEqual(['inner.puzzle_emb.weights']);
    expect(byGroup('init_state')).toEqual(['inner.H_init', 'inner.L_init']);
    for (const s of specs) expect(s.trainable).toBe(s.group === 'weights');
  });
});

describe('initParams', () => {
  const cfg = defineConfig({ hidden: 256, interMultiple: 64 }, 'cpu-tiny');
  const params = initParams(cfg, 7);

  it('covers every spec with the right shape', () => {
    for (const s of paramSpecs(cfg)) {
      const t = params.get(s.name)!;
      expect(t.dims).toEqual(s.dims);
      expect(t.data.length).toBe(sizeOf(s.dims));
    }
  });

  it('is reproducible per seed and differs across seeds', () => {
    const again = initParams(cfg, 7);
    const other = initParams(cfg, 8);
    for (const [name, t] of params) {
      expect(bytes(again.get(name)!.data).equals(bytes(t.data)), name).toBe(true);
      if (std(t.data) > 0) expect(bytes(other.get(name)!.data).equals(bytes(t.data)), name).toBe(false);
    }
  });

  it('follows the init rules (std within 5%, truncated at 2 std)', () => {
    const get = (n: string) => params.get(n)!.data;
    expect([...get('inner.q_head.bias')]).toEqual([-5, -5]);
    expect(get('inner.q_head.weight').every((v) => v === 0)).toBe(true);
    expect(get('inner.puzzle_emb.weights').every((v) => v === 0)).toBe(true);
    const D = cfg.hidden;
    const cases: [string, number][] = [
      ['inner.L_level.layers.0.mlp.gate_up_proj.weight', 1 / Math.sqrt(D)],
      [
        'inner.L_level.layers.0.mlp.down_proj.weight',
        1 / Math.sqrt(params.get('inner.L_level.layers.0.mlp.down_proj.weight')!.dims[1]!),
      ],
      ['inner.L_level.layers.0.mlp_t.gate_up_proj.weight', 1 / Math.sqrt(82)],
      ['inner.embed_tokens.embedding_weight', 1 / Math.sqrt(D)],
    ];
    for (const [name, want] of cases) {
      const d = get(name);
      expect(Math.abs(std(d) / want - 1), name).toBeLessThan(0.05);
      expect(Math.abs(mean(d)), name).toBeLessThan(0.1 * want);
      // the official init scales a +-2 truncated normal by std/0.8796, so the bound is 2.2737 std
      expect(
        d.every((v) => Math.abs(v) <= (2 / 0.87962566) * want * (1 + 1e-6)),
        name,
      ).toBe(true);
    }
    const h = get('inner.H_init');
    expect(Math.abs(std(h) - 1)).toBeLessThan(0.15);
  });
});

describe('H_INIT, L_INIT and initialCarryData', () => {
  it('name the init-state parameters, and give their values as the carry start', () => {
    const cfg = getPreset('cpu-tiny');
    const init = paramSpecs(cfg).filter((p) => p.group === 'init_state');
    expect(init.map((p) => p.name)).toEqual([H_INIT, L_INIT]);
    const params = initParams(cfg, 0);
    const { y, z } = initialCarryData(params);
    expect(y).toBe(params.get(H_INIT)!.data);
    expect(z).toBe(params.get(L_INIT)!.data);
    expect(y.length).toBe(cfg.hidden);
    params.delete(L_INIT);
    expect(() => initialCarryData(params)).toThrow(/no 'inner.L_init'/);
  });
});

describe('truncNormalFill', () => {
  it('hits the requested std and stays inside the bound', () => {
    const a = truncNormalFill(new Float32Array(200_000), createRng(3), 0.5);
    const m = a.reduce((x, v) => x + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, v) => x + (v - m) ** 2, 0) / a.length);
    expect(Math.abs(sd / 0.5 - 1)).toBeLessThan(0.01);
    expect(a.reduce((x, v) => Math.max(x, Math.abs(v)), 0)).toBeLessThanOrEqual(
      (2 * 0.5) / 0.8796256610342398 + 1e-6,
    );
  });

  it('is the stream initParams gives each tensor: createRng(deriveSeed(seed, name))', () => {
    const cfg = getPreset('cpu-tiny');
    const name = 'inner.L_level.layers.0.mlp.gate_up_proj.weight';
    const spec = paramSpecs(cfg).find((s) => s.name === name)!;
    const std = spec.init.kind === 'truncNormal' ? spec.init.std : Number.NaN;
    const want = truncNormalFill(new Float32Array(sizeOf(spec.dims)), createRng(deriveSeed(5, name)), std);
    expect(bytes(initParams(cfg, 5).get(name)!.data).equals(bytes(want))).toBe(true);
  });
});

it.each(PRESET_NAMES)('%s: trainable counts add up', (name) => {
  const cfg = getPreset(name);
  const total = paramSpecs(cfg).reduce((s, p) => s + sizeOf(p.dims), 0);
  expect(countParams(cfg, { trainableOnly: false })).toBe(total);
  expect(total - countParams(cfg)).toBe((cfg.puzzleIds + 2) * cfg.hidden);
});
