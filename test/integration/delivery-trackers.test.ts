import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, settle, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Create Delivery Tracker with the official Node SDK's deliveryTrackers (spec 12 §12.3, §12.16), both databases. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`delivery trackers (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let cpId: string;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
      cpId = (await checkout(client, merchant, { intent: 'AuthorizeWithCapture' })).data.chargePermissionId;
    });
    after(() => reji?.stop());

    const trackers = async (id: string) =>
      (
        await client.apiCall({
          method: 'GET',
          urlFragment: `testing/chargePermissions/${id}/deliveryTrackers`,
          headers: {},
        })
      ).data;

    test('a tracking number for a paid order is echoed and recorded on the charge permission', async () => {
      const sent = await client.deliveryTrackers({
        chargePermissionId: cpId,
        deliveryDetails: [{ trackingNumber: '1234-5678-9012', carrierCode: 'TAQBIN_JP' }],
      });
      assert.equal(sent.status, 200);
      assert.deepEqual(sent.data, {
        chargePermissionId: cpId,
        deliveryDetails: [{ trackingNumber: '1234-5678-9012', carrierCode: 'TAQBIN_JP' }],
      });
      // The v1 field names the same order (charge permission ids have the order reference format).
      const legacy = await client.deliveryTrackers(
        { amazonOrderReferenceId: cpId, deliveryDetails: [{ trackingNumber: 'JP-0002', carrierCode: 'JAPAN_POST' }] },
        idem(),
      );
      assert.equal(legacy.status, 200);
      assert.deepEqual(Object.keys(legacy.data), ['amazonOrderReferenceId', 'deliveryDetails']);
      const listed = await trackers(cpId);
      assert.equal(listed.chargePermissionId, cpId);
      assert.deepEqual(
        listed.deliveryTrackers.map((t: { trackingNumber: string; carrierCode: string }) => [
          t.trackingNumber,
          t.carrierCode,
        ]),
        [
          ['1234-5678-9012', 'TAQBIN_JP'],
          ['JP-0002', 'JAPAN_POST'],
        ],
      );
      assert.match(listed.deliveryTrackers[0].creationTimestamp, /^\d{8}T\d{6}Z$/);
    });

    test('a reused tracking number, an unknown carrier code or order answer 400 InvalidParameterValue', async () => {
      const cases: [string, unknown, string][] = [
        [
          'reused',
          { chargePermissionId: cpId, deliveryDetails: [{ trackingNumber: '1234-5678-9012', carrierCode: 'SAGAWA' }] },
          'InvalidParameterValue',
        ],
        [
          'carrier',
          { chargePermissionId: cpId, deliveryDetails: [{ trackingNumber: 'X1', carrierCode: 'ups' }] },
          'InvalidParameterValue',
        ],
        [
          'order',
          {
            chargePermissionId: 'S01-0000000-0000000',
            deliveryDetails: [{ trackingNumber: 'X2', carrierCode: 'UPS' }],
          },
          'InvalidParameterValue',
        ],
        [
          'malformed id',
          { chargePermissionId: 'nope', deliveryDetails: [{ trackingNumber: 'X3', carrierCode: 'UPS' }] },
          'InvalidParameterValue',
        ],
        [
          'both ids',
          {
            chargePermissionId: cpId,
            amazonOrderReferenceId: cpId,
            deliveryDetails: [{ trackingNumber: 'X4', carrierCode: 'UPS' }],
          },
          'InvalidParameterCombination',
        ],
        ['no details', { chargePermissionId: cpId, deliveryDetails: [] }, 'InvalidParameterValue'],
        [
          'missing carrier',
          { chargePermissionId: cpId, deliveryDetails: [{ trackingNumber: 'X5' }] },
          'MissingParameterValue',
        ],
        [
          'twice in one call',
          {
            chargePermissionId: cpId,
            deliveryDetails: [
              { trackingNumber: 'X6', carrierCode: 'UPS' },
              { trackingNumber: 'X6', carrierCode: 'UPS' },
            ],
          },
          'InvalidParameterValue',
        ],
      ];
      for (const [what, body, code] of cases) {
        const r = await settle(client.deliveryTrackers(body));
        assert.equal(r.status, 400, what);
        assert.equal(r.data.reasonCode, code, what);
      }
      // Nothing of a refused call was kept: X6 and X1 are still free.
      const ok = await client.deliveryTrackers({
        chargePermissionId: cpId,
        deliveryDetails: [
          { trackingNumber: 'X6', carrierCode: 'UPS' },
          { trackingNumber: 'X1', carrierCode: 'FEDEX' },
        ],
      });
      assert.equal(ok.status, 200);
      assert.equal((await trackers(cpId)).deliveryTrackers.length, 4);
    });

    test('the same idempotency key replays the answer instead of refusing the number as reused', async () => {
      const key = idem();
      const body = { chargePermissionId: cpId, deliveryDetails: [{ trackingNumber: 'IDEM-1', carrierCode: 'SEINO' }] };
      const first = await client.deliveryTrackers(body, key);
      const replay = await client.deliveryTrackers(body, key);
      assert.equal(first.status, 200);
      assert.deepEqual(replay.data, first.data);
    });

    test("another merchant's order is not found, and its numbers are its own", async () => {
      const other = await reji.merchant('jp');
      const otherClient = officialClient(reji, other);
      const r = await settle(
        otherClient.deliveryTrackers({
          chargePermissionId: cpId,
          deliveryDetails: [{ trackingNumber: 'Y1', carrierCode: 'UPS' }],
        }),
      );
      assert.equal(r.status, 400);
      assert.equal(r.data.reasonCode, 'InvalidParameterValue');
      const otherCp = (await checkout(otherClient, other, { intent: 'AuthorizeWithCapture' })).data.chargePermissionId;
      const same = await otherClient.deliveryTrackers({
        chargePermissionId: otherCp,
        deliveryDetails: [{ trackingNumber: '1234-5678-9012', carrierCode: 'TAQBIN_JP' }],
      });
      assert.equal(same.status, 200, 'tracking numbers are unique per merchant');
    });
  });
}
