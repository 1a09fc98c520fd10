import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createNode } from '@cgar/runtime/node';
import { create as createWeb } from '@cgar/runtime/web';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, serveFolder } from './e2e-setup.js';
import { prepareModel } from './scripts/prepare-model.js';
import { EXAMPLES, type Example } from './src/puzzles.js';
import { ruleFor } from './src/rules.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');
const modelPath = join(root, 'public', 'model', 'sudoku-step.onnx');
const executablePath = findChromium('web-solver e2e');

let server: Server;
let browser: Browser;
let url: string;

describe.skipIf(!executablePath)('web solver in headless Chromium', () => {
  beforeAll(async () => {
    // NOTE: a model prepared from a trained checkpoint is kept; otherwise a random one is made.
    if (!existsSync(modelPath)) await prepareModel();
    await build({ root, logLevel: 'warn' });
    ({ server, url } = await serveFolder(dist));
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('solves a puzzle under each halting rule with the answer and steps the runtime gives, and replays it', async () => {
    const info = JSON.parse(readFileSync(join(root, 'public', 'model', 'model.json'), 'utf8'));
    const examples: Example[] = info.examples?.length ? info.examples : EXAMPLES;
    const example = examples[0]!;
    const puzzle = example.puzzle;
    // NOTE: onnxruntime-web in Node runs the same wasm kernels as the page. An untrained model is
    // chaotic over 16 steps, so only a trained one is also held to onnxruntime-node's answer.
    const bytes = readFileSync(modelPath);
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}?delay=0`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 0 });
    await page.selectOption('#examples', puzzle);
    const seen: Record<string, number> = {};
    for (const rule of ['learned', 'stable', 'verified', 'fixed'] as const) {
      const halting = ruleFor(rule, info.threshold ?? 0);
      const solver = await createWeb({ step: bytes }, { threads: 1, halting });
      const [expected] = await solver.solve([puzzle]);
      if (info.trained) {
        const [native] = await (await createNode({ step: bytes }, { halting })).solve([puzzle]);
        expect([native!.grid, native!.steps]).toEqual([expected!.grid, expected!.steps]);
      }
      await page.selectOption('#rule', rule);
      await page.click('#solve');
      await page.waitForSelector('body[data-state="done"]', { timeout: 0 });
      const shown = await page.$$eval('#grid .cell', (cells) =>
        cells.map((c) => c.textContent || '.').join(''),
      );
      const body = await page.evaluate(() => ({ ...document.body.dataset }));
      expect(body.grid, rule).toBe(expected!.grid);
      expect(Number(body.steps), rule).toBe(expected!.steps);
      const merged = Array.from(expected!.grid, (ch, i) => (puzzle[i] === '.' ? ch : puzzle[i])).join('');
      expect(shown, rule).toBe(merged);
      expect(await page.textContent('#step')).toBe(`${expected!.steps} / ${solver.maxSteps}`);
      expect(JSON.parse(body.qhalt!)).toHaveLength(expected!.steps);
      expect(await page.$$('#chart polyline')).toHaveLength(1);
      if (rule === 'fixed') expect(expected!.steps).toBe(solver.maxSteps);
      if (example.solution) {
        const wrong = await page.$$eval('#grid .cell.wrong', (cells) => cells.length);
        const expectWrong = Array.from(expected!.grid).filter((ch, i) => ch !== example.solution![i]).length;
        expect(wrong, rule).toBe(expectWrong);
      }
      seen[rule] = expected!.steps;
      await solver.release();
    }
    // NOTE: the replay slider shows any earlier step of the last solve.
    await page.fill('#replay', '1');
    await page.dispatchEvent('#replay', 'input');
    expect(await page.textContent('#step')).toBe(`1 / 16`);
    expect(await page.textContent('#replay-text')).toBe(`step 1 of ${seen.fixed}`);
    await page.selectOption('#rule', 'learned');
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 0 });
    await page.screenshot({ path: join(root, 'screenshot.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.every((r) => r.startsWith(url))).toBe(true);
  });
});
