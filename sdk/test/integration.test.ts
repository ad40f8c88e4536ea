// The SDK against the real reji server (HTTP and HTTPS listeners) on both store dialects.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../../test/support/dialects.js';
import { startTestReji, type TestMerchant, type TestReji } from '../../test/support/reji.js';
import {
  AmazonPayClient,
  AuthenticationError,
  ConnectionError,
  DeclineError,
  InvalidRequestError,
  NotFoundError,
  ServerError,
  StateError,
  type SigningAlgorithm,
  type UpdateCheckoutSessionRequest,
} from '../src/index.js';
import { sdkClient, type SdkKeyKind } from './reji-client.js';

const WIRE_TIMESTAMP = /^\d{8}T\d{6}Z$/;
const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

type KeyKind = SdkKeyKind;
type Listener = 'https' | 'http';

/** create → buyerConsent → update → processPayment → complete, with the SDK. */
async function checkout(
  client: AmazonPayClient,
  merchant: TestMerchant,
  intent: 'Confirm' | 'Authorize' | 'AuthorizeWithCapture',
  amount: string,
) {
  const { body: cs } = await client.checkoutSessions.create({
    webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
    storeId: merchant.storeId,
  });
  await client.testing.buyerConsent(cs.checkoutSessionId);
  await client.checkoutSessions.update(cs.checkoutSessionId, {
    webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
    paymentDetails: { paymentIntent: intent, chargeAmount: JPY(amount) },
  });
  await client.testing.processPayment(cs.checkoutSessionId);
  const { body } = await client.checkoutSessions.complete(cs.checkoutSessionId, { chargeAmount: JPY(amount) });
  return {
    checkoutSessionId: cs.checkoutSessionId,
    chargePermissionId: body.chargePermissionId!,
    chargeId: body.chargeId,
  };
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`the SDK against reji (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    const combos: [KeyKind, SigningAlgorithm, Listener][] = [
      ['sandbox', 'AMZN-PAY-RSASSA-PSS', 'https'],
      ['sandbox', 'AMZN-PAY-RSASSA-PSS-V2', 'http'],
      ['legacy', 'AMZN-PAY-RSASSA-PSS', 'http'],
      ['legacy', 'AMZN-PAY-RSASSA-PSS-V2', 'https'],
    ];
    for (const [key, algorithm, listener] of combos) {
      test(`create → buyerConsent → get → update → processPayment → complete (${key} key, ${algorithm}, ${listener})`, async () => {
        const client = sdkClient(reji, merchant, key, algorithm, listener);
        try {
          const created = await client.checkoutSessions.create({
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review?step=2' },
            storeId: merchant.storeId,
            merchantMetadata: { merchantReferenceId: 'order-1' },
          });
          assert.equal(created.status, 201);
          assert.equal(created.attempts, 1);
          assert.match(created.idempotencyKey!, /^[0-9a-f]{32}$/);
          assert.match(created.requestId!, /^[0-9a-f]{32}$/);
          assert.equal(created.headers['x-amz-pay-request-id'], created.requestId);
          const cs = created.body;
          assert.equal(cs.statusDetails.state, 'Open');
          assert.match(cs.creationTimestamp, WIRE_TIMESTAMP);
          assert.equal(cs.releaseEnvironment, 'Sandbox');
          assert.equal(cs.merchantMetadata?.merchantReferenceId, 'order-1');
          assert.deepEqual(
            cs.constraints?.map((c) => c.constraintId),
            ['BuyerNotAssociated', 'ChargeAmountNotSet', 'CheckoutResultReturnUrlNotSet', 'PaymentIntentNotSet'],
          );

          const consent = await client.testing.buyerConsent(cs.checkoutSessionId);
          assert.equal(
            consent.body.redirectUrl,
            `https://shop.example/review?step=2&amazonCheckoutSessionId=${cs.checkoutSessionId}`,
          );

          const { body: review } = await client.checkoutSessions.get(cs.checkoutSessionId);
          assert.equal(review.buyer?.name, '山田 太郎');
          assert.equal(review.shippingAddress?.stateOrRegion, '東京都');
          assert.equal(review.paymentPreferences?.[0]?.paymentDescriptor, 'Visa ****1111 (Amazon Pay)');

          const { body: updated } = await client.checkoutSessions.update(cs.checkoutSessionId, {
            webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/complete' },
            paymentDetails: { paymentIntent: 'Authorize', chargeAmount: JPY('1980') },
          });
          assert.deepEqual(updated.constraints, []);
          assert.match(
            updated.webCheckoutDetails!.amazonPayRedirectUrl!,
            new RegExp(`amazonCheckoutSessionId=${cs.checkoutSessionId}$`),
          );

          const processed = await client.testing.processPayment(cs.checkoutSessionId);
          assert.equal(
            processed.body.redirectUrl,
            `https://shop.example/complete?amazonCheckoutSessionId=${cs.checkoutSessionId}`,
          );

          const completed = await client.checkoutSessions.complete(cs.checkoutSessionId, { chargeAmount: JPY('1980') });
          assert.equal(completed.status, 200);
          assert.equal(completed.body.statusDetails.state, 'Completed');
          assert.match(completed.body.chargePermissionId!, /^S01-\d{7}-\d{7}$/);
          assert.match(completed.body.chargeId!, /^S01-\d{7}-\d{7}-C\d{6}$/);

          await assert.rejects(
            client.checkoutSessions.complete(cs.checkoutSessionId, { chargeAmount: JPY('1980') }),
            (e: unknown) => {
              assert.ok(e instanceof StateError);
              assert.equal(e.status, 422);
              assert.equal(e.reasonCode, 'InvalidCheckoutSessionStatus');
              assert.equal(e.attempts, 1);
              assert.match(e.requestId!, /^[0-9a-f]{32}$/);
              return true;
            },
          );

          const { body: charge } = await client.charges.get(completed.body.chargeId!);
          assert.equal(charge.statusDetails.state, 'Authorized');
          assert.deepEqual(charge.chargeAmount, JPY('1980'));
        } finally {
          client.close();
        }
      });
    }

    test('charge permission, charge and refund: capture, partial refund, metadata update, cancel, close', async () => {
      const client = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS-V2', 'https');
      try {
        const confirmed = await checkout(client, merchant, 'Confirm', '10000');
        assert.equal(confirmed.chargeId, null);
        const cpId = confirmed.chargePermissionId;
        const { body: cp } = await client.chargePermissions.get(cpId);
        assert.equal(cp.statusDetails.state, 'Chargeable');
        assert.deepEqual(cp.limits, { amountLimit: JPY('10000'), amountBalance: JPY('10000') });

        const { body: cpUpdated } = await client.chargePermissions.update(cpId, {
          merchantMetadata: { merchantReferenceId: 'order-77', customInformation: 'gift' },
        });
        assert.equal(cpUpdated.merchantMetadata.merchantReferenceId, 'order-77');

        const created = await client.charges.create(
          { chargePermissionId: cpId, chargeAmount: JPY('10000') },
          { idempotencyKey: `charge-${cpId}` },
        );
        assert.equal(created.status, 201);
        assert.equal(created.body.statusDetails.state, 'Authorized');
        // The same key and body replay the first answer instead of charging twice.
        const replay = await client.charges.create(
          { chargePermissionId: cpId, chargeAmount: JPY('10000') },
          { idempotencyKey: `charge-${cpId}` },
        );
        assert.equal(replay.body.chargeId, created.body.chargeId);
        await assert.rejects(
          client.charges.create(
            { chargePermissionId: cpId, chargeAmount: JPY('9999') },
            { idempotencyKey: `charge-${cpId}` },
          ),
          (e: unknown) => e instanceof InvalidRequestError && e.reasonCode === 'DuplicateIdempotencyKey',
        );

        const { body: captured } = await client.charges.capture(created.body.chargeId, {
          captureAmount: JPY('10000'),
          softDescriptor: 'REJI SHOP',
        });
        assert.equal(captured.statusDetails.state, 'Captured');
        const refund = await client.refunds.create({ chargeId: captured.chargeId, refundAmount: JPY('3000') });
        assert.equal(refund.status, 201);
        assert.equal(refund.body.statusDetails.state, 'RefundInitiated');
        const clock = await client.testing.advanceClock(60);
        assert.match(clock.body.now, WIRE_TIMESTAMP);
        assert.equal((await client.testing.getClock()).body.now, clock.body.now);
        assert.equal((await client.refunds.get(refund.body.refundId)).body.statusDetails.state, 'Refunded');
        assert.deepEqual((await client.charges.get(captured.chargeId)).body.refundedAmount, JPY('3000'));

        const authorized = await checkout(client, merchant, 'Authorize', '3000');
        const { body: canceled } = await client.charges.cancel(authorized.chargeId!, {
          cancellationReason: 'out of stock',
        });
        assert.equal(canceled.statusDetails.state, 'Canceled');
        assert.equal(canceled.statusDetails.reasonCode, 'MerchantCanceled');
        const { body: closed } = await client.chargePermissions.close(authorized.chargePermissionId, {
          closureReason: 'order canceled',
          cancelPendingCharges: true,
        });
        assert.equal(closed.statusDetails.state, 'Closed');
        assert.equal(closed.statusDetails.reasons?.[0]?.reasonCode, 'MerchantClosed');
      } finally {
        client.close();
      }
    });

    test('typed errors from the real server: 404, 400, 401, 403, 422 declines', async () => {
      const client = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS', 'http');
      try {
        await assert.rejects(client.checkoutSessions.get('00000000-0000-4000-8000-000000000000'), (e: unknown) => {
          assert.ok(e instanceof NotFoundError);
          assert.equal(e.status, 404);
          assert.equal(e.reasonCode, 'ResourceNotFound');
          assert.ok(e.message.length > 0);
          assert.match(e.requestId!, /^[0-9a-f]{32}$/);
          assert.deepEqual(Object.keys(e.body as object).sort(), ['message', 'reasonCode']);
          return true;
        });

        const { body: cs } = await client.checkoutSessions.create({
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
        });
        const bogus = { bogusField: true } as unknown as UpdateCheckoutSessionRequest;
        await assert.rejects(client.checkoutSessions.update(cs.checkoutSessionId, bogus), (e: unknown) => {
          assert.ok(e instanceof InvalidRequestError);
          assert.equal(e.status, 400);
          assert.equal(e.reasonCode, 'UnrecognizedField');
          assert.equal(e.attempts, 1);
          return true;
        });
        await assert.rejects(
          client.checkoutSessions.update(cs.checkoutSessionId, { paymentDetails: { chargeAmount: JPY('10.5') } }),
          (e: unknown) => e instanceof InvalidRequestError && e.reasonCode === 'InvalidParameterValue',
        );

        const stranger = new AmazonPayClient({
          publicKeyId: 'SANDBOX-NOSUCHKEY',
          privateKey: merchant.sandboxKey.privateKeyPem,
          region: 'jp',
          baseUrl: reji.httpUrl,
        });
        await assert.rejects(
          stranger.testing.getClock(),
          (e: unknown) => e instanceof AuthenticationError && e.status === 401 && e.reasonCode === 'UnauthorizedAccess',
        );
        const wrongKey = new AmazonPayClient({
          publicKeyId: merchant.sandboxKey.publicKeyId,
          privateKey: merchant.legacyKey.privateKeyPem,
          region: 'jp',
          baseUrl: reji.httpUrl,
        });
        await assert.rejects(wrongKey.testing.getClock(), (e: unknown) => {
          assert.ok(e instanceof AuthenticationError);
          assert.equal(e.status, 403);
          assert.equal(e.reasonCode, 'InvalidRequestSignature');
          // reji shows the canonical request it computed; the SDK computes the same one.
          assert.match(e.message, /\/v2\/testing\/clock/);
          return true;
        });
        const wrongRegion = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS', 'http', { region: 'eu' });
        await assert.rejects(
          wrongRegion.testing.getClock(),
          (e: unknown) => e instanceof InvalidRequestError && e.reasonCode === 'InvalidHeaderValue',
        );

        const confirmed = await checkout(client, merchant, 'Confirm', '5000');
        await assert.rejects(
          client.charges.create(
            { chargePermissionId: confirmed.chargePermissionId, chargeAmount: JPY('1000') },
            { simulationCode: 'SoftDeclined' },
          ),
          (e: unknown) => {
            assert.ok(e instanceof DeclineError);
            assert.equal(e.reasonCode, 'SoftDeclined');
            assert.ok(e.isSoftDecline);
            return true;
          },
        );

        await assert.rejects(
          client.charges.create(
            { chargePermissionId: confirmed.chargePermissionId, chargeAmount: JPY('1000') },
            { simulationCode: 'HardDeclined' },
          ),
          (e: unknown) => {
            assert.ok(e instanceof DeclineError);
            assert.ok(e.isHardDecline);
            return true;
          },
        );
        assert.equal(
          (await client.chargePermissions.get(confirmed.chargePermissionId)).body.statusDetails.state,
          'NonChargeable',
        );
      } finally {
        client.close();
      }
    });

    test('a 500 ProcessingFailure is retried with the same key (reji does not replay 5xx), then thrown as ServerError', async () => {
      const sleeps: number[] = [];
      const client = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS-V2', 'https', {
        retries: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 40, sleep: async (ms) => void sleeps.push(ms) },
      });
      try {
        const confirmed = await checkout(client, merchant, 'Confirm', '2000');
        const error = await client.charges
          .create(
            { chargePermissionId: confirmed.chargePermissionId, chargeAmount: JPY('1000') },
            { simulationCode: 'ProcessingFailure' },
          )
          .then(
            () => assert.fail('should throw'),
            (e: unknown) => e,
          );
        assert.ok(error instanceof ServerError);
        assert.equal(error.status, 500);
        assert.equal(error.reasonCode, 'ProcessingFailure');
        assert.equal(error.attempts, 4);
        assert.equal(sleeps.length, 3);
        assert.match(error.idempotencyKey!, /^[0-9a-f]{32}$/);
        // Nothing was charged: the balance is untouched.
        assert.deepEqual(
          (await client.chargePermissions.get(confirmed.chargePermissionId)).body.limits.amountBalance,
          JPY('2000'),
        );
      } finally {
        client.close();
      }
    });

    test('testing.listBuyers gives the ids buyerConsent takes', async () => {
      const client = sdkClient(reji, merchant, 'legacy', 'AMZN-PAY-RSASSA-PSS', 'https');
      try {
        const { body } = await client.testing.listBuyers();
        const taro = body.buyers.find((b) => b.name === '山田 太郎');
        assert.ok(taro);
        const declining = taro.paymentMethods.find((m) => m.behaviour === 'Declines');
        assert.ok(declining);
        const address = taro.addresses[0]!;
        const { body: cs } = await client.checkoutSessions.create({
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
        });
        await client.testing.buyerConsent(cs.checkoutSessionId, {
          buyerEmail: taro.email,
          shippingAddressId: address.addressId,
          paymentMethodId: declining.paymentMethodId,
        });
        const { body: review } = await client.checkoutSessions.get(cs.checkoutSessionId);
        assert.equal(review.shippingAddress?.postalCode, address.postalCode);
        assert.match(review.paymentPreferences?.[0]?.paymentDescriptor ?? '', new RegExp(declining.last4));
      } finally {
        client.close();
      }
    });

    test("TLS: reji's self-signed certificate is refused unless trusted through `ca`", async () => {
      const untrusted = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS-V2', 'https', {
        ca: undefined,
        retries: 0,
      });
      const error = await untrusted.testing.getClock().then(
        () => assert.fail('should throw'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectionError);
      assert.match(String((error.cause as Error).message), /self[- ]signed|certificate/i);
      untrusted.close();
      const insecure = sdkClient(reji, merchant, 'sandbox', 'AMZN-PAY-RSASSA-PSS-V2', 'https', {
        ca: undefined,
        rejectUnauthorized: false,
      });
      assert.match((await insecure.testing.getClock()).body.now, WIRE_TIMESTAMP);
      insecure.close();
    });
  });
}
