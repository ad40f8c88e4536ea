import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * The dependency direction of docs/architecture.md, checked on every import of every source file:
 * domain <- app (+ store interface) <- http, cli; nothing but cli imports http; the SDK and the demo shop
 * stand on their own.
 */

const root = resolve(new URL('../..', import.meta.url).pathname);

interface Import {
  readonly file: string;
  readonly specifier: string;
  /** `import type` / `export type`: erased at compile time, so no run-time dependency. */
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.test.ts') && !full.includes('/assets/'))
      out.push(full);
  }
  return out;
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4] ?? m[5];
    if (specifier !== undefined) out.push({ file, specifier, typeOnly: m[2] !== undefined });
  }
  return out;
}

/** `src/<layer>`, `sdk`, `examples`, `node:`, or a package name. */
function targetOf(imp: Import): string {
  if (imp.specifier.startsWith('node:')) return 'node:';
  if (!imp.specifier.startsWith('.')) return imp.specifier.split('/')[0]!;
  const path = relative(root, resolve(dirname(imp.file), imp.specifier));
  const parts = path.split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : parts[0]!;
}

function layerOf(file: string): string {
  const parts = relative(root, file).split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : parts[0]!;
}

/** What each layer may import at run time (type-only imports are listed apart). */
const RUNTIME: Record<string, readonly string[]> = {
  'src/domain': ['src/domain'],
  'src/signing': ['src/signing', 'node:'],
  'src/crypto': ['src/crypto', 'node:'],
  // The declarations of the wire validate with the pure domain's rules (amounts, limits, enumerations).
  'src/wire': ['src/wire', 'src/domain'],
  'src/store': ['src/store', 'src/domain', 'node:', 'kysely', 'better-sqlite3', 'pg'],
  'src/app': ['src/app', 'src/domain', 'src/signing', 'src/crypto', 'src/wire', 'src/store', 'node:'],
  // http reaches the store only through app's use cases (store-boundary.test.ts names the few types it may import);
  // prom-client renders /metrics.
  'src/http': ['src/http', 'src/app', 'src/domain', 'src/signing', 'src/crypto', 'src/wire', 'node:', 'prom-client'],
  'src/cli': ['src/cli', 'src/http', 'src/app', 'src/domain', 'src/crypto', 'src/store', 'node:'],
  // The SDK shares only the pure signing code at run time; esbuild bundles it into dist/.
  sdk: ['sdk', 'src/signing', 'node:'],
  // The demo shop is a merchant: it talks to reji through the SDK only.
  examples: ['examples', '@reji', 'node:'],
};

const TYPE_ONLY_EXTRA: Record<string, readonly string[]> = {
  'src/http': ['src/store'],
  sdk: ['src/wire', 'src/domain'],
};

function violations(): string[] {
  const files = ['src', 'sdk/src', 'examples/shop/src'].flatMap((d) => sourceFiles(join(root, d)));
  assert.ok(files.length > 100, 'the walk found the sources');
  const found: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    const allowed = RUNTIME[layer];
    assert.ok(allowed, `no rule for ${layer}`);
    for (const imp of importsOf(file)) {
      const target = targetOf(imp);
      if (allowed.includes(target)) continue;
      if (imp.typeOnly && (TYPE_ONLY_EXTRA[layer] ?? []).includes(target)) continue;
      found.push(`${relative(root, file)} imports ${imp.specifier}${imp.typeOnly ? ' (type)' : ''}`);
    }
  }
  return found;
}

test('every import follows the dependency direction of docs/architecture.md', () => {
  assert.deepEqual(violations(), []);
});

test('the import scanner sees type-only, side-effect and dynamic imports', () => {
  const sample = join(root, 'src/domain/money.ts');
  const imports = importsOf(sample);
  assert.ok(imports.length > 0);
  const re = new RegExp(IMPORT.source, 'gm');
  const text = "import type { A } from './a.js';\nimport './b.js';\nconst c = await import('node:fs');\n";
  const specs = [...text.matchAll(re)].map((m) => [m[3] ?? m[4] ?? m[5], m[2] !== undefined]);
  assert.deepEqual(specs, [
    ['./a.js', true],
    ['./b.js', false],
    ['node:fs', false],
  ]);
});
