/** Minimal dependency-free SVG charts for offline HTML reports. */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw dots instead of a line (for sparse points such as evaluations). */
  readonly dots?: boolean;
}

export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];
const W = 640;
const H = 280;
const PAD = { l: 56, r: 16, t: 28, b: 40 };

const esc = (s: string) =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3));

function ticks(lo: number, hi: number, n = 5): number[] {
  if (hi <= lo) return [lo];
  const step = (hi - lo) / n;
  return Array.from({ length: n + 1 }, (_, i) => lo + i * step);
}

/**
 * A line chart with axes, a legend and optional shaded bands (such as curriculum stages).
 *
 * @example
 * lineChart({ title: 'loss', x: 'step', y: 'loss', series: [{ name: 'train', points: [[0, 2], [1, 1]] }] });
 */
export function lineChart(opts: {
  title: string;
  x: string;
  y: string;
  series: readonly Series[];
  bands?: readonly Band[];
  yMin?: number;
  yMax?: number;
}): string {
  const all = opts.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const x0 = Math.min(...xs, 0);
  const x1 = Math.max(...xs, 1);
  const y0 = opts.yMin ?? Math.min(...ys, 0);
  const y1 = opts.yMax ?? Math.max(...ys, 1e-9);
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0 || 1)) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  (opts.bands ?? []).forEach((b, i) => {
    parts.push(
      `<rect x="${sx(b.from)}" y="${PAD.t}" width="${Math.max(0, sx(b.to) - sx(b.from))}" height="${H - PAD.t - PAD.b}" fill="${i % 2 ? '#f1f5f9' : '#e2e8f0'}"/>`,
      `<text x="${sx(b.from) + 4}" y="${PAD.t + 12}" font-size="10" fill="#475569">${esc(b.label)}</text>`,
    );
  });
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t)}" y2="${sy(t)}" stroke="#cbd5e1" stroke-width="0.5"/>`,
      `<text x="${PAD.l - 6}" y="${sy(t) + 3}" font-size="10" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of ticks(x0, x1)) {
    parts.push(
      `<text x="${sx(t)}" y="${H - PAD.b + 14}" font-size="10" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  opts.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (s.dots)
      for (const [x, y] of pts) parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${c}"/>`);
    else if (pts.length) {
      parts.push(
        `<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      );
    }
    // NOTE: four legend entries a row; a fifth starts a second row.
    const lx = PAD.l + 8 + (i % 4) * 130;
    const ly = 2 + Math.floor(i / 4) * 12;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${c}"/>`,
      `<text x="${lx + 14}" y="${ly + 9}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  parts.push(
    `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${H - PAD.b}" y2="${H - PAD.b}" stroke="#334155"/>`,
    `<line x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#334155"/>`,
    `<text x="${(W + PAD.l) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(opts.x)}</text>`,
    `<text x="12" y="${(H - PAD.b + PAD.t) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(H - PAD.b + PAD.t) / 2})">${esc(opts.y)}</text>`,
  );
  return `<figure><figcaption>${esc(opts.title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">${parts.join('')}</svg></figure>`;
}

/** A bar chart of counts, such as the histogram of halting steps. */
export function barChart(opts: {
  title: string;
  x: string;
  y: string;
  labels: readonly string[];
  values: readonly number[];
}): string {
  const max = Math.max(...opts.values, 1);
  const n = opts.values.length;
  const bw = (W - PAD.l - PAD.r) / Math.max(n, 1);
  const parts = opts.values.map((v, i) => {
    const h = (v / max) * (H - PAD.t - PAD.b);
    const x = PAD.l + i * bw;
    return (
      `<rect x="${x + 2}" y="${H - PAD.b - h}" width="${bw - 4}" height="${h}" fill="${COLORS[0]}"/>` +
      `<text x="${x + bw / 2}" y="${H - PAD.b + 14}" font-size="10" text-anchor="middle">${esc(opts.labels[i] ?? '')}</text>` +
      (v
        ? `<text x="${x + bw / 2}" y="${H - PAD.b - h - 3}" font-size="9" text-anchor="middle">${esc(String(v))}</text>`
        : '')
    );
  });
  parts.push(
    `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${H - PAD.b}" y2="${H - PAD.b}" stroke="#334155"/>`,
    `<text x="${(W + PAD.l) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(opts.x)}</text>`,
    `<text x="12" y="${(H - PAD.b + PAD.t) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(H - PAD.b + PAD.t) / 2})">${esc(opts.y)}</text>`,
  );
  return `<figure><figcaption>${esc(opts.title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">${parts.join('')}</svg></figure>`;
}

/** A self-contained HTML page (no scripts, no external resources). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:1340px;margin:24px auto;padding:0 16px;color:#0f172a}
figure{display:inline-block;margin:8px}figcaption{font-weight:600;margin-bottom:4px}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #cbd5e1;padding:4px 8px;text-align:right}
th{background:#f1f5f9}td:first-child,th:first-child{text-align:left}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>\n`;
}

export const escapeHtml = esc;
