import { isRecord, Problems, show } from '@cgar/common';
import type { Progress } from './types.js';

/**
 * Training progress as a fraction `p` in [0, 1]: `step / totalSteps`, `epoch / totalEpochs`, or the
 * number itself. Throws a `RangeError` (or `TypeError`) listing every problem of the input.
 *
 * @example
 * progressOf({ step: 300, totalSteps: 1000 }); // 0.3
 * progressOf({ epoch: 1.5, totalEpochs: 3 }); // 0.5
 * progressOf(0.25); // 0.25
 */
export function progressOf(progress: Progress, where = 'progressOf'): number {
  const problems = new Problems();
  let p = Number.NaN;
  if (typeof progress === 'number') {
    if (!(progress >= 0 && progress <= 1)) problems.range(`progress = ${show(progress)} is outside [0, 1]`);
    p = progress;
  } else if (isRecord(progress) && ('step' in progress || 'totalSteps' in progress)) {
    const { step, totalSteps } = progress as { step: unknown; totalSteps: unknown };
    if (!Number.isInteger(totalSteps) || (totalSteps as number) <= 0)
      problems.range(`totalSteps = ${show(totalSteps)} is not a positive integer`);
    if (!Number.isInteger(step) || (step as number) < 0)
      problems.range(`step = ${show(step)} is not an integer >= 0`);
    else if (Number.isInteger(totalSteps) && (step as number) > (totalSteps as number))
      problems.range(`step = ${show(step)} is past totalSteps = ${show(totalSteps)}`);
    p = (step as number) / (totalSteps as number);
  } else if (isRecord(progress) && ('epoch' in progress || 'totalEpochs' in progress)) {
    const { epoch, totalEpochs } = progress as { epoch: unknown; totalEpochs: unknown };
    if (!(typeof totalEpochs === 'number' && totalEpochs > 0 && Number.isFinite(totalEpochs)))
      problems.range(`totalEpochs = ${show(totalEpochs)} is not a positive number`);
    if (!(typeof epoch === 'number' && epoch >= 0 && Number.isFinite(epoch)))
      problems.range(`epoch = ${show(epoch)} is not a number >= 0`);
    else if (typeof totalEpochs === 'number' && epoch > totalEpochs)
      problems.range(`epoch = ${show(epoch)} is past totalEpochs = ${show(totalEpochs)}`);
    p = (epoch as number) / (totalEpochs as number);
  } else {
    problems.type(
      `progress is ${show(progress)}, expected a number or { step, totalSteps } or { epoch, totalEpochs }`,
    );
  }
  problems.throwIfAny(where, 'Pass a fraction in [0, 1], { step, totalSteps } or { epoch, totalEpochs }.');
  return p;
}
