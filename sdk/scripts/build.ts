/**
 * Builds the publishable SDK into sdk/dist:
 * - `index.js`: one ESM bundle (esbuild) with no runtime dependencies beyond node:*;
 * - `index.d.ts`: one declaration file (dts-bundle-generator) with the wire and signing types it uses inlined,
 *   so nothing in the package refers to reji's server tree.
 * `npm run build:sdk` at the root, `npm run build -w @reji/sdk`, or `npm pack` in sdk/ (prepack builds).
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdkRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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
  // esbuild marks where each module starts with its path in the repository (`// ../src/signing/…`): not for users.
  const code = readFileSync(outfile, 'utf8');
  writeFileSync(outfile, code.replace(/^\/\/ [\w./-]+\.ts\n/gm, ''));
  return outfile;
}

function repoPackages(): string[] {
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as Record<string, Record<string, string>>;
  return Object.keys({ ...pkg['dependencies'], ...pkg['devDependencies'] }).filter(
    (name) => !name.startsWith('@types/'),
  );
}

/** Writes the bundled declarations of src/index.ts (with ../../src/{wire,signing,domain} types inlined). */
export async function buildSdkTypes(outfile = `${sdkRoot}dist/index.d.ts`): Promise<string> {
  // Loaded on demand: it pulls in the TypeScript compiler, which the JS bundle does not need.
  const { generateDtsBundle } = await import('dts-bundle-generator');
  const [dts] = generateDtsBundle(
    [
      {
        filePath: `${sdkRoot}src/index.ts`,
        // Types from any package of the repo (a schema library behind the wire declarations, say) are inlined
        // too: the published package has no dependencies. Only @types/node stays outside.
        libraries: { inlinedLibraries: repoPackages() },
        output: { noBanner: true, exportReferencedTypes: false },
      },
    ],
    { preferredConfigPath: `${repoRoot}tsconfig.json` },
  );
  mkdirSync(dirname(outfile), { recursive: true });
  // The declarations use Node's globals (Buffer) and modules (node:crypto): a user needs @types/node.
  writeFileSync(
    outfile,
    `// @reji/sdk: bundled declarations (sdk/scripts/build.ts).\n/// <reference types="node" />\n${dts}`,
  );
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stderr.write(`built ${await buildSdk()}\n`);
  process.stderr.write(`built ${await buildSdkTypes()}\n`);
}
