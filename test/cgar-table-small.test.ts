import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The CGAR table's harness (bench/cgar-table/run.ts) reproduces the committed small table
 * (bench/results/cgar-table-small) bit for bit: the same command, run again into a temporary
 * folder, gives the same accuracies, halting figures, step counts and per-step losses. What depends
 * on the clock or the machine is masked explicitly (TIME_KEYS, HEADER_KEYS, TIME_COLUMNS below);
 * nothing here measures time.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const committed = join(root, 'bench', 'results', 'cgar-table-small');
const out = mkdtempSync(join(tmpdir(), 'cgar-table-small-'));
const again = mkdtempSync(join(tmpdir(), 'cgar-table-small-'));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(again, { recursive: true, force: true });
});

/**
 * What decides the float rounding of a CPU run: the architecture, the instruction sets onnxruntime's
 * kernels dispatch on, and the onnxruntime version. The committed table was made on a machine with
 * the fingerprint in `fingerprint.json`; onnxruntime does not promise the same bits on another one.
 */
function fingerprint(): string {
  const wanted = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq'];
  const more = ['avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_bf16', 'amx_int8'];
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  const isa = [...wanted, ...more].filter((f) => flags.has(f)).join(' ') || 'unknown';
  const require = createRequire(join(root, 'package.json'));
  const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  return `${process.platform} ${process.arch}; ${isa}; onnxruntime-node ${ort}`;
}
const recorded = (
  JSON.parse(readFileSync(join(committed, 'fingerprint.json'), 'utf8')) as { fingerprint: string }
).fingerprint;
const sameMachine = fingerprint() === recorded;

const PREFIX = 'npx tsx bench/cgar-table/run.ts ';

/** Keys of results.json and of the run logs whose values are wall-clock times or follow from them. */
const TIME_KEYS = new Set([
  // results.json: runs and rows
  'trainSeconds',
  'rawTrainSeconds',
  'warmupSeconds',
  'elapsedSeconds',
  'stepsPerSecond',
  'deepStepSeconds',
  'fromSeconds',
  'toSeconds',
  // rows: which seeds count as timed (contention is judged by step times), and time ratios
  'timedSeeds',
  'speedup',
  'baselineExactAtTime',
  'timeToBaselineFinal',
  // metrics.jsonl records
  'time',
  'seconds',
]);

/** Header fields that name the folder, the moment or the machine. */
const HEADER_KEYS = ['command', 'date', 'machine'] as const;

/** Columns of table.md whose cells are times, or depend on them. */
const TIME_COLUMNS = new Set([
  'seeds', // "1 (0 timed)" when a run's step times look contended
  'train time (s)',
  'steps/s',
  'speedup',
  'baseline exact@16 at same time',
  "time to baseline's final exact@16",
]);

const MASK = '<masked: time>';

/**
 * `value` without the keys of TIME_KEYS, at any depth. Dropped rather than replaced: some are left
 * out of results.json when the times make them undefined (a row with no timed seed has no speedup).
 */
function maskTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskTimes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !TIME_KEYS.has(k))
      .map(([k, v]) => [k, maskTimes(v)]),
  );
}

/** results.json without times, and without the header's command, date and machine. */
function results(dir: string): string {
  const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
    header: Record<string, unknown>;
  };
  const header = { ...r.header };
  for (const k of HEADER_KEYS) header[k] = `<masked: ${k}>`;
  return JSON.stringify(maskTimes({ ...r, header }), null, 1);
}

/** table.md with the Command, Date and Machine lines and every time column masked. */
function table(dir: string): string {
  let head: string[] | undefined;
  return readFileSync(join(dir, 'table.md'), 'utf8')
    .split('\n')
    .map((line) => {
      if (/^- (Command|Date|Machine): /.test(line)) return line.replace(/: .*/, ': <masked>');
      if (!line.startsWith('| ')) {
        head = undefined;
        return line;
      }
      const cells = line.slice(2, -2).split(' | ');
      if (head === undefined) {
        head = cells;
        return line;
      }
      return `| ${cells.map((c, i) => (TIME_COLUMNS.has(head![i]!) && !c.startsWith('---') ? MASK : c)).join(' | ')} |`;
    })
    .join('\n');
}

/** Each run's log (steps with their losses, windows, evaluations), times masked, one record a line. */
function logs(dir: string): Record<string, string[]> {
  const runs = join(dir, 'runs');
  return Object.fromEntries(
    readdirSync(runs)
      .sort()
      .map((id) => {
        const gz = join(runs, id, 'metrics.jsonl.gz');
        const text = gunzipSync(readFileSync(gz)).toString('utf8');
        const records = text
          .trim()
          .split('\n')
          .map((l) => JSON.stringify(maskTimes(JSON.parse(l))));
        return [id, records];
      }),
  );
}

/** The committed command, with its --out pointed at `to`. */
function command(to: string): string[] {
  const { header } = JSON.parse(readFileSync(join(committed, 'results.json'), 'utf8')) as {
    header: { command: string };
  };
  expect(header.command.startsWith(PREFIX)).toBe(true);
  const args = header.command.slice(PREFIX.length).split(' ');
  const at = args.indexOf('--out');
  expect(args[at + 1]).toBe('bench/results/cgar-table-small');
  args[at + 1] = to;
  return args;
}

function runHarness(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cgar-table/run.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('bench/results/cgar-table-small', () => {
  it('its README gives the command the table was made with', () => {
    const { header } = JSON.parse(readFileSync(join(committed, 'results.json'), 'utf8')) as {
      header: { command: string };
    };
    expect(readFileSync(join(committed, 'README.md'), 'utf8')).toContain(header.command);
    expect(readFileSync(join(committed, 'table.md'), 'utf8')).toContain(`- Command: \`${header.command}\``);
  });

  it('the committed table records the machine kind it was made on', () => {
    expect(recorded).toMatch(/^\w+ \w+; .+; onnxruntime-node \d+\.\d+\.\d+$/);
  });

  it('the harness, rerun with the same command, reproduces the table bit for bit (times masked)', async () => {
    const r = await runHarness(command(out));
    expect(r.code, r.output.slice(-4000)).toBe(0);
    // The same code on the same machine kind gives the committed bits; on another instruction set
    // or onnxruntime version the kernels may round differently, so there the claim is checked as
    // far as it can be: two runs of the harness on this machine agree bit for bit.
    const reference = sameMachine ? committed : again;
    if (!sameMachine) {
      console.warn(
        `cgar-table-small: this machine (${fingerprint()}) is not the committed one (${recorded}); comparing two reruns`,
      );
      const r2 = await runHarness(command(again));
      expect(r2.code, r2.output.slice(-4000)).toBe(0);
    }
    expect(table(out)).toBe(table(reference));
    expect(results(out)).toBe(results(reference));
    expect(logs(out)).toEqual(logs(reference));
  });

  it('the masks hide only times: accuracies, losses and halting figures are compared', () => {
    const masked = results(committed);
    expect(masked).toContain('"cell": 0.');
    expect(masked).toContain('"haltAcc"');
    expect(masked).toContain('"stepHistogram"');
    const log = Object.values(logs(committed))[0]!;
    expect(log.some((l) => /"loss":\d/.test(l))).toBe(true);
    expect(table(committed)).toMatch(/\| baseline: .* \| 1\.00x \| \d+\.\d% \|/);
  });
});
