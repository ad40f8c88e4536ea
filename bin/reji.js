#!/usr/bin/env node
// The `reji` command: runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== 0 || !['serve', 'start'].includes(process.argv[2] ?? '')) process.exitCode = code;
