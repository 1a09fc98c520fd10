import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { hostTensor } from './dtype.js';
import { Graph } from './graph.js';
import { rmsNorm } from './nn.js';
import { ModelProto } from './onnx-proto.js';
import { add, mul } from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import { buildModel, IR_VERSION, OPSET } from './serialize.js';
import { GraphSession } from './session.js';

function decode(bytes: Uint8Array) {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
    ir_version: number;
    opset_import: { domain: string; version: number }[];
    graph: {
      node: { op_type: string; domain: string; name: string }[];
      initializer: { name: string }[];
      input: { name: string }[];
    };
    metadata_props: { key: string; value: string }[];
  };
}

describe('serialisation', () => {
  const build = (embedParams: boolean) => {
    const g = new Graph('affine');
    const x = g.input('x', 'float32', ['B', 2]);
    const w = g.param('layer/w', hostTensor('float32', [2, 2], Float32Array.from([1, 2, 3, 4])));
    g.param('unused', hostTensor('float32', [1], Float32Array.from([0])));
    const y = g.scope('layer', () => rmsNorm(add(matmul(x, w), 1)));
    void mul;
    return buildModel(g, { outputs: { y }, embedParams, metadata: { config: '{"d":2}' } });
  };

  it('writes standard ONNX ops only, at the opset and IR version onnxruntime 1.30 reads', () => {
    const m = decode(build(true).bytes);
    expect(m.ir_version).toBe(IR_VERSION);
    expect(m.opset_import).toEqual([{ domain: '', version: OPSET }]);
    expect(OPSET).toBeLessThanOrEqual(26);
    expect(IR_VERSION).toBeLessThanOrEqual(13);
    expect(m.graph.node.every((n) => n.domain === '')).toBe(true);
    expect(m.metadata_props).toEqual([{ key: 'config', value: '{"d":2}' }]);
  });

  it('names values readably and leaves out what the outputs do not need', () => {
    const m = decode(build(true).bytes);
    expect(m.graph.node.map((n) => n.name)).toContain('layer/MatMul');
    expect(m.graph.initializer.map((i) => i.name)).toContain('layer/w');
    expect(m.graph.initializer.map((i) => i.name)).not.toContain('unused');
  });

  it('embeds parameters as initializers, or feeds them as inputs, with the same results', async () => {
    const x = hostTensor('float32', [1, 2], Float32Array.from([1, -1]));
    const embedded = await (await GraphSession.create(ort, build(true))).run({ x });
    const fedModel = build(false);
    expect(fedModel.inputs.map((s) => s.name)).toEqual(['x', 'layer/w']);
    const fed = await (await GraphSession.create(ort, fedModel)).run({
      x,
      'layer/w': hostTensor('float32', [2, 2], Float32Array.from([1, 2, 3, 4])),
    });
    expect(Array.from(fed.y!.data as Float32Array)).toEqual(Array.from(embedded.y!.data as Float32Array));
  });
});

describe('readModelMetadata', () => {
  it('reads the metadata back without decoding the graph', async () => {
    const { readModelMetadata } = await import('./metadata.js');
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    g.param('big', hostTensor('float32', [4096], new Float32Array(4096).fill(1.5)));
    const bytes = buildModel(g, {
      outputs: { y: add(x, 1) },
      metadata: { a: '1', 'cgar.config': '{"hidden":8}' },
    }).bytes;
    expect(readModelMetadata(bytes)).toEqual({ a: '1', 'cgar.config': '{"hidden":8}' });
  });
});
