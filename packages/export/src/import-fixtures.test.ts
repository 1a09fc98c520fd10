import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HostTensor } from '@cgar/graph';
import { describe, expect, it } from 'vitest';
import { importOfficialWeights } from './import.js';
import { paramSpecs } from './params.js';
import { decodeSafetensors } from './safetensors.js';
import { validateConfig } from './validate.js';

// NOTE: golden files written by fixtures/make_trm_fixtures.py from the PyTorch reference.
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
function reference(name: string) {
  const { tensors, metadata } = decodeSafetensors(readFileSync(fixture(`${name}.safetensors`)));
  const params = new Map<string, HostTensor>();
  for (const [k, t] of tensors) if (k.startsWith('param/')) params.set(k.slice('param/'.length), t);
  return { config: validateConfig(JSON.parse(metadata.config!)), params };
}

const bf16RoundNearestEven = (a: Float32Array) => {
  const out = new Float32Array(a);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    bits[i] = (((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16) >>> 0;
  }
  return out;
};

describe('against the PyTorch reference fixtures', () => {
  it.each(['trm_mlp_p16_stablemax', 'trm_attn_p16_softmax'])(
    '%s: paramSpecs matches the reference names and shapes',
    (name) => {
      const { config, params } = reference(name);
      expect(paramSpecs(config).map((s) => [s.name, s.dims])).toEqual(
        [...params].map(([k, t]) => [k, t.dims]),
      );
    },
  );

  it('imports the official-style F32 state dict (_orig_mod.model. prefix) bit-exactly', async () => {
    const { config, params } = reference('trm_mlp_p16_stablemax');
    const got = await importOfficialWeights(fixture('official_state_dict.safetensors'), config);
    for (const [k, t] of params) {
      expect(
        Buffer.from((got.get(k)!.data as Float32Array).buffer).equals(
          Buffer.from((t.data as Float32Array).buffer),
        ),
        k,
      ).toBe(true);
    }
  });

  it('imports the BF16 state dict as the bf16-rounded float32 values', async () => {
    const { config, params } = reference('trm_mlp_p16_stablemax');
    const got = await importOfficialWeights(fixture('official_state_dict_bf16.safetensors'), config);
    for (const [k, t] of params)
      expect(got.get(k)!.data, k).toEqual(bf16RoundNearestEven(t.data as Float32Array));
  });
});
