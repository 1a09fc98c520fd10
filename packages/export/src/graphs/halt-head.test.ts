import { GraphSession, hostTensor } from '@cgar/graph';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { seqLen } from '../config.js';
import { initParams } from '../params.js';
import { getPreset } from '../presets.js';
import { validateConfig } from '../validate.js';
import { buildStepGraph } from './build.js';

const cfg = { ...getPreset('cpu-tiny'), hidden: 16, n: 1, T: 1, haltHead: 'cells' as const };

describe("haltHead: 'cells'", () => {
  it('computes q_halt from the mean of y over the answer cells', async () => {
    const params = initParams(cfg, 3);
    const qw = params.get('inner.q_head.weight')!;
    for (let i = 0; i < qw.data.length; i++) qw.data[i] = Math.sin(i + 1);
    params.get('inner.q_head.bias')!.data[0] = 0.25;
    const B = 2;
    const S = seqLen(cfg);
    const D = cfg.hidden;
    const session = await GraphSession.create(ortNode, buildStepGraph(cfg, params));
    const carry = (name: string) => {
      const v = params.get(name)!.data;
      const out = new Float32Array(B * S * D);
      for (let i = 0; i < B * S; i++) out.set(v, i * D);
      return hostTensor('float32', [B, S, D], out);
    };
    const tokens = BigInt64Array.from({ length: B * 81 }, (_, i) => BigInt(1 + (i % 10)));
    const out = await session.run({
      tokens: hostTensor('int64', [B, 81], tokens),
      y: carry('inner.H_init'),
      z: carry('inner.L_init'),
    });
    const y = out.y_next!.data as Float32Array;
    const q = out.q_halt!.data as Float32Array;
    for (let b = 0; b < B; b++) {
      let expected = 0.25;
      for (let d = 0; d < D; d++) {
        let mean = 0;
        for (let s = cfg.prefix; s < S; s++) mean += y[(b * S + s) * D + d]!;
        expected += (qw.data[d]! * mean) / (S - cfg.prefix);
      }
      expect(q[b]).toBeCloseTo(expected, 4);
    }
  });

  it('is optional in a config, and validated when given', () => {
    const { haltHead: _, ...old } = cfg;
    expect(validateConfig(old).haltHead).toBeUndefined();
    expect(() => validateConfig({ ...cfg, haltHead: 'pooled' as never })).toThrow(/haltHead is 'pooled'/);
  });
});
