import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * The http layer reads and writes through src/app's use cases, never the store (docs/architecture.md,
 * "The store"). Allowed: type-only imports of these names from the store facade (src/store/store.ts),
 * each for a reason below. Opening the store is src/cli's job (src/cli/runtime.ts).
 */
const ALLOWED_TYPES: Readonly<Record<string, readonly string[]>> = {
  // The transaction handle an API route passes, unopened, from the idempotency runner to its use case.
  StoreTx: ['src/http/route-table.ts'],
  // The signed-in buyer and the wallet items the hosted pages render (no store access comes with them).
  BuyerRecord: ['src/http/hosted/'],
  BuyerItem: ['src/http/hosted/'],
};

const root = resolve(new URL('../..', import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|js|mjs)$/.test(name) ? [full] : [];
  });
}

interface ImportOf {
  readonly file: string;
  readonly target: string;
  readonly typeOnly: boolean;
  readonly names: string[];
}

/** Every static `import`/`export … from` and dynamic `import()` of a relative path, resolved. */
function importsOf(file: string): ImportOf[] {
  const text = readFileSync(file, 'utf8');
  const out: ImportOf[] = [];
  const statements = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*['"](\.[^'"]+)['"]/g;
  for (const m of text.matchAll(statements)) {
    const clause = m[3] ?? '';
    const inner = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
    const names = inner
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    // `import type {…}`, or braces only and every name marked `type` (a default or `* as` import is a value).
    const typeOnly =
      m[2] !== undefined || (clause.startsWith('{') && names.length > 0 && names.every((n) => n.startsWith('type ')));
    out.push({
      file,
      target: resolve(dirname(file), m[4]!),
      typeOnly,
      names: names.map((n) => n.replace(/^type\s+/, '').split(/\s+as\s+/)[0]!),
    });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g))
    out.push({ file, target: resolve(dirname(file), m[1]!), typeOnly: false, names: ['*'] });
  return out;
}

const httpFiles = sources(join(root, 'src/http'));
const rel = (path: string) => relative(root, path).split('\\').join('/');

test('src/http imports nothing of src/store but the allowed types from the facade', () => {
  const wrong: string[] = [];
  for (const file of httpFiles) {
    for (const i of importsOf(file)) {
      const target = rel(i.target);
      if (!target.startsWith('src/store/')) continue;
      const where = `${rel(file)} imports ${i.names.join(', ')} from ${target}`;
      if (target !== 'src/store/store.js') wrong.push(`${where} (only the facade src/store/store.ts)`);
      else if (!i.typeOnly) wrong.push(`${where} (type-only imports)`);
      else
        for (const name of i.names) {
          const allowedIn = ALLOWED_TYPES[name];
          if (allowedIn === undefined || !allowedIn.some((prefix) => rel(file).startsWith(prefix)))
            wrong.push(`${where} (${name} is not allowed in ${rel(file)})`);
        }
    }
  }
  assert.deepEqual(wrong, []);
});

test('src/http never reaches the store through the app context', () => {
  const wrong = httpFiles.filter((f) =>
    /\bctx\.store\b|\.store\.(reader|transaction|ping)\b/.test(readFileSync(f, 'utf8')),
  );
  assert.deepEqual(wrong.map(rel), []);
});

test('the boundary check sees imports (it would catch a store import)', () => {
  const sample = importsOf(join(root, 'src/http/route-table.ts')).filter((i) => rel(i.target).startsWith('src/store/'));
  assert.deepEqual(
    sample.map((i) => ({ target: rel(i.target), typeOnly: i.typeOnly, names: i.names })),
    [{ target: 'src/store/store.js', typeOnly: true, names: ['StoreTx'] }],
  );
  const server = importsOf(join(root, 'src/cli/runtime.ts')).filter((i) => rel(i.target).startsWith('src/store/'));
  assert.ok(
    server.some((i) => !i.typeOnly),
    'src/cli opens the store (a value import)',
  );
});
