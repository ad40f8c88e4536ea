import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestLogEntry } from '../../../src/app/console.js';
import { objectKind } from '../../../src/http/console/object-kinds.js';
import { buildTimeline } from '../../../src/http/console/timeline.js';

const charge = objectKind('charge')!;
const chargeId = 'S01-1234567-1234567-C000001';

function call(seq: number, operation: string, response: Record<string, unknown>): RequestLogEntry {
  return {
    seq,
    requestId: `r${seq}`,
    merchantId: 'AM',
    environment: 'Sandbox',
    at: 1_000 + seq * 1_000,
    method: 'POST',
    path: '/v2/x',
    operation,
    status: 200,
    reasonCode: null,
    latencyMs: 1,
    objectIds: [chargeId],
    detail: {
      requestHeaders: {},
      query: '',
      requestBody: '',
      responseBody: JSON.stringify(response),
      clockAt: 1_000 + seq * 1_000,
    },
  };
}

test("a charge's timeline shows its own states, not those of a refund or session that name it", () => {
  const object = {
    id: chargeId,
    merchantId: 'AM',
    environment: 'Sandbox' as const,
    state: 'Captured',
    createdAt: 1_500,
    merchantReferenceId: null,
    wire: { chargeId, statusDetails: { state: 'Captured', lastUpdatedTimestamp: '19700101T000001Z' } },
  };
  const events = buildTimeline(
    charge,
    object,
    [
      call(1, 'CompleteCheckoutSession', { checkoutSessionId: 'cs', chargeId, statusDetails: { state: 'Completed' } }),
      call(2, 'GetCharge', { chargeId, statusDetails: { state: 'Authorized' } }),
      call(3, 'CaptureCharge', { chargeId, statusDetails: { state: 'Captured' } }),
      call(4, 'CreateRefund', { refundId: 'rf', chargeId, statusDetails: { state: 'RefundInitiated' } }),
    ],
    [],
    [],
  );
  assert.deepEqual(
    events.map((e) => `${e.type}:${e.title}`),
    [
      'created:Charge',
      'call:CompleteCheckoutSession 200',
      'call:GetCharge 200',
      'state:Authorized',
      'call:CaptureCharge 200',
      'state:Captured',
      'call:CreateRefund 200',
    ],
  );
});
