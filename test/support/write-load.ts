import { signedRequest, type RawResponse } from './raw.js';
import type { TestMerchant } from './reji.js';

/**
 * Bursts of signed writes for the reliability suites: each worker walks whole checkouts (create, buyer consent,
 * update, process, complete, capture, refund) over raw HTTP, so that it knows exactly which requests were
 * acknowledged (a 2xx arrived) and which died with their connection (outcome unknown). An unknown outcome is
 * resolved the way a merchant would resolve it: the same request again, with the same idempotency key.
 */

export const STEPS = ['create', 'consent', 'update', 'process', 'complete', 'capture', 'refund'] as const;
export type Step = (typeof STEPS)[number];
/** The id each step's answer must carry. */
const ID_OF: Partial<Record<Step, string>> = {
  create: 'checkoutSessionId',
  consent: 'checkoutSessionId',
  update: 'checkoutSessionId',
  process: 'checkoutSessionId',
  complete: 'chargeId',
  capture: 'chargeId',
  refund: 'refundId',
};
/** The steps that carry an idempotency key. */
const KEYED: ReadonlySet<Step> = new Set(['create', 'complete', 'capture', 'refund']);

export interface Flow {
  readonly n: number;
  /** Unique per flow, so the database can be asked how many sessions one flow made. */
  readonly reviewUrl: string;
  readonly amount: number;
  readonly refundAmount: number;
  readonly keys: Readonly<Record<'create' | 'complete' | 'capture' | 'refund', string>>;
  checkoutSessionId?: string;
  chargePermissionId?: string;
  chargeId?: string;
  refundId?: string;
  /** Steps answered 2xx, with the sequence number of the acknowledgement (to compare with a backup's start). */
  readonly acked: Map<Step, number>;
  /** Keyed requests whose connection died: resent with the same key; every resend's status and body. */
  readonly resolved: { step: Step; answers: { status: number; text: string }[] }[];
  /** Where the flow stopped, when a step was refused after an unknown outcome of the step before it. */
  abandoned?: string;
  /** Every answer the flow got, in order (for the failure message when something is missing). */
  readonly log: string[];
}

export interface LoadOptions {
  readonly merchant: TestMerchant;
  /** The base URLs of the processes alive now (it may change while the load runs: restarts pick new ports). */
  readonly targets: () => readonly string[];
  readonly workers: number;
  /** Checked between steps; the load ends when it returns true (flows in progress finish first). */
  readonly stop: () => boolean;
  /** A run-unique prefix for idempotency keys and review URLs. */
  readonly tag: string;
  /** Stop trying a request whose connection keeps failing after this long (no process came back). */
  readonly giveUpAfterMs?: number;
}

export interface LoadResult {
  readonly flows: Flow[];
  /** Requests that died with their connection (each was resent until it got an answer). */
  readonly unknownOutcomes: number;
  /** Answers of 500 or above other than 503 (never acceptable). */
  readonly serverErrors: string[];
}

let ackSequence = 0;
/** A global order of acknowledgements: a flow step acknowledged before a backup started has a lower number. */
export function acknowledgementMark(): number {
  return ackSequence;
}

/** `refused`: nothing was listening, so the request never arrived; `cut`: it may or may not have been applied. */
function connectionFailure(error: unknown): 'refused' | 'cut' | undefined {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'].includes(code)) return 'cut';
  return /socket hang up/.test((error as Error).message ?? '') ? 'cut' : undefined;
}

export async function runWriteLoad(options: LoadOptions): Promise<LoadResult> {
  const flows: Flow[] = [];
  const serverErrors: string[] = [];
  let unknownOutcomes = 0;
  let next = 0;
  const key = {
    publicKeyId: options.merchant.sandboxKey.publicKeyId,
    privateKeyPem: options.merchant.sandboxKey.privateKeyPem,
  };

  /** Sends until some process answers (a 503 is an answer to retry too); `unknown` when a connection died first. */
  async function send(
    worker: number,
    req: { method: string; path: string; body?: string; headers?: Record<string, string> },
  ): Promise<{ res: RawResponse; unknown: boolean }> {
    let unknown = false;
    const deadline = Date.now() + (options.giveUpAfterMs ?? 90_000);
    for (let attempt = 0; ; attempt++) {
      const targets = options.targets();
      const target = targets[(worker + attempt) % Math.max(1, targets.length)];
      if (target !== undefined) {
        try {
          const res = await signedRequest(target, key, req);
          if (res.status !== 503) {
            if (res.status >= 500) serverErrors.push(`${req.method} ${req.path}: ${res.status} ${res.text}`);
            return { res, unknown };
          }
        } catch (error) {
          const failure = connectionFailure(error);
          if (failure === undefined) throw error;
          // Whether it reached the database is unknown until the same request is sent again.
          if (failure === 'cut' && !unknown) {
            unknownOutcomes++;
            unknown = true;
          }
        }
      }
      if (Date.now() > deadline) throw new Error(`no reji process answered ${req.method} ${req.path} in time`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function step(worker: number, flow: Flow, name: Step): Promise<RawResponse | undefined> {
    const req = request(flow, name, options.merchant.storeId);
    const first = await send(worker, req);
    let res = first.res;
    flow.log.push(`${name}${first.unknown ? ' (resent)' : ''}: ${res.status} ${res.text.slice(0, 400)}`);
    if (first.unknown && KEYED.has(name)) {
      // The answer to the resend is the request's one result: a second resend must repeat it exactly.
      const again = await send(worker, req);
      flow.resolved.push({
        step: name,
        answers: [
          { status: res.status, text: res.text },
          { status: again.res.status, text: again.res.text },
        ],
      });
      res = again.res;
      flow.log.push(`${name} (resent again): ${res.status} ${res.text.slice(0, 400)}`);
    }
    if (res.status >= 200 && res.status < 300) {
      const id = ID_OF[name];
      // A 2xx without the object's id is not reji's answer (a port taken by another process): fail loudly.
      if (id && typeof res.json?.[id] !== 'string')
        throw new Error(`flow ${flow.n} ${name}: ${res.status} without ${id}: ${res.text.slice(0, 300)}`);
      flow.acked.set(name, ++ackSequence);
      return res;
    }
    // A resent testing step or update may find its first attempt already applied; anything else ends the flow.
    flow.abandoned = `${name}: ${res.status} ${res.text.slice(0, 200)}${first.unknown ? ' (after an unknown outcome)' : ''}`;
    return undefined;
  }

  async function worker(w: number): Promise<void> {
    while (!options.stop()) {
      const n = next++;
      const flow: Flow = {
        n,
        reviewUrl: `https://shop.example/${options.tag}/review/${n}`,
        amount: 1000 + n,
        refundAmount: 100 + (n % 50),
        keys: {
          create: `${options.tag}c${n}`.slice(0, 32),
          complete: `${options.tag}m${n}`.slice(0, 32),
          capture: `${options.tag}p${n}`.slice(0, 32),
          refund: `${options.tag}r${n}`.slice(0, 32),
        },
        acked: new Map(),
        resolved: [],
        log: [],
      };
      flows.push(flow);
      const created = await step(w, flow, 'create');
      if (!created) continue;
      flow.checkoutSessionId = created.json.checkoutSessionId as string;
      if (!(await step(w, flow, 'consent')) || !(await step(w, flow, 'update')) || !(await step(w, flow, 'process')))
        continue;
      const completed = await step(w, flow, 'complete');
      if (!completed) continue;
      flow.chargePermissionId = completed.json.chargePermissionId as string;
      flow.chargeId = completed.json.chargeId as string;
      if (!(await step(w, flow, 'capture'))) continue;
      const refunded = await step(w, flow, 'refund');
      if (refunded) flow.refundId = refunded.json.refundId as string;
    }
  }

  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  return { flows, unknownOutcomes, serverErrors };
}

const JPY = (minor: number) => ({ amount: String(minor), currencyCode: 'JPY' });

function request(
  flow: Flow,
  name: Step,
  storeId: string,
): { method: string; path: string; body?: string; headers?: Record<string, string> } {
  const session = `/v2/checkoutSessions/${flow.checkoutSessionId}`;
  const testing = `/v2/testing/checkoutSessions/${flow.checkoutSessionId}`;
  const keyed = (k: keyof Flow['keys']) => ({ 'x-amz-pay-idempotency-key': flow.keys[k] });
  switch (name) {
    case 'create':
      return {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body: JSON.stringify({ webCheckoutDetails: { checkoutReviewReturnUrl: flow.reviewUrl }, storeId }),
        headers: keyed('create'),
      };
    case 'consent':
      return { method: 'POST', path: `${testing}/buyerConsent`, body: '{}' };
    case 'update':
      return {
        method: 'PATCH',
        path: session,
        body: JSON.stringify({
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
          paymentDetails: { paymentIntent: 'Authorize', chargeAmount: JPY(flow.amount) },
        }),
      };
    case 'process':
      return { method: 'POST', path: `${testing}/processPayment`, body: '{}' };
    case 'complete':
      return {
        method: 'POST',
        path: `${session}/complete`,
        body: JSON.stringify({ chargeAmount: JPY(flow.amount) }),
        headers: keyed('complete'),
      };
    case 'capture':
      return {
        method: 'POST',
        path: `/v2/charges/${flow.chargeId}/capture`,
        body: JSON.stringify({ captureAmount: JPY(flow.amount) }),
        headers: keyed('capture'),
      };
    case 'refund':
      return {
        method: 'POST',
        path: '/v2/refunds',
        body: JSON.stringify({ chargeId: flow.chargeId, refundAmount: JPY(flow.refundAmount) }),
        headers: keyed('refund'),
      };
  }
}

/**
 * Reads back, through the API, everything the load was told had happened (a 2xx) and returns what is missing
 * or different; `upTo` limits it to acknowledgements up to that mark (those before a backup started).
 */
export async function missingAcknowledged(
  baseUrl: string,
  merchant: TestMerchant,
  flows: readonly Flow[],
  upTo = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const key = { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem };
  const get = (path: string) => signedRequest(baseUrl, key, { method: 'GET', path });
  // A step never acknowledged is not acknowledged "up to" anything (upTo is Infinity by default).
  const acked = (flow: Flow, s: Step) => {
    const at = flow.acked.get(s);
    return at !== undefined && at <= upTo;
  };
  const problems: string[] = [];
  const expect = (flow: Flow, what: string, ok: boolean, res: RawResponse) => {
    if (!ok)
      problems.push(
        `flow ${flow.n} ${what}: ${res.status} ${res.text.slice(0, 300)}\n    the flow's answers:\n    ${flow.log.join('\n    ')}`,
      );
  };
  for (const flow of flows) {
    if (acked(flow, 'create')) {
      const r = await get(`/v2/checkoutSessions/${flow.checkoutSessionId}`);
      expect(
        flow,
        'created session',
        r.status === 200 && r.json.webCheckoutDetails.checkoutReviewReturnUrl === flow.reviewUrl,
        r,
      );
      if (acked(flow, 'complete'))
        expect(
          flow,
          'completed session',
          r.json?.statusDetails?.state === 'Completed' && r.json?.chargePermissionId === flow.chargePermissionId,
          r,
        );
    }
    if (acked(flow, 'complete')) {
      const r = await get(`/v2/charges/${flow.chargeId}`);
      const state = r.json?.statusDetails?.state;
      expect(flow, 'charge', r.status === 200 && (acked(flow, 'capture') ? state === 'Captured' : true), r);
      if (acked(flow, 'capture'))
        expect(flow, 'capture amount', r.json?.captureAmount?.amount === String(flow.amount), r);
    }
    if (acked(flow, 'refund')) {
      const r = await get(`/v2/refunds/${flow.refundId}`);
      expect(
        flow,
        'refund',
        r.status === 200 &&
          r.json.chargeId === flow.chargeId &&
          r.json.refundAmount.amount === String(flow.refundAmount) &&
          ['RefundInitiated', 'Refunded'].includes(r.json.statusDetails.state),
        r,
      );
    }
  }
  return problems;
}
