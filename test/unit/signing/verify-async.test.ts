import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { signString, verifyString, verifyStringAsync } from '../../../src/signing/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

test('verification on the thread pool gives the same answers as the synchronous one', async () => {
  for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
    const text = `${algorithm}\nstring to sign`;
    const signature = signString(algorithm, privateKey, text);
    const other = algorithm === 'AMZN-PAY-RSASSA-PSS' ? 'AMZN-PAY-RSASSA-PSS-V2' : 'AMZN-PAY-RSASSA-PSS';
    const cases: [string, string, string][] = [
      [algorithm, text, signature],
      [algorithm, `${text}!`, signature],
      // The salt length is part of the algorithm.
      [other, text, signature],
      [algorithm, text, 'not base64!'],
      [algorithm, text, 'AAAA'],
    ];
    for (const [alg, t, sig] of cases) {
      const alg_ = alg as typeof algorithm;
      assert.equal(
        await verifyStringAsync(alg_, publicKey, t, sig),
        verifyString(alg_, publicKey, t, sig),
        `${alg} ${t} ${sig.slice(0, 8)}`,
      );
    }
    assert.equal(await verifyStringAsync(algorithm, publicKey, text, signature), true);
  }
});
