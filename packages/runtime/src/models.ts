import { Problems } from '@cgar/common';
import { readModelMetadata } from '@cgar/graph';
import { CELLS, VOCAB } from './puzzles.js';
import type { ModelInput, ModelSource, OrtSession, OrtTensor, Platform, SolverOptions } from './types.js';

export type GraphKind = 'halting' | 'step';

/** The fields of the model's `cgar.config` the runtime reads. */
export interface ModelConfig {
  readonly hidden: number;
  readonly prefix: number;
  readonly cells: number;
  readonly vocab: number;
  readonly nSup: number;
  readonly [field: string]: unknown;
}

/** A model file with its kind and config, read from its metadata. */
export interface LoadedModel {
  readonly kind: GraphKind;
  readonly bytes: Uint8Array;
  readonly config: ModelConfig;
  readonly meta: Record<string, string>;
}

export const SIGNATURES: Readonly<Record<GraphKind, { inputs: string[]; outputs: string[] }>> = {
  halting: {
    inputs: ['tokens', 'max_steps', 'threshold'],
    outputs: ['predictions', 'steps', 'q_halt', 'halted_by_rule'],
  },
  step: { inputs: ['tokens', 'y', 'z'], outputs: ['y_next', 'z_next', 'logits', 'q_halt'] },
};

const isSource = (v: unknown): v is ModelSource =>
  typeof v === 'string' || v instanceof URL || v instanceof Uint8Array || v instanceof ArrayBuffer;

async function bytesOf(platform: Platform, source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return platform.load(source);
}

/** Largest config values a served model may declare. */
const LIMITS = { hidden: 1 << 16, prefix: 1024, cells: CELLS, vocab: VOCAB, nSup: 1024 } as const;

/**
 * Throws a TypeError when an output tensor of a session run does not have the shape the runtime
 * reads (`-1` matches any size): a model with the right names but the wrong shapes must not give
 * a garbage answer.
 */
export function checkOutput(
  kind: GraphKind,
  name: string,
  t: OrtTensor | undefined,
  want: readonly number[],
): void {
  const dims = t?.dims ?? [];
  if (dims.length !== want.length || want.some((w, i) => w !== -1 && dims[i] !== w))
    throw new TypeError(
      `solve: the ${kind} model's output '${name}' has shape [${dims.join(', ')}], expected [${want.map((w) => (w === -1 ? '*' : w)).join(', ')}]; export it again with 'cgar export --graph ${kind}'`,
    );
}

function readModel(name: string, bytes: Uint8Array): LoadedModel {
  let meta: Record<string, string>;
  try {
    meta = readModelMetadata(bytes);
  } catch (e) {
    throw new TypeError(`create: ${name} is not an ONNX model (${(e as Error).message})`);
  }
  const kind = meta['cgar.graph'];
  if (kind !== 'halting' && kind !== 'step') {
    const what = kind === undefined ? 'has no cgar.graph metadata' : `is a '${kind}' graph`;
    throw new TypeError(
      `create: ${name} ${what}; the runtime serves the graphs made by 'cgar export --graph halting' or 'cgar export --graph step'`,
    );
  }
  let config: ModelConfig;
  try {
    config = JSON.parse(meta['cgar.config'] ?? '');
  } catch {
    throw new TypeError(
      `create: ${name} has no readable cgar.config metadata; export it again with 'cgar export'`,
    );
  }
  // NOTE: one error rule (`Problems`): a missing field is a wrong kind of model (TypeError), a value
  // out of what the runtime serves is a RangeError; both kinds at once give a RangeError.
  const problems = new Problems();
  for (const f of ['hidden', 'prefix', 'cells', 'vocab', 'nSup'] as const) {
    const v = config[f];
    if (!Number.isInteger(v)) problems.type(`config field '${f}' is missing`);
    else if (v < 1 || v > LIMITS[f])
      problems.range(
        `config field '${f}' is ${v}; a runtime model has 1..${LIMITS[f]} (the file is corrupt or not a TRM)`,
      );
  }
  // NOTE: bounded before JSON.parse: a tiny file must not make the runtime parse and allocate gigabytes.
  for (const key of ['cgar.h_init', 'cgar.l_init'])
    if ((meta[key]?.length ?? 0) > 32 * Math.min(config.hidden, LIMITS.hidden) + 2)
      problems.range(`${key} holds ${meta[key]!.length} characters, more than ${config.hidden} numbers need`);
  // NOTE: a missing cells or vocab is reported above, as a missing field only.
  const off = (v: unknown, want: number) => Number.isInteger(v) && v !== want;
  if (off(config.cells, CELLS) || off(config.vocab, VOCAB)) {
    problems.range(
      `it has ${config.cells} cells and vocab ${config.vocab}; the runtime serves 9x9 Sudoku models (81 cells, vocab 11)`,
    );
  }
  if (kind === 'step' && (meta['cgar.h_init'] === undefined || meta['cgar.l_init'] === undefined)) {
    problems.type(
      'the step graph has no cgar.h_init/cgar.l_init metadata (export it with @cgar/export >= 0.1)',
    );
  }
  problems.throwIfAny(`create: ${name}`);
  return { kind, bytes, config, meta };
}

/**
 * Loads the model input of `create` into at most one model of each kind, checking kinds and
 * that the two models share one config.
 */
export async function loadModels(
  platform: Platform,
  model: ModelInput,
): Promise<Partial<Record<GraphKind, LoadedModel>>> {
  if (isSource(model)) {
    const loaded = readModel('the model', await bytesOf(platform, model));
    return { [loaded.kind]: loaded };
  }
  if (Array.isArray(model)) return loadList(platform, model);
  const pair = model as { readonly halting?: unknown; readonly step?: unknown } | null;
  if (pair === null || typeof pair !== 'object' || (pair.halting === undefined && pair.step === undefined)) {
    throw new TypeError(
      "create: 'model' must be model bytes, a path or URL, a list of them, or { halting?, step? } with at least one of them",
    );
  }
  const out: Partial<Record<GraphKind, LoadedModel>> = {};
  const bad = new Problems();
  for (const kind of ['halting', 'step'] as const) {
    const source = pair[kind];
    if (source === undefined) continue;
    if (!isSource(source)) bad.type(`model.${kind} must be bytes, a path or a URL`);
    else out[kind] = readModel(`model.${kind}`, await bytesOf(platform, source));
  }
  bad.throwIfAny('create');
  for (const kind of ['halting', 'step'] as const) {
    const m = out[kind];
    if (m && m.kind !== kind)
      throw new TypeError(`create: model.${kind} is a '${m.kind}' graph, expected '${kind}'`);
  }
  return checkPair(out);
}

function checkPair(out: Partial<Record<GraphKind, LoadedModel>>): Partial<Record<GraphKind, LoadedModel>> {
  if (out.halting && out.step && out.halting.meta['cgar.config'] !== out.step.meta['cgar.config']) {
    throw new TypeError(
      'create: the halting and step graphs were exported from different configs; export both from one checkpoint',
    );
  }
  return out;
}

async function loadList(
  platform: Platform,
  list: readonly unknown[],
): Promise<Partial<Record<GraphKind, LoadedModel>>> {
  if (list.length < 1 || list.length > 2 || !list.every(isSource)) {
    throw new TypeError(
      "create: a 'model' list must hold one or two model sources (a halting and a step graph)",
    );
  }
  const out: Partial<Record<GraphKind, LoadedModel>> = {};
  for (const [i, source] of list.entries()) {
    const m = readModel(`model[${i}]`, await bytesOf(platform, source));
    if (out[m.kind])
      throw new TypeError(
        `create: model[0] and model[1] are both ${m.kind} graphs; give one halting and one step graph`,
      );
    out[m.kind] = m;
  }
  return checkPair(out);
}

/** Opens a session and checks its inputs and outputs against the graph kind. */
export async function openSession(
  platform: Platform,
  model: LoadedModel,
  options: SolverOptions,
): Promise<OrtSession> {
  const session = await platform.ort.InferenceSession.create(model.bytes, platform.sessionOptions(options));
  const want = SIGNATURES[model.kind];
  const missing = [
    ...want.inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input '${n}'`),
    ...want.outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output '${n}'`),
  ];
  if (missing.length > 0) {
    await session.release?.();
    throw new TypeError(
      `create: the ${model.kind} model lacks ${missing.join(', ')} (it has inputs ${session.inputNames.join(', ')}; ` +
        `outputs ${session.outputNames.join(', ')}); export it again with 'cgar export --graph ${model.kind}'`,
    );
  }
  return session;
}
