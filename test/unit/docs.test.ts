import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/domain/errors.js';
import { SIMULATIONS } from '../../src/domain/simulations.js';

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
