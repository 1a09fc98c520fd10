/**
 * bench/gpu/compare: two `cgar train` runs of the same config and seed on different execution
 * providers, step by step: the largest relative loss difference and the largest absolute
 * parameter difference of the final checkpoints. Prints one JSON line; exits 1 past tolerance.
 *
 *   npx tsx bench/gpu/compare.ts RUN_CPU RUN_GPU [--loss-rtol 5e-3] [--param-atol 5e-3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '@cgar/export/node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'loss-rtol': { type: 'string', default: '5e-3' },
    'param-atol': { type: 'string', default: '5e-3' },
  },
});
if (positionals.length !== 2) throw new Error('usage: compare.ts RUN_A RUN_B');
const [a, b] = positionals as [string, string];
const losses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; loss?: number })
    .filter((r) => r.type === 'step')
    .map((r) => r.loss!);
const la = losses(a);
const lb = losses(b);
if (la.length !== lb.length || la.length === 0)
  throw new Error(`compare: ${a} has ${la.length} steps, ${b} has ${lb.length}`);
const lossRel = Math.max(...la.map((v, i) => Math.abs(lb[i]! - v) / Math.abs(v)));
const ca = await loadCheckpoint(join(a, 'checkpoint.safetensors'));
const cb = await loadCheckpoint(join(b, 'checkpoint.safetensors'));
let paramAbs = 0;
for (const [name, t] of ca.params) {
  const u = cb.params.get(name)!;
  for (let i = 0; i < t.data.length; i++)
    paramAbs = Math.max(paramAbs, Math.abs(Number(t.data[i]) - Number(u.data[i])));
}
const lossRtol = Number(values['loss-rtol']);
const paramAtol = Number(values['param-atol']);
const pass = lossRel <= lossRtol && paramAbs <= paramAtol;
console.log(
  JSON.stringify({
    steps: la.length,
    lossesA: la,
    lossesB: lb,
    lossRel,
    paramAbs,
    lossRtol,
    paramAtol,
    pass,
  }),
);
process.exit(pass ? 0 : 1);
