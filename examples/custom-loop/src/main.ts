import { train } from './train.js';

const started = Date.now();
const { losses, stages } = await train({ totalSteps: 400 });
console.log('\ndepth per stage:');
for (const s of stages) console.log(`  stage ${s.stage} from step ${s.step}: n=${s.depth.n}, T=${s.depth.T}`);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(
  `loss: first 20 steps ${mean(losses.slice(0, 20)).toFixed(4)}, last 20 ${mean(losses.slice(-20)).toFixed(4)}`,
);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
