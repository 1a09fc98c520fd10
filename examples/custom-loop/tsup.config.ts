import { defineConfig } from 'tsup';

// NOTE: everything is bundled into one file. The @cgar packages come from source through the tsconfig
// paths, so `npm start` works in a fresh checkout without building them. TensorFlow.js is bundled from
// its ES module build ('module' first): that build is the one that ships the gradients
// (register_all_gradients), and one bundle keeps a single copy of tfjs-core for core and backend. The
// banner gives the bundled CommonJS code of TensorFlow.js a `require` for Node's built-in modules.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.json',
  noExternal: [/^@cgar\//, /^@tensorflow\//],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  esbuildOptions(options) {
    options.mainFields = ['module', 'main'];
  },
});
