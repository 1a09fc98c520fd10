// Run by pack-check inside a fresh project where the packed tarballs are installed (CommonJS).
const { buildHaltingGraph, getPreset, initParams } = require('@cgar/export');
const { create } = require('@cgar/runtime/node');

(async () => {
  const config = { ...getPreset('cpu-tiny'), n: 2, T: 1, nSup: 4 };
  const model = buildHaltingGraph(config, initParams(config, 0));
  const solver = await create(model.bytes);
  const [r] = await solver.solve([
    '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79',
  ]);
  if (r?.grid.length !== 81 || !(r.steps >= 1 && r.steps <= 4))
    throw new Error(`unexpected answer ${JSON.stringify(r)}`);
  console.log(`cjs: solved in ${r.steps} steps (halted by ${r.haltedBy})`);
  await solver.release();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
