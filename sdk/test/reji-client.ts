// The SDK client the tests point at a real reji (test/support/reji.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestMerchant, TestReji } from '../../test/support/reji.js';
import { AmazonPayClient, type AmazonPayClientOptions, type SigningAlgorithm } from '../src/index.js';

export type SdkKeyKind = 'sandbox' | 'legacy';

/** An SDK client for one of the merchant's keys, over reji's HTTPS (trusting its certificate) or HTTP listener. */
export function sdkClient(
  reji: TestReji,
  merchant: TestMerchant,
  key: SdkKeyKind,
  algorithm: SigningAlgorithm,
  listener: 'https' | 'http' = 'https',
  extra: Partial<AmazonPayClientOptions> = {},
): AmazonPayClient {
  const k = key === 'sandbox' ? merchant.sandboxKey : merchant.legacyKey;
  return new AmazonPayClient({
    publicKeyId: k.publicKeyId,
    privateKey: k.privateKeyPem,
    region: merchant.region,
    ...(key === 'legacy' ? { sandbox: true } : {}),
    algorithm,
    ...(listener === 'https'
      ? { baseUrl: `https://${reji.httpsHost}`, ca: readFileSync(join(reji.dataDir, 'tls', 'cert.pem')) }
      : { baseUrl: reji.httpUrl }),
    // Retries are exercised against the stub server; against reji they would only hide slowness.
    retries: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
}
