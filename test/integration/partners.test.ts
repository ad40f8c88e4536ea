import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createPartner } from '../../src/app/delegation.js';
import { createKeyPair } from '../../src/app/merchants.js';
import { dialectCases } from '../support/dialects.js';
import { buttonFields, csrfOf, PageClient } from '../support/page-client.js';
import { officialClient, settle, type OfficialClient, type OfficialResponse } from '../support/official-sdk.js';
import { rawRequest, signedHeaders } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/**
 * Partners (spec 12 §12.6, §12.7): JP onboarding through the official Node SDK's methods, delegated access with
 * `x-amz-pay-authtoken`, and every refusal of the brief (issue 13 part 1).
 */

const require = createRequire(import.meta.url);
const AmazonPay = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  WebStoreClient: new (config: Record<string, unknown>) => PartnerClient;
};
const AmazonPayInStore = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  InStoreClient: new (
    config: Record<string, unknown>,
  ) => { merchantScan(payload: unknown, headers?: Record<string, string> | null): Call };
};

type Call = Promise<OfficialResponse>;
interface PartnerClient extends OfficialClient {
  registerAmazonPayAccount(payload: unknown, headers?: Record<string, string> | null): Call;
  updateAmazonPayAccount(id: string, payload: unknown, headers?: Record<string, string> | null): Call;
  deleteAmazonPayAccount(id: string, headers?: Record<string, string> | null): Call;
  createMerchantAccount(payload: unknown, headers?: Record<string, string> | null): Call;
  updateMerchantAccount(id: string, payload: unknown, headers?: Record<string, string> | null): Call;
  merchantAccountClaim(id: string, payload: unknown, headers?: Record<string, string> | null): Call;
  getAuthorizationToken(mwsAuthToken: string, merchantId: string, headers?: Record<string, string> | null): Call;
}

interface TestPartner {
  readonly partnerId: string;
  readonly key: { publicKeyId: string; privateKeyPem: string };
}

async function makePartner(reji: TestReji): Promise<TestPartner> {
  const p = await createPartner(reji.ctx, { region: 'jp', name: 'JP cart platform' });
  const key = await createKeyPair(reji.ctx, { merchantId: p.merchantId, environment: 'Sandbox', legacy: false });
  return { partnerId: p.merchantId, key };
}

function partnerClient(reji: TestReji, partner: TestPartner): PartnerClient {
  return new AmazonPay.WebStoreClient({
    publicKeyId: partner.key.publicKeyId,
    privateKey: partner.key.privateKeyPem,
    region: 'jp',
    sandbox: true,
    algorithm: 'AMZN-PAY-RSASSA-PSS-V2',
    overrideServiceUrl: reji.httpsHost,
  });
}

const address = {
  addressLine1: '1-2-3 Shibuya',
  city: '渋谷区',
  stateOrRegion: '東京都',
  postalCode: '150-0002',
  countryCode: 'JP',
};

const registerBody = (ref: string) => ({
  uniqueReferenceId: ref,
  ledgerCurrency: 'JPY',
  businessInfo: {
    businessType: 'CORPORATE',
    countryOfEstablishment: 'JP',
    businessLegalName: '株式会社サンプル',
    businessAddress: address,
  },
  primaryContactPerson: { personFullName: '山田 太郎', residentialAddress: address, dateOfBirth: '19800101' },
});

const createBody = (ref: string) => ({
  uniqueReferenceId: ref,
  ledgerCurrency: 'JPY',
  businessInfo: {
    email: 'owner@shop.example',
    businessType: 'CORPORATE',
    countryOfEstablishment: 'JP',
    businessLegalName: '株式会社ログイン',
    businessCategory: 'Beauty',
    businessAddress: { ...address, phoneNumber: { countryCode: '81', number: '312345678' } },
    businessDisplayName: 'Login Shop',
    annualSalesVolume: { amount: '100000', currencyCode: 'JPY' },
  },
  beneficiaryOwners: [{ personFullName: '佐藤 花子', residentialAddress: address }],
  primaryContactPerson: { personFullName: '佐藤 花子' },
  integrationInfo: { ipnEndpointUrls: ['https://shop.example/ipn'] },
  stores: [{ domainUrls: ['https://shop.example'], storeName: 'Login Shop', storeStatus: { state: 'ACTIVE' } }],
  merchantStatus: { statusProvider: 'Ayden', state: 'ACTIVE', reasonCode: null },
});

const sessionBody = (storeId: string) => ({
  webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
  storeId,
});

let keyCounter = 0;
const idem = () => ({ 'x-amz-pay-idempotency-key': `partners-${process.pid}-${++keyCounter}` });

for (const { dialect, skip } of await dialectCases()) {
  describe(`partners and delegated access (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let other: TestMerchant;
    let merchantSdk: PartnerClient;
    let a: TestPartner;
    let b: TestPartner;
    let sdkA: PartnerClient;
    let sdkB: PartnerClient;

    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      merchant = await reji.merchant('jp');
      other = await reji.merchant('jp');
      merchantSdk = officialClient(reji, merchant) as PartnerClient;
      a = await makePartner(reji);
      b = await makePartner(reji);
      sdkA = partnerClient(reji, a);
      sdkB = partnerClient(reji, b);
    });
    after(() => reji?.stop());

    const grants = async (client: OfficialClient) =>
      (await client.apiCall({ method: 'GET', urlFragment: 'testing/delegations', headers: {} })).data.delegations as {
        mwsAuthToken: string;
        merchantId: string;
        partnerId: string;
        revocationTimestamp: string | null;
      }[];
    const grant = async (client: OfficialClient, partnerId: string) =>
      client.apiCall({ method: 'POST', urlFragment: 'testing/delegations', payload: { partnerId }, headers: {} });
    const tokenFor = async (client: PartnerClient, mws: string, merchantId: string) => {
      const r = await client.getAuthorizationToken(mws, merchantId);
      assert.equal(r.status, 200, JSON.stringify(r.data));
      assert.deepEqual(Object.keys(r.data), ['authorizationToken']);
      return r.data.authorizationToken as string;
    };
    const as = (token: string) => ({ 'x-amz-pay-authtoken': token });

    test('a merchant key cannot call partner operations; a partner key without a token cannot act as a merchant', async () => {
      const register = await settle(merchantSdk.registerAmazonPayAccount(registerBody('m-1')));
      assert.equal(register.status, 401);
      assert.equal(register.data.reasonCode, 'UnauthorizedAccess');
      const exchange = await settle(
        merchantSdk.getAuthorizationToken('amzn.mws.00000000-0000-0000-0000-000000000000', merchant.merchantId),
      );
      assert.equal(exchange.status, 401);
      const update = await settle(merchantSdk.updateAmazonPayAccount(merchant.merchantId, { businessInfo: {} }));
      assert.equal(update.status, 401);

      const session = await settle(sdkA.createCheckoutSession(sessionBody(merchant.storeId), idem()));
      assert.equal(session.status, 401);
      assert.equal(session.data.reasonCode, 'UnauthorizedAccess');
      assert.match(session.data.message, /x-amz-pay-authtoken/);
      const inStore = await settle(
        sdkA.apiCall({ method: 'POST', urlFragment: 'in-store/merchantScan', payload: {}, headers: {} }),
      );
      assert.equal(inStore.status, 401);
    });

    test('Register Amazon Pay Account: under review until the sandbox clock passes the review; update 204; delete 202', async () => {
      const r = await sdkA.registerAmazonPayAccount(registerBody('shop-001'));
      assert.equal(r.status, 201, JSON.stringify(r.data));
      assert.deepEqual(Object.keys(r.data), ['uniqueReferenceId', 'merchantAccountId']);
      assert.equal(r.data.uniqueReferenceId, 'shop-001');
      const id = r.data.merchantAccountId as string;
      assert.match(id, /^A[A-Z0-9]{13}$/);

      const again = await settle(sdkA.registerAmazonPayAccount(registerBody('shop-001')));
      assert.equal(again.status, 400);
      assert.equal(again.data.reasonCode, 'InvalidParameterValue');
      const bad = await settle(sdkA.registerAmazonPayAccount({ ...registerBody('shop-002'), ledgerCurrency: 'CHF' }));
      assert.equal(bad.status, 400);
      assert.match(bad.data.message, /ledgerCurrency/);

      // Onboarding grants the partner delegated access: the grant is listed, and exchanged for a token.
      const mine = (await grants(sdkA)).find((g) => g.merchantId === id);
      assert.ok(mine, 'the onboarding partner holds a grant');
      const token = await tokenFor(sdkA, mine.mwsAuthToken, id);

      const store = await sdkA.apiCall({
        method: 'POST',
        urlFragment: `merchantAccounts/${id}/stores`,
        payload: {
          storeName: 'Shibuya shop',
          allowedOriginDomains: ['shop.example'],
          privacyPolicyUrl: 'https://shop.example/privacy',
        },
        headers: {},
      });
      assert.equal(store.status, 201, JSON.stringify(store.data));
      assert.deepEqual(Object.keys(store.data), ['storeId']);
      const storeId = store.data.storeId as string;

      const early = await settle(sdkA.createCheckoutSession(sessionBody(storeId), { ...idem(), ...as(token) }));
      assert.equal(early.status, 403, JSON.stringify(early.data));
      assert.equal(early.data.reasonCode, 'InvalidAccountStatus');
      assert.match(early.data.message, /under review/);

      // Keys the operator makes for the onboarded merchant itself are held back by the review too.
      const own = await createKeyPair(reji.ctx, { merchantId: id, environment: 'Sandbox', legacy: false });
      const ownSdk = officialClient(reji, {
        merchantId: id,
        storeId,
        region: 'jp',
        sandboxKey: own,
        legacyKey: own,
        liveKey: own,
      });
      const ownEarly = await settle(ownSdk.createCheckoutSession(sessionBody(storeId), idem()));
      assert.equal(ownEarly.status, 403);
      assert.equal(ownEarly.data.reasonCode, 'InvalidAccountStatus');

      // The partner moves the new merchant's sandbox clock past the review (15 minutes).
      const clock = await sdkA.apiCall({
        method: 'POST',
        urlFragment: 'testing/clock',
        payload: { advanceBySeconds: 16 * 60 },
        headers: as(token),
      });
      assert.equal(clock.status, 200, JSON.stringify(clock.data));
      const session = await sdkA.createCheckoutSession(sessionBody(storeId), { ...idem(), ...as(token) });
      assert.equal(session.status, 201, JSON.stringify(session.data));
      assert.equal(session.data.storeId, storeId);
      assert.equal((await ownSdk.getCheckoutSession(session.data.checkoutSessionId)).status, 200);

      const update = await sdkA.updateAmazonPayAccount(id, {
        businessInfo: { businessAddress: { addressLine2: 'Building 5' } },
        primaryContactPerson: { personFullName: '山田 花子', dateOfBirth: '19850202' },
      });
      assert.equal(update.status, 204, JSON.stringify(update.data));
      const legal = await settle(sdkA.updateAmazonPayAccount(id, { businessInfo: { businessLegalName: '別会社' } }));
      assert.equal(legal.status, 400);
      assert.match(legal.data.message, /businessLegalName/);
      const notMine = await settle(sdkB.updateAmazonPayAccount(id, { businessInfo: {} }));
      assert.equal(notMine.status, 404);

      const del = await sdkA.deleteAmazonPayAccount(id);
      assert.equal(del.status, 202);
      const afterDelete = await settle(sdkA.getCheckoutSession(session.data.checkoutSessionId, as(token)));
      assert.equal(afterDelete.status, 403);
      assert.equal(afterDelete.data.reasonCode, 'InvalidAccountStatus');
      const deleteAgain = await settle(sdkA.deleteAmazonPayAccount(id));
      assert.equal(deleteAgain.status, 403);
    });

    test('Create Merchant Account, Update (200), Update Store, Claim (303) and the merchant’s claim page: after it the merchant token is needed', async () => {
      const r = await sdkA.createMerchantAccount(createBody('login-001'));
      assert.equal(r.status, 201, JSON.stringify(r.data));
      const id = r.data.merchantAccountId as string;
      const both = await settle(
        sdkA.createMerchantAccount({ ...createBody('login-002'), defaultStore: { storeName: 'x' } }),
      );
      assert.equal(both.status, 400);
      assert.equal(both.data.reasonCode, 'InvalidParameterCombination');

      const update = await sdkA.updateMerchantAccount(
        id,
        { businessInfo: { businessDisplayName: 'Login Shop 2' } },
        {},
      );
      assert.equal(update.status, 200, JSON.stringify(update.data));
      assert.deepEqual(update.data, { uniqueReferenceId: 'login-001', merchantAccountId: id });

      const store = await sdkA.apiCall({
        method: 'POST',
        urlFragment: `merchantAccounts/${id}/stores`,
        payload: { storeName: 'Second shop' },
        headers: {},
      });
      const patched = await sdkA.apiCall({
        method: 'PATCH',
        urlFragment: `merchantAccounts/${id}/stores/${store.data.storeId}`,
        payload: { allowedOriginDomains: ['https://second.example'] },
        headers: {},
      });
      assert.equal(patched.status, 200);
      assert.deepEqual(patched.data, { storeId: store.data.storeId });
      const badOrigin = await settle(
        sdkA.apiCall({
          method: 'PATCH',
          urlFragment: `merchantAccounts/${id}/stores/${store.data.storeId}`,
          payload: { allowedOriginDomains: ['not a domain/'] },
          headers: {},
        }),
      );
      assert.equal(badOrigin.status, 400);

      const wrongRef = await settle(sdkA.merchantAccountClaim(id, { uniqueReferenceId: 'other' }));
      assert.equal(wrongRef.status, 400);
      const claim = await sdkA.merchantAccountClaim(id, { uniqueReferenceId: 'login-001' });
      assert.equal(claim.status, 303, JSON.stringify(claim.data));
      const location = claim.headers['location'] as string;
      assert.ok(location.startsWith(`${reji.httpUrl}/checkout/account-claim?`), location);
      assert.deepEqual(claim.data, { merchantAccountId: id, claimUrl: location });

      // Until the merchant confirms on the page, the partner keeps acting alone.
      const before = await sdkA.updateMerchantAccount(id, { businessInfo: { businessDisplayName: 'x' } }, {});
      assert.equal(before.status, 200, JSON.stringify(before.data));

      // The merchant's page: in Japanese for a JP account, naming the partner and the business.
      const browser = new PageClient(reji.httpUrl);
      const page = await browser.get(location.slice(reji.httpUrl.length));
      assert.equal(page.res.status, 200, page.html.slice(0, 500));
      assert.match(page.html, /lang="ja/);
      assert.match(page.html, /Amazon Payアカウントの引き継ぎ/);
      assert.match(page.html, /JP cart platform/);
      assert.match(page.html, /株式会社ログイン/);
      const ticket = new URL(location).searchParams.get('ticket')!;
      const form = { _csrf: csrfOf(page.html), merchantAccountId: id, ticket, lang: 'ja_JP' };
      const noCsrf = await browser.post('/checkout/account-claim', {
        ...form,
        _csrf: 'x',
        email: 'owner@shop.example',
      });
      assert.equal(noCsrf.res.status, 403);
      const wrongEmail = await browser.post('/checkout/account-claim', { ...form, email: 'someone@else.example' });
      assert.equal(wrongEmail.res.status, 400);
      assert.match(wrongEmail.html, /このアカウントのメールアドレスではありません/);
      const stillPartner = await sdkA.updateMerchantAccount(id, { businessInfo: { businessDisplayName: 'z' } }, {});
      assert.equal(stillPartner.status, 200, 'a wrong email claims nothing');

      const done = await browser.post('/checkout/account-claim', { ...form, email: ' Owner@Shop.example ' });
      assert.equal(done.res.status, 200, done.html.slice(0, 500));
      assert.match(done.html, /アカウントを引き継ぎました/);

      const alone = await settle(sdkA.updateMerchantAccount(id, { businessInfo: { businessDisplayName: 'x' } }, {}));
      assert.equal(alone.status, 401);
      assert.match(alone.data.message, /claimed/);
      const mws = (await grants(sdkA)).find((g) => g.merchantId === id)!.mwsAuthToken;
      const token = await tokenFor(sdkA, mws, id);
      const withToken = await sdkA.updateMerchantAccount(id, { businessInfo: { businessDisplayName: 'y' } }, as(token));
      assert.equal(withToken.status, 200);
      const twice = await settle(sdkA.merchantAccountClaim(id, { uniqueReferenceId: 'login-001' }, as(token)));
      assert.equal(twice.status, 400);
      assert.match(twice.data.message, /already claimed/);

      // The link is used up; a made-up one is refused alike (English for a browser that asks for it).
      const reused = await new PageClient(reji.httpUrl).request(location.slice(reji.httpUrl.length), {
        headers: { 'accept-language': 'en-US' },
      });
      assert.equal(reused.status, 404);
      assert.match(await reused.text(), /This link is not valid/);
      const madeUp = await new PageClient(reji.httpUrl).request(
        `/checkout/account-claim?merchantAccountId=${id}&ticket=${'A'.repeat(43)}`,
      );
      assert.equal(madeUp.status, 404);

      const registered = await sdkA.registerAmazonPayAccount(registerBody('plain-claim'));
      const notLoginable = await settle(
        sdkA.merchantAccountClaim(registered.data.merchantAccountId, { uniqueReferenceId: 'plain-claim' }),
      );
      assert.equal(notLoginable.status, 400);
    });

    test('the button of a merchant under review and of a partner account is refused with a clear error', async () => {
      const r = await sdkA.registerAmazonPayAccount(registerBody('button-001'));
      const id = r.data.merchantAccountId as string;
      const store = await sdkA.apiCall({
        method: 'POST',
        urlFragment: `merchantAccounts/${id}/stores`,
        payload: { storeName: 'Button shop', allowedOriginDomains: ['shop.example'] },
        headers: {},
      });
      const own = await createKeyPair(reji.ctx, { merchantId: id, environment: 'Sandbox', legacy: false });
      const onboarded: TestMerchant = {
        merchantId: id,
        storeId: store.data.storeId as string,
        region: 'jp',
        sandboxKey: own,
        legacyKey: own,
        liveKey: own,
      };
      const payload = {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: onboarded.storeId,
      };
      const verify = async (m: TestMerchant) => {
        const res = await fetch(`${reji.httpUrl}/checkout/verify-payload`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buttonFields(m, payload)),
        });
        assert.equal(res.status, 200);
        return (await res.json()) as { ok: boolean; reasonCode?: string; message?: string };
      };
      const early = await verify(onboarded);
      assert.equal(early.ok, false);
      assert.equal(early.reasonCode, 'InvalidAccountStatus');
      assert.match(early.message ?? '', /under review/);
      // The click itself: an error page naming the reason, in the merchant's (JP) language, no flow started.
      const page = await new PageClient(reji.httpUrl).post('/checkout/start', buttonFields(onboarded, payload), {
        origin: 'https://shop.example',
      });
      assert.equal(page.res.status, 400);
      assert.match(page.html, /InvalidAccountStatus/);
      assert.match(page.html, /under review/);
      assert.match(page.html, /lang="ja/);

      // A partner's own key signs no button: it takes no payments.
      const partnerKey = await createKeyPair(reji.ctx, {
        merchantId: a.partnerId,
        environment: 'Sandbox',
        legacy: false,
      });
      const asPartner: TestMerchant = { ...onboarded, merchantId: a.partnerId, sandboxKey: partnerKey };
      const partnerVerify = await verify(asPartner);
      assert.equal(partnerVerify.ok, false);
      assert.equal(partnerVerify.reasonCode, 'UnauthorizedAccess');
      assert.match(partnerVerify.message ?? '', /partner account/);
      const partnerPage = await new PageClient(reji.httpUrl).post('/checkout/start', buttonFields(asPartner, payload), {
        origin: 'https://shop.example',
      });
      assert.equal(partnerPage.res.status, 400);
      assert.match(partnerPage.html, /UnauthorizedAccess/);

      // Once the review is over (the partner moves the merchant's clock), the same button verifies.
      const mws = (await grants(sdkA)).find((g) => g.merchantId === id)!.mwsAuthToken;
      const token = await tokenFor(sdkA, mws, id);
      const clock = await sdkA.apiCall({
        method: 'POST',
        urlFragment: 'testing/clock',
        payload: { advanceBySeconds: 16 * 60 },
        headers: as(token),
      });
      assert.equal(clock.status, 200, JSON.stringify(clock.data));
      assert.deepEqual(await verify(onboarded), { ok: true });
    });

    test('a grant acts for its merchant and no other; signed or unsigned token header; every refusal', async () => {
      const given = await grant(merchantSdk, a.partnerId);
      assert.equal(given.status, 201, JSON.stringify(given.data));
      assert.deepEqual(Object.keys(given.data), [
        'mwsAuthToken',
        'merchantId',
        'partnerId',
        'creationTimestamp',
        'revocationTimestamp',
      ]);
      const mws = given.data.mwsAuthToken as string;
      assert.equal((await grants(merchantSdk)).length, 1);
      const token = await tokenFor(sdkA, mws, merchant.merchantId);
      assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

      const own = await merchantSdk.createCheckoutSession(sessionBody(merchant.storeId), idem());
      const id = own.data.checkoutSessionId as string;
      const signed = await sdkA.getCheckoutSession(id, as(token));
      assert.equal(signed.status, 200);
      assert.equal(signed.data.checkoutSessionId, id);

      // PHP sends the token unsigned: accepted too (spec 12 §12.15); the signature still covers the rest.
      const path = `/v2/checkoutSessions/${id}`;
      const headers = signedHeaders(reji.httpUrl, { ...a.key, region: 'jp' }, { method: 'GET', path });
      const unsigned = await rawRequest(reji.httpUrl, {
        method: 'GET',
        path,
        headers: { ...headers, 'x-amz-pay-authtoken': token },
      });
      assert.equal(unsigned.status, 200, unsigned.text);
      const tampered = await rawRequest(reji.httpUrl, {
        method: 'GET',
        path,
        headers: {
          ...headers,
          authorization: headers['authorization']!.replace(/Signature=.{8}/, 'Signature=AAAAAAAA'),
        },
      });
      assert.equal(tampered.status, 403);
      assert.equal(tampered.json.reasonCode, 'InvalidRequestSignature');

      // Wrong merchant: the token acts for its merchant only, so another merchant's object is not found.
      const others = await officialClient(reji, other).createCheckoutSession(sessionBody(other.storeId), idem());
      const foreign = await settle(sdkA.getCheckoutSession(others.data.checkoutSessionId, as(token)));
      assert.equal(foreign.status, 404);
      const otherStore = await settle(
        sdkA.createCheckoutSession(sessionBody(other.storeId), { ...idem(), ...as(token) }),
      );
      assert.notEqual(otherStore.status, 201);

      // Token of another partner; exchange by another partner; exchange for another merchant.
      const stolen = await settle(sdkB.getCheckoutSession(id, as(token)));
      assert.equal(stolen.status, 403);
      assert.equal(stolen.data.reasonCode, 'InvalidAuthorizationToken');
      assert.match(stolen.data.message, /another partner/);
      const exchangeB = await settle(sdkB.getAuthorizationToken(mws, merchant.merchantId));
      assert.equal(exchangeB.status, 400);
      assert.equal(exchangeB.data.reasonCode, 'InvalidParameterValue');
      const exchangeOther = await settle(sdkA.getAuthorizationToken(mws, other.merchantId));
      assert.equal(exchangeOther.status, 400);
      const noMerchant = await settle(
        sdkA.apiCall({ method: 'GET', urlFragment: `authorizationTokens/${mws}`, headers: {} }),
      );
      assert.equal(noMerchant.status, 400);
      assert.equal(noMerchant.data.reasonCode, 'MissingParameterValue');

      // A merchant's own key with a token; a forged token.
      const merchantWithToken = await settle(merchantSdk.getCheckoutSession(id, as(token)));
      assert.equal(merchantWithToken.status, 403);
      assert.equal(merchantWithToken.data.reasonCode, 'InvalidAuthorizationToken');
      const [h, p] = token.split('.');
      const forgedClaims = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: other.merchantId }),
      ).toString('base64url');
      const forged = await settle(sdkA.getCheckoutSession(id, as(`${h}.${forgedClaims}.${token.split('.')[2]}`)));
      assert.equal(forged.status, 403);
      assert.equal(forged.data.reasonCode, 'InvalidAuthorizationToken');
      const garbage = await settle(sdkA.getCheckoutSession(id, as('not-a-token')));
      assert.equal(garbage.status, 403);

      // A partner acting for the merchant cannot pass the access on, nor revoke it.
      const passOn = await settle(
        sdkA.apiCall({
          method: 'POST',
          urlFragment: 'testing/delegations',
          payload: { partnerId: b.partnerId },
          headers: as(token),
        }),
      );
      assert.equal(passOn.status, 401);
      const selfRevoke = await settle(
        sdkA.apiCall({ method: 'DELETE', urlFragment: `testing/delegations/${mws}`, headers: as(token) }),
      );
      assert.equal(selfRevoke.status, 401);

      // In-store through the official InStoreClient on the partner's key, for the merchant of the token.
      const till = new AmazonPayInStore.InStoreClient({
        publicKeyId: a.key.publicKeyId,
        privateKey: a.key.privateKeyPem,
        region: 'jp',
        sandbox: true,
        overrideServiceUrl: reji.httpsHost,
      });
      const scanBody = {
        scanData: 'qr',
        scanReferenceId: `deleg-${dialect}`,
        merchantCOE: 'JP',
        ledgerCurrency: 'JPY',
      };
      const scanned = await till.merchantScan(scanBody, as(token));
      assert.equal(scanned.status, 200, JSON.stringify(scanned.data));
      const noToken = await settle(till.merchantScan(scanBody));
      assert.equal(noToken.status, 401);

      // The exchange works in Live too (decisions.md); a token serves only the environment it was issued in.
      const liveKey = await createKeyPair(reji.ctx, { merchantId: a.partnerId, environment: 'Live', legacy: false });
      const sdkALive = new AmazonPay.WebStoreClient({
        publicKeyId: liveKey.publicKeyId,
        privateKey: liveKey.privateKeyPem,
        region: 'jp',
        sandbox: false,
        overrideServiceUrl: reji.httpsHost,
      });
      const liveToken = await tokenFor(sdkALive, mws, merchant.merchantId);
      const sandboxTokenInLive = await settle(sdkALive.getCheckoutSession(id, as(token)));
      assert.equal(sandboxTokenInLive.status, 403);
      assert.match(sandboxTokenInLive.data.message, /issued for Sandbox/);
      const liveTokenInSandbox = await settle(sdkA.getCheckoutSession(id, as(liveToken)));
      assert.equal(liveTokenInSandbox.status, 403);
      const liveRead = await settle(sdkALive.getCheckoutSession(id, as(liveToken)));
      assert.equal(liveRead.status, 404, 'a Sandbox session is not found in Live');

      // Expired: one hour on the merchant's sandbox clock.
      const fresh = await tokenFor(sdkA, mws, merchant.merchantId);
      await merchantSdk.apiCall({
        method: 'POST',
        urlFragment: 'testing/clock',
        payload: { advanceBySeconds: 3601 },
        headers: {},
      });
      const expired = await settle(sdkA.getCheckoutSession(id, as(fresh)));
      assert.equal(expired.status, 403);
      assert.match(expired.data.message, /expired/);

      // Revoked: tokens issued before stop working; the exchange refuses the grant.
      const beforeRevoke = await tokenFor(sdkA, mws, merchant.merchantId);
      assert.equal((await sdkA.getCheckoutSession(id, as(beforeRevoke))).status, 200);
      const revoked = await merchantSdk.apiCall({
        method: 'DELETE',
        urlFragment: `testing/delegations/${mws}`,
        headers: {},
      });
      assert.equal(revoked.status, 200);
      assert.notEqual(revoked.data.revocationTimestamp, null);
      const afterRevoke = await settle(sdkA.getCheckoutSession(id, as(beforeRevoke)));
      assert.equal(afterRevoke.status, 403);
      assert.match(afterRevoke.data.message, /revoked/);
      const exchangeRevoked = await settle(sdkA.getAuthorizationToken(mws, merchant.merchantId));
      assert.equal(exchangeRevoked.status, 400);
      const notYours = await settle(
        officialClient(reji, other).apiCall({
          method: 'DELETE',
          urlFragment: `testing/delegations/${mws}`,
          headers: {},
        }),
      );
      assert.equal(notYours.status, 404);
    });
  });
}
