import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** One flag: what `node:util` parseArgs needs, plus its help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `--preset NAME`. */
  valueName?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'string'
  ? S['multiple'] extends true
    ? string[]
    : string
  : S['multiple'] extends true
    ? boolean[]
    : boolean;

/** Parsed flag values, typed from the command's option table. */
export type Values<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface RunContext<O extends OptionSpecs> {
  values: Values<O>;
  positionals: string[];
  io: Io;
  /** All commands, for commands that describe others (`help`). */
  registry: Registry;
}

/** A subcommand of `cgar`: its help, flags and what it does. Returns the exit code. */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  summary: string;
  /** Usage line without the leading `cgar`, e.g. `info --preset NAME [--json]`. */
  usage: string;
  /** Longer description shown by `cgar help CMD`. */
  description?: string;
  options: O;
  /** Accepts positional arguments (otherwise they are a usage error). */
  positionals?: boolean;
  run(ctx: RunContext<O>): Promise<number>;
}

export type Registry = Readonly<Record<string, Command>>;

/** Identity helper that infers a command's option types. */
export function defineCommand<O extends OptionSpecs>(cmd: Command<O>): Command<O> {
  return cmd;
}

/**
 * A mistake in how the command was called: printed with a pointer to help, exit code 2. Flags stay
 * out of the `TypeError`/`RangeError` rule of `@cgar/common`'s `Problems` on purpose: what a caller
 * of `cgar` sees is the exit code, and `main` tells usage mistakes from failures by this class.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The option table in the form `node:util` parseArgs expects. */
export function parseArgsOptions(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, { type, short, multiple }] of Object.entries(options)) {
    out[name] = { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) };
  }
  return out;
}
