/**
 * bench/gpu/transfer: bytes moved between host and device per train step. The trainer feeds
 * every parameter and optimizer moment and reads them all back each step, so the feeds and
 * fetches follow from the train graph's signature; `--profile` also runs one step on `--ep` with
 * onnxruntime profiling and adds the copies inside the graph (Memcpy nodes around CPU ops).
 *
 *   npx tsx bench/gpu/transfer.ts [--preset cpu-small] [--batch 64] [--depth 6,3] [--profile --ep webgpu]
 *       [--hidden 16 --layers 1]   (override the preset, for a model small enough to profile)
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildTrainGraph,
  getPreset,
  initParams,
  type PresetName,
  seqLen,
  type TrmConfig,
} from '@cgar/export';
import { bytesPerElement, type DType, GraphSession, type HostTensor, hostTensor } from '@cgar/graph';
import { checkProvider, type ExecutionProvider, sessionOptions } from '@cgar/trainer';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'cpu-small' },
    batch: { type: 'string', default: '64' },
    depth: { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    profile: { type: 'boolean', default: false },
    ep: { type: 'string', default: 'webgpu' },
  },
});
const base = getPreset(args.preset as PresetName);
const config: TrmConfig = {
  ...base,
  ...(args.hidden ? { hidden: Number(args.hidden), interMultiple: Number(args.hidden) } : {}),
  ...(args.layers ? { layers: Number(args.layers) } : {}),
};
const [n, T] = (args.depth ?? `${config.n},${config.T}`).split(',').map(Number) as [number, number];
const B = Number(args.batch);
const S = seqLen(config);
const params = initParams(config, 0);
const model = buildTrainGraph(config, params, { depth: { n, T } });
const dimsOf = (shape: readonly (number | string)[]) =>
  shape.map((d) => (typeof d === 'number' ? d : d === 'B' ? B : S));
const bytes = (sig: { dtype: string; shape: readonly (number | string)[] }) =>
  dimsOf(sig.shape).reduce((a, d) => a * d, 1) * bytesPerElement(sig.dtype as DType);
const group = (name: string) =>
  model.paramOutputs.has(name) || name.startsWith('next/inner') || name.startsWith('next/puzzle')
    ? 'parameters'
    : model.stateOutputs.has(name) || (name.startsWith('next/') && name.includes('.'))
      ? 'optimizer state'
      : 'data and metrics';
const tally = (sigs: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[]) => {
  const out: Record<string, number> = {};
  for (const s of sigs) out[group(s.name)] = (out[group(s.name)] ?? 0) + bytes(s);
  out.total = Object.values(out).reduce((a, v) => a + v, 0);
  return out;
};
const result: Record<string, unknown> = {
  config: { preset: args.preset, hidden: config.hidden, layers: config.layers, depth: [n, T], batch: B },
  hostToDevice: tally(model.inputs),
  deviceToHost: tally(model.outputs),
};

if (args.profile) {
  const ep = args.ep as ExecutionProvider;
  await checkProvider(ort, ep);
  const prefix = join(tmpdir(), `cgar-transfer-${process.pid}`);
  const session = await GraphSession.create(ort, model, {
    sessionOptions: { ...sessionOptions(ep, 1), enableProfiling: true, profileFilePrefix: prefix },
  });
  const feeds: Record<string, HostTensor> = {};
  for (const sig of model.inputs) {
    const dims = dimsOf(sig.shape);
    const count = dims.reduce((a, d) => a * d, 1);
    feeds[sig.name] =
      sig.dtype === 'int64'
        ? hostTensor(
            'int64',
            dims,
            BigInt64Array.from({ length: count }, (_, i) => BigInt(1 + (i % 10))),
          )
        : (params.get(sig.name) ?? hostTensor('float32', dims, new Float32Array(count).fill(0.01)));
  }
  await session.run(feeds);
  await session.release();
  // NOTE: onnxruntime-node writes the profile on release; its name is prefix + a timestamp.
  const dir = tmpdir();
  const file = (await import('node:fs'))
    .readdirSync(dir)
    .filter((f) => join(dir, f).startsWith(prefix))
    .map((f) => join(dir, f))[0];
  if (!file) throw new Error('transfer: onnxruntime wrote no profile');
  const events = JSON.parse(readFileSync(file, 'utf8')) as {
    cat: string;
    name: string;
    args?: { op_name?: string; output_size?: string };
  }[];
  rmSync(file);
  const inGraph: Record<string, number> = { MemcpyFromHost: 0, MemcpyToHost: 0 };
  for (const e of events) {
    const op = e.args?.op_name;
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time') && op && op in inGraph)
      inGraph[op]! += Number(e.args!.output_size ?? 0);
  }
  result.insideGraph = { ep, hostToDevice: inGraph.MemcpyFromHost, deviceToHost: inGraph.MemcpyToHost };
}
console.log(JSON.stringify(result, null, 2));
