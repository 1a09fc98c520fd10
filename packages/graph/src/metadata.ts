/** Visits a protobuf field: its number, where its bytes start, their length, and a varint's value (-1 otherwise). */
type FieldVisitor = (field: number, start: number, len: number, value: number) => void;

/**
 * A walker over the protobuf fields of `bytes` between the current position and `end`, for
 * `fn` (named in errors). Length-delimited fields that run past `end` are reported as truncation.
 */
function protoFields(bytes: Uint8Array, fn: string): (end: number, visit: FieldVisitor) => void {
  let pos = 0;
  const truncated = (why: string) =>
    new RangeError(`${fn}: the model bytes end inside a field${why}: the file is truncated`);
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw truncated('');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  return function fields(end: number, visit: FieldVisitor): void {
    while (pos < end) {
      const key = varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) visit(field, pos, 0, varint());
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = varint();
        const start = pos;
        // NOTE: a cut-off file would otherwise end the scan quietly, as if its last fields were absent.
        if (start + len > end) throw truncated(` (${start + len} > ${end} bytes)`);
        visit(field, start, len, -1);
        pos = start + len;
      } else throw new RangeError(`${fn}: not an ONNX model (wire type ${wire})`);
    }
    if (pos > end) throw truncated('');
  };
}

/**
 * Reads the `metadata_props` of an ONNX model without decoding the graph: a scan of the
 * top-level protobuf fields that skips everything else (weights included).
 *
 * @example
 * const meta = readModelMetadata(bytes);
 * const config = JSON.parse(meta['cgar.config']!);
 */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder();
  const fields = protoFields(bytes, 'readModelMetadata');
  fields(bytes.length, (field, start, len) => {
    if (field !== 14) return;
    let key = '';
    let value = '';
    fields(start + len, (f, s, l) => {
      if (f === 1) key = text.decode(bytes.subarray(s, s + l));
      if (f === 2) value = text.decode(bytes.subarray(s, s + l));
    });
    out[key] = value;
  });
  return out;
}

/** What {@link scanModel} reports: each graph output's name and dims, and float weights that are not finite. */
export interface ModelScan {
  readonly outputs: readonly { name: string; dims: (number | string)[] }[];
  /** Float32 initializers (raw data) holding NaN or infinite values. */
  readonly nonFinite: readonly string[];
}

/**
 * Reads a model's graph outputs (names and declared dims) and checks its float32 weights for NaN
 * and infinite values, scanning the protobuf fields without building the graph. Throws a
 * `RangeError` for truncated or malformed bytes.
 *
 * @example
 * const { outputs } = scanModel(bytes); // [{ name: 'predictions', dims: ['B', 81] }, ...]
 */
export function scanModel(bytes: Uint8Array): ModelScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const fields = protoFields(bytes, 'scanModel');
  const outputs: { name: string; dims: (number | string)[] }[] = [];
  const nonFinite: string[] = [];
  // ModelProto.graph = 7; GraphProto.initializer = 5, output = 12.
  fields(bytes.length, (field, start, len) => {
    if (field !== 7) return;
    fields(start + len, (gf, gs, gl) => {
      if (gf === 12) {
        let name = '';
        const dims: (number | string)[] = [];
        // ValueInfoProto: name = 1, type = 2 > tensor_type = 1 > shape = 2 > dim = 1 {dim_value = 1, dim_param = 2}
        fields(gs + gl, (vf, vs, vl) => {
          if (vf === 1) name = text.decode(bytes.subarray(vs, vs + vl));
          if (vf !== 2) return;
          fields(vs + vl, (tf, ts, tl) => {
            if (tf !== 1) return;
            fields(ts + tl, (sf, ss, sl) => {
              if (sf !== 2) return;
              fields(ss + sl, (df, ds, dl) => {
                if (df !== 1) return;
                let dim: number | string = '?';
                fields(ds + dl, (xf, xs, xl, xv) => {
                  if (xf === 1) dim = xv;
                  if (xf === 2) dim = text.decode(bytes.subarray(xs, xs + xl));
                });
                dims.push(dim);
              });
            });
          });
        });
        outputs.push({ name, dims });
      } else if (gf === 5) {
        // TensorProto: data_type = 2 (1 is FLOAT), name = 8, raw_data = 9
        let type = 0;
        let name = '';
        let raw: [number, number] | undefined;
        fields(gs + gl, (tf, ts, tl, tv) => {
          if (tf === 2) type = tv;
          if (tf === 8) name = text.decode(bytes.subarray(ts, ts + tl));
          if (tf === 9) raw = [ts, tl];
        });
        if (type !== 1 || !raw) return;
        for (let i = 0; i + 4 <= raw[1]; i += 4) {
          if (!Number.isFinite(view.getFloat32(raw[0] + i, true))) {
            nonFinite.push(name);
            break;
          }
        }
      }
    });
  });
  return { outputs, nonFinite };
}
