import type { Registry } from '../command.js';
import { help } from './help.js';
import { info } from './info.js';

/** Every `cgar` subcommand; add a new one by importing it here. */
export const commands = {
  info,
  help,
} satisfies Registry;
