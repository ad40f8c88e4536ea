// Issue 14's "done when": the demo shop (examples/shop) runs a checkout in one tab on reji's hosted pages while
// the console's request log in another tab shows the shop's calls as they happen (live tail); then a click
// leads from the shop's Complete Checkout Session call to the charge's timeline. Screenshots go to
// test-results/console/ (git-ignored), like the other console test.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startShopHarness, type ShopHarness } from '../../examples/shop/test/support.js';
import { browserSkipReason, freshBrowser, watchProblems } from '../support/browser.js';
import { dialectCases } from '../support/dialects.js';

const browserSkip = browserSkipReason();
const SHOTS = join(new URL('../..', import.meta.url).pathname, 'test-results', 'console');

for (const { dialect, skip } of await dialectCases()) {
  describe(`the console watches the demo shop in Chromium (${dialect})`, { skip: skip || browserSkip }, () => {
    let h: ShopHarness;
    let browser: Awaited<ReturnType<typeof freshBrowser>>;
    let context: BrowserContext;
    const problems: string[] = [];

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      h = await startShopHarness({ dialect });
      browser = await freshBrowser();
      context = browser.context;
    });
    after(async () => {
      await browser?.close();
      await h?.stop();
    });

    function watch(page: Page): Page {
      page.setDefaultTimeout(15_000);
      watchProblems(page, problems);
      return page;
    }

    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(SHOTS, `${dialect}-shop-${name}.png`), fullPage: true });

    test("a checkout in the shop's tab appears live in the console's request log; a click leads to the charge's timeline", async () => {
      const consoleTab = watch(await context.newPage());
      await consoleTab.goto(`${h.reji.httpUrl}/console/requests?merchant=${h.merchant.merchantId}&lang=en`);
      await consoleTab.waitForSelector('#request-log[data-live="true"]');
      assert.equal(await consoleTab.locator('#request-log tbody tr').count(), 0, 'nothing logged before the shop runs');
      await shot(consoleTab, 'before');

      // The buyer's tab: cart → Amazon Pay button → sign in and choose → review → 注文確定 → complete.
      const shop = watch(await context.newPage());
      await shop.goto(h.shop.url);
      await shop.locator('#product-matcha').getByRole('button', { name: 'カートに入れる' }).click();
      await shop.waitForURL(/\/cart$/);
      await shop.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await shop.waitForURL(/\/checkout\/(signin|select)/);
      if (shop.url().includes('/checkout/signin')) {
        await shop.fill('#f-email', 'taro.yamada@example.jp');
        await shop.fill('#f-password', 'sandbox');
        await shop.click('#signin-submit');
        await shop.waitForURL(/\/checkout\/select/);
      }
      await shop.check('#pm-jp-taro-1111');
      await shop.click('#continue');
      await shop.waitForURL(/\/review\?amazonCheckoutSessionId=/);
      const sessionId = new URL(shop.url()).searchParams.get('amazonCheckoutSessionId')!;

      // The review page's Get Checkout Session is in the console without a reload.
      await consoleTab.bringToFront();
      await consoleTab.waitForSelector('#request-log tr.fresh >> text=GetCheckoutSession');
      await shot(consoleTab, 'live-review');

      await shop.bringToFront();
      await shop.click('#place-order');
      await shop.waitForURL(/\/complete\?amazonCheckoutSessionId=/);
      const chargeId = ((await shop.textContent('#charge-id')) ?? '').trim();
      assert.match(chargeId, /^[SP]\d{2}-\d{7}-\d{7}-C\d{6}$/);
      await shot(shop, 'complete');

      await consoleTab.bringToFront();
      const complete = consoleTab.locator('#request-log tr.fresh', { hasText: 'CompleteCheckoutSession' });
      await complete.waitFor();
      const operations = await consoleTab.locator('#request-log tbody tr td:nth-child(2)').allTextContents();
      for (const op of ['GetCheckoutSession', 'UpdateCheckoutSession', 'CompleteCheckoutSession'])
        assert.ok(operations.includes(op), `${op} is in the log: ${operations.join(', ')}`);
      assert.equal(await consoleTab.locator('#request-log tr.fresh.failed').count(), 0);
      await shot(consoleTab, 'live-complete');

      // From the shop's call to the charge it made, and into the charge's timeline.
      await complete.locator('a').click();
      await consoleTab.waitForSelector('#response-body');
      assert.match((await consoleTab.textContent('#response-body'))!, new RegExp(sessionId));
      await consoleTab.click(`a.object-link:text-is("${chargeId}")`);
      await consoleTab.click(`#objects a:text-is("${chargeId}")`);
      await consoleTab.waitForSelector('#timeline');
      assert.equal(await consoleTab.textContent('#object-state'), 'Authorized');
      assert.match((await consoleTab.textContent('#timeline'))!, /CompleteCheckoutSession 200/);
      assert.equal(JSON.parse((await consoleTab.textContent('#object-json'))!).chargeId, chargeId);
      await shot(consoleTab, 'charge-timeline');
      assert.deepEqual(problems, []);
    });
  });
}
