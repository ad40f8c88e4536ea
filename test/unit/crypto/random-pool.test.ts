import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pooledRandomBytes } from '../../../src/crypto/random-pool.js';

test('pooled random bytes come in the asked length, are never handed out twice and survive refills', () => {
  const seen = new Set<string>();
  // Several refills of the 4 KiB pool.
  for (let i = 0; i < 2000; i++) {
    const b = pooledRandomBytes(16);
    assert.equal(b.length, 16);
    seen.add(b.toString('hex'));
  }
  assert.equal(seen.size, 2000);
  // A caller that keeps a buffer is not affected by later draws.
  const kept = pooledRandomBytes(32);
  const copy = Buffer.from(kept);
  for (let i = 0; i < 300; i++) pooledRandomBytes(16);
  assert.deepEqual(kept, copy);
  assert.equal(pooledRandomBytes(10_000).length, 10_000);
});
