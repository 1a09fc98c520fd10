import { allocate, type DType, type HostTensor, hostTensor, sizeOf } from './dtype.js';
import { canonDim, type Dim, dimCoef, dimSymbols, formatShape, type Shape } from './shape.js';

/** A node attribute, tagged by its ONNX attribute type. */
export type Attr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly t: HostTensor }
  | { readonly g: Graph }
  /** A build-time hint that is not serialised (its key starts with `_`). */
  | { readonly dims: Shape };
export type Attrs = Readonly<Record<string, Attr>>;

export interface ValueInfo {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** What autodiff hands a vector-Jacobian rule. */
export interface VjpContext {
  readonly node: Node;
  readonly inputs: readonly (Value | undefined)[];
  readonly outputs: readonly Value[];
  /** The gradient of each output; `undefined` where no gradient flows (treat as zero). */
  readonly grads: readonly (Value | undefined)[];
  readonly attrs: Attrs;
}

/**
 * One entry of the op table: an ONNX op type, its shape inference and, when it is
 * differentiable, its vector-Jacobian product written with other ops of the table.
 */
export interface OpDef {
  readonly type: string;
  /** Infers output dtypes and shapes; throws at build time on bad input. */
  infer(inputs: readonly (Value | undefined)[], attrs: Attrs): ValueInfo[];
  /** Indices of inputs that receive gradients (`'all'` for variadic ops). */
  readonly diff?: readonly number[] | 'all';
  /** Gradients for the inputs listed in `diff` (by input index), in the output's broadcast shape. */
  vjp?(ctx: VjpContext): (Value | undefined)[];
  /** A gradient barrier: autodiff treats its output as a constant. */
  readonly stop?: boolean;
}

export type ValueKind = 'input' | 'param' | 'const' | 'node';

/**
 * A symbolic tensor of a graph: a name, a dtype and a shape known while the graph is built.
 */
export class Value implements ValueInfo {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: ValueKind,
    readonly producer?: Node,
    /** Host data of a constant or parameter. */
    readonly data?: HostTensor,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `'${this.name}' (${this.dtype} ${formatShape(this.shape)})`;
  }
}

export class Node {
  constructor(
    readonly graph: Graph,
    readonly def: OpDef,
    readonly name: string,
    readonly inputs: readonly (Value | undefined)[],
    readonly attrs: Attrs,
    public outputs: readonly Value[] = [],
  ) {}
}

export interface ParamOptions {
  /** Whether optimizers update it (default true). */
  readonly trainable?: boolean;
}

/**
 * A graph under construction. The root graph owns parameters; a subgraph (a Loop body)
 * may read any value of the graphs around it.
 *
 * @example
 * const g = new Graph('affine');
 * const x = g.input('x', 'float32', ['B', 3]);
 * const w = g.param('w', hostTensor('float32', [3, 2], new Float32Array(6)));
 * const y = matmul(x, w);
 */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly params: Value[] = [];
  readonly trainable = new Set<Value>();
  /** Constants of this graph, in creation order. */
  readonly constants: Value[] = [];
  /** Subgraph inputs and outputs, in ONNX order (Loop bodies). */
  readonly bodyInputs: Value[] = [];
  bodyOutputs: Value[] = [];
  readonly root: Graph;
  private readonly names: Set<string>;
  private readonly scopes: string[] = [];
  private readonly dimSources = new Map<string, { value: Value; axis: number }>();
  private readonly constCache = new Map<string, Value>();

  constructor(
    readonly name = 'graph',
    readonly parent?: Graph,
  ) {
    this.root = parent ? parent.root : this;
    this.names = parent ? parent.root.names : new Set();
  }

  /** True when `other` is this graph or one that encloses it. */
  sees(other: Graph): boolean {
    for (let g: Graph | undefined = this; g; g = g.parent) if (g === other) return true;
    return false;
  }

  /** A unique value name under the current scope. */
  uniqueName(hint: string): string {
    const base = [...this.root.scopes, hint].join('/');
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Runs `fn` with names prefixed by `scope/`, for readable graphs. */
  scope<T>(scope: string, fn: () => T): T {
    this.root.scopes.push(scope);
    try {
      return fn();
    } finally {
      this.root.scopes.pop();
    }
  }

  /**
   * Declares a graph input. Symbolic dims (`'B'`) become runtime sizes that other ops can use.
   *
   * @example
   * const tokens = g.input('tokens', 'int64', ['B', 81]);
   */
  input(name: string, dtype: DType, shape: Shape): Value {
    if (this.root.names.has(name)) throw new Error(`Graph.input: the name '${name}' is already used`);
    this.root.names.add(name);
    const v = new Value(this, name, dtype, shape.map(canonDim), 'input');
    this.inputs.push(v);
    this.registerDims(v);
    return v;
  }

  /** Declares an input of a subgraph (a Loop body), in ONNX order. */
  bodyInput(hint: string, dtype: DType, shape: Shape): Value {
    const v = new Value(this, this.uniqueName(hint), dtype, shape.map(canonDim), 'input');
    this.bodyInputs.push(v);
    this.registerDims(v);
    return v;
  }

  /** Records where the runtime size of each single-symbol dim of `v` can be read. */
  registerDims(v: Value): void {
    v.shape.forEach((d, axis) => {
      if (
        typeof d === 'string' &&
        dimSymbols(d).length === 1 &&
        dimCoef(d) === 1 &&
        !this.dimSources.has(d)
      ) {
        this.dimSources.set(d, { value: v, axis });
      }
    });
  }

  /** Where the runtime size of symbol `sym` can be read, searching enclosing graphs. */
  dimSource(sym: string): { value: Value; axis: number } | undefined {
    for (let g: Graph | undefined = this; g; g = g.parent) {
      const s = g.dimSources.get(sym);
      if (s) return s;
    }
    return undefined;
  }

  /**
   * Declares a parameter with its initial value. When the model is serialised it is either
   * embedded as an initializer or fed as an input.
   */
  param(name: string, data: HostTensor, options: ParamOptions = {}): Value {
    if (this !== this.root) throw new Error(`Graph.param: '${name}' must be declared on the root graph`);
    if (this.names.has(name)) throw new Error(`Graph.param: the name '${name}' is already used`);
    this.names.add(name);
    const v = new Value(this, name, data.dtype, [...data.dims], 'param', undefined, data);
    this.params.push(v);
    if (options.trainable ?? true) this.trainable.add(v);
    return v;
  }

  /**
   * A constant tensor (or a scalar of the given dtype).
   *
   * @example
   * const half = g.constant(0.5, 'float32');
   */
  constant(value: HostTensor | number | bigint, dtype: DType = 'float32'): Value {
    if (typeof value === 'number' || typeof value === 'bigint') {
      const key = `${dtype}:${String(value)}`;
      const cached = this.constCache.get(key);
      if (cached) return cached;
      const t = allocate(dtype, []);
      (t.data as { [i: number]: number | bigint })[0] =
        dtype === 'int64' ? BigInt(value) : typeof value === 'bigint' ? Number(value) : value;
      const v = this.constant(t);
      this.constCache.set(key, v);
      return v;
    }
    const v = new Value(
      this,
      this.uniqueName('const'),
      value.dtype,
      [...value.dims],
      'const',
      undefined,
      value,
    );
    this.constants.push(v);
    return v;
  }

  /** A 1-D int64 constant, for shapes, axes and indices. */
  ints(values: readonly number[]): Value {
    return this.constant(hostTensor('int64', [values.length], BigInt64Array.from(values.map(BigInt))));
  }

  /** Appends a node; used by op builders through `emit`. */
  addNode(
    def: OpDef,
    inputs: readonly (Value | undefined)[],
    attrs: Attrs,
    infos: readonly ValueInfo[],
  ): Node {
    const node = new Node(this, def, this.uniqueName(def.type), inputs, attrs);
    node.outputs = infos.map(
      (info, i) =>
        new Value(
          this,
          infos.length === 1 ? node.name : `${node.name}:${i}`,
          info.dtype,
          info.shape.map(canonDim),
          'node',
          node,
        ),
    );
    for (const o of node.outputs) this.names.add(o.name);
    this.nodes.push(node);
    return node;
  }
}

/** The innermost graph among `values`, checking that all of them are visible from it. */
export function graphOf(op: string, values: readonly (Value | undefined)[]): Graph {
  let g: Graph | undefined;
  for (const v of values) {
    if (!v) continue;
    if (!g || v.graph.sees(g)) g = v.graph;
    else if (!g.sees(v.graph)) {
      throw new Error(`${op}: inputs come from unrelated graphs ('${g.name}' and '${v.graph.name}')`);
    }
  }
  if (!g) throw new TypeError(`${op}: needs at least one graph value among its inputs`);
  return g;
}

/**
 * Creates a node of op `def`, inferring its outputs; shape errors surface here, at build time.
 */
export function emit(def: OpDef, inputs: readonly (Value | undefined)[], attrs: Attrs = {}): Value[] {
  const g = graphOf(def.type, inputs);
  const infos = def.infer(inputs, attrs);
  return g.addNode(def, inputs, attrs, infos).outputs as Value[];
}

export function emit1(def: OpDef, inputs: readonly (Value | undefined)[], attrs: Attrs = {}): Value {
  return emit(def, inputs, attrs)[0]!;
}

/** A value or a plain number, lifted to a scalar constant of the other operand's dtype. */
export type Operand = Value | number;

export function lift(op: string, operands: readonly Operand[]): Value[] {
  const ref = operands.find((o): o is Value => o instanceof Value);
  if (!ref) throw new TypeError(`${op}: at least one operand must be a graph value, got only numbers`);
  const g = graphOf(
    op,
    operands.filter((o): o is Value => o instanceof Value),
  );
  return operands.map((o) => (o instanceof Value ? o : g.constant(o, ref.dtype)));
}

export function requireStaticSize(op: string, arg: string, v: Value, axis: number): number {
  const d = v.shape[axis];
  if (typeof d !== 'number') {
    throw new RangeError(
      `${op}: '${arg}' needs a static size on axis ${axis}, got '${String(d)}' in ${formatShape(v.shape)}`,
    );
  }
  return d;
}

export function staticSize(shape: readonly Dim[]): number | undefined {
  return shape.every((d) => typeof d === 'number') ? sizeOf(shape as number[]) : undefined;
}
