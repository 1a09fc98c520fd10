#!/usr/bin/env node
// Builds, packs and installs workspace packages into a fresh folder, then imports each one as ESM
// and as CJS: proof that the published tarball works, not just the source tree.
//
//   node scripts/pack-check.mjs @cgar/curriculum @cgar/supervision
//   node scripts/pack-check.mjs --all
//   node scripts/pack-check.mjs --skip-build --keep --esm-check ./my-check.mjs --cjs-check ./my-check.cjs @cgar/x
//
// Each tarball is also linted: publint (package.json fields against the packed files) and
// @arethetypeswrong/cli (types resolve under node10, node16 CJS and ESM, and bundlers).
//
// Options: --skip-build (use the dist already there), --keep (leave the temp folder and print it),
// --esm-check FILE / --cjs-check FILE (extra scripts, repeatable, run with node inside the temp project
// after the built-in checks; they can import or require the installed packages).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function parseArgs(argv) {
  const args = { names: [], esmChecks: [], cjsChecks: [], skipBuild: false, keep: false, all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--skip-build') args.skipBuild = true;
    else if (a === '--all') args.all = true;
    else if (a === '--keep') args.keep = true;
    else if (a === '--esm-check' || a === '--cjs-check') {
      const file = argv[++i];
      if (!file) fail(`${a} needs a file`);
      (a === '--esm-check' ? args.esmChecks : args.cjsChecks).push(resolve(file));
    } else if (a === '--help' || a === '-h') {
      console.log(
        'usage: node scripts/pack-check.mjs [--skip-build] [--keep] [--esm-check FILE] [--cjs-check FILE] NAME...',
      );
      process.exit(0);
    } else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else args.names.push(a);
  }
  if (args.names.length === 0 && !args.all)
    fail('name at least one workspace package, e.g. @cgar/curriculum, or --all');
  return args;
}

function fail(message) {
  console.error(`pack-check: ${message}`);
  process.exit(2);
}

/** Workspace package name -> folder, from the root package.json's `workspaces` (`dir/*` globs). */
function workspacePackages() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const found = new Map();
  for (const pattern of workspaces) {
    const base = join(root, pattern.replace(/\/\*$/, ''));
    const dirs =
      pattern.endsWith('/*') && existsSync(base) ? readdirSync(base).map((d) => join(base, d)) : [base];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) found.set(JSON.parse(readFileSync(file, 'utf8')).name, dir);
    }
  }
  return found;
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every file path named by the `exports` map (and main/module/types), relative to the package. */
function exportedFiles(pkg) {
  const files = new Set([pkg.main, pkg.module, pkg.types].filter(Boolean));
  const walk = (v) => {
    if (typeof v === 'string') files.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  return [...files].filter((f) => !f.includes('*'));
}

function checkScript(name, kind) {
  const load =
    kind === 'esm'
      ? `const m = await import(${JSON.stringify(name)});`
      : `const m = require(${JSON.stringify(name)});`;
  return `${load}
const names = Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
const fns = names.filter((k) => typeof m[k] === 'function');
if (fns.length === 0) throw new Error(${JSON.stringify(`${name} (${kind}): exports no function`)});
console.log(JSON.stringify(names));
`;
}

/**
 * Packages whose attw check runs under a narrower profile, each with the reason. NOTE: keep this
 * empty; an entry is a known defect to fix, not a permanent exception.
 */
const ATTW_PROFILE = {};

/** publint on the installed (packed) files and attw on the tarball; failures become problems. */
function lint(name, installedDir, tarball, result, problem) {
  try {
    run(bin('publint'), ['--strict', '--pack', 'false', installedDir], root);
    result.notes.push('publint: no problems');
  } catch (error) {
    problem(name, `publint: ${error.stdout || ''}${error.stderr || error.message}`);
  }
  try {
    const profile = ATTW_PROFILE[name];
    run(
      bin('attw'),
      [tarball, '--format', 'table-flipped', ...(profile ? ['--profile', profile] : [])],
      root,
    );
    result.notes.push(
      profile
        ? `attw: types resolve under the ${profile} profile (KNOWN: node10 not yet supported, see ATTW_PROFILE)`
        : 'attw: types resolve under node10, node16 (CJS, ESM) and bundler',
    );
  } catch (error) {
    problem(name, `attw: ${error.stdout || ''}${error.stderr || error.message}`);
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const workspace = workspacePackages();
  // NOTE: --all means every public package under packages/ (examples are private).
  if (args.all) {
    for (const [name, dir] of workspace) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (!pkg.private && !args.names.includes(name)) args.names.push(name);
    }
  }
  const missing = args.names.filter((n) => !workspace.has(n));
  if (missing.length)
    fail(`not a workspace package: ${missing.join(', ')} (known: ${[...workspace.keys()].join(', ')})`);

  const temp = mkdtempSync(join(tmpdir(), 'pack-check-'));
  const tarballs = join(temp, 'tarballs');
  const project = join(temp, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  const results = new Map(args.names.map((n) => [n, { ok: true, notes: [] }]));
  const problem = (name, note) => {
    const r = results.get(name);
    r.ok = false;
    r.notes.push(note);
  };

  const packed = [];
  const tarballOf = new Map();
  for (const name of args.names) {
    const dir = workspace.get(name);
    try {
      if (!args.skipBuild) run('npx', ['tsup'], dir);
      const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballs], dir));
      const info = out[0];
      packed.push(join(tarballs, info.filename));
      tarballOf.set(name, join(tarballs, info.filename));
      results
        .get(name)
        .notes.push(`${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB`);
    } catch (error) {
      problem(name, `build or pack failed: ${error.stderr || error.message}`);
    }
  }

  writeFileSync(
    join(project, 'package.json'),
    // NOTE: like the root package.json, deny onnxruntime-node's install script (a CUDA download).
    JSON.stringify(
      { name: 'pack-check-project', private: true, allowScripts: { 'onnxruntime-node': false } },
      null,
      2,
    ),
  );
  if (existsSync(join(root, '.npmrc'))) copyFileSync(join(root, '.npmrc'), join(project, '.npmrc'));
  let installed = packed.length > 0;
  try {
    if (installed)
      run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...packed], project);
  } catch (error) {
    installed = false;
    for (const name of args.names)
      problem(name, `npm install of the tarballs failed: ${error.stderr || error.message}`);
  }

  for (const name of args.names) {
    if (!installed || !results.get(name).ok) continue;
    const dir = join(project, 'node_modules', ...name.split('/'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const file of exportedFiles(pkg))
      if (!existsSync(join(dir, file)))
        problem(name, `${file} is named in package.json but not in the tarball`);
    const slug = name.replace(/[^a-z0-9]+/gi, '-');
    const exportsOf = {};
    for (const kind of ['esm', 'cjs']) {
      const file = join(project, `check-${slug}.${kind === 'esm' ? 'mjs' : 'cjs'}`);
      writeFileSync(file, checkScript(name, kind));
      try {
        exportsOf[kind] = JSON.parse(run('node', [file], project));
        results.get(name).notes.push(`${kind}: ${exportsOf[kind].length} exports`);
      } catch (error) {
        problem(name, `${kind} import failed: ${error.stderr || error.message}`);
      }
    }
    if (exportsOf.esm && exportsOf.cjs && JSON.stringify(exportsOf.esm) !== JSON.stringify(exportsOf.cjs))
      problem(name, `ESM and CJS export different names: ${exportsOf.esm} vs ${exportsOf.cjs}`);
    lint(name, dir, tarballOf.get(name), results.get(name), problem);
  }

  const extra = [...args.esmChecks.map((f) => [f, '.mjs']), ...args.cjsChecks.map((f) => [f, '.cjs'])];
  let extraOk = true;
  for (const [file, ext] of extra) {
    const target = join(project, `extra-${basename(file).replace(/\.[^.]+$/, '')}${ext}`);
    copyFileSync(file, target);
    try {
      run('node', [target], project);
      console.log(`PASS extra check ${file}`);
    } catch (error) {
      extraOk = false;
      console.log(`FAIL extra check ${file}\n${error.stderr || error.message}`);
    }
  }

  for (const [name, r] of results) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${name}`);
    for (const note of r.notes) console.log(`     ${note.trim().split('\n').join('\n     ')}`);
  }
  if (args.keep) console.log(`kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
  const ok = extraOk && [...results.values()].every((r) => r.ok);
  console.log(ok ? 'pack-check: all passed' : 'pack-check: FAILED');
  process.exit(ok ? 0 : 1);
}

main();
