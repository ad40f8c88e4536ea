import { idem, settle, testing, type OfficialClient, type OfficialResponse } from './official-sdk.js';
import type { TestMerchant } from './reji.js';

export interface CheckoutOptions {
  readonly intent?: 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
  readonly amount?: string;
  readonly currency?: string;
  readonly totalOrderAmount?: string;
  readonly canHandlePendingAuthorization?: boolean;
  /** A test buyer's payment method id, e.g. `jp-taro-3434`. */
  readonly paymentMethodId?: string;
  readonly chargePermissionType?: 'OneTime' | 'Recurring' | 'PaymentMethodOnFile';
  readonly recurringMetadata?: unknown;
}

/** create → buyerConsent → update → processPayment, ready for Complete. */
export async function checkoutUntilComplete(
  client: OfficialClient,
  merchant: TestMerchant,
  options: CheckoutOptions = {},
) {
  const currency =
    options.currency ??
    (merchant.region === 'jp' ? 'JPY' : merchant.region === 'us' ? 'USD' : merchant.region === 'uk' ? 'GBP' : 'EUR');
  const amount = options.amount ?? (currency === 'JPY' ? '5000' : '50.00');
  const created = await client.createCheckoutSession(
    {
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: merchant.storeId,
      ...(options.chargePermissionType ? { chargePermissionType: options.chargePermissionType } : {}),
      ...(options.recurringMetadata ? { recurringMetadata: options.recurringMetadata } : {}),
    },
    idem(),
  );
  const id = created.data.checkoutSessionId as string;
  const t = testing(client);
  await t.buyerConsent(id, options.paymentMethodId ? { paymentMethodId: options.paymentMethodId } : {});
  await client.updateCheckoutSession(id, {
    webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
    paymentDetails: {
      paymentIntent: options.intent ?? 'Authorize',
      chargeAmount: { amount, currencyCode: currency },
      ...(options.totalOrderAmount
        ? { totalOrderAmount: { amount: options.totalOrderAmount, currencyCode: currency } }
        : {}),
      ...(options.canHandlePendingAuthorization ? { canHandlePendingAuthorization: true } : {}),
    },
  });
  const processed = await settle(t.processPayment(id));
  return { id, amount, currency, processed };
}

/** The whole checkout up to a completed session; returns Complete's response. */
export async function checkout(
  client: OfficialClient,
  merchant: TestMerchant,
  options: CheckoutOptions = {},
): Promise<OfficialResponse & { id: string }> {
  const { id, amount, currency } = await checkoutUntilComplete(client, merchant, options);
  const body: Record<string, unknown> = { chargeAmount: { amount, currencyCode: currency } };
  if (options.totalOrderAmount) body['totalOrderAmount'] = { amount: options.totalOrderAmount, currencyCode: currency };
  const completed = await settle(client.completeCheckoutSession(id, body));
  return Object.assign(completed, { id });
}
