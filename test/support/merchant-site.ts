import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signButtonPayload } from '../../src/signing/index.js';
import { escapeHtml } from '../../src/http/html.js';
import { officialClient, settle, type OfficialClient } from './official-sdk.js';
import type { TestMerchant, TestReji } from './reji.js';

/**
 * A tiny merchant shop for the browser tests: a cart page that renders reji's button with a payload
 * signed on the server, a review page (Get Checkout Session, change links, Update and redirect), a
 * result page (Complete) and a sign-in return page (Get Buyer).
 */
export interface ButtonConfig {
  readonly payload?: Record<string, unknown>;
  readonly productType?: 'PayAndShip' | 'PayOnly' | 'SignIn' | 'PayAndShipMultiAddress';
  readonly checkoutLanguage?: string;
  readonly algorithm?: 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2';
  /** Send the algorithm name to the button (default true). */
  readonly declareAlgorithm?: boolean;
  /** Sign something else than the payload that is sent. */
  readonly tamper?: boolean;
  readonly buttonColor?: string;
  readonly estimatedOrderAmount?: { amount: string; currencyCode: string };
}

export interface MerchantSite {
  readonly url: string;
  readonly client: OfficialClient;
  /** A cart page whose button carries this configuration. */
  cart(config?: ButtonConfig): string;
  /** The default Create Checkout Session payload (review, result and cancel URLs on this site). */
  defaultPayload(): Record<string, unknown>;
  amount(): { amount: string; currencyCode: string };
  close(): Promise<void>;
}

function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>${head}</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export async function startMerchantSite(reji: TestReji, merchant: TestMerchant): Promise<MerchantSite> {
  const client = officialClient(reji, merchant, { key: 'sandbox' });
  const configs = new Map<string, ButtonConfig>();
  const price =
    merchant.region === 'jp'
      ? { amount: '1980', currencyCode: 'JPY' }
      : merchant.region === 'us'
        ? { amount: '15.00', currencyCode: 'USD' }
        : { amount: '15.00', currencyCode: 'EUR' };
  let base = '';
  const defaultPayload = () => ({
    webCheckoutDetails: {
      checkoutReviewReturnUrl: `${base}/review`,
      checkoutCancelUrl: `${base}/cancelled`,
    },
    storeId: merchant.storeId,
    scopes: ['name', 'email', 'phoneNumber', 'shippingAddress', 'billingAddress'],
  });

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const send = (status: number, html: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      };
      try {
        if (url.pathname === '/cart') {
          const config = configs.get(url.searchParams.get('c') ?? '') ?? {};
          const payloadJson = JSON.stringify(config.payload ?? defaultPayload());
          const algorithm = config.algorithm ?? 'AMZN-PAY-RSASSA-PSS-V2';
          const signed = config.tamper ? payloadJson.replace(/}$/, ',"x":1}') : payloadJson;
          const signature = signButtonPayload(signed, merchant.sandboxKey.privateKeyPem, algorithm);
          const productType = config.productType ?? 'PayAndShip';
          const buttonConfig = {
            payloadJSON: payloadJson,
            signature,
            publicKeyId: merchant.sandboxKey.publicKeyId,
            ...(config.declareAlgorithm === false ? {} : { algorithm }),
          };
          const options = {
            merchantId: merchant.merchantId,
            ledgerCurrency: price.currencyCode,
            sandbox: true,
            placement: 'Cart',
            productType,
            ...(config.checkoutLanguage ? { checkoutLanguage: config.checkoutLanguage } : {}),
            ...(config.buttonColor ? { buttonColor: config.buttonColor } : {}),
            ...(config.estimatedOrderAmount ? { estimatedOrderAmount: config.estimatedOrderAmount } : {}),
            ...(productType === 'SignIn'
              ? { signInConfig: buttonConfig }
              : { createCheckoutSessionConfig: buttonConfig }),
          };
          // JSON in a script: `<` escaped so that nothing in the payload ends the script.
          const json = JSON.stringify(options).replace(/</g, '\\u003c');
          send(
            200,
            page(
              'Cart',
              `<p>Total ${price.amount} ${price.currencyCode}</p><div id="AmazonPayButton"></div>
<script src="${reji.httpUrl}/checkout.js"></script>
<script>window.button = amazon.Pay.renderButton('#AmazonPayButton', ${json});</script>`,
            ),
          );
          return;
        }
        if (url.pathname === '/review') {
          const id = url.searchParams.get('amazonCheckoutSessionId') ?? '';
          const got = await settle(client.getCheckoutSession(id));
          if (got.status !== 200)
            return send(
              got.status,
              page('Review failed', `<pre id="error">${escapeHtml(JSON.stringify(got.data))}</pre>`),
            );
          const cs = got.data;
          const a = cs.shippingAddress;
          send(
            200,
            page(
              'Review',
              `<p id="buyer-name">${escapeHtml(cs.buyer?.name ?? '')}</p>
<p id="ship-address">${a ? escapeHtml([a.postalCode, a.stateOrRegion, a.addressLine1, a.addressLine2].filter(Boolean).join(' ')) : ''}</p>
<p id="payment-descriptor">${escapeHtml(cs.paymentPreferences?.[0]?.paymentDescriptor ?? '')}</p>
<a href="#" id="change-address">Change address</a> <a href="#" id="change-payment">Change payment</a>
<form method="post" action="/place?amazonCheckoutSessionId=${encodeURIComponent(id)}&amp;intent=${encodeURIComponent(url.searchParams.get('intent') ?? 'Authorize')}&amp;pending=${url.searchParams.get('pending') ?? ''}"><button id="place-order">Place order</button></form>
<script src="${reji.httpUrl}/checkout.js"></script>
<script>
amazon.Pay.bindChangeAction('#change-address', { amazonCheckoutSessionId: ${JSON.stringify(id)}, changeAction: 'changeAddress' });
amazon.Pay.bindChangeAction('#change-payment', { amazonCheckoutSessionId: ${JSON.stringify(id)}, changeAction: 'changePayment' });
</script>`,
            ),
          );
          return;
        }
        if (url.pathname === '/place' && req.method === 'POST') {
          req.resume();
          const id = url.searchParams.get('amazonCheckoutSessionId') ?? '';
          const intent = url.searchParams.get('intent') ?? 'Authorize';
          const updated = await settle(
            client.updateCheckoutSession(id, {
              webCheckoutDetails: { checkoutResultReturnUrl: `${base}/result` },
              paymentDetails: {
                paymentIntent: intent,
                chargeAmount: price,
                ...(url.searchParams.get('pending') === '1' ? { canHandlePendingAuthorization: true } : {}),
              },
            }),
          );
          if (updated.status !== 200)
            return send(
              updated.status,
              page('Update failed', `<pre id="error">${escapeHtml(JSON.stringify(updated.data))}</pre>`),
            );
          res.writeHead(303, { location: updated.data.webCheckoutDetails.amazonPayRedirectUrl });
          res.end();
          return;
        }
        if (url.pathname === '/result') {
          const id = url.searchParams.get('amazonCheckoutSessionId') ?? '';
          const completed = await settle(client.completeCheckoutSession(id, { chargeAmount: price }));
          const got = await settle(client.getCheckoutSession(id));
          const summary = {
            completeStatus: completed.status,
            state: got.data.statusDetails?.state,
            reasonCode: got.data.statusDetails?.reasonCode ?? null,
            chargeId: completed.data.chargeId ?? null,
            chargePermissionId: completed.data.chargePermissionId ?? null,
          };
          send(200, page('Result', `<pre id="result">${escapeHtml(JSON.stringify(summary))}</pre>`));
          return;
        }
        if (url.pathname === '/cancelled') return send(200, page('Cancelled', '<p id="cancelled">You cancelled.</p>'));
        if (url.pathname === '/signin-return') {
          const token = url.searchParams.get('buyerToken') ?? '';
          const buyer = await settle(client.getBuyer(token));
          send(
            200,
            page(
              'Signed in',
              `<pre id="buyer">${escapeHtml(JSON.stringify({ status: buyer.status, ...buyer.data }))}</pre>`,
            ),
          );
          return;
        }
        if (url.pathname === '/') return send(200, page('Shop', '<p id="home">Home</p>'));
        send(404, page('Not found', ''));
      } catch (error) {
        send(500, page('Error', `<pre>${escapeHtml(String((error as Error).stack ?? error))}</pre>`));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    client,
    cart(config: ButtonConfig = {}) {
      const id = randomBytes(6).toString('hex');
      configs.set(id, config);
      return `${base}/cart?c=${id}`;
    },
    defaultPayload,
    amount: () => price,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
