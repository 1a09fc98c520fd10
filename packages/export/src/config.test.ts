import { describe, expect, it } from 'vitest';
import { channelInter, seqLen, swigluWidth, tokenMixerInter } from './config.js';
import { getPreset, PRESET_NAMES, presets } from './presets.js';
import { defineConfig, diffConfigs, validateConfig } from './validate.js';

describe('derived sizes', () => {
  it.each([
    // [expansion, width, multiple, expected]  official: _find_multiple(round(e*w*2/3), m)
    [4, 512, 256, 1536],
    [4, 97, 256, 512],
    [4, 82, 16, 224],
    [4, 32, 16, 96],
    [4, 64, 32, 192],
    [2.25, 1, 1, 2], // 1.5 rounds half to even like Python
    [3.75, 1, 1, 2], // 2.5 -> 2
  ])('swigluWidth(%d, %d, %d) = %d', (e, w, m, want) => {
    expect(swigluWidth(e, w, m)).toBe(want);
  });

  it('sudoku-mlp: S = 97, token inter 512, channel inter 1536', () => {
    const cfg = getPreset('sudoku-mlp');
    expect([seqLen(cfg), tokenMixerInter(cfg), channelInter(cfg)]).toEqual([97, 512, 1536]);
  });
});

describe('presets', () => {
  it.each(PRESET_NAMES)('%s is valid and keeps full depth', (name) => {
    const cfg = validateConfig(getPreset(name));
    expect([cfg.n, cfg.T, cfg.nSup]).toEqual([6, 3, 16]);
  });

  it('official Sudoku presets and CPU presets', () => {
    expect(presets['sudoku-mlp']).toMatchObject({
      hidden: 512,
      prefix: 16,
      loss: 'stablemax',
      haltWeight: 0.5,
    });
    expect(presets['sudoku-attn']).toMatchObject({ mixer: 'attention', heads: 8 });
    expect(PRESET_NAMES.filter((n) => n.startsWith('cpu')).map((n) => presets[n].hidden)).toEqual([
      32, 64, 128, 256,
    ]);
    for (const n of ['cpu-tiny', 'cpu-small', 'cpu-medium', 'cpu-large'] as const) {
      expect(presets[n]).toMatchObject({ prefix: 1, loss: 'softmax', mixer: 'mlp' });
    }
  });

  it('getPreset returns a copy and lists known names on a miss', () => {
    const a = getPreset('cpu-tiny');
    a.hidden = 1;
    expect(getPreset('cpu-tiny').hidden).toBe(32);
    expect(() => getPreset('cpu-huge')).toThrow(
      /unknown preset 'cpu-huge'; known presets: sudoku-mlp, sudoku-attn/,
    );
    expect(Object.isFrozen(presets['cpu-tiny'])).toBe(true);
  });
});

describe('validateConfig', () => {
  const base = getPreset('sudoku-mlp');

  it.each([
    [{ hidden: 0 }, RangeError, /hidden is 0, expected an integer >= 1/],
    [{ hidden: 1.5 }, RangeError, /hidden is 1.5/],
    [{ hidden: '512' }, TypeError, /hidden is '512' \(string\), expected a number/],
    [{ loss: 'mse' }, RangeError, /loss is 'mse', expected one of 'softmax', 'stablemax'/],
    [{ mixer: 'conv' }, RangeError, /mixer is 'conv'/],
    [{ prefix: 0 }, RangeError, /prefix is 0/],
    [{ n: 0 }, RangeError, /n is 0/],
    [{ T: -1 }, RangeError, /T is -1/],
    [{ nSup: 0 }, RangeError, /nSup is 0/],
    [{ haltWeight: -0.5 }, RangeError, /haltWeight is -0.5, expected a finite number >= 0/],
    [{ rmsEps: 0 }, RangeError, /rmsEps is 0, expected a finite number > 0/],
    [{ ropeTheta: Number.NaN }, RangeError, /ropeTheta is NaN/],
    [{ vocab: 1 }, RangeError, /vocab is 1, expected >= 2/],
    [{ hidden: 1e12 }, RangeError, /hidden is 1000000000000, expected at most 16384/],
    [{ nSup: 1e9 }, RangeError, /nSup is 1000000000, expected at most 4096/],
    [{ mixer: 'attention', heads: 7 }, RangeError, /hidden 512 is not divisible by heads 7/],
    [{ mixer: 'attention', hidden: 48, heads: 16 }, RangeError, /head dim hidden\/heads = 3 must be even/],
    [{ hiden: 64 }, TypeError, /unknown field 'hiden'; did you mean 'hidden'\?/],
    [{ Layers: 3 }, TypeError, /unknown field 'Layers'; did you mean 'layers'\?/],
    [{ zzzzzzzz: 1 }, TypeError, /unknown field 'zzzzzzzz'; known fields: hidden, layers/],
  ] as const)('%o -> %s', (patch, Cls, re) => {
    const run = () => validateConfig({ ...base, ...patch });
    expect(run).toThrow(Cls);
    expect(run).toThrow(re);
  });

  it('heads need not divide hidden with the mlp mixer', () => {
    expect(validateConfig({ ...base, heads: 7 }).heads).toBe(7);
  });

  it('reports every problem at once, and a missing field (RangeError: not every problem is a wrong kind)', () => {
    const { rmsEps: _, ...partial } = base;
    const err = (() => {
      try {
        validateConfig({ ...partial, hidden: -1, loss: 'x', hiden: 3 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(RangeError);
    expect(err?.message).toMatch(/validateConfig: the TRM config: 4 problems:/);
    for (const part of ['hiden', 'hidden is -1', "loss is 'x'", 'rmsEps is missing'])
      expect(err?.message).toContain(part);
  });

  it('throws TypeError when every problem is a wrong kind', () => {
    const { rmsEps: _, ...partial } = base;
    expect(() => validateConfig({ ...partial, hiden: 3 })).toThrow(TypeError);
  });

  it('rejects a non-object', () => {
    expect(() => validateConfig(null)).toThrow(TypeError);
  });
});

describe('defineConfig and diffConfigs', () => {
  it('overrides a preset or the official default', () => {
    expect(defineConfig({ hidden: 96 }, 'cpu-small')).toMatchObject({
      hidden: 96,
      interMultiple: 32,
      prefix: 1,
    });
    expect(defineConfig({ T: 2 })).toMatchObject({ hidden: 512, T: 2 });
    expect(() => defineConfig({ hidden: 0 }, 'cpu-small')).toThrow(RangeError);
    expect(() => defineConfig({}, 'nope' as 'cpu-small')).toThrow(/unknown preset/);
  });

  it('lists differing fields', () => {
    expect(diffConfigs(getPreset('cpu-tiny'), getPreset('cpu-small'))).toEqual([
      'hidden: 32 vs 64',
      'interMultiple: 16 vs 32',
    ]);
    expect(diffConfigs(getPreset('cpu-tiny'), getPreset('cpu-tiny'))).toEqual([]);
  });
});
