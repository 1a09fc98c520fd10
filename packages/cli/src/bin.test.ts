import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// NOTE: runs src/bin.ts as a real node process (through tsx, from source), so the exit codes
// and the streams are the ones a shell sees.
const cgar = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });

it('the bin entry runs as a node script and sets the exit code', () => {
  const ok = cgar('info', '--preset', 'cpu-small', '--json');
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout).config.hidden).toBe(64);
  const bad = cgar('nope');
  expect([bad.status, bad.stdout]).toEqual([2, '']);
  expect(bad.stderr).toMatch(/unknown command 'nope'/);
});
