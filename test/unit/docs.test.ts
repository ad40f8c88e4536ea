import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/domain/errors.js';
import { IN_STORE_TEST_CODES } from '../../src/domain/in-store.js';
import { SIMULATIONS } from '../../src/domain/simulations.js';
import { API_ROUTES } from '../../src/http/routes.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('docs/errors.md lists exactly the error catalogue, with the same statuses', () => {
  const rows = [...read('docs/errors.md').matchAll(/^\| (\w+) \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(
    rows,
    Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [code, status]),
  );
});

test('docs/sandbox.md lists exactly the simulation table', () => {
  const rows = [...read('docs/sandbox.md').matchAll(/^\| (\w+) \| `(\w+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(
    rows,
    SIMULATIONS.map((s) => `${s.operation} ${s.code}`),
  );
});

test('docs/sandbox.md lists exactly the in-store test codes', () => {
  const rows = [...read('docs/sandbox.md').matchAll(/^\| `(AMZN-TEST-[A-Z-]+)` \| (.+) \|$/gm)].map((m) => [
    m[1],
    m[2],
  ]);
  assert.deepEqual(
    rows,
    Object.entries(IN_STORE_TEST_CODES).map(([code, { description }]) => [code, description]),
  );
});

test('docs/sandbox.md lists exactly the testing endpoints, each used in the official-SDK example', () => {
  const routes = API_ROUTES.filter((r) => r.path.startsWith('/v2/testing/')).map(
    (r) => `${r.method} ${r.path.slice('/v2/'.length).replace(/:(\w+)/g, '{$1}')}`,
  );
  const sandbox = read('docs/sandbox.md');
  const listed = [...sandbox.matchAll(/^\| `(GET|POST|PATCH|DELETE) \{prefix\}\/v2\/(testing\/[^`]+)` \|/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  assert.deepEqual(listed.sort(), routes.sort());
  const example = sandbox.slice(sandbox.indexOf('```js'));
  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    const pattern = path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('\\$\\{[^}]+\\}');
    assert.match(example, new RegExp(`'${method}', ['\`]${pattern}['\`]`), `${route} has an apiCall example`);
  }
});
