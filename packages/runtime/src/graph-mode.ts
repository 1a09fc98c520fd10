import type { Driver, SampleStep } from './host.js';
import { checkOutput } from './models.js';
import { CELLS, idToDigit } from './puzzles.js';
import type { OrtSession } from './types.js';

export interface HaltingDriver extends Driver {
  readonly session: OrtSession;
}

/** One run of the exported halting graph over a batch: each sample's final step. */
// NOTE: the halting graph reports each sample's last step only, so no `held` count.
export async function haltingRun(
  d: HaltingDriver,
  tokens: BigInt64Array,
): Promise<Omit<SampleStep, 'held'>[]> {
  if (!('threshold' in d.rule)) throw new Error('haltingRun: the halting graph takes a threshold rule only');
  const { ort, rule } = d;
  const B = tokens.length / CELLS;
  const out = await d.serial.run(() =>
    d.session.run({
      tokens: new ort.Tensor('int64', tokens, [B, CELLS]),
      max_steps: new ort.Tensor('int64', BigInt64Array.of(BigInt(d.maxSteps)), []),
      threshold: new ort.Tensor('float32', Float32Array.of(rule.threshold), []),
      // NOTE: halting graphs exported before the stable and verified rules lack these inputs;
      // `Solver.create` refuses such a graph when the rule needs them.
      ...(d.session.inputNames.includes('stable')
        ? {
            stable: new ort.Tensor('int64', BigInt64Array.of(BigInt(rule.stable)), []),
            verify: new ort.Tensor('int64', BigInt64Array.of(rule.verified ? 1n : 0n), []),
          }
        : {}),
    }),
  );
  checkOutput('halting', 'predictions', out.predictions, [B, CELLS]);
  for (const name of ['steps', 'q_halt', 'halted_by_rule']) checkOutput('halting', name, out[name], [B]);
  const preds = out.predictions!.data as BigInt64Array;
  const steps = out.steps!.data as BigInt64Array;
  const q = out.q_halt!.data as Float32Array;
  const byRule = out.halted_by_rule!.data as ArrayLike<number | boolean>;
  return Array.from({ length: B }, (_, index) => {
    const digits = new Uint8Array(CELLS);
    for (let c = 0; c < CELLS; c++) digits[c] = idToDigit(Number(preds[index * CELLS + c]));
    return {
      index,
      step: Number(steps[index]),
      qHalt: q[index]!,
      digits,
      haltedBy: byRule[index] ? 'rule' : 'cap',
    };
  });
}
