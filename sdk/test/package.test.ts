// The package's boundaries: what the source may import, the bundle, the package manifest.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildSdk } from '../scripts/build.js';

const SDK = new URL('..', import.meta.url).pathname;

/** Every module specifier in a file: static imports/exports (type-only included), dynamic imports, require. */
function specifiers(source: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm))
    out.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

test('the SDK source imports only node:*, its own files, src/signing, src/wire and (types only) src/domain/errors', () => {
  const files = readdirSync(join(SDK, 'src')).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 5);
  for (const file of files) {
    for (const { spec, typeOnly } of specifiers(readFileSync(join(SDK, 'src', file), 'utf8'))) {
      const allowed =
        spec.startsWith('node:') ||
        /^\.\/[a-z-]+\.js$/.test(spec) ||
        /^\.\.\/\.\.\/src\/signing\/[a-z-]+\.js$/.test(spec) ||
        spec === '../../src/wire/types.js' ||
        (typeOnly && spec === '../../src/domain/errors.js');
      assert.ok(allowed, `${file} imports ${typeOnly ? 'type ' : ''}${spec}`);
    }
  }
  // What the SDK pulls in from the server tree must itself stay within signing (run time) and wire (types only:
  // the wire's declarations use the pure domain's rules, which the SDK never loads).
  for (const dir of ['signing', 'wire']) {
    for (const file of readdirSync(join(SDK, '..', 'src', dir)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )) {
      for (const { spec, typeOnly } of specifiers(readFileSync(join(SDK, '..', 'src', dir, file), 'utf8'))) {
        assert.ok(
          spec.startsWith('node:') ||
            spec.startsWith('./') ||
            (typeOnly && spec === '../domain/errors.js') ||
            (dir === 'wire' && /^\.\.\/domain\/[a-z-]+\.js$/.test(spec)),
          `src/${dir}/${file} imports ${spec}`,
        );
      }
    }
  }
});

test('every exported function and class, and every public method, has JSDoc with an @example', () => {
  const missing: string[] = [];
  for (const file of readdirSync(join(SDK, 'src')).filter((f) => f.endsWith('.ts'))) {
    const lines = readFileSync(join(SDK, 'src', file), 'utf8').split('\n');
    let inExportedClass = false;
    lines.forEach((line, i) => {
      if (/^export class /.test(line)) inExportedClass = true;
      else if (/^\S/.test(line) && !line.startsWith('}')) inExportedClass = false;
      const declared =
        /^export (async )?function (\w+)/.exec(line)?.[2] ??
        /^export class (\w+)/.exec(line)?.[1] ??
        (inExportedClass
          ? /^ {2}(?:async )?(?!constructor\b|get\b|set\b|static\b|readonly\b|declare\b|private\b)(\w+)(<[^>]*>)?\(/.exec(
              line,
            )?.[1]
          : undefined);
      if (declared === undefined) return;
      let j = i - 1;
      if (!lines[j]?.trim().endsWith('*/')) {
        missing.push(`${file}:${i + 1} ${declared} (no JSDoc)`);
        return;
      }
      while (j > 0 && !lines[j]!.includes('/**')) j--;
      if (!lines.slice(j, i).some((l) => l.includes('@example'))) missing.push(`${file}:${i + 1} ${declared}`);
    });
  }
  assert.deepEqual(missing, []);
});

test('package.json: @reji/sdk, ESM, exports pointing at the built dist/, only dist in the package, no dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg['name'], '@reji/sdk');
  assert.equal(pkg['type'], 'module');
  assert.deepEqual((pkg['exports'] as Record<string, unknown>)['.'], {
    types: './dist/index.d.ts',
    default: './dist/index.js',
  });
  assert.deepEqual(pkg['files'], ['dist/index.js', 'dist/index.d.ts']);
  assert.equal((pkg['scripts'] as Record<string, string>)['prepack'], 'npm run build');
  assert.equal(pkg['dependencies'], undefined);
  assert.equal(pkg['peerDependencies'], undefined);
});

test('inside the repository the package resolves by name to its TypeScript source (tsconfig paths)', async () => {
  const byName = await import('@reji/sdk');
  const byPath = await import('../src/index.js');
  assert.equal(byName.AmazonPayClient, byPath.AmazonPayClient);
});

const outDir = mkdtempSync(join(tmpdir(), 'reji-sdk-bundle-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

test('the esbuild bundle is one ESM file that imports nothing but node:* and works on its own', async () => {
  const outfile = await buildSdk(join(outDir, 'index.js'));
  assert.deepEqual(readdirSync(outDir), ['index.js']);
  const code = readFileSync(outfile, 'utf8');
  const specs = specifiers(code).map((s) => s.spec);
  assert.ok(specs.length > 0);
  for (const spec of specs) assert.match(spec, /^node:[a-z_/]+$/, `bundle imports ${spec}`);

  const sdk = (await import(pathToFileURL(outfile).href)) as typeof import('../src/index.js');
  for (const name of [
    'AmazonPayClient',
    'generateButtonSignature',
    'buttonConfig',
    'verifyNotification',
    'parseIpnMessage',
    'AmazonPayError',
    'DeclineError',
    'ConnectionError',
    'nodeTransport',
  ]) {
    assert.equal(typeof (sdk as Record<string, unknown>)[name], 'function', name);
  }
  const key = readFileSync(new URL('./fixtures/TEST-ONLY-private-key.pem', import.meta.url), 'utf8');
  const client = new sdk.AmazonPayClient({
    publicKeyId: 'SANDBOX-BUNDLE',
    privateKey: key,
    region: 'eu',
    now: () => new Date('2026-01-27T10:10:10Z'),
  });
  const prepared = client.signRequest({ method: 'GET', path: '/charges/C' });
  assert.equal(prepared.url, 'https://pay-api.amazon.eu/v2/charges/C');
  assert.match(prepared.headers['authorization']!, /^AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-BUNDLE, /);
  // Class names survive bundling (keepNames).
  const error = sdk.errorFromResponse({
    status: 422,
    headers: {},
    text: '{"reasonCode":"SoftDeclined","message":"m"}',
    attempts: 1,
  });
  assert.equal(error.name, 'DeclineError');
  assert.ok(error instanceof sdk.DeclineError);
});
