import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, type OfficialClient } from '../support/official-sdk.js';
import { rawRequest, signedHeaders, signedRequest, type SignOptions } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Every malformed request answers in Amazon's shape, never 500, and changes nothing. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`bad input (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let key: SignOptions;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
      key = { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem };
    });
    after(() => reji?.stop());

    const base = () => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: merchant.storeId,
    });

    async function create(body: unknown, headers: Record<string, string> = idem()) {
      return settle(client.createCheckoutSession(body, headers));
    }

    function expectError(r: { status: number; data: any }, status: number, reasonCode: string, message?: RegExp) {
      assert.equal(r.status, status, JSON.stringify(r.data));
      assert.deepEqual(Object.keys(r.data).sort(), ['message', 'reasonCode']);
      assert.equal(r.data.reasonCode, reasonCode);
      assert.equal(typeof r.data.message, 'string');
      if (message) assert.match(r.data.message, message);
    }

    test('body shape: unknown, missing, wrong-typed and over-long fields', async () => {
      expectError(await create({ ...base(), color: 'red' }), 400, 'UnrecognizedField', /color/);
      expectError(
        await create({ ...base(), paymentDetails: { chargeAmount: { amount: '1', currencyCode: 'JPY', cents: 1 } } }),
        400,
        'UnrecognizedField',
        /paymentDetails\.chargeAmount\.cents/,
      );
      expectError(
        await create({ webCheckoutDetails: base().webCheckoutDetails }),
        400,
        'MissingParameterValue',
        /storeId/,
      );
      expectError(await create({ storeId: merchant.storeId }), 400, 'MissingParameterValue', /webCheckoutDetails/);
      expectError(await create({ ...base(), storeId: 42 }), 400, 'InvalidParameterValue', /storeId/);
      expectError(await create({ ...base(), storeId: '' }), 400, 'InvalidParameterValue', /storeId/);
      expectError(await create({ ...base(), scopes: 'name' }), 400, 'InvalidParameterValue', /scopes/);
      expectError(
        await create({ ...base(), chargePermissionType: 'Forever' }),
        400,
        'InvalidParameterValue',
        /chargePermissionType/,
      );
      expectError(
        await create({ ...base(), merchantMetadata: { merchantReferenceId: 'x'.repeat(257) } }),
        400,
        'InvalidParameterValue',
        /merchantReferenceId/,
      );
      expectError(
        await create({ ...base(), webCheckoutDetails: { checkoutReviewReturnUrl: 'javascript:alert(1)' } }),
        400,
        'InvalidParameterValue',
        /checkoutReviewReturnUrl/,
      );
      expectError(
        await create({ ...base(), storeId: 'amzn1.application-oa2-client.nope' }),
        400,
        'InvalidParameterValue',
        /storeId/,
      );
    });

    test('amounts: JPY with decimals, unknown currencies, wrong ledger currency, negative', async () => {
      const pd = (chargeAmount: unknown) => ({
        ...base(),
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount },
      });
      expectError(
        await create(pd({ amount: '100.5', currencyCode: 'JPY' })),
        400,
        'InvalidParameterValue',
        /JPY amounts have no decimal places/,
      );
      expectError(
        await create(pd({ amount: '100', currencyCode: 'XYZ' })),
        400,
        'InvalidParameterValue',
        /currencyCode/,
      );
      expectError(await create(pd({ amount: '100.00', currencyCode: 'USD' })), 400, 'CurrencyMismatch');
      expectError(await create(pd({ amount: '-100', currencyCode: 'JPY' })), 400, 'InvalidParameterValue');
      expectError(await create(pd({ amount: '10000001', currencyCode: 'JPY' })), 400, 'TransactionAmountExceeded');
      assert.equal(
        (await create(pd({ amount: 100, currencyCode: 'JPY' }))).status,
        201,
        'JSON numbers are accepted too',
      );
    });

    test('amount strings: one rule (no whitespace, no leading zeros, JPY without a point, two decimals)', async () => {
      const pd = (chargeAmount: unknown) => ({
        ...base(),
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount },
      });
      for (const [amount, why] of [
        ['100.0', /no decimal places/],
        ['100.00', /no decimal places/],
        [' 100', /whitespace/],
        ['0100', /leading zero/],
      ] as const) {
        expectError(
          await create(pd({ amount, currencyCode: 'JPY' })),
          400,
          'InvalidParameterValue',
          new RegExp(`paymentDetails\\.chargeAmount\\.amount[^]*${why.source}`),
        );
      }
      assert.equal((await create(pd({ amount: '100', currencyCode: 'JPY' }))).status, 201);
    });

    test('JSON itself: invalid, not an object, wrong content type, too large', async () => {
      const send = (body: string, headers: Record<string, string> = {}) => {
        const h = signedHeaders(reji.httpUrl, key, {
          method: 'POST',
          path: '/v2/checkoutSessions',
          body,
          headers: { 'x-amz-pay-idempotency-key': `j${Math.random().toString(36).slice(2, 10)}`, ...headers },
        });
        return rawRequest(reji.httpUrl, { method: 'POST', path: '/v2/checkoutSessions', headers: h, body });
      };
      const asResponse = (r: { status: number; json: any }) => ({ status: r.status, data: r.json });
      expectError(asResponse(await send('{"storeId": ')), 400, 'InvalidRequestFormat');
      expectError(asResponse(await send('[1,2]')), 400, 'InvalidRequestFormat');
      expectError(asResponse(await send('"x"')), 400, 'InvalidRequestFormat');
      expectError(
        asResponse(await send(JSON.stringify(base()), { 'content-type': 'text/plain' })),
        400,
        'InvalidHeaderValue',
        /content-type/,
      );
      expectError(
        asResponse(await send(JSON.stringify({ ...base(), supplementaryData: 'x'.repeat(70_000) }))),
        400,
        'InvalidRequest',
        /larger than/,
      );
    });

    test('idempotency keys: missing, empty, too long, bad characters', async () => {
      expectError(await create(base(), {}), 400, 'MissingHeader', /x-amz-pay-idempotency-key/);
      expectError(await create(base(), { 'x-amz-pay-idempotency-key': '' }), 400, 'MissingHeaderValue');
      expectError(await create(base(), { 'x-amz-pay-idempotency-key': 'k'.repeat(33) }), 400, 'InvalidHeaderValue');
      expectError(await create(base(), { 'x-amz-pay-idempotency-key': 'bad key!' }), 400, 'InvalidHeaderValue');
    });

    test('unknown ids, paths, methods and versions', async () => {
      expectError(
        await settle(client.getCheckoutSession('00000000-0000-4000-8000-000000000000')),
        404,
        'ResourceNotFound',
      );
      expectError(await settle(client.getCheckoutSession('not-a-uuid')), 404, 'ResourceNotFound');
      expectError(await settle(client.getChargePermission('S01-0000000-0000000')), 404, 'ResourceNotFound');
      expectError(await settle(client.getRefund('S01-0000000-0000000-R000000')), 404, 'ResourceNotFound');
      const r = await signedRequest(reji.httpUrl, key, { method: 'DELETE', path: '/v2/checkoutSessions' });
      assert.equal(r.status, 405);
      assert.equal(r.json.reasonCode, 'RequestNotSupported');
      const v3 = await signedRequest(reji.httpUrl, key, { method: 'GET', path: '/v3/checkoutSessions/x' });
      assert.equal(v3.json.reasonCode, 'InvalidAPIVersion');
      const nowhere = await signedRequest(reji.httpUrl, key, { method: 'GET', path: '/v2/nowhere' });
      assert.equal(nowhere.status, 404);
    });

    test('a failed update or complete leaves the session exactly as it was', async () => {
      const { id } = await checkoutUntilComplete(client, merchant, { amount: '1200' });
      const before = (await client.getCheckoutSession(id)).data;
      expectError(
        await settle(
          client.updateCheckoutSession(id, {
            paymentDetails: { chargeAmount: { amount: '1.5', currencyCode: 'JPY' } },
          }),
        ),
        400,
        'InvalidParameterValue',
      );
      expectError(
        await settle(client.updateCheckoutSession(id, { merchantMetadata: { noteToBuyer: 1 } })),
        400,
        'InvalidParameterValue',
      );
      expectError(
        await settle(client.completeCheckoutSession(id, { chargeAmount: { amount: '1199', currencyCode: 'JPY' } })),
        409,
        'AmountMismatch',
      );
      expectError(await settle(client.completeCheckoutSession(id, {})), 400, 'MissingParameterValue');
      expectError(
        await settle(client.completeCheckoutSession(id, { chargeAmount: { amount: '12.00', currencyCode: 'USD' } })),
        400,
        'CurrencyMismatch',
        /chargeAmount\.currencyCode USD differs/,
      );
      assert.deepEqual((await client.getCheckoutSession(id)).data, before);
      const done = await client.completeCheckoutSession(id, { chargeAmount: { amount: '1200', currencyCode: 'JPY' } });
      assert.equal(done.status, 200);
    });

    test('Complete on a session without chargeAmount yet: 422 InvalidCheckoutSessionStatus', async () => {
      const created = await client.createCheckoutSession(base(), idem());
      const id = created.data.checkoutSessionId;
      expectError(
        await settle(client.completeCheckoutSession(id, { chargeAmount: { amount: '1200', currencyCode: 'JPY' } })),
        422,
        'InvalidCheckoutSessionStatus',
        /no chargeAmount yet/,
      );
      expectError(await settle(client.completeCheckoutSession(id, {})), 422, 'InvalidCheckoutSessionStatus');
    });

    test('errors on the money endpoints: missing fields, wrong states', async () => {
      expectError(
        await settle(client.createCharge({ chargeAmount: { amount: '1', currencyCode: 'JPY' } }, idem())),
        400,
        'MissingParameterValue',
        /chargePermissionId/,
      );
      expectError(
        await settle(
          client.createCharge({ chargePermissionId: 'S01-1', chargeAmount: { amount: '1', currencyCode: 'JPY' } }, {}),
        ),
        400,
        'MissingHeader',
      );
      expectError(
        await settle(client.cancelCharge('S01-0000000-0000000-C000000', {})),
        400,
        'MissingParameterValue',
        /cancellationReason/,
      );
      expectError(
        await settle(client.closeChargePermission('S01-0000000-0000000', { closureReason: 'x', extra: true })),
        400,
        'UnrecognizedField',
      );
    });
  });
}
