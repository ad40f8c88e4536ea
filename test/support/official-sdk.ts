import { createRequire } from 'node:module';
import type { TestMerchant, TestReji } from './reji.js';

const require = createRequire(import.meta.url);

/** The official npm SDK, unmodified. */
export const AmazonPay = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  WebStoreClient: new (config: Record<string, unknown>) => OfficialClient;
};

export interface OfficialResponse<T = any> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

/** The subset of the official client the tests use (it is untyped JavaScript). */
export interface OfficialClient {
  createCheckoutSession(payload: unknown, headers: Record<string, string>): Promise<OfficialResponse>;
  getCheckoutSession(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  updateCheckoutSession(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  completeCheckoutSession(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  getChargePermission(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  updateChargePermission(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  closeChargePermission(
    id: string,
    payload: unknown,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  createCharge(payload: unknown, headers: Record<string, string>): Promise<OfficialResponse>;
  getCharge(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  captureCharge(id: string, payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  cancelCharge(id: string, payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  createRefund(payload: unknown, headers: Record<string, string>): Promise<OfficialResponse>;
  getRefund(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  getBuyer(token: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  updateCharge(id: string, payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  createDispute(payload: unknown, headers: Record<string, string>): Promise<OfficialResponse>;
  getDispute(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  updateDispute(id: string, payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  contestDispute(id: string, payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  uploadFile(payload: unknown, headers: Record<string, string>): Promise<OfficialResponse>;
  generateButtonSignature(payload: unknown): string;
  deliveryTrackers(payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  getReports(
    query?: Record<string, unknown> | null,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  getReportById(reportId: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  getReportDocument(reportDocumentId: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  createReport(payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  getReportSchedules(
    reportTypes?: string | string[] | null,
    headers?: Record<string, string> | null,
  ): Promise<OfficialResponse>;
  getReportScheduleById(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  createReportSchedule(payload: unknown, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  cancelReportSchedule(id: string, headers?: Record<string, string> | null): Promise<OfficialResponse>;
  apiCall(options: {
    method: string;
    urlFragment: string;
    payload?: unknown;
    headers?: Record<string, string>;
    queryParams?: Record<string, string>;
  }): Promise<OfficialResponse>;
}

export type KeyKind = 'sandbox' | 'legacy' | 'live';

export function officialClient(
  reji: Pick<TestReji, 'httpsHost'>,
  merchant: TestMerchant,
  options: { key?: KeyKind; algorithm?: 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2'; sandbox?: boolean } = {},
): OfficialClient {
  const kind = options.key ?? 'sandbox';
  const key = kind === 'sandbox' ? merchant.sandboxKey : kind === 'legacy' ? merchant.legacyKey : merchant.liveKey;
  return new AmazonPay.WebStoreClient({
    publicKeyId: key.publicKeyId,
    privateKey: key.privateKeyPem,
    region: merchant.region,
    sandbox: options.sandbox ?? kind !== 'live',
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    overrideServiceUrl: reji.httpsHost,
  });
}

/** Calls the official client and returns the error response instead of throwing. */
export async function settle<T = any>(call: Promise<OfficialResponse<T>>): Promise<OfficialResponse<T>> {
  try {
    return await call;
  } catch (error) {
    const response =
      (error as { response?: OfficialResponse<T>; status?: number; data?: T }).response ??
      (error as OfficialResponse<T>);
    if (response && typeof response.status === 'number') return response;
    throw error;
  }
}

/** The testing endpoints are reji's own; the official client reaches them through apiCall (signed the same way). */
export function testing(client: OfficialClient) {
  return {
    buyerConsent: (id: string, body: Record<string, string> = {}) =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/checkoutSessions/${id}/buyerConsent`,
        payload: body,
        headers: {},
      }),
    processPayment: (id: string, headers: Record<string, string> = {}) =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/checkoutSessions/${id}/processPayment`,
        payload: {},
        headers,
      }),
    advanceClock: (seconds: number) =>
      client.apiCall({
        method: 'POST',
        urlFragment: 'testing/clock',
        payload: { advanceBySeconds: seconds },
        headers: {},
      }),
    clock: () => client.apiCall({ method: 'GET', urlFragment: 'testing/clock', headers: {} }),
    buyers: () => client.apiCall({ method: 'GET', urlFragment: 'testing/buyers', headers: {} }),
    cancel: (id: string) =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/checkoutSessions/${id}/cancel`,
        payload: {},
        headers: {},
      }),
    chargeback: (chargeId: string, body: Record<string, unknown> = {}) =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/charges/${chargeId}/chargeback`,
        payload: body,
        headers: {},
      }),
    decideDispute: (disputeId: string, decision: 'MerchantWon' | 'BuyerWon' | 'NoFault' | 'RequestEvidence') =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/disputes/${disputeId}/decision`,
        payload: { decision },
        headers: {},
      }),
    signIn: (signInRequestId: string, body: { buyerEmail?: string; decision?: 'allow' | 'deny' }) =>
      client.apiCall({
        method: 'POST',
        urlFragment: `testing/signInRequests/${signInRequestId}/consent`,
        payload: body,
        headers: {},
      }),
  };
}

let counter = 0;
/** A fresh idempotency key (at most 32 characters). */
export function idem(): Record<string, string> {
  return {
    'x-amz-pay-idempotency-key':
      `k${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 10)}`.slice(0, 32),
  };
}
