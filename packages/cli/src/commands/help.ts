import { closest } from '@cgar/common';
import { defineCommand, UsageError } from '../command.js';
import { commandHelp, programHelp } from '../format.js';

export const help = defineCommand({
  summary: 'Show the list of commands, or the options of one command',
  usage: 'help [COMMAND]',
  options: {},
  positionals: true,
  async run({ positionals, io, registry }) {
    const [name, ...rest] = positionals;
    if (rest.length > 0)
      throw new UsageError(`expected at most one command name, got ${positionals.join(' ')}`);
    if (name === undefined) {
      io.stdout(programHelp(registry));
      return 0;
    }
    const cmd = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (cmd === undefined) {
      const hint = closest(name, Object.keys(registry));
      throw new UsageError(`unknown command '${name}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    io.stdout(commandHelp(cmd));
    return 0;
  },
});
