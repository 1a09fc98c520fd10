import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'cgar-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

it('the bin entry runs as a node script and sets the exit code', () => {
  const out = join(dir, 'cgar.mjs');
  // NOTE: bundled like tsup does, with the workspace packages taken from source.
  buildSync({
    entryPoints: [src('cli/src/bin.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    alias: { '@cgar/export': src('export/src/index.ts'), '@cgar/graph': src('graph/src/index.ts') },
    logLevel: 'error',
  });
  expect(readFileSync(out, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  const ok = spawnSync(process.execPath, [out, 'info', '--preset', 'cpu-small', '--json'], {
    encoding: 'utf8',
  });
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout).config.hidden).toBe(64);
  const bad = spawnSync(process.execPath, [out, 'nope'], { encoding: 'utf8' });
  expect([bad.status, bad.stdout]).toEqual([2, '']);
  expect(bad.stderr).toMatch(/unknown command 'nope'/);
});
