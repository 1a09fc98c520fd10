import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, initParams, nonFiniteTensors } from '@cgar/export';
import { saveCheckpoint } from '@cgar/export/node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'cgar-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { ...getPreset('cpu-tiny'), n: 1, T: 1, nSup: 2 };

async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('cgar export and cgar report never destroy their input', () => {
  it('export refuses --out equal to --checkpoint and leaves it intact', async () => {
    const ckpt = join(dir, 'c.safetensors');
    await saveCheckpoint(ckpt, { config, step: 3, params: initParams(config, 0) });
    const before = readFileSync(ckpt);
    const r = await run('export', '--checkpoint', ckpt, '--out', ckpt);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*c\.safetensors is an input of this command/);
    expect(readFileSync(ckpt).equals(before)).toBe(true);
  });

  it('report refuses --out pointing at the metrics it reads', async () => {
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'metrics.jsonl'), '{"type":"step","step":1,"time":0,"loss":1,"lm":1}\n');
    const r = await run('report', runDir, '--out', join(runDir, 'metrics.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/metrics\.jsonl is an input of this command/);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toMatch(/^\{"type":"step"/);
  });

  it('report tolerates a torn last metrics line, naming the file', async () => {
    const runDir = join(dir, 'torn');
    mkdirSync(runDir);
    writeFileSync(
      join(runDir, 'metrics.jsonl'),
      '{"type":"step","step":1,"time":0,"loss":1,"lm":1}\n{"type":"st',
    );
    const r = await run('report', runDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*torn.*metrics\.jsonl:2: dropped a torn last line/s);
  });
});

describe('cgar export rejects bad weights and reports write failures', () => {
  it('NaN or infinite weights are refused, naming the tensors', async () => {
    const params = initParams(config, 0);
    params.get('inner.lm_head.weight')!.data[3] = Number.NaN;
    params.get('inner.H_init')!.data[0] = Number.POSITIVE_INFINITY;
    expect(nonFiniteTensors(params)).toEqual([
      'inner.lm_head.weight: 1 NaN, 0 infinite of 352 values',
      'inner.H_init: 0 NaN, 1 infinite of 32 values',
    ]);
    const ckpt = join(dir, 'nan.safetensors');
    await saveCheckpoint(ckpt, { config, step: 3, params });
    const r = await run('export', '--checkpoint', ckpt, '--out', join(dir, 'nan.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/weights that are NaN or infinite.*inner\.lm_head\.weight: 1 NaN/s);
    expect(existsSync(join(dir, 'nan.onnx'))).toBe(false);
  });

  it('an output folder that cannot be written is named, and no temp file is left', async () => {
    const ckpt = join(dir, 'ok.safetensors');
    await saveCheckpoint(ckpt, { config, step: 3, params: initParams(config, 0) });
    // NOTE: a file where the folder should be fails for root too (a read-only folder would not).
    writeFileSync(join(dir, 'not-a-folder'), '');
    const r = await run('export', '--checkpoint', ckpt, '--out', join(dir, 'not-a-folder', 'm.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*not-a-folder\/m\.onnx: ENOTDIR/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
