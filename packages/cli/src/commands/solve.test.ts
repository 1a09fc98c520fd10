import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHaltingGraph, buildStepGraph, getPreset, initParams } from '@cgar/export';
import { buildModel, Graph, type Value } from '@cgar/graph';
import { generate } from '@cgar/tasks';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'cgar-solve-'));
const cfg = { ...getPreset('cpu-tiny'), hidden: 16, n: 1, T: 1, nSup: 4 };
const params = initParams(cfg, 1);
const haltingPath = join(dir, 'halting.onnx');
const stepPath = join(dir, 'step.onnx');
writeFileSync(haltingPath, buildHaltingGraph(cfg, params).bytes);
writeFileSync(stepPath, buildStepGraph(cfg, params).bytes);
const examples = generate({ seed: 3, count: 5 });
const line = (g: Uint8Array) => Array.from(g, (d) => (d ? String(d) : '.')).join('');
const puzzleFile = join(dir, 'puzzles.txt');
writeFileSync(
  puzzleFile,
  `# five puzzles\n${examples.map((e) => `${line(e.puzzle)} ${line(e.solution)}`).join('\n')}\n`,
);

async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('cgar solve', () => {
  it('solves one puzzle and prints the grid with the steps used', async () => {
    const { code, stdout, stderr } = await run(
      'solve',
      '--model',
      haltingPath,
      line(examples[0]!.puzzle),
      '--fixed',
    );
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^(. ){2}.(\n|.)*------\+-------\+------/);
    expect(stdout).toMatch(/not solved in 4 steps \(q_halt -?\d+\.\d{3}, halted by cap\)/);
  });

  it('solves a file with a progress bar and a summary, the same in both modes', async () => {
    const graph = await run('solve', '-m', haltingPath, '-m', stepPath, '--file', puzzleFile, '--json');
    const host = await run(
      'solve',
      '-m',
      stepPath,
      '-m',
      haltingPath,
      '-f',
      puzzleFile,
      '--mode',
      'host',
      '--json',
    );
    expect(graph.code).toBe(0);
    const g = JSON.parse(graph.stdout);
    const h = JSON.parse(host.stdout);
    expect(g.summary).toMatchObject({ mode: 'graph', puzzles: 5, exactAccuracy: 0 });
    expect(h.summary.mode).toBe('host');
    expect(h.results).toEqual(g.results);
    const text = await run('solve', '-m', stepPath, '-f', puzzleFile, '--max-steps', '2');
    expect(text.stderr).toBe(`\r[${'#'.repeat(30)}] 5/5\n`);
    expect(text.stdout).toMatch(
      /^5 puzzles, host mode: exact accuracy 0\.0%, mean steps \d\.\d\d, halted by rule \d+\.\d%, [\d.]+ puzzles\/s\n$/,
    );
  });

  it.each([
    [['solve', line(examples[0]!.puzzle)], 'missing --model FILE'],
    [['solve', '-m', haltingPath], 'give one PUZZLE or --file FILE'],
    [['solve', '-m', haltingPath, '--mode', 'fast', '...'], "--mode must be 'graph' or 'host'"],
    [
      ['solve', '-m', haltingPath, '--max-steps', '0', line(examples[0]!.puzzle)],
      '--max-steps must be an integer >= 1',
    ],
  ])('reports a usage error for %j', async (argv, message) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('takes the stable and verified halting rules, alone or with a threshold, the same in both modes', async () => {
    for (const rule of [
      ['--stable', '2'],
      ['--verified'],
      ['--verified', '--stable', '3', '--threshold', '1'],
    ]) {
      const outs = [];
      for (const mode of ['graph', 'host'])
        outs.push(
          await run(
            'solve',
            '-m',
            haltingPath,
            '-m',
            stepPath,
            '-f',
            puzzleFile,
            '--mode',
            mode,
            '--json',
            ...rule,
          ),
        );
      expect(outs.map((o) => o.code)).toEqual([0, 0]);
      const rows = outs.map((o) =>
        JSON.parse(o.stdout).results.map((r: { grid: string; steps: number }) => [r.grid, r.steps]),
      );
      expect(rows[1]).toEqual(rows[0]);
    }
    const bad = await run('solve', '-m', haltingPath, line(examples[0]!.puzzle), '--stable', '1');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--stable must be an integer >= 2')]);
    const both = await run('solve', '-m', haltingPath, line(examples[0]!.puzzle), '--fixed', '--verified');
    expect(both.stderr).toContain('give --fixed or a halting rule');
  });

  it('rejects an impossible PUZZLE like --file does, and caps --max-steps at the model Nsup', async () => {
    const clash = `55${'.'.repeat(79)}`;
    const one = await run('solve', '-m', haltingPath, clash);
    expect([one.code, one.stderr]).toEqual([
      2,
      expect.stringContaining('PUZZLE has no solution: two 5s in row 1'),
    ]);
    writeFileSync(join(dir, 'clash.txt'), `${clash}\n`);
    const file = await run('solve', '-m', haltingPath, '-f', join(dir, 'clash.txt'));
    expect([file.code, file.stderr]).toEqual([
      1,
      expect.stringMatching(/clash\.txt:1: puzzle has no solution/),
    ]);
    const steps = await run(
      'solve',
      '-m',
      haltingPath,
      '--max-steps',
      '1000000000',
      line(examples[0]!.puzzle),
    );
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain("--max-steps 1000000000 is more than the model's Nsup (4)");
    const threads = await run('solve', '-m', haltingPath, '--threads', '100000', line(examples[0]!.puzzle));
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('--threads 100000 is more than 4 times');
  });

  it('refuses hostile or broken model files before serving them', async () => {
    const good = buildHaltingGraph(cfg, params).bytes;
    const write = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const solveWith = (path: string) => run('solve', '-m', path, line(examples[0]!.puzzle));
    // a cut-off file is named as truncated (it used to read as "no cgar.graph metadata")
    const cut = await solveWith(write('cut.onnx', good.subarray(0, good.length - 40)));
    expect([cut.code, cut.stderr]).toEqual([1, expect.stringMatching(/cut\.onnx: .*the file is truncated/)]);
    // weights that are NaN
    const nanParams = initParams(cfg, 1);
    nanParams.get('inner.lm_head.weight')!.data[0] = Number.NaN;
    const nan = await solveWith(write('nan.onnx', buildHaltingGraph(cfg, nanParams).bytes));
    expect(nan.stderr).toMatch(/nan\.onnx: weights hold NaN or infinite values \(.*inner\.lm_head\.weight/);
    // metadata claiming a huge model (300,000,000-wide initial state) is refused before any allocation
    const g = new Graph('fake');
    const tokens = g.input('tokens', 'int64', ['B', 81]);
    const fake = (config: object, outputs: Record<string, Value>) =>
      buildModel(g, { outputs, metadata: { 'cgar.graph': 'halting', 'cgar.config': JSON.stringify(config) } })
        .bytes;
    const huge = await solveWith(
      write('huge.onnx', fake({ ...cfg, hidden: 300_000_000 }, { predictions: tokens })),
    );
    expect(huge.stderr).toMatch(
      /huge\.onnx: its cgar\.config is not a valid config .*hidden is 300000000, expected at most/,
    );
    // outputs of the wrong shape
    const narrow = g.input('narrow', 'int64', ['B', 10]);
    const shape = await solveWith(write('shape.onnx', fake(cfg, { predictions: narrow })));
    expect(shape.stderr).toMatch(/shape\.onnx: its 'predictions' output is \[B, 10\], expected \[B, 81\]/);
  });

  it('fails with the runtime error when the mode lacks its model', async () => {
    const { code, stderr } = await run(
      'solve',
      '-m',
      haltingPath,
      '--mode',
      'host',
      line(examples[0]!.puzzle),
    );
    expect(code).toBe(1);
    expect(stderr).toContain("export it with 'cgar export --graph step'");
  });
});
