import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { firstUnstorable, isStorableText } from '../../../src/domain/text.js';

/** The plain recursive walk the iterative one replaced: the same answer on every value it can walk. */
function recursive(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = recursive(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (!isStorableText(key)) return at;
      const found = recursive(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

test('firstUnstorable finds the first NUL or lone surrogate, key or value, in document order', () => {
  assert.equal(firstUnstorable({ a: 'ok', b: [1, { c: 'x\u0000' }] }), 'b[1].c');
  assert.equal(firstUnstorable({ a: { 'k\ud800': 1 }, b: '\u0000' }), 'a.k\ud800');
  assert.equal(firstUnstorable({ a: { x: '\udfff' }, '\u0000': 1 }), 'a.x');
  assert.equal(firstUnstorable(['\u0000'], 'payloadJSON'), 'payloadJSON[0]');
  assert.equal(firstUnstorable({ '[0]': '\u0000' }), '[0]');
  assert.equal(firstUnstorable({ a: '😀', b: ['\ud83d\ude00'] }), undefined);
});

test('firstUnstorable agrees with the recursive walk on generated JSON', () => {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('\u0000', '\ud800', 'a'));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.integer(),
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(text, tie('tree'), { maxKeys: 4 }),
    ),
  }));
  fc.assert(
    fc.property(tree, fc.constantFrom('', 'payloadJSON'), (value, path) => {
      assert.equal(firstUnstorable(value, path), recursive(value, path));
    }),
    { numRuns: 500 },
  );
});

test('a value nested 100,000 deep is walked without exhausting the stack (the fuzz suite found a 500)', () => {
  let deep: unknown = 'end';
  for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? { a: deep } : [deep];
  assert.equal(firstUnstorable(deep), undefined);
  let bad: unknown = '\u0000';
  for (let i = 0; i < 10_000; i++) bad = { a: bad };
  assert.equal(firstUnstorable(bad)?.length, 10_000 * 2 - 1);
});
