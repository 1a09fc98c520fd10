// NOTE: shared set-up of the browser tests (e2e.test.ts, webgpu.e2e.test.ts); not part of the page.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

/**
 * The browser to drive: `CHROMIUM_PATH`, else the first of the usual Debian and Ubuntu paths.
 * Without one the calling test is skipped with a loud notice, except under CI (`CI=true`), where
 * a missing browser is a failure: `.ci/run` installs Debian's `chromium` first.
 */
export function findChromium(what: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = [
    env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ].find((p): p is string => !!p && existsSync(p));
  if (!found) {
    const message = `${what}: no Chromium found (set CHROMIUM_PATH or \`apt-get install chromium\`); the browser test is SKIPPED`;
    if (env.CI === 'true') throw new Error(`${message.replace('is SKIPPED', 'cannot run')} under CI`);
    console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  }
  return found;
}

/** Serves the files of a built folder on a free loopback port; resolves to the server and its URL. */
export async function serveFolder(dist: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(dist, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}
