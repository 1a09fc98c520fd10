import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineCommand, type Io, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { main } from './main.js';

async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('cgar info', () => {
  it('prints the config, parameter counts and FLOPs as text', async () => {
    const { code, stdout, stderr } = await run('info', '--preset', 'sudoku-mlp');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^sudoku-mlp: mlp mixer, D=512, 2 layers, sequence 97 \(prefix 16 \+ 81 cells\)/);
    expect(stdout).toMatch(/trainable\s+5,028,866/);
    expect(stdout).toMatch(/total\s+5,030,402/);
    expect(stdout).toMatch(/\(2,1\)\s+3\s+3\.66 GFLOP\s+9\s+10\.99 GFLOP/);
    expect(stdout).toMatch(/\(4,2\)\s+10\s+12\.21 GFLOP\s+20\s+24\.41 GFLOP/);
    expect(stdout).toMatch(/\(6,3\) \*\s+21\s+25\.63 GFLOP\s+35\s+42\.72 GFLOP/);
    expect(stdout).toMatch(/loss\s+stablemax/);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await run('info', '-p', 'sudoku-attn', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.preset).toBe('sudoku-attn');
    expect(report.config).toMatchObject({ mixer: 'attention', hidden: 512 });
    expect(report.derived).toEqual({ seqLen: 97, tokenMixerInter: null, channelInter: 1536, headDim: 64 });
    expect(report.params).toEqual({ trainable: 6_828_034, total: 6_829_570, untrained: 1536 });
    expect(
      report.flops.perStep.map((s: { n: number; T: number; netsTraining: number }) => [
        s.n,
        s.T,
        s.netsTraining,
      ]),
    ).toEqual([
      [2, 1, 9],
      [4, 2, 20],
      [6, 3, 35],
    ]);
    const full = report.flops.perStep[2];
    expect(full.preset).toBe(true);
    expect(full.training).toBe(35 * report.flops.net + 3 * (2 * 81 * 512 * 11 + 2 * 512 * 2));
  });

  it.each(['cpu-tiny', 'cpu-small', 'cpu-medium', 'cpu-large'])('works for %s', async (preset) => {
    const { code, stdout } = await run('info', '--preset', preset, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).config.prefix).toBe(1);
  });
});

describe('help', () => {
  it('--help lists every command', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    for (const name of Object.keys(commands)) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each([
    ['help', 'info'],
    ['info', '--help'],
    ['info', '-h'],
  ])('%s %s shows the command options', async (...argv) => {
    const { code, stdout } = await run(...argv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: cgar info --preset NAME \[--json\]/);
    expect(stdout).toMatch(/-p, --preset NAME\s+preset to describe \(sudoku-mlp, sudoku-attn/);
    expect(stdout).toMatch(/--json\s+print JSON/);
  });

  it('no arguments prints help to stderr and exits 2', async () => {
    const { code, stderr } = await run();
    expect(code).toBe(2);
    expect(stderr).toMatch(/Usage: cgar <command>/);
  });

  it("--version prints the version in the package's package.json", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect((await run('--version')).stdout).toBe(`${version}\n`);
  });
});

describe('usage errors exit 2 with a clear message', () => {
  it.each([
    [['bogus'], /^cgar: unknown command 'bogus'\nRun 'cgar --help' for usage\.\n$/],
    [['inof'], /unknown command 'inof'; did you mean 'info'\?/],
    [['--verbose'], /^cgar: unknown option '--verbose'/],
    [
      ['info', '--presett', 'x'],
      /^cgar info: unknown option '--presett'; did you mean '--preset'\?\nRun 'cgar help info' for usage\./,
    ],
    [['info', '--preset'], /^cgar info: Option '-p, --preset <value>' argument missing/],
    [['info'], /missing --preset NAME \(one of sudoku-mlp, sudoku-attn, cpu-tiny/],
    [['info', '--preset', 'cpu-tin'], /unknown preset 'cpu-tin'; did you mean 'cpu-tiny'\?/],
    [['info', '--preset', 'cpu-tiny', 'extra'], /unexpected argument 'extra'/],
    [['help', 'nope'], /^cgar help: unknown command 'nope'/],
    [['help', 'info', 'help'], /expected at most one command name/],
  ])('%j', async (argv, re) => {
    const { code, stdout, stderr } = await run(...argv);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(re);
  });
});

describe('the registry', () => {
  it('runs a command added to a custom registry; a failure exits 1', async () => {
    const boom = defineCommand({
      summary: 'fails',
      usage: 'boom [--hard]',
      options: { hard: { type: 'boolean', description: 'fail with a runtime error' } },
      async run({ values }) {
        if (values.hard) throw new Error('disk full');
        throw new UsageError('try --hard');
      },
    });
    const out: string[] = [];
    const io: Io = { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t) };
    expect(await main(['boom'], io, { ...commands, boom })).toBe(2);
    expect(await main(['boom', '--hard'], io, { ...commands, boom })).toBe(1);
    expect(out.join('')).toMatch(/cgar boom: try --hard\n.*cgar boom: disk full\n/s);
  });
});
