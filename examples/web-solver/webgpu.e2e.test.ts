import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectAllClose } from '@cgar/graph/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, serveFolder } from './e2e-setup.js';
import { prepareModel } from './scripts/prepare-model.js';
import { EXAMPLES } from './src/puzzles.js';
import type { TrainResult } from './src/train.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const modelPath = join(root, 'public', 'model', 'sudoku-step.onnx');
/**
 * Chromium gives WebGPU a SwiftShader (software Vulkan) adapter headless, on a machine without
 * a GPU, with `--enable-unsafe-webgpu`; `--use-webgpu-adapter=swiftshader` picks it even where a
 * GPU exists, so the test runs the same everywhere.
 */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

const executablePath = findChromium('web-solver WebGPU e2e');

// NOTE: counts WebGPU devices and queue submissions, so a page that fell back to wasm fails.
const COUNT_GPU_WORK = () => {
  type Proto = { prototype: Record<string, (...args: unknown[]) => unknown> };
  type Counter = 'gpuDevices' | 'gpuSubmits';
  const w = window as unknown as Record<Counter, number> & { GPUAdapter?: Proto; GPUQueue?: Proto };
  const wrap = (cls: Proto | undefined, method: string, counter: Counter) => {
    w[counter] = 0;
    if (!cls) return;
    const original = cls.prototype[method]!;
    cls.prototype[method] = function (this: unknown, ...args: unknown[]) {
      w[counter]++;
      return original.apply(this, args);
    };
  };
  wrap(w.GPUAdapter, 'requestDevice', 'gpuDevices');
  wrap(w.GPUQueue, 'submit', 'gpuSubmits');
};

let dist: string;
let server: Server;
let browser: Browser;
let url: string;

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(COUNT_GPU_WORK);
  await page.goto(`${url}${path}`);
  return { page, errors };
}

const gpuWork = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { gpuDevices: number; gpuSubmits: number };
    return { devices: w.gpuDevices, submits: w.gpuSubmits };
  });

describe.skipIf(!executablePath)(
  'web solver and in-page training on WebGPU (SwiftShader) in headless Chromium',
  () => {
    beforeAll(async () => {
      if (!existsSync(modelPath)) await prepareModel();
      // NOTE: its own output folder: the wasm e2e test builds into dist/ at the same time.
      dist = mkdtempSync(join(tmpdir(), 'cgar-web-webgpu-'));
      await build({
        root,
        logLevel: 'warn',
        build: {
          outDir: dist,
          emptyOutDir: true,
          rollupOptions: { input: { index: join(root, 'index.html'), train: join(root, 'train.html') } },
        },
      });
      ({ server, url } = await serveFolder(dist));
      browser = await chromium.launch({
        executablePath,
        args: [
          '--headless',
          '--no-sandbox',
          ...WEBGPU_FLAGS,
          '--disable-background-networking',
          '--no-first-run',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
      server?.close();
      if (dist) rmSync(dist, { recursive: true, force: true });
    });

    it('navigator.gpu gives an adapter', async () => {
      const { page } = await open('train.html?steps=0');
      const adapter = await page.evaluate(async () => {
        type Adapter = { info: { vendor: string; architecture: string } };
        const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
        const a = await gpu?.requestAdapter();
        return a ? { vendor: a.info.vendor, architecture: a.info.architecture } : null;
      });
      expect(adapter).not.toBeNull();
      console.log(`WebGPU adapter: ${JSON.stringify(adapter)}`);
    });

    it('the web solver gives the same answer and steps on WebGPU as on wasm', async () => {
      const puzzle = EXAMPLES[0]!.puzzle;
      const answers: Record<string, unknown>[] = [];
      for (const query of ['?delay=0', '?delay=0&ep=webgpu']) {
        const { page, errors } = await open(query);
        await page.waitForSelector('body:is([data-state="ready"], [data-state="error"])', { timeout: 0 });
        // NOTE: typed in, not picked: the picker lists the examples of the shipped model.json.
        await page.fill('#puzzle', puzzle);
        await page.click('#solve');
        await page.waitForSelector('body:is([data-state="done"], [data-state="error"])', { timeout: 0 });
        const body = await page.evaluate(() => ({ ...document.body.dataset }));
        expect(errors, query).toEqual([]);
        expect(body.state, `${query}: ${await page.textContent('#error')}`).toBe('done');
        answers.push({ grid: body.grid, steps: body.steps, gpu: (await gpuWork(page)).devices > 0 });
        await page.close();
      }
      console.log(`web solver, wasm then WebGPU: ${JSON.stringify(answers)}`);
      expect(answers[1]).toEqual({ ...answers[0], gpu: true });
    });

    it('two AdamW steps in the page give the same losses and parameters on WebGPU as on wasm', async () => {
      const results: TrainResult[] = [];
      for (const ep of ['wasm', 'webgpu']) {
        const { page, errors } = await open(`train.html?ep=${ep}&steps=2`);
        await page.waitForSelector('body:is([data-state="done"], [data-state="error"])', { timeout: 0 });
        expect(errors, ep).toEqual([]);
        expect(await page.evaluate(() => document.body.dataset.error ?? ''), ep).toBe('');
        results.push(
          await page.evaluate(() => (window as unknown as { trainResult: TrainResult }).trainResult),
        );
        if (ep === 'webgpu') expect((await gpuWork(page)).submits).toBeGreaterThan(0);
        console.log(`in-page training on ${ep}:\n${await page.textContent('#log')}`);
        await page.close();
      }
      const [wasm, gpu] = results as [TrainResult, TrainResult];
      expectAllClose(
        { dims: [2], data: gpu.losses },
        { dims: [2], data: wasm.losses },
        { atol: 0, rtol: 1e-4, label: 'losses' },
      );
      let worst = 0;
      for (const [name, p] of Object.entries(wasm.params)) {
        const q = gpu.params[name]!;
        expectAllClose(
          { dims: [q.length], data: q },
          { dims: [p.length], data: p },
          { atol: 1e-4, rtol: 0, label: name },
        );
        p.forEach((v, i) => {
          worst = Math.max(worst, Math.abs(v - q[i]!));
        });
      }
      console.log(
        `browser WebGPU vs wasm: losses ${gpu.losses.join(', ')} vs ${wasm.losses.join(', ')}; largest parameter difference ${worst.toExponential(2)}`,
      );
    });
  },
);
