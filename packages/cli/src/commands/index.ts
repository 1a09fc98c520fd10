import type { Registry } from '../command.js';
import { buildData } from './build-data.js';
import { demo } from './demo.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { help } from './help.js';
import { info } from './info.js';
import { report } from './report.js';
import { solve } from './solve.js';
import { sweep } from './sweep.js';
import { train } from './train.js';
import { worker } from './worker.js';

/** Every `cgar` subcommand; add a new one by importing it here. */
export const commands = {
  info,
  'build-data': buildData,
  train,
  eval: evalCommand,
  export: exportCommand,
  solve,
  report,
  sweep,
  worker,
  demo,
  help,
} satisfies Registry;
