#!/usr/bin/env node
// The `reji` command runs the compiled bundle dist/reji.js (`npm run build`; the package ships only that).
// In a checkout whose dist/ is missing or older than src/, it runs the TypeScript sources through tsx instead
// (a devDependency), so that an edit is never hidden behind a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/reji.js');
const sources = join(root, 'src');

/** The newest modification time under `dir` (milliseconds). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const fromSource = existsSync(sources) && (!existsSync(bundle) || newest(sources) > statSync(bundle).mtimeMs);
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/bin.ts');
} else {
  await import('../dist/reji.js');
}
