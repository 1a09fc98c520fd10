/**
 * A dimension: a size known when the graph is built, or a symbol bound when it runs
 * (`'B'`, or a product of symbols and a number such as `'82*B'`).
 */
export type Dim = number | string;
export type Shape = readonly Dim[];

interface Monomial {
  coef: number;
  syms: string[];
}

function parse(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, syms: [] };
  let coef = 1;
  const syms: string[] = [];
  for (const part of d.split('*')) {
    const t = part.trim();
    if (/^\d+$/.test(t)) coef *= Number(t);
    else syms.push(t);
  }
  return { coef, syms: syms.sort() };
}

function format(m: Monomial): Dim {
  if (m.syms.length === 0) return m.coef;
  const s = m.syms.join('*');
  return m.coef === 1 ? s : `${m.coef}*${s}`;
}

/** Canonical form of a dim, so that `'B*82'` and `'82*B'` compare equal. */
export function canonDim(d: Dim): Dim {
  return format(parse(d));
}

export function dimEquals(a: Dim, b: Dim): boolean {
  return canonDim(a) === canonDim(b);
}

export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

export function mulDims(a: Dim, b: Dim): Dim {
  const x = parse(a);
  const y = parse(b);
  return format({ coef: x.coef * y.coef, syms: [...x.syms, ...y.syms].sort() });
}

export function numel(shape: Shape): Dim {
  return shape.reduce<Dim>((acc, d) => mulDims(acc, d), 1);
}

/** `a / b` when it divides exactly as a monomial, else undefined. */
export function divDims(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  if (y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  const rest = [...x.syms];
  for (const s of y.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return format({ coef: x.coef / y.coef, syms: rest });
}

/** The symbols a dim is made of, for example `['B', 'S']` for `'B*S'`. */
export function dimSymbols(d: Dim): string[] {
  return parse(d).syms;
}

export function dimCoef(d: Dim): number {
  return parse(d).coef;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Numpy broadcasting of two shapes, or undefined when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): Dim[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (dimEquals(x, y)) out.push(canonDim(x));
    else if (x === 1) out.push(canonDim(y));
    else if (y === 1) out.push(canonDim(x));
    else return undefined;
  }
  return out;
}

/** Normalises a possibly negative axis against a rank, or returns undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}
