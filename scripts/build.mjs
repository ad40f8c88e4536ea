#!/usr/bin/env node
// `npm run build`: compiles reji into dist/ so that nothing at run time needs TypeScript or tsx.
// - dist/reji.js: the `reji` command (src/cli/bin.ts), an ESM bundle with Kysely inside, and its chunks
//   dist/reji-*.js (pg, loaded only for PostgreSQL); only better-sqlite3 (a native addon) is loaded from
//   node_modules. dist/assets/: the hosted pages' files.
// - dist/demo/start.js: `npm start` (scripts/start.ts: reji and the demo shop in one process; not packaged).
// Assets are read at run time relative to the module that reads them (`new URL('./assets/…', import.meta.url)`),
// so each bundle gets a copy next to it: every `assets` folder under src/ at ./assets (names must not collide),
// the shop's at ../assets.
// `--outdir DIR` builds elsewhere (the package test stages a package without touching dist/).
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const dist = `${resolve(values.outdir ?? `${root}dist`)}/`;

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // better-sqlite3 loads a native addon; pg-native is pg's optional native client, never used.
  external: ['better-sqlite3', 'pg-native'],
  // pg is CommonJS and requires node's modules: give the ESM bundle a real `require`.
  banner: {
    js: "import { createRequire as __rejiCreateRequire } from 'node:module';\nconst require = __rejiCreateRequire(import.meta.url);",
  },
  // Error classes keep their names (logs and `instanceof`-free checks read them).
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  logLevel: 'warning',
};

/** Every `assets` folder under `dir`: their files are read at run time by the module beside them. */
function assetFolders(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === 'assets') out.push(path);
    else assetFolders(path, out);
  }
  return out;
}

/** Copies the files of `folders` flat into `target`: in a bundle every module reads `./assets/<name>` from there. */
function copyAssets(folders, target) {
  const seen = new Map();
  for (const folder of folders) {
    for (const name of readdirSync(folder)) {
      if (seen.has(name)) throw new Error(`asset ${name} is in both ${seen.get(name)} and ${folder}: rename one`);
      seen.set(name, folder);
      cpSync(join(folder, name), join(target, name), { recursive: true });
    }
  }
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(`${dist}demo`, { recursive: true });
const serverAssets = assetFolders(`${root}src`);
copyAssets(serverAssets, `${dist}assets`);
copyAssets(serverAssets, `${dist}demo/assets`);
// The shop reads `../assets/<name>` from its module: beside dist/demo/ that is dist/assets.
copyAssets([`${root}examples/shop/assets`], `${dist}assets`);

await Promise.all([
  // Split: what is imported lazily (pg and its driver, the testing routes' table) lands in chunks beside
  // reji.js that a process loads only when it needs them; V8 compiles the rest at every start (issue 15).
  build({
    ...common,
    entryPoints: { reji: `${root}src/cli/bin.ts` },
    outdir: dist,
    splitting: true,
    chunkNames: 'reji-[name]-[hash]',
  }),
  build({ ...common, entryPoints: [`${root}scripts/start.ts`], outfile: `${dist}demo/start.js` }),
]);
