import { create, type Solver, type TraceStep } from '@cgar/runtime/web';
import { cellsOf, EXAMPLES, isSolved } from './puzzles.js';

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
let solver: Solver | undefined;

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
}

function showStep(puzzle: string, s: TraceStep, maxSteps: number): void {
  cells.forEach((cell, i) => {
    if (puzzle[i] !== '.') return;
    const text = s.digits[i] ? String(s.digits[i]) : '';
    const changed = cell.textContent !== text;
    cell.textContent = text;
    cell.className = `${cell.className.replace(/ (pred|changed)/g, '')} pred${changed ? ' changed' : ''}`;
  });
  const confidence = 1 / (1 + Math.exp(-s.qHalt));
  $('step').textContent = `${s.step} / ${maxSteps}`;
  $('qhalt').textContent = s.qHalt.toFixed(3);
  $<HTMLMeterElement>('confidence').value = confidence;
  $('confidence-text').textContent = `${(100 * confidence).toFixed(1)}%`;
}

async function solve(): Promise<void> {
  const puzzle = cellsOf($<HTMLTextAreaElement>('puzzle').value);
  $('error').textContent = '';
  if (!solver) return;
  setState('solving');
  showPuzzle(puzzle);
  try {
    let last: TraceStep | undefined;
    for await (const s of solver.trace(puzzle)) {
      showStep(puzzle, s, solver.maxSteps);
      last = s;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    }
    const solved = isSolved(puzzle, last!.digits);
    const why = last!.haltedBy === 'rule' ? 'the model halted' : `the step cap (${solver.maxSteps})`;
    $('result').textContent =
      `${solved ? 'Solved' : 'Not solved'} in ${last!.step} step${last!.step === 1 ? '' : 's'}: ${why}`;
    document.body.dataset.steps = String(last!.step);
    document.body.dataset.grid = last!.grid;
    setState('done');
  } catch (e) {
    $('error').textContent = (e as Error).message;
    setState('error');
  }
}

async function init(): Promise<void> {
  const select = $<HTMLSelectElement>('examples');
  for (const [name, puzzle] of EXAMPLES) select.add(new Option(name, puzzle));
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
    const info = await fetch(here('./model/model.json')).then((r) => (r.ok ? r.json() : undefined));
    solver = await create(
      { step: here('./model/sudoku-step.onnx') },
      {
        threads: 1,
        executionProviders: providers,
      },
    );
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
