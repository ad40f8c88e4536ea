import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { csrfOf, PageClient, startAndSignIn } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Issue 12 part 5: EU/UK strong customer authentication (the sandbox card ending 3155, code 123456). */

const SHOP = 'http://127.0.0.1:8125';

for (const { dialect, skip } of await dialectCases()) {
  describe(`EU/UK strong customer authentication (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let de: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      de = await reji.merchant('de', ['http://127.0.0.1:*']);
      client = officialClient(reji, de);
    });
    after(() => reji?.stop());

    /** A hosted checkout up to the processing page's post, with Max's card ending 3155. */
    async function toProcessing(c: PageClient, paymentIntent = 'Authorize') {
      const page = await startAndSignIn(
        reji,
        c,
        de,
        { webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` }, storeId: de.storeId },
        'max.mustermann@example.de',
      );
      const id = page.checkoutSessionId;
      assert.match(page.html, /\*\*\*\*3155/);
      await c.request('/checkout/select', {
        form: {
          _csrf: csrfOf(page.html),
          amazonCheckoutSessionId: id,
          mode: 'initial',
          addressId: 'de-max-home',
          paymentMethodId: 'de-max-3155',
        },
      });
      const updated = await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/result` },
        paymentDetails: { paymentIntent, chargeAmount: { amount: '40.00', currencyCode: 'EUR' } },
      });
      const redirect = new URL(updated.data.webCheckoutDetails.amazonPayRedirectUrl);
      const processing = await c.get(redirect.pathname + redirect.search);
      const challenge = await c.post('/checkout/processing', {
        _csrf: csrfOf(processing.html),
        amazonCheckoutSessionId: id,
      });
      return { id, challenge };
    }

    test('hosted: the processing page asks for the one-time code; the right code pays', async () => {
      const c = new PageClient(reji.httpUrl);
      const { id, challenge } = await toProcessing(c);
      assert.match(challenge.url, /\/checkout\/authenticate\?amazonCheckoutSessionId=/);
      assert.match(challenge.html, /name="oneTimeCode"/);
      assert.match(challenge.html, /autocomplete="one-time-code"/);
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.state, 'Open');
      const done = await c.post('/checkout/authenticate', {
        _csrf: csrfOf(challenge.html),
        amazonCheckoutSessionId: id,
        oneTimeCode: '123 456',
      });
      assert.equal(done.url, `${SHOP}/result?amazonCheckoutSessionId=${id}`);
      const completed = await client.completeCheckoutSession(id, {
        chargeAmount: { amount: '40.00', currencyCode: 'EUR' },
      });
      assert.equal(completed.status, 200);
      assert.equal(completed.data.statusDetails.state, 'Completed');
    });

    test('hosted: a wrong code cancels the session with MFAFailed and returns to the result page', async () => {
      const c = new PageClient(reji.httpUrl);
      const { id, challenge } = await toProcessing(c);
      const done = await c.post('/checkout/authenticate', {
        _csrf: csrfOf(challenge.html),
        amazonCheckoutSessionId: id,
        oneTimeCode: '000000',
      });
      assert.equal(done.url, `${SHOP}/result?amazonCheckoutSessionId=${id}`);
      const cs = (await client.getCheckoutSession(id)).data;
      assert.equal(cs.statusDetails.state, 'Canceled');
      assert.equal(cs.statusDetails.reasonCode, 'MFAFailed');
      const complete = await settle(
        client.completeCheckoutSession(id, { chargeAmount: { amount: '40.00', currencyCode: 'EUR' } }),
      );
      assert.equal(complete.status, 422);
      assert.equal(complete.data.reasonCode, 'CheckoutSessionCanceled');
    });

    test('testing endpoint: no code is 422 MFANotCompleted; a wrong code cancels (MFAFailed); the right one pays', async () => {
      const { id, processed } = await checkoutUntilComplete(client, de, { paymentMethodId: 'de-max-3155' });
      assert.equal(processed.status, 422);
      assert.equal(processed.data.reasonCode, 'MFANotCompleted');
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.state, 'Open');
      const call = (sessionId: string, oneTimeCode: string) =>
        settle(
          client.apiCall({
            method: 'POST',
            urlFragment: `testing/checkoutSessions/${sessionId}/processPayment`,
            payload: { oneTimeCode },
            headers: {},
          }),
        );
      const wrong = await call(id, '654321');
      assert.equal(wrong.status, 200);
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.reasonCode, 'MFAFailed');
      const second = await checkoutUntilComplete(client, de, { paymentMethodId: 'de-max-3155' });
      assert.equal((await call(second.id, '123456')).status, 200);
      const completed = await client.completeCheckoutSession(second.id, {
        chargeAmount: { amount: second.amount, currencyCode: 'EUR' },
      });
      assert.equal(completed.data.statusDetails.state, 'Completed');
      // Outside the EU/UK the same card just pays: no test buyer holds it, so a JP session sees no challenge.
    });

    test('saved wallet: Create Charge steps up with a redirect (CITU + URL), else 422 MFANotCompleted', async () => {
      const c = new PageClient(reji.httpUrl);
      const { id, challenge } = await toProcessing(c, 'Confirm');
      await c.post('/checkout/authenticate', {
        _csrf: csrfOf(challenge.html),
        amazonCheckoutSessionId: id,
        oneTimeCode: '123456',
      });
      const completed = await client.completeCheckoutSession(id, {
        chargeAmount: { amount: '40.00', currencyCode: 'EUR' },
      });
      const cpId = completed.data.chargePermissionId as string;
      const charge = (extra: Record<string, unknown>) =>
        settle(
          client.createCharge(
            { chargePermissionId: cpId, chargeAmount: { amount: '5.00', currencyCode: 'EUR' }, ...extra },
            idem(),
          ),
        );
      for (const extra of [
        {},
        { chargeInitiator: 'CITU', channel: 'Web' },
        { chargeInitiator: 'MITU', webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/charged` } },
      ]) {
        const r = await charge(extra);
        assert.equal(r.status, 422, JSON.stringify(extra));
        assert.equal(r.data.reasonCode, 'MFANotCompleted');
      }
      const stepUp = await charge({
        chargeInitiator: 'CITU',
        channel: 'Web',
        captureNow: true,
        webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/charged` },
      });
      assert.equal(stepUp.status, 201);
      assert.equal(stepUp.data.statusDetails.state, 'AuthorizationInitiated');
      assert.deepEqual(Object.keys(stepUp.data.webCheckoutDetails), [
        'checkoutResultReturnUrl',
        'amazonPayRedirectUrl',
      ]);
      assert.equal(stepUp.data.webCheckoutDetails.checkoutResultReturnUrl, `${SHOP}/charged`);
      const redirect = new URL(stepUp.data.webCheckoutDetails.amazonPayRedirectUrl);
      assert.equal(redirect.pathname, '/checkout/step-up');

      // Another browser (not signed in) is sent to sign in first; the buyer's own browser gets the form.
      const stranger = new PageClient(reji.httpUrl);
      const signIn = await stranger.get(redirect.pathname + redirect.search);
      assert.match(signIn.url, /\/checkout\/signin\?next=/);
      const page = await c.get(redirect.pathname + redirect.search);
      assert.match(page.html, /name="oneTimeCode"/);
      const done = await c.post('/checkout/step-up', {
        _csrf: csrfOf(page.html),
        chargeId: stepUp.data.chargeId,
        oneTimeCode: '123456',
      });
      assert.equal(done.url, `${SHOP}/charged?chargeId=${stepUp.data.chargeId}`);
      const got = (await client.getCharge(stepUp.data.chargeId)).data;
      assert.equal(got.statusDetails.state, 'Captured');
      assert.equal(got.webCheckoutDetails.amazonPayRedirectUrl, null);

      // A wrong code declines the charge with MFAFailed; the permission stays Chargeable.
      const second = await charge({
        chargeInitiator: 'CITU',
        channel: 'Web',
        webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/charged` },
      });
      const page2 = await c.get(`/checkout/step-up?chargeId=${second.data.chargeId}`);
      const failed = await c.post('/checkout/step-up', {
        _csrf: csrfOf(page2.html),
        chargeId: second.data.chargeId,
        oneTimeCode: '111111',
      });
      assert.equal(failed.url, `${SHOP}/charged?chargeId=${second.data.chargeId}`);
      const declined = (await client.getCharge(second.data.chargeId)).data;
      assert.equal(declined.statusDetails.state, 'Declined');
      assert.equal(declined.statusDetails.reasonCode, 'MFAFailed');
      assert.equal((await client.getChargePermission(cpId)).data.statusDetails.state, 'Chargeable');

      // Unanswered, the step-up lapses after 15 minutes of the sandbox clock: Declined / MFAFailed.
      const third = await charge({
        chargeInitiator: 'CITU',
        channel: 'Web',
        webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/charged` },
      });
      await testing(client).advanceClock(16 * 60);
      const lapsed = (await client.getCharge(third.data.chargeId)).data;
      assert.equal(lapsed.statusDetails.reasonCode, 'MFAFailed');
      assert.equal(lapsed.webCheckoutDetails.amazonPayRedirectUrl, null);
    });
  });
}
