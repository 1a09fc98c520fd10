/**
 * Puts the model the page loads into public/model/: the step graph exported from a checkpoint
 * (sudoku-step.onnx) and model.json describing it. (onnxruntime-web's wasm file needs no step:
 * Vite emits it as an asset of the build, so the page fetches nothing from a CDN.)
 *
 *   npx tsx examples/web-solver/scripts/prepare-model.ts --checkpoint runs/demo/run/checkpoint.safetensors [--raw]
 *
 * Without --checkpoint it builds a random-weight cpu-tiny model and warns: the page then works
 * but does not solve anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildStepGraph, getPreset, initParams, loadCheckpoint, type TrmParams } from '@cgar/export';

const here = dirname(fileURLToPath(import.meta.url));
export const PUBLIC = join(here, '..', 'public');

export interface PreparedModel {
  readonly path: string;
  readonly trained: boolean;
  readonly source: string;
}

/**
 * Writes the step graph and its description into `publicDir/model`.
 *
 * @example
 * await prepareModel('runs/demo/run/checkpoint.safetensors');
 */
export async function prepareModel(checkpoint?: string, options: { raw?: boolean; publicDir?: string } = {}) {
  const publicDir = options.publicDir ?? PUBLIC;
  let config = { ...getPreset('cpu-tiny'), nSup: 16 };
  let params = initParams(config, 0);
  let source = 'random cpu-tiny weights (seed 0)';
  if (checkpoint) {
    const ckpt = await loadCheckpoint(checkpoint);
    config = ckpt.config;
    params = ((options.raw ? undefined : ckpt.ema) ?? ckpt.params) as TrmParams;
    source = `${checkpoint} (step ${ckpt.step}, ${params === (ckpt.ema as unknown) ? 'EMA' : 'raw'} weights)`;
  } else {
    process.emitWarning('prepare-model: no --checkpoint given; exporting an untrained random model');
  }
  mkdirSync(join(publicDir, 'model'), { recursive: true });
  const path = join(publicDir, 'model', 'sudoku-step.onnx');
  writeFileSync(path, buildStepGraph(config, params).bytes);
  const info = { trained: checkpoint !== undefined, source, config };
  writeFileSync(join(publicDir, 'model', 'model.json'), `${JSON.stringify(info, null, 2)}\n`);
  return { path, trained: info.trained, source } satisfies PreparedModel;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { checkpoint: { type: 'string' }, raw: { type: 'boolean' } } });
  const out = await prepareModel(values.checkpoint, { raw: values.raw });
  console.log(`wrote ${out.path} from ${out.source}`);
}
