import { readFileSync, statSync } from 'node:fs';
import { type ProblemKind, Problems } from '@cgar/common';
import { validateConfig } from '@cgar/export';
import { readModelMetadata, scanModel } from '@cgar/graph';

/** Larger than any model `cgar export` makes of the presets, by far. */
const MAX_MODEL_BYTES = 2 ** 31;

/**
 * Checks an exported model file before it is served, reading only its protobuf fields: it must be
 * complete (a cut-off file is named as truncated), carry a valid `cgar.config` (sizes bounded),
 * initial states of the config's width, outputs of the shapes the solver reads, and finite weights.
 *
 * Returns the model's config (undefined for a file that is not a runtime graph: the runtime names that case).
 * Problems follow the one rule of `@cgar/common`'s `Problems`: a file that is not a model, a missing or
 * misshapen output, is a TypeError (as the runtime throws); sizes and weight values out of range a
 * RangeError (also when mixed with the former); an unreadable file a plain Error.
 *
 * @example
 * checkModelFile('model.onnx'); // throws naming the file and every problem
 */
export function checkModelFile(path: string): ReturnType<typeof validateConfig> | undefined {
  const hint = "export it again with 'cgar export'";
  const failure = (kind: ProblemKind, message: string) => {
    const one = new Problems();
    one.add(kind, message);
    return one.error(path, hint)!;
  };
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (size > MAX_MODEL_BYTES) throw failure('range', `it is ${size} bytes, more than any cgar model`);
  const bytes = new Uint8Array(readFileSync(path));
  let meta: Record<string, string>;
  let scan: ReturnType<typeof scanModel>;
  try {
    meta = readModelMetadata(bytes);
    scan = scanModel(bytes);
  } catch (e) {
    throw failure('type', (e as Error).message.replace(/^\w+: /, ''));
  }
  const kind = meta['cgar.graph'];
  if (kind !== 'halting' && kind !== 'step') return undefined; // NOTE: the runtime names this case itself.
  let config: ReturnType<typeof validateConfig>;
  try {
    config = validateConfig(JSON.parse(meta['cgar.config'] ?? 'null'));
  } catch (e) {
    throw failure(
      e instanceof RangeError ? 'range' : 'type',
      `its cgar.config is not a valid config (${(e as Error).message.replace(/\n\s*/g, ' ')})`,
    );
  }
  const problems = new Problems();
  for (const key of ['cgar.h_init', 'cgar.l_init']) {
    const text = meta[key];
    if (text === undefined) continue;
    // NOTE: bounded before parsing: each value takes at most ~25 characters of JSON.
    const values = text.length <= 32 * config.hidden + 2 ? safeJson(text) : undefined;
    if (!Array.isArray(values) || values.length !== config.hidden || !values.every(Number.isFinite))
      problems.range(`${key} is not ${config.hidden} finite numbers (the config's hidden size)`);
  }
  const want: Record<string, (number | string)[]> =
    kind === 'halting' ? { predictions: ['B', config.cells] } : { logits: ['B', config.cells, config.vocab] };
  for (const [name, dims] of Object.entries(want)) {
    const out = scan.outputs.find((o) => o.name === name);
    if (!out) problems.type(`it has no '${name}' output`);
    else if (
      out.dims.length !== dims.length ||
      dims.some((d, i) => typeof d === 'number' && typeof out.dims[i] === 'number' && out.dims[i] !== d)
    )
      problems.type(`its '${name}' output is [${out.dims.join(', ')}], expected [${dims.join(', ')}]`);
  }
  if (scan.nonFinite.length)
    problems.range(`weights hold NaN or infinite values (${scan.nonFinite.slice(0, 5).join(', ')})`);
  problems.throwIfAny(path, hint);
  return config;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
