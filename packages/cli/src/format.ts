import type { Command, Registry } from './command.js';

export function programHelp(registry: Registry): string {
  const width = Math.max(...Object.keys(registry).map((n) => n.length));
  const lines = Object.entries(registry).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: cgar <command> [options]',
    '',
    'Train and deploy Tiny Recursive Models with CGAR.',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'cgar help <command>' or 'cgar <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export function commandHelp(cmd: Command): string {
  const flags = Object.entries(cmd.options).map(([flag, o]) => {
    const short = o.short ? `-${o.short}, ` : '';
    return [`${short}--${flag}${o.valueName ? ` ${o.valueName}` : ''}`, o.description] as const;
  });
  flags.push(['-h, --help', 'show this help']);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `Usage: cgar ${cmd.usage}`,
    '',
    cmd.description ?? cmd.summary,
    '',
    'Options:',
    ...flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
  ].join('\n');
}
