// The shop is an example of merchant code: it may use Node and @reji/sdk, never reji's server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const SHOP = new URL('..', import.meta.url).pathname;

test('the shop imports only node:*, @reji/sdk and its own files', () => {
  const files = [
    join(SHOP, 'main.ts'),
    ...readdirSync(join(SHOP, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(SHOP, 'src', f)),
  ];
  assert.ok(files.length > 8);
  const seen = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const specs = [
      ...[...source.matchAll(/^\s*(?:import|export)\s[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
      ...[...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specs) {
      seen.add(spec);
      const allowed = spec.startsWith('node:') || spec === '@reji/sdk' || /^\.\/(src\/)?[a-z0-9-]+\.js$/.test(spec);
      assert.ok(allowed, `${file} imports ${spec}`);
    }
  }
  assert.ok(seen.has('@reji/sdk') && seen.has('node:http'));
});
