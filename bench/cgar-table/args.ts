import { parseArgs } from 'node:util';
import { Problems } from '@cgar/common';
import { getPreset, isPresetName, PRESET_NAMES, type TrmConfig } from '@cgar/export';

export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Parses `argv` (strict: an unknown flag throws) into string flags and boolean switches.
 *
 * @example
 * const values = parseFlags(['steps', 'out'], ['help']); // values.steps: string | undefined
 */
export function parseFlags(
  strings: readonly string[],
  booleans: readonly string[],
  argv?: string[],
): FlagValues {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const k of strings) options[k] = { type: 'string' };
  for (const k of booleans) options[k] = { type: 'boolean' };
  return parseArgs({ args: argv, options, strict: true }).values as FlagValues;
}

/**
 * Reads command-line flags into checked values, collecting every problem so a command line with
 * three mistakes reports three; `done()` throws them together by the one error rule of
 * `@cgar/common`'s `Problems` (a flag's text is always a string, so each is a value out of range:
 * a RangeError).
 *
 * @example
 * const f = new Flags('run.ts', values);
 * const steps = f.int('steps', 800);
 * f.done();
 */
export class Flags {
  private readonly problems = new Problems();

  constructor(
    private readonly where: string,
    private readonly values: FlagValues,
  ) {}

  private text(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  /** An integer `>= min` (1 by default). */
  int(name: string, fallback: number, min = 1): number {
    const t = this.text(name);
    if (t === undefined) return fallback;
    const v = Number(t);
    if (t.trim() === '' || !Number.isSafeInteger(v) || v < min) {
      this.problems.range(`--${name} must be an integer >= ${min}, got '${t}'`);
      return fallback;
    }
    return v;
  }

  /** A positive number. */
  positive(name: string, fallback: number): number {
    const t = this.text(name);
    if (t === undefined) return fallback;
    const v = Number(t);
    if (t.trim() === '' || !(v > 0 && Number.isFinite(v))) {
      this.problems.range(`--${name} must be a positive number, got '${t}'`);
      return fallback;
    }
    return v;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const t = this.text(name);
    if (t === undefined) return fallback;
    if ((choices as readonly string[]).includes(t)) return t as T;
    this.problems.range(`--${name} must be one of ${choices.join(', ')}, got '${t}'`);
    return fallback;
  }

  /** A comma-separated subset of `choices`, in the order given. */
  list<T extends string>(name: string, choices: readonly T[], fallback: readonly T[]): T[] {
    const t = this.text(name);
    if (t === undefined) return [...fallback];
    const items = t.split(',').map((s) => s.trim());
    const bad = items.filter((s) => !(choices as readonly string[]).includes(s));
    if (bad.length || !items.length) {
      this.problems.range(`--${name} takes a comma-separated list of ${choices.join(', ')}; got '${t}'`);
      return [...fallback];
    }
    return [...new Set(items)] as T[];
  }

  preset(name: string, fallback: string): { name: string; config: TrmConfig } {
    const t = this.text(name) ?? fallback;
    if (!isPresetName(t)) {
      this.problems.range(`--${name} must be one of ${PRESET_NAMES.join(', ')}, got '${t}'`);
      return { name: fallback, config: getPreset(fallback) };
    }
    return { name: t, config: getPreset(t) };
  }

  /** Adds a problem found by the caller (for example between two flags). */
  problem(message: string): void {
    this.problems.range(message);
  }

  done(): void {
    this.problems.throwIfAny(this.where, 'run with --help for the flags');
  }
}

/**
 * Runs `fn`, turning a thrown flag problem into its message on stderr and exit code 2 (a usage
 * error prints no stack trace).
 *
 * @example
 * const values = orExit(() => parseFlags(['steps'], ['help']));
 */
export function orExit<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
}
