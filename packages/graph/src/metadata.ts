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
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError('readModelMetadata: the model bytes end inside a field');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  const fields = (end: number, visit: (field: number, start: number, len: number) => void) => {
    while (pos < end) {
      const key = varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = varint();
        const start = pos;
        visit(field, start, len);
        pos = start + len;
      } else throw new RangeError(`readModelMetadata: not an ONNX model (wire type ${wire})`);
    }
  };
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
