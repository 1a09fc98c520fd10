import type { HostTensor } from '@cgar/graph';

/** EMA decay at update `t` (0-based): fixed, or warmed up as `min(decay, (1 + t) / (10 + t))`. */
export function emaDecay(decay: number, t: number, warmup: boolean): number {
  return warmup ? Math.min(decay, (1 + t) / (10 + t)) : decay;
}

/**
 * An exponential moving average of the parameters, kept on the host:
 * `ema = d * ema + (1 - d) * param` after every optimizer step.
 */
export class Ema {
  constructor(
    readonly values: Map<string, HostTensor<'float32'>>,
    readonly decay: number,
    readonly warmup: boolean,
    public updates = 0,
  ) {}

  static of(params: ReadonlyMap<string, HostTensor>, decay: number, warmup: boolean): Ema {
    const values = new Map<string, HostTensor<'float32'>>();
    for (const [k, t] of params)
      values.set(k, { dtype: 'float32', dims: [...t.dims], data: Float32Array.from(t.data as Float32Array) });
    return new Ema(values, decay, warmup);
  }

  update(params: ReadonlyMap<string, HostTensor>): void {
    const d = emaDecay(this.decay, this.updates++, this.warmup);
    for (const [k, e] of this.values) {
      const p = params.get(k)!.data as Float32Array;
      const v = e.data;
      for (let i = 0; i < v.length; i++) v[i] = d * v[i]! + (1 - d) * p[i]!;
    }
  }
}
