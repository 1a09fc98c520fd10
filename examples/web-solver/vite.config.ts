import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// NOTE: @cgar/* resolve to the workspace sources, as in the tests; no package build needed.
const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^@cgar\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^@cgar\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
});
