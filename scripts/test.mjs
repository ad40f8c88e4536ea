#!/usr/bin/env node
// Runs every *.test.ts under the project with Node's test runner (through tsx).
// `npm test -- <substring>...` runs only the files whose path contains one of the substrings (without Biome and the type check).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['src', 'test', 'sdk', 'examples', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', '.reji', 'test-results']);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (skipDirs.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The whole suite starts with Biome (format and lint) and the type check, so that CI fails on either too.
if (filters.length === 0) {
  const biome = spawnSync(process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '.'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (biome.status !== 0) {
    console.error('biome check failed: `npm run format` fixes formatting; lint findings need a change');
    process.exit(1);
  }
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) {
    console.error('type check failed');
    process.exit(1);
  }
}
const concurrency = Math.max(2, availableParallelism());
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...passThrough, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, REJI_TEST: '1' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
