import { buildModel, Graph, readModelMetadata } from '@cgar/graph';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { puzzles, randomModel } from './fixtures.test-helper.js';
import { create } from './node.js';
import { Solver } from './solver.js';
import type { OrtModule, OrtSession, Platform, SolveResult } from './types.js';

const model = randomModel();
const batch = puzzles(12);
const both = { halting: model.halting, step: model.step };

/** A threshold that makes the samples halt at different steps. */
async function spreadThreshold(): Promise<number> {
  const qs: number[] = [];
  const solver = await create(model.step, { halting: ({ qHalt }) => qs.push(qHalt) < 0 });
  await solver.solve(batch);
  qs.sort((a, b) => a - b);
  return qs[Math.floor(qs.length * 0.7)]!;
}
const threshold = await spreadThreshold();

const summary = (rs: SolveResult[]) => rs.map((r) => [r.grid, r.steps, r.qHalt, r.haltedBy]);

describe('solve', () => {
  it('graph and host modes give the same answers, steps, q_halt and halting reasons', async () => {
    const halting = { threshold };
    const graph = await (await create(both, { mode: 'graph', halting })).solve(batch);
    const host = await (await create(both, { mode: 'host', halting })).solve(batch);
    expect(new Set(graph.map((r) => r.steps)).size).toBeGreaterThan(2);
    expect(new Set(graph.map((r) => r.haltedBy))).toEqual(new Set(['rule', 'cap']));
    expect(summary(host)).toEqual(summary(graph));
  });

  it.each([1, 2, 4, 6, 9])('never exceeds maxSteps = %i in either mode', async (maxSteps) => {
    for (const mode of ['graph', 'host'] as const) {
      const rs = await (await create(both, { mode, maxSteps, halting: { threshold } })).solve(batch);
      expect(Math.max(...rs.map((r) => r.steps))).toBeLessThanOrEqual(maxSteps);
      for (const r of rs) expect(r.haltedBy === 'cap').toBe(r.steps === maxSteps && r.qHalt <= threshold);
    }
  });

  it("with halting 'fixed' equals running the step graph exactly maxSteps times", async () => {
    const maxSteps = 4;
    const session = await ortNode.InferenceSession.create(model.step);
    const B = batch.length;
    const S = model.cfg.prefix + 81;
    const D = model.cfg.hidden;
    const carry = (key: string) => {
      const v = model.params.get(key)!.data as Float32Array;
      const out = new Float32Array(B * S * D);
      for (let i = 0; i < B * S; i++) out.set(v, i * D);
      return new ortNode.Tensor('float32', out, [B, S, D]);
    };
    const ids = BigInt64Array.from(batch.join(''), (c) => BigInt(c === '.' ? 1 : Number(c) + 1));
    const tokens = new ortNode.Tensor('int64', ids, [B, 81]);
    let feeds: Record<string, ortNode.Tensor> = {
      tokens,
      y: carry('inner.H_init'),
      z: carry('inner.L_init'),
    };
    let logits: Float32Array = new Float32Array();
    for (let s = 0; s < maxSteps; s++) {
      const out = await session.run(feeds);
      feeds = { tokens, y: out.y_next!, z: out.z_next! };
      logits = out.logits!.data as Float32Array;
    }
    const expected = batch.map((_, b) =>
      Array.from({ length: 81 }, (_, c) => {
        const row = Array.from(logits.subarray((b * 81 + c) * 11, (b * 81 + c + 1) * 11));
        const id = row.indexOf(Math.max(...row));
        return id < 2 ? '.' : String(id - 1);
      }).join(''),
    );
    for (const mode of ['graph', 'host'] as const) {
      const rs = await (await create(both, { mode, maxSteps, halting: 'fixed' })).solve(batch);
      expect(rs.map((r) => r.grid)).toEqual(expected);
      expect(rs.every((r) => r.steps === maxSteps && r.haltedBy === 'cap')).toBe(true);
    }
  });

  it('host mode drops halted samples from the batch before the next step', async () => {
    const rows: number[] = [];
    const ort = {
      Tensor: ortNode.Tensor,
      InferenceSession: {
        async create(bytes: Uint8Array, o?: object) {
          const s = (await ortNode.InferenceSession.create(bytes, o)) as unknown as OrtSession;
          return {
            inputNames: s.inputNames,
            outputNames: s.outputNames,
            run(feeds: Parameters<OrtSession['run']>[0]) {
              rows.push(feeds.tokens!.dims[0]!);
              return s.run(feeds);
            },
          };
        },
      },
    } as unknown as OrtModule;
    const platform: Platform = {
      name: 'node',
      ort,
      load: () => Promise.reject(),
      sessionOptions: () => ({}),
    };
    const solver = await Solver.create(platform, model.step, {
      halting: ({ index, step }) => step > index % 5,
    });
    const rs = await solver.solve(batch);
    expect(rs.map((r) => r.steps)).toEqual(batch.map((_, i) => (i % 5) + 1));
    expect(rows).toEqual([12, 9, 6, 4, 2]);
  });

  it('gives a halting function the index within the call across batches', async () => {
    const seen = new Set<number>();
    const solver = await create(model.step, {
      batchSize: 5,
      halting: ({ index }) => seen.add(index).has(index),
    });
    const rs = await solver.solve(batch);
    expect([...seen].sort((a, b) => a - b)).toEqual(batch.map((_, i) => i));
    expect(rs.every((r) => r.steps === 1 && r.haltedBy === 'rule')).toBe(true);
  });

  it('splits large calls into batches without changing the answers', async () => {
    const whole = await (await create(both, { halting: { threshold } })).solve(batch);
    const split = await (await create(both, { halting: { threshold }, batchSize: 5 })).solve(batch);
    expect(summary(split)).toEqual(summary(whole));
  });

  it('accepts digit arrays and token ids like strings', async () => {
    const solver = await create(model.halting);
    const digits = Uint8Array.from(batch[0]!, (c) => (c === '.' ? 0 : Number(c)));
    const [a, b, c] = await solver.solve([batch[0]!, digits, Int32Array.from(digits, (d) => d + 1)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('serves concurrent calls', async () => {
    const solver = await create(both, { mode: 'host', halting: { threshold } });
    // NOTE: one puzzle a call on both sides: onnxruntime's kernels for a single row differ from
    // those for a batch, and this random model is chaotic enough to amplify the rounding.
    const alone: SolveResult[] = [];
    for (const p of batch) alone.push(...(await solver.solve([p])));
    const together = await Promise.all(batch.map((p) => solver.solve([p])));
    expect(summary(together.flat())).toEqual(summary(alone));
  });
});

describe('trace', () => {
  it('yields every step until the sample halts, ending at the solve answer', async () => {
    const solver = await create(both, { halting: { threshold } });
    for (const p of batch) {
      // NOTE: compared with a solve of the same single puzzle (see 'serves concurrent calls').
      const [result] = await solver.solve([p]);
      const steps = [];
      for await (const s of solver.trace(p)) steps.push(s);
      const last = steps.at(-1)!;
      expect(steps.map((s) => s.step)).toEqual(Array.from({ length: result!.steps }, (_, k) => k + 1));
      expect(steps.slice(0, -1).every((s) => s.haltedBy === undefined)).toBe(true);
      expect([last.grid, last.qHalt, last.haltedBy]).toEqual([result!.grid, result!.qHalt, result!.haltedBy]);
    }
  });
});

describe('errors', () => {
  const expectError = async (p: Promise<unknown>, Kind: ErrorConstructor, message: string | RegExp) => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(Kind);
    expect((e as Error).message).toMatch(message);
  };

  it('names the export command when the mode lacks its model', async () => {
    await expectError(
      create(model.step, { mode: 'graph' }),
      Error,
      "needs the halting graph; export it with 'cgar export --graph halting'",
    );
    await expectError(create(model.halting, { mode: 'host' }), Error, "'cgar export --graph step'");
    const solver = await create(model.halting);
    await expectError(solver.trace(batch[0]!).next(), Error, /trace needs the step graph/);
  });

  it('rejects a halting function in graph mode', async () => {
    await expectError(create(both, { mode: 'graph', halting: () => true }), Error, 'host mode only');
  });

  it('collects every bad option', async () => {
    const bad = { mode: 'fast', maxSteps: 0, threads: 1.5, batchSize: -1 } as never;
    await expectError(
      create(both, bad),
      RangeError,
      /'mode' must be 'graph' or 'host'.*'maxSteps'.*'threads'.*'batchSize'/s,
    );
    await expectError(create(both, { halting: { limit: 2 } } as never), TypeError, "'halting' must be");
    await expectError(create(both, { halting: { threshold: Number.NaN } }), RangeError, 'NaN');
  });

  it('rejects model sources that are not runtime graphs', async () => {
    await expectError(create(new Uint8Array([0xff, 0xff])), TypeError, 'is not an ONNX model');
    const g = new Graph('plain');
    const x = g.input('x', 'float32', [2]);
    await expectError(
      create(buildModel(g, { outputs: { x } }).bytes),
      TypeError,
      'has no cgar.graph metadata',
    );
    await expectError(create({ step: model.halting }), TypeError, "model.step is a 'halting' graph");
    await expectError(create({} as never), TypeError, '{ halting?, step? }');
    await expectError(create([model.step, model.step]), TypeError, 'both step graphs');
    const listed = await create([model.step, model.halting]);
    expect(listed.mode).toBe('graph');
    const other = randomModel({ hidden: 8 });
    await expectError(create({ halting: model.halting, step: other.step }), TypeError, 'different configs');
  });

  it('rejects a model whose inputs do not match its kind', async () => {
    const g = new Graph('wrong');
    const tokens = g.input('tokens', 'int64', ['B', 81]);
    const meta = readModelMetadata(model.step);
    const bytes = buildModel(g, { outputs: { q_halt: tokens }, metadata: meta }).bytes;
    await expectError(
      create(bytes),
      TypeError,
      /lacks input 'y', input 'z', output 'y_next'.*'cgar export --graph step'/,
    );
  });

  it('reports bad puzzles with their index, and refuses work once released', async () => {
    const solver = await create(both);
    await expectError(solver.solve([batch[0]!, `${batch[1]!}9`]), RangeError, 'solve: puzzle 1 has 82 cells');
    await expectError(solver.solve([]), RangeError, 'empty');
    await solver.release();
    await expectError(solver.solve(batch), Error, 'released');
  });
});
