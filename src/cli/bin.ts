import { main } from './main.js';

/** The `reji` command's entry: bundled into dist/reji.js for the package, run through tsx by bin/reji-dev.js. */
const command = process.argv[2] ?? '';
const code = await main(process.argv.slice(2));
// `serve` keeps running after main() returns; its signal handlers end the process.
if (code !== 0 || !['serve', 'start'].includes(command)) process.exitCode = code;
