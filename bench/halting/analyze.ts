/**
 * bench/halting/analyze.ts: what the halting head sees, step by step, on held-out puzzles. For one
 * checkpoint (EMA and raw weights) it reports exact accuracy and mean q_halt after each step, the
 * AUC of q_halt against exactness (over every puzzle and step, and among the puzzles of one step),
 * and how q_halt moves inside one puzzle: its change at the step where the answer becomes right,
 * against its change at the other steps. A head that judges the answer rises when the answer
 * turns right; a head that only judges the puzzle (easy or hard) stays flat within a puzzle.
 *
 *   npx tsx bench/halting/analyze.ts --checkpoint RUN/checkpoint.safetensors --test DATA/test [--out FILE.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { readDataset } from '@cgar/tasks/node';
import { evaluate, type HaltingTrace, rocAuc } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: { checkpoint: { type: 'string' }, test: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
if (!args.checkpoint || !args.test) {
  console.error('analyze.ts: --checkpoint and --test are required; see the usage at the top of the file');
  process.exit(2);
}
const ckpt = await loadCheckpoint(args.checkpoint);
const test = readDataset(args.test).examples;

/** Within-puzzle movement of q_halt: at the first step that is right (after a wrong one), and elsewhere. */
function movement(traces: readonly HaltingTrace[]) {
  const atSolve: number[] = [];
  const elsewhere: number[] = [];
  for (const t of traces)
    for (let s = 1; s < t.qHalt.length; s++) {
      const dq = t.qHalt[s]! - t.qHalt[s - 1]!;
      (t.correct[s] && !t.correct[s - 1] ? atSolve : elsewhere).push(dq);
    }
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
  const meanAbs = (v: number[]) => mean(v.map(Math.abs));
  return {
    solves: atSolve.length,
    meanRiseAtSolve: mean(atSolve),
    meanAbsChangeElsewhere: meanAbs(elsewhere),
  };
}

const report: Record<string, unknown> = {
  checkpoint: `${args.checkpoint} (step ${ckpt.step})`,
  test: test.length,
};
for (const which of ['ema', 'raw'] as const) {
  const params = ((which === 'ema' ? ckpt.ema : undefined) ?? ckpt.params) as TrmParams;
  const e = await evaluate(ort, ckpt.config, params, test, { traces: true });
  const steps = e.traces[0]!.qHalt.length;
  const aucWithinStep = Array.from({ length: steps }, (_, s) =>
    rocAuc(
      e.traces.map((t) => t.qHalt[s]!),
      e.traces.map((t) => Number(t.correct[s])),
    ),
  );
  const m = movement(e.traces);
  report[which] = {
    exactByStep: e.byStep.exact,
    qHaltByStep: e.byStep.qHalt,
    aucAllSteps: e.byStep.auc,
    aucWithinStep,
    haltAcc: e.haltAcc,
    rules: e.rules,
    ...m,
  };
  const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '-' : v.toFixed(d));
  console.log(`${which}: exact by step ${e.byStep.exact.map((v) => f(v)).join(' ')}`);
  console.log(`${which}: q_halt by step ${e.byStep.qHalt.map((v) => f(v, 1)).join(' ')}`);
  console.log(
    `${which}: AUC over all steps ${f(e.byStep.auc, 3)}, within a step ${aucWithinStep.map((v) => f(v)).join(' ')}`,
  );
  console.log(
    `${which}: q_halt rises ${f(m.meanRiseAtSolve)} on average at the step a puzzle becomes right (${m.solves} such steps); moves ${f(m.meanAbsChangeElsewhere)} on average at other steps`,
  );
}
if (args.out) {
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(report, null, 1)}\n`);
}
