import { parseArgs } from 'node:util';
import { closest } from '@cgar/common';
import pkg from '../package.json' with { type: 'json' };
import {
  type Command,
  type Io,
  type OptionSpecs,
  parseArgsOptions,
  type Registry,
  UsageError,
  type Values,
} from './command.js';
import { commands } from './commands/index.js';
import { commandHelp, programHelp } from './format.js';

/** The version of `@cgar/cli`, read from its package.json at build time. */
export const VERSION: string = pkg.version;

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function usageError(io: Io, where: string, message: string, helpHint: string): number {
  io.stderr(`${where}: ${message}\nRun '${helpHint}' for usage.\n`);
  return 2;
}

function parseErrorMessage(e: Error & { code?: string }, cmd: Command): string {
  const flag = /Unknown option '(-{1,2}[^']*)'/.exec(e.message)?.[1];
  if (e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || flag === undefined) return e.message;
  const hint = closest(flag.replace(/^-+/, ''), [...Object.keys(cmd.options), 'help']);
  return `unknown option '${flag}'${hint ? `; did you mean '--${hint}'?` : ''}`;
}

/**
 * Runs the `cgar` command line on `argv` (without `node` and the script) and resolves to the
 * exit code: 0 on success, 1 when the command fails, 2 on a usage error.
 *
 * @example
 * const code = await main(['info', '--preset', 'cpu-tiny', '--json']);
 */
export async function main(
  argv: readonly string[],
  io: Io = processIo,
  registry: Registry = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(programHelp(registry));
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(programHelp(registry));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (cmd === undefined) {
    const hint = closest(name, Object.keys(registry));
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    return usageError(io, 'cgar', `${what}${hint ? `; did you mean '${hint}'?` : ''}`, 'cgar --help');
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...parseArgsOptions(cmd.options), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return usageError(
      io,
      `cgar ${name}`,
      parseErrorMessage(e as Error & { code?: string }, cmd),
      `cgar help ${name}`,
    );
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  if (!cmd.positionals && parsed.positionals.length > 0) {
    return usageError(
      io,
      `cgar ${name}`,
      `unexpected argument '${parsed.positionals[0]}'`,
      `cgar help ${name}`,
    );
  }
  try {
    const { help: _, ...values } = parsed.values;
    return await cmd.run({
      values: values as Values<OptionSpecs>,
      positionals: parsed.positionals,
      io,
      registry,
    });
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, `cgar ${name}`, e.message, `cgar help ${name}`);
    io.stderr(`cgar ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}
