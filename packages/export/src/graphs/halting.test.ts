import { GraphSession, type HostTensor, hostTensor, type OrtModule } from '@cgar/graph';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { seqLen } from '../config.js';
import { initParams } from '../params.js';
import { getPreset } from '../presets.js';
import { buildHaltingGraph, buildStepGraph } from './build.js';

ortWeb.env.wasm.numThreads = 1;

const cfg = { ...getPreset('cpu-tiny'), hidden: 16, n: 2, T: 2, nSup: 6 };
const params = initParams(cfg, 7);
// NOTE: a random q-head so that q_halt crosses the threshold at different steps per sample.
const qw = params.get('inner.q_head.weight')!;
for (let i = 0; i < qw.data.length; i++) qw.data[i] = Math.sin(i * 12.9898) * 2;
params.get('inner.q_head.bias')!.data.fill(0);
const B = 6;
const tokens = hostTensor(
  'int64',
  [B, cfg.cells],
  BigInt64Array.from({ length: B * cfg.cells }, (_, i) => BigInt(1 + ((i * 7919) % 10))),
);
const S = seqLen(cfg);
const D = cfg.hidden;

function broadcast(v: Float32Array): HostTensor<'float32'> {
  const out = new Float32Array(B * S * D);
  for (let i = 0; i < B * S; i++) out.set(v, i * D);
  return hostTensor('float32', [B, S, D], out);
}

/** The step graph iterated from JavaScript with the same halting rule. */
async function iterate(threshold: number, maxSteps: number) {
  const step = await GraphSession.create(ortNode, buildStepGraph(cfg, params));
  let y = broadcast(params.get('inner.H_init')!.data);
  let z = broadcast(params.get('inner.L_init')!.data);
  const steps = new Array<number>(B).fill(0);
  const preds = new Array<number[]>(B);
  // per cell of the answer, the gap between its two largest logits
  const margins = new Array<number[]>(B);
  const qs: number[][] = Array.from({ length: B }, () => []);
  const halted = new Array<boolean>(B).fill(false);
  for (let s = 1; s <= maxSteps && halted.includes(false); s++) {
    const out = await step.run({ tokens, y, z });
    y = out.y_next as HostTensor<'float32'>;
    z = out.z_next as HostTensor<'float32'>;
    const logits = out.logits!.data as Float32Array;
    const q = out.q_halt!.data as Float32Array;
    for (let b = 0; b < B; b++) {
      if (halted[b]) continue;
      steps[b] = s;
      qs[b]!.push(q[b]!);
      const rows = Array.from({ length: cfg.cells }, (_, c) =>
        logits.subarray((b * cfg.cells + c) * cfg.vocab, (b * cfg.cells + c + 1) * cfg.vocab),
      );
      preds[b] = rows.map((row) => row.indexOf(Math.max(...row)));
      margins[b] = rows.map((row) => {
        const [first, second] = Array.from(row).sort((u, v) => v - u);
        return first! - second!;
      });
      if (q[b]! > threshold || s === maxSteps) halted[b] = true;
    }
  }
  return { steps, preds, margins, qs };
}

async function halting(ort: OrtModule, threshold: number, maxSteps: number) {
  const session = await GraphSession.create(ort, buildHaltingGraph(cfg, params));
  return session.run({
    tokens,
    max_steps: hostTensor('int64', [], BigInt64Array.of(BigInt(maxSteps))),
    threshold: hostTensor('float32', [], Float32Array.of(threshold)),
    stable: hostTensor('int64', [], BigInt64Array.of(0n)),
    verify: hostTensor('int64', [], BigInt64Array.of(0n)),
  });
}

describe('halting graph (one ONNX Loop) vs the step graph driven from JavaScript', () => {
  it('gives the same predictions, steps and last q_halt', async () => {
    const all = await iterate(Number.POSITIVE_INFINITY, cfg.nSup);
    const qsSorted = all.qs.flat().sort((a, b) => a - b);
    const threshold = qsSorted[Math.floor(qsSorted.length * 0.7)]!;
    const expected = await iterate(threshold, cfg.nSup);
    expect(new Set(expected.steps).size).toBeGreaterThan(1);
    const out = await halting(ortNode, threshold, cfg.nSup);
    expect(Array.from(out.steps!.data as BigInt64Array, Number)).toEqual(expected.steps);
    const preds = Array.from(out.predictions!.data as BigInt64Array, Number);
    expect(preds).toEqual(expected.preds.flat());
    expect(Array.from(out.q_halt!.data as Float32Array)).toEqual(
      expected.qs.map((q) => Math.fround(q.at(-1)!)),
    );
    const byRule = Array.from(out.halted_by_rule!.data as Uint8Array, Boolean);
    expect(byRule).toEqual(expected.qs.map((q) => q.at(-1)! > threshold));
  });

  it('never exceeds max_steps, and with halting disabled runs exactly max_steps', async () => {
    const out = await halting(ortNode, Number.POSITIVE_INFINITY, 3);
    expect(Array.from(out.steps!.data as BigInt64Array, Number)).toEqual(new Array(B).fill(3));
    const fixed = await iterate(Number.POSITIVE_INFINITY, 3);
    expect(Array.from(out.predictions!.data as BigInt64Array, Number)).toEqual(fixed.preds.flat());
  });

  it('runs the same in onnxruntime-web (wasm)', async () => {
    const [a, b] = await Promise.all([
      halting(ortNode, 0, cfg.nSup),
      halting(ortWeb as unknown as OrtModule, 0, cfg.nSup),
    ]);
    expect(Array.from(b!.steps!.data as BigInt64Array)).toEqual(Array.from(a!.steps!.data as BigInt64Array));
    // NOTE: the two builds round differently in the last bits, so a cell whose two best logits are
    // a near-tie may take either; every other cell must agree.
    const margins = (await iterate(0, cfg.nSup)).margins.flat();
    const [pa, pb] = [a, b].map((o) => Array.from(o!.predictions!.data as BigInt64Array, Number));
    const differ = pa!.flatMap((p, i) => (p === pb![i] ? [] : [i]));
    expect(differ.filter((i) => margins[i]! >= 1e-3)).toEqual([]);
    expect(differ.length).toBeLessThan(pa!.length / 100);
  });
});
