import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { buttonFields } from '../support/page-client.js';
import { signedRequest } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Found by the fuzz suite (test/chaos/fuzz.test.ts): JSON nested some thousands deep answered 500 (stack overflow). */

const nested = (depth: number, inner = '1') => `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;

for (const { dialect, skip } of await dialectCases()) {
  describe(`deeply nested JSON (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    test('an API body nested 10,000 deep answers 400 in Amazon’s shape, with or without a NUL at the bottom', async () => {
      for (const inner of ['1', '"\\u0000"']) {
        const body = `{"storeId":"${jp.storeId}","webCheckoutDetails":${nested(10_000, inner)}}`;
        const r = await signedRequest(reji.httpUrl, jp.sandboxKey, {
          method: 'POST',
          path: '/v2/checkoutSessions',
          body,
          headers: { 'x-amz-pay-idempotency-key': `deep${inner.length}${Date.now()}` },
        });
        assert.equal(r.status, 400, r.text);
        assert.match(r.json.reasonCode, /^(InvalidParameterValue|UnrecognizedField|InvalidRequestFormat)$/);
      }
    });

    test('a signed button payload nested 6,000 deep is refused by verify-payload, not a 500', async () => {
      const res = await fetch(`${reji.httpUrl}/checkout/verify-payload`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
        body: JSON.stringify(buttonFields(jp, nested(6_000, '"\\u0000"'))),
      });
      // verify-payload reports what prepareButton refuses in a 200 for the button script to show.
      assert.equal(res.status, 200);
      const body = (await res.json()) as { ok: boolean; reasonCode: string };
      assert.deepEqual([body.ok, body.reasonCode], [false, 'InvalidParameterValue']);
    });
  });
}
