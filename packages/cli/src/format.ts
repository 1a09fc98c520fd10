import type { Command, Registry } from './command.js';

/** The closest known name to `name`, if it is a plausible typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1));
      }
      prev = cur;
    }
    return prev[b.length]!;
  };
  let best: [string, number] | undefined;
  for (const k of known) {
    const d = dist(name, k);
    if (!best || d < best[1]) best = [k, d];
  }
  return best && best[1] <= Math.max(2, Math.floor(name.length / 3)) && best[1] < name.length
    ? best[0]
    : undefined;
}

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
