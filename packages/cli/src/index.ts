export type { Command, Io, OptionSpec, OptionSpecs, Registry, RunContext, Values } from './command.js';
export { defineCommand, UsageError } from './command.js';
export { commands } from './commands/index.js';
export { describeConfig } from './commands/info.js';
export { main, VERSION } from './main.js';
