import type { HostTensor } from '@cgar/graph';

/**
 * Names every floating-point tensor holding NaN or infinite values, with how many: weights like
 * that (a diverged run, a damaged file) must not be exported or served.
 *
 * @example
 * nonFiniteTensors(ckpt.params); // ["inner.lm_head.weight: 3 NaN, 0 infinite of 352 values"]
 */
export function nonFiniteTensors(tensors: ReadonlyMap<string, HostTensor>): string[] {
  const out: string[] = [];
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) continue;
    let nan = 0;
    let inf = 0;
    for (const v of t.data) {
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
    if (nan || inf) out.push(`${name}: ${nan} NaN, ${inf} infinite of ${t.data.length} values`);
  }
  return out;
}
