import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // NOTE: @cgar/common (the plugin protocol and the problem collector) is bundled in, code and types,
  // so this package keeps zero runtime dependencies for its users.
  dts: { resolve: ['@cgar/common'] },
  noExternal: ['@cgar/common'],
  clean: true,
  sourcemap: true,
  target: 'node20',
});
