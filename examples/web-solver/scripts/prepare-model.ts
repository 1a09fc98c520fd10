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
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildStepGraph, getPreset, initParams, type TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { create } from '@cgar/runtime/node';
import { countGivens, gridToString } from '@cgar/tasks';
import { readDataset } from '@cgar/tasks/node';

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
export async function prepareModel(
  checkpoint?: string,
  options: { raw?: boolean; publicDir?: string; threshold?: number; examples?: string } = {},
) {
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
  const bytes = buildStepGraph(config, params).bytes;
  writeFileSync(path, bytes);
  const threshold = options.threshold ?? 0;
  const examples = options.examples ? await refiningExamples(bytes, options.examples, threshold) : undefined;
  const info = {
    trained: checkpoint !== undefined,
    source,
    config,
    threshold,
    ...(examples ? { examples } : {}),
  };
  writeFileSync(join(publicDir, 'model', 'model.json'), `${JSON.stringify(info, null, 2)}\n`);
  return { path, trained: info.trained, source } satisfies PreparedModel;
}

/**
 * Up to 6 puzzles of the data set in `dir` that the model solves under the learned rule after the
 * most steps (the page shows them refining), and 2 that it gets wrong (the page marks wrong cells).
 */
async function refiningExamples(model: Uint8Array, dir: string, threshold: number) {
  const all = readDataset(dir).examples.slice(-200);
  const solver = await create({ step: model }, { mode: 'host', halting: { threshold } });
  const results = await solver.solve(all.map((e) => e.puzzle));
  await solver.release();
  const rows = all.map((e, i) => ({
    e,
    r: results[i]!,
    right: results[i]!.digits.every((d, c) => d === e.solution[c]),
  }));
  const pick = (right: boolean, count: number) =>
    rows
      .filter((x) => x.right === right)
      .sort((a, b) => b.r.steps - a.r.steps)
      .slice(0, count);
  return [...pick(true, 6), ...pick(false, 2)].map(({ e, r, right }) => ({
    name: `Held-out, ${countGivens(e.puzzle)} givens: ${right ? 'solved' : 'missed'} in ${r.steps} steps`,
    puzzle: gridToString(e.puzzle),
    solution: gridToString(e.solution),
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      checkpoint: { type: 'string' },
      raw: { type: 'boolean' },
      halting: { type: 'string' },
      examples: { type: 'string' },
    },
  });
  const threshold = values.halting
    ? (JSON.parse(readFileSync(values.halting, 'utf8')) as { threshold: number }).threshold
    : undefined;
  const out = await prepareModel(values.checkpoint, {
    raw: values.raw,
    threshold,
    examples: values.examples,
  });
  console.log(`wrote ${out.path} from ${out.source}`);
}
