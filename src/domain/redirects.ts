import type { Environment } from './environment.js';
import { isReturnUrlAllowed, type MerchantStore } from './merchant.js';

/**
 * Where reji may send a buyer back to the page the button was on (`startedFrom`, the cancel target when the
 * session has no checkoutCancelUrl). It comes from the browser, unsigned: besides the store's return-URL rules
 * it must share an origin with a URL the merchant signed (the payload's return URLs), so that a store with no
 * allowed origins (the Sandbox default) does not make reji an open redirect.
 */
export function isOwnMerchantPage(
  url: string,
  store: MerchantStore,
  environment: Environment,
  signedUrls: readonly (string | null | undefined)[],
): boolean {
  if (!isReturnUrlAllowed(url, store, environment).allowed) return false;
  if (store.allowedOrigins.length > 0) return true;
  const origin = new URL(url).origin;
  return signedUrls.some((signed) => {
    if (!signed) return false;
    try {
      return new URL(signed).origin === origin;
    } catch {
      return false;
    }
  });
}
