import { type DType, isFloat } from '../dtype.js';
import type { Value } from '../graph.js';
import { broadcastShapes, type Dim, formatShape } from '../shape.js';

export function need(op: string, arg: string, v: Value | undefined): Value {
  if (!v) throw new TypeError(`${op}: input '${arg}' is missing`);
  return v;
}

export function needFloat(op: string, arg: string, v: Value): void {
  if (!isFloat(v.dtype)) {
    throw new TypeError(`${op}: '${arg}' must be float32 or float64, got ${v.dtype}`);
  }
}

export function needDType(op: string, arg: string, v: Value, allowed: readonly DType[]): void {
  if (!allowed.includes(v.dtype)) {
    throw new TypeError(`${op}: '${arg}' has dtype ${v.dtype}, expected one of ${allowed.join(', ')}`);
  }
}

export function sameDType(op: string, names: readonly string[], vs: readonly Value[]): DType {
  const d = vs[0]!.dtype;
  vs.forEach((v, i) => {
    if (v.dtype !== d) {
      throw new TypeError(
        `${op}: '${names[i]}' has dtype ${v.dtype} but '${names[0]}' has ${d}; cast one first`,
      );
    }
  });
  return d;
}

export function broadcast(op: string, names: readonly string[], vs: readonly Value[]): Dim[] {
  let out: Dim[] = [...vs[0]!.shape];
  for (let i = 1; i < vs.length; i++) {
    const next = broadcastShapes(out, vs[i]!.shape);
    if (!next) {
      throw new RangeError(
        `${op}: '${names[i]}' has shape ${formatShape(vs[i]!.shape)}, which does not broadcast with ${formatShape(out)}`,
      );
    }
    out = next;
  }
  return out;
}

export function intsOf(v: Value | undefined): number[] | undefined {
  if (!v?.data) return undefined;
  return Array.from(v.data.data as ArrayLike<number | bigint>, Number);
}
