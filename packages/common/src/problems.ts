/**
 * What is wrong with an input, which decides the error class thrown:
 * - `type`: a value of the wrong kind (a string where a number belongs, a missing field): `TypeError`;
 * - `range`: a value of the right kind out of range (a negative count, an unknown name): `RangeError`;
 * - `state`: a call the object's current state does not allow (finished, closed, not loaded): `Error`.
 *
 * @example
 * const kind: ProblemKind = 'range';
 */
export type ProblemKind = 'type' | 'range' | 'state';

/**
 * Collects every problem found while validating an input, then throws once, so a user fixes them all
 * in one go. The one error rule of the CGAR packages: a `TypeError` when every problem is of the wrong
 * kind, an `Error` when any is a wrong state, else a `RangeError`. Messages name the function
 * (`where`) and the argument (each problem's text).
 *
 * @example
 * const problems = new Problems();
 * if (typeof steps !== 'number') problems.type(`'steps' must be a number, got ${show(steps)}`);
 * else if (steps < 1) problems.range(`'steps' must be >= 1, got ${steps}`);
 * problems.throwIfAny('train', 'pass the number of optimizer steps'); // throws TypeError or RangeError
 */
export class Problems {
  private readonly list: { kind: ProblemKind; message: string }[] = [];

  /** Records a value of the wrong kind. */
  type(message: string): void {
    this.list.push({ kind: 'type', message });
  }

  /** Records a value out of range. */
  range(message: string): void {
    this.list.push({ kind: 'range', message });
  }

  /** Records a call the current state does not allow. */
  state(message: string): void {
    this.list.push({ kind: 'state', message });
  }

  /** Records a problem of a kind known only at run time. */
  add(kind: ProblemKind, message: string): void {
    this.list.push({ kind, message });
  }

  /** Number of problems recorded. */
  get size(): number {
    return this.list.length;
  }

  /** The messages recorded, in order. */
  get messages(): string[] {
    return this.list.map((p) => p.message);
  }

  /** The error the recorded problems call for (see the class comment), or `undefined` if none. */
  error(where: string, hint = ''): Error | undefined {
    if (this.list.length === 0) return undefined;
    const head =
      this.list.length === 1
        ? `${where}: ${this.list[0]!.message}`
        : `${where}: ${this.list.length} problems:`;
    const body = this.list.length === 1 ? '' : `\n${this.list.map((p) => `  - ${p.message}`).join('\n')}`;
    const message = `${head}${body}${hint ? `\n${hint}` : ''}`;
    return errorFor(
      this.list.map((p) => p.kind),
      message,
    );
  }

  /** Throws {@link Problems.error} if any problem was recorded. */
  throwIfAny(where: string, hint = ''): void {
    const e = this.error(where, hint);
    if (e) throw e;
  }
}

/**
 * The error of the one rule for problems of `kinds`: `TypeError` when all are `type`, `Error` when any
 * is `state`, else `RangeError`.
 *
 * @example
 * errorFor(['type', 'range'], 'f: 2 problems') instanceof RangeError; // true
 */
export function errorFor(kinds: readonly ProblemKind[], message: string): Error {
  if (kinds.length > 0 && kinds.every((k) => k === 'type')) return new TypeError(message);
  if (kinds.includes('state')) return new Error(message);
  return new RangeError(message);
}

/**
 * Short printable form of any value, for error messages.
 *
 * @example
 * show('x'); // '"x"'
 * show([1, 2]); // 'array(2)'
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value;
}

/**
 * True for a plain object (not null, not an array).
 *
 * @example
 * isRecord({ a: 1 }); // true
 * isRecord([1]); // false
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
