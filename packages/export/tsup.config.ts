import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  // One copy of each module across entries in CommonJS too, so an error class thrown by one entry
  // is `instanceof` the same class imported from another (esm splits by default, cjs does not).
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
