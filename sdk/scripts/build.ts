/**
 * Bundles the SDK into one ESM file (sdk/dist/index.js) with no runtime dependencies beyond node:*.
 * `npm run build:sdk` at the root, or `npm run build -w @reji/sdk`.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const sdkRoot = fileURLToPath(new URL('..', import.meta.url));

export async function buildSdk(outfile = `${sdkRoot}dist/index.js`): Promise<string> {
  await build({
    entryPoints: [`${sdkRoot}src/index.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Error classes report their own names (esbuild may rename to avoid collisions).
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildSdk();
  console.log(`built ${out}`);
}
