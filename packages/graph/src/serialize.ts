import { type DType, type HostTensor, ONNX_DTYPE } from './dtype.js';
import type { Attr, Graph, Node, Value } from './graph.js';
import { AttributeType, ModelProto } from './onnx-proto.js';
import type { Shape } from './shape.js';

/** The ONNX opset this package emits (supported by onnxruntime 1.17 and later). */
export const OPSET = 18;
/** The IR version matching {@link OPSET}. */
export const IR_VERSION = 8;

/** A graph input or output as a session sees it. */
export interface Signature {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface ModelOptions {
  /** Named outputs; each name becomes a graph output. */
  readonly outputs: Readonly<Record<string, Value>>;
  /** Embed parameters as initializers (a deployable file), or feed them as inputs (training). Default true. */
  readonly embedParams?: boolean;
  readonly docString?: string;
  /** Key-value metadata stored in the model (for example the config it was built from). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A serialised model and the signature a session must be fed with. */
export interface BuiltModel {
  readonly bytes: Uint8Array;
  readonly inputs: readonly Signature[];
  readonly outputs: readonly Signature[];
  /** Parameters that are fed as inputs (empty when embedded), in input order. */
  readonly params: readonly Value[];
  /** The graph it was built from (for inspection, such as counting FLOPs). */
  readonly graph: Graph;
}

/**
 * Serialises the part of graph `g` that computes `outputs` to ONNX `ModelProto` bytes, in
 * standard ONNX ops only.
 *
 * @example
 * const model = buildModel(g, { outputs: { y } });
 * const session = await ort.InferenceSession.create(model.bytes);
 */
export function buildModel(g: Graph, options: ModelOptions): BuiltModel {
  if (g.parent) throw new Error('buildModel: pass the root graph, not a subgraph');
  const embed = options.embedParams ?? true;
  const outputs = Object.entries(options.outputs);
  if (outputs.length === 0) throw new RangeError('buildModel: at least one output is required');
  const needed = liveValues(outputs.map(([, v]) => v));
  const fedParams = embed ? [] : g.params.filter((p) => needed.has(p));
  const inputs = [...g.inputs.filter((v) => needed.has(v)), ...fedParams];
  const outNodes: ProtoNode[] = [];
  const outInfos: Signature[] = [];
  for (const [name, v] of outputs) {
    if (v.graph !== g) throw new Error(`buildModel: output '${name}' belongs to a subgraph`);
    outNodes.push({
      input: [v.name],
      output: [name],
      name: `output/${name}`,
      op_type: 'Identity',
      attribute: [],
    });
    outInfos.push({ name, dtype: v.dtype, shape: v.shape });
  }
  const graph = graphProto(g, needed, {
    inputs: inputs.map(info),
    outputs: outInfos.map((o) => valueInfo(o.name, o.dtype, o.shape)),
    initializers: embed ? g.params.filter((p) => needed.has(p)) : [],
    extraNodes: outNodes,
  });
  const model = ModelProto.create({
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: '@cgar/graph',
    producer_version: '0.1.0',
    doc_string: options.docString ?? '',
    graph,
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return {
    bytes: ModelProto.encode(model).finish(),
    inputs: inputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape })),
    outputs: outInfos,
    params: fedParams,
    graph: g,
  };
}

interface ProtoNode {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: object[];
}

/** Every value needed to compute `roots`, including what Loop bodies read from outside. */
function liveValues(roots: readonly Value[]): Set<Value> {
  const live = new Set<Value>();
  const stack = [...roots];
  while (stack.length) {
    const v = stack.pop()!;
    if (live.has(v)) continue;
    live.add(v);
    const node = v.producer;
    if (!node) continue;
    for (const o of node.outputs) live.add(o);
    for (const i of node.inputs) if (i) stack.push(i);
    for (const a of Object.values(node.attrs)) {
      if ('g' in a) stack.push(...a.g.bodyOutputs, ...bodyReads(a.g));
    }
  }
  return live;
}

/** Values a subgraph's nodes read. */
function bodyReads(body: Graph): Value[] {
  return body.nodes.flatMap((n) => [
    ...(n.inputs.filter(Boolean) as Value[]),
    ...Object.values(n.attrs).flatMap((a) => ('g' in a ? [...a.g.bodyOutputs, ...bodyReads(a.g)] : [])),
  ]);
}

function graphProto(
  g: Graph,
  live: Set<Value>,
  io: { inputs: object[]; outputs: object[]; initializers: readonly Value[]; extraNodes?: ProtoNode[] },
): object {
  const nodes = g.nodes.filter((n) => n.outputs.some((o) => live.has(o)));
  const constants = g.constants.filter((c) => live.has(c));
  return {
    name: g.name,
    node: [...nodes.map((n) => nodeProto(n, live)), ...(io.extraNodes ?? [])],
    initializer: [...io.initializers, ...constants].map((v) => tensorProto(v.name, v.data!)),
    input: io.inputs,
    output: io.outputs,
  };
}

function nodeProto(n: Node, live: Set<Value>): ProtoNode {
  return {
    input: n.inputs.map((v) => v?.name ?? ''),
    output: n.outputs.map((v) => v.name),
    name: n.name,
    op_type: n.def.type,
    attribute: Object.entries(n.attrs)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, a]) => attrProto(k, a, live)),
  };
}

function attrProto(name: string, a: Attr, live: Set<Value>): object {
  if ('i' in a) return { name, type: AttributeType.INT, i: a.i };
  if ('f' in a) return { name, type: AttributeType.FLOAT, f: a.f };
  if ('s' in a) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: AttributeType.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: AttributeType.FLOATS, floats: [...a.floats] };
  if ('t' in a) return { name, type: AttributeType.TENSOR, t: tensorProto('', a.t) };
  if ('g' in a) {
    const body = a.g;
    return {
      name,
      type: AttributeType.GRAPH,
      g: graphProto(body, live, {
        inputs: body.bodyInputs.map(info),
        outputs: body.bodyOutputs.map(info),
        initializers: [],
      }),
    };
  }
  throw new TypeError(`serialize: attribute '${name}' has no ONNX form`);
}

function info(v: Value): object {
  return valueInfo(v.name, v.dtype, v.shape);
}

function valueInfo(name: string, dtype: DType, shape: Shape): object {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: ONNX_DTYPE[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function tensorProto(name: string, t: HostTensor): object {
  const d = t.data;
  return {
    name,
    dims: [...t.dims],
    data_type: ONNX_DTYPE[t.dtype],
    raw_data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
  };
}
