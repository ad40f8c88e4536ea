import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createPartner } from '../../src/app/delegation.js';
import { createKeyPair } from '../../src/app/merchants.js';
import { browserSkipReason, freshBrowser } from '../support/browser.js';
import { dialectCases } from '../support/dialects.js';
import { settle, type OfficialResponse } from '../support/official-sdk.js';
import { startTestReji, type TestReji } from '../support/reji.js';

/** Merchant Account Claim as a merchant lives it: the partner's link opened in Chromium, confirmed with the email. */

const browserSkip = browserSkipReason();
const require = createRequire(import.meta.url);
interface PartnerClient {
  createMerchantAccount(payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  updateMerchantAccount(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  merchantAccountClaim(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
}
const AmazonPay = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  WebStoreClient: new (config: Record<string, unknown>) => PartnerClient;
};

// One database is enough: the page and its use case are covered over both in test/integration/partners.test.ts.
const [first] = await dialectCases();
describe('the merchant account claim page in Chromium', { skip: first!.skip || browserSkip }, () => {
  let reji: TestReji;
  let browser: Awaited<ReturnType<typeof freshBrowser>>;
  before(async () => {
    reji = await startTestReji({ dialect: first!.dialect, timers: false });
    browser = await freshBrowser();
  });
  after(async () => {
    await browser?.close();
    await reji?.stop();
  });

  test('the merchant opens the link, confirms with the account email, and the partner then needs a token', async () => {
    const partner = await createPartner(reji.ctx, { region: 'jp', name: 'Cart Platform' });
    const key = await createKeyPair(reji.ctx, {
      merchantId: partner.merchantId,
      environment: 'Sandbox',
      legacy: false,
    });
    const sdk = new AmazonPay.WebStoreClient({
      publicKeyId: key.publicKeyId,
      privateKey: key.privateKeyPem,
      region: 'jp',
      sandbox: true,
      algorithm: 'AMZN-PAY-RSASSA-PSS-V2',
      overrideServiceUrl: reji.httpsHost,
    });
    const created = await sdk.createMerchantAccount({
      uniqueReferenceId: 'browser-claim',
      ledgerCurrency: 'JPY',
      businessInfo: {
        email: 'owner@claim.example',
        businessType: 'CORPORATE',
        countryOfEstablishment: 'JP',
        businessLegalName: 'Browser Shop KK',
        businessAddress: {
          addressLine1: '1-1',
          city: '港区',
          stateOrRegion: '東京都',
          postalCode: '105-0001',
          countryCode: 'JP',
        },
      },
      stores: [{ domainUrls: ['https://claim.example'], storeName: 'Browser Shop' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.data));
    const id = created.data.merchantAccountId as string;
    const claim = await sdk.merchantAccountClaim(id, { uniqueReferenceId: 'browser-claim' });
    assert.equal(claim.status, 303);

    const page = await browser.context.newPage();
    await page.goto(claim.headers['location'] as string);
    assert.match((await page.locator('h1').textContent()) ?? '', /Amazon Pay/);
    await page.fill('#f-email', 'OWNER@claim.example');
    await Promise.all([page.waitForLoadState('load'), page.click('#claim-submit')]);
    // Chromium asks for English: the page follows the browser's language.
    await page.waitForSelector('text=The account is yours', { timeout: 10_000 });

    const alone = await settle(sdk.updateMerchantAccount(id, { businessInfo: { businessDisplayName: 'x' } }, {}));
    assert.equal(alone.status, 401);
  });
});
