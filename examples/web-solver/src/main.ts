import { create, type Solver, type TraceStep } from '@cgar/runtime/web';
import { cellsOf, EXAMPLES, type Example, isSolved } from './puzzles.js';
import { RULE_LABELS, type RuleName, ruleFor } from './rules.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const query = new URLSearchParams(location.search);
// NOTE: ?delay=0 skips the pause between steps (the end-to-end test uses it); ?ep=webgpu tries WebGPU first.
const delay = Number(query.get('delay') ?? 300);
const providers = query.get('ep') === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'];
const here = (path: string) => new URL(path, document.baseURI).href;

const grid = $<HTMLDivElement>('grid');
const cells = Array.from({ length: 81 }, (_, i) => {
  const cell = document.createElement('div');
  cell.className = `cell r${Math.floor(i / 9)} c${i % 9}`;
  grid.append(cell);
  return cell;
});
let model: Uint8Array | undefined;
let threshold = 0;
let examples: readonly Example[] = EXAMPLES;
const solvers = new Map<RuleName, Promise<Solver>>();
/** The last solve's steps, for the replay slider and the chart. */
let trace: TraceStep[] = [];
let shownPuzzle = '';

/** The solver of a halting rule, created the first time that rule is picked (same model bytes). */
function solverFor(rule: RuleName): Promise<Solver> {
  let s = solvers.get(rule);
  if (!s) {
    s = create(
      { step: model! },
      { threads: 1, executionProviders: providers, halting: ruleFor(rule, threshold) },
    );
    solvers.set(rule, s);
  }
  return s;
}

/** The known solution of the puzzle on the board, when it is one of the examples. */
function knownSolution(puzzle: string): string | undefined {
  return examples.find((e) => e.puzzle === puzzle)?.solution;
}

function setState(state: 'loading' | 'ready' | 'solving' | 'done' | 'error'): void {
  document.body.dataset.state = state;
  $<HTMLButtonElement>('solve').disabled = state === 'loading' || state === 'solving';
}

function showPuzzle(puzzle: string): void {
  cells.forEach((cell, i) => {
    const ch = puzzle[i] ?? '.';
    cell.textContent = ch === '.' ? '' : ch;
    cell.className =
      cell.className.replace(/ (given|pred|changed|wrong)/g, '') + (ch === '.' ? '' : ' given');
  });
  for (const id of ['step', 'qhalt', 'confidence-text', 'result']) $(id).textContent = '–';
  $<HTMLMeterElement>('confidence').value = 0;
  $('chart').innerHTML = '';
  $<HTMLInputElement>('replay').disabled = true;
}

function showStep(puzzle: string, s: TraceStep, maxSteps: number, previous?: TraceStep): void {
  const solution = knownSolution(puzzle);
  cells.forEach((cell, i) => {
    if (puzzle[i] !== '.') return;
    const text = s.digits[i] ? String(s.digits[i]) : '';
    const changed = previous ? previous.digits[i] !== s.digits[i] : cell.textContent !== text;
    const wrong = solution !== undefined && solution[i] !== text;
    cell.textContent = text;
    cell.className = `${cell.className.replace(/ (pred|changed|wrong)/g, '')} pred${changed ? ' changed' : ''}${wrong ? ' wrong' : ''}`;
  });
  const confidence = 1 / (1 + Math.exp(-s.qHalt));
  $('step').textContent = `${s.step} / ${maxSteps}`;
  $('qhalt').textContent = s.qHalt.toFixed(3);
  $<HTMLMeterElement>('confidence').value = confidence;
  $('confidence-text').textContent = `${(100 * confidence).toFixed(1)}%`;
}

/** q_halt after each step as a line, the threshold as a dashed line, the replayed step as a dot. */
function drawChart(steps: readonly TraceStep[], maxSteps: number, at: number, rule: RuleName): void {
  const W = 300;
  const H = 120;
  const qs = steps.map((s) => s.qHalt);
  const lo = Math.min(...qs, threshold, -1);
  const hi = Math.max(...qs, threshold, 1);
  const x = (step: number) => 20 + ((step - 1) / Math.max(1, maxSteps - 1)) * (W - 30);
  const y = (q: number) => 10 + ((hi - q) / (hi - lo)) * (H - 25);
  const line = steps.map((s) => `${x(s.step).toFixed(1)},${y(s.qHalt).toFixed(1)}`).join(' ');
  const cur = steps[at - 1]!;
  const ruleLine =
    rule === 'learned'
      ? `<line x1="20" x2="${W - 10}" y1="${y(threshold)}" y2="${y(threshold)}" class="threshold"/>`
      : '';
  $('chart').innerHTML =
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="q_halt per step">` +
    `<line x1="20" x2="${W - 10}" y1="${y(0)}" y2="${y(0)}" class="zero"/>${ruleLine}` +
    `<polyline points="${line}" class="q"/>` +
    `<circle cx="${x(cur.step)}" cy="${y(cur.qHalt)}" r="4" class="now"/>` +
    `<text x="20" y="${H - 2}">step 1</text><text x="${W - 10}" y="${H - 2}" text-anchor="end">step ${maxSteps}</text>` +
    '</svg>';
}

/** Shows step `at` (1-based) of the last solve: the grid, the figures and the chart. */
function replay(at: number): void {
  const s = trace[at - 1];
  if (!s) return;
  const max = Number($<HTMLInputElement>('replay').dataset.max ?? trace.length);
  showStep(shownPuzzle, s, max, trace[at - 2]);
  drawChart(trace, max, at, $<HTMLSelectElement>('rule').value as RuleName);
  $('replay-text').textContent = `step ${at} of ${trace.length}`;
}

async function solve(): Promise<void> {
  const puzzle = cellsOf($<HTMLTextAreaElement>('puzzle').value);
  $('error').textContent = '';
  if (!model) return;
  setState('solving');
  showPuzzle(puzzle);
  shownPuzzle = puzzle;
  trace = [];
  try {
    const rule = $<HTMLSelectElement>('rule').value as RuleName;
    const solver = await solverFor(rule);
    const slider = $<HTMLInputElement>('replay');
    slider.dataset.max = String(solver.maxSteps);
    let last: TraceStep | undefined;
    for await (const s of solver.trace(puzzle)) {
      trace.push(s);
      showStep(puzzle, s, solver.maxSteps, last);
      drawChart(trace, solver.maxSteps, trace.length, rule);
      last = s;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    }
    const solved = isSolved(puzzle, last!.digits);
    const why =
      last!.haltedBy === 'rule' ? `the ${rule} rule stopped it` : `it ran all ${solver.maxSteps} steps`;
    const solution = knownSolution(puzzle);
    const wrong = solution ? Array.from(last!.digits).filter((d, i) => String(d) !== solution[i]).length : 0;
    $('result').textContent =
      `${solved ? 'Solved' : 'Not solved'} in ${last!.step} step${last!.step === 1 ? '' : 's'}: ${why}` +
      (wrong ? ` (${wrong} cell${wrong === 1 ? '' : 's'} wrong)` : '');
    slider.min = '1';
    slider.max = String(trace.length);
    slider.value = String(trace.length);
    slider.disabled = false;
    $('replay-text').textContent = `step ${trace.length} of ${trace.length}`;
    document.body.dataset.steps = String(last!.step);
    document.body.dataset.grid = last!.grid;
    document.body.dataset.qhalt = JSON.stringify(trace.map((s) => s.qHalt));
    setState('done');
  } catch (e) {
    $('error').textContent = (e as Error).message;
    setState('error');
  }
}

async function init(): Promise<void> {
  const select = $<HTMLSelectElement>('examples');
  const info = await fetch(here('./model/model.json')).then((r) => (r.ok ? r.json() : undefined));
  threshold = typeof info?.threshold === 'number' ? info.threshold : 0;
  if (Array.isArray(info?.examples) && info.examples.length) examples = info.examples as Example[];
  for (const e of examples) select.add(new Option(e.name, e.puzzle));
  const rules = $<HTMLSelectElement>('rule');
  for (const [value, label] of Object.entries(RULE_LABELS))
    rules.add(new Option(value === 'learned' ? label.replace('threshold', String(threshold)) : label, value));
  $<HTMLInputElement>('replay').addEventListener('input', (e) =>
    replay(Number((e.target as HTMLInputElement).value)),
  );
  const pick = () => {
    $<HTMLTextAreaElement>('puzzle').value = select.value;
    showPuzzle(cellsOf(select.value));
  };
  select.addEventListener('change', pick);
  pick();
  $<HTMLInputElement>('file').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    const line = (await file?.text())?.split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#'));
    if (line) $<HTMLTextAreaElement>('puzzle').value = line.trim().split(/[\s,]+/)[0]!;
  });
  $('solve').addEventListener('click', solve);
  try {
    const response = await fetch(here('./model/sudoku-step.onnx'));
    if (!response.ok) throw new Error(`model/sudoku-step.onnx: HTTP ${response.status}`);
    model = new Uint8Array(await response.arrayBuffer());
    const solver = await solverFor($<HTMLSelectElement>('rule').value as RuleName);
    const c = solver.config;
    $('model').textContent =
      `Model: D=${c.hidden}, n=${String(c.n)}, T=${String(c.T)}, up to ${solver.maxSteps} steps; ${info?.source ?? 'unknown source'}` +
      (info && !info.trained ? ' (untrained: run prepare-model with --checkpoint)' : '');
    setState('ready');
  } catch (e) {
    $('model').textContent = `Could not load the model: ${(e as Error).message}`;
    setState('error');
  }
}

void init();
