import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('.', import.meta.url);
// NOTE: test code (`*.test.ts`, and helpers named `*.test-helper.ts`) is not part of the core.
const core = readdirSync(dir).filter(
  (f) => f.endsWith('.ts') && !/\.test(-helper)?\.ts$/.test(f) && !['node.ts', 'web.ts'].includes(f),
);

describe('layering', () => {
  it.each(core)('the core file %s imports neither onnxruntime package nor node:*', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    expect(text).not.toMatch(/from '(onnxruntime-(node|web)|node:[a-z/]+)'/);
  });

  it('each entry point binds exactly one runtime', () => {
    expect(readFileSync(new URL('node.ts', dir), 'utf8')).toMatch(/from 'onnxruntime-node'/);
    expect(readFileSync(new URL('web.ts', dir), 'utf8')).not.toMatch(/onnxruntime-node|node:/);
  });
});
