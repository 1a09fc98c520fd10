/**
 * Collects every problem found while validating an input, then throws once: a `TypeError` when every
 * problem is of the wrong kind, else a `RangeError`. Internal.
 */
export class Problems {
  private readonly list: { kind: 'type' | 'range'; message: string }[] = [];

  type(message: string): void {
    this.list.push({ kind: 'type', message });
  }

  range(message: string): void {
    this.list.push({ kind: 'range', message });
  }

  get messages(): string[] {
    return this.list.map((p) => p.message);
  }

  throwIfAny(where: string, hint: string): void {
    if (this.list.length === 0) return;
    const head =
      this.list.length === 1
        ? `${where}: ${this.list[0]!.message}`
        : `${where}: ${this.list.length} problems:`;
    const body = this.list.length === 1 ? '' : `\n${this.list.map((p) => `  - ${p.message}`).join('\n')}`;
    const message = `${head}${body}\n${hint}`;
    throw this.list.every((p) => p.kind === 'type') ? new TypeError(message) : new RangeError(message);
  }
}

/** Short printable form of any value, for error messages. Internal. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value;
}

/** True for a plain object (not null, not an array). Internal. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
