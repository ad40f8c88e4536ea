#!/usr/bin/env node
// Runs a TypeScript entry point through tsx (no build step): `node bin/run-ts.js bench/run.ts [args...]`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bin/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
register();
// The entry sees its own arguments as if it had been started directly.
process.argv = [process.argv[0], resolve(entry), ...args];
await import(pathToFileURL(resolve(entry)).href);
