import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { dialectCases, IN_CI } from '../support/dialects.js';
import { AmazonPay, idem, type OfficialClient } from '../support/official-sdk.js';
import { signedHeaders } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/**
 * reji as the proxy of an official SDK that keeps Amazon's real service URL (README "Official SDKs"):
 * curl stands for PHP's SDK (the same libcurl options: port 443, peer and host verification on, a proxy with a user
 * name and password), and Amazon's Node SDK runs unmodified with only HTTPS_PROXY set.
 */

const run = promisify(execFile);
const HOST = 'pay-api.amazon.jp';

async function curlAvailable(): Promise<boolean> {
  try {
    await run('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Sends a raw CONNECT and returns the proxy's status line. */
function connectStatus(proxyPort: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1', () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}

const hasCurl = await curlAvailable();
if (!hasCurl && IN_CI) throw new Error('curl is required in CI (.ci/run installs it)');

for (const { dialect, skip } of await dialectCases()) {
  describe(`reji as the official SDKs' proxy (${dialect})`, {
    skip: skip || (!hasCurl && 'curl is not installed'),
  }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    let proxyPort: number;
    let caFile: string;
    before(async () => {
      reji = await startTestReji({ dialect, sdkProxy: true });
      jp = await reji.merchant('jp');
      proxyPort = Number(new URL(reji.httpUrl).port);
      caFile = join(reji.dataDir, 'ca', 'reji-ca.pem');
    });
    after(() => reji?.stop());

    /** curl as PHP's SDK calls: https://pay-api.amazon.jp, port 443, verification on, proxy with user and password. */
    async function curl(method: string, path: string, body: string | undefined, extra: string[] = []) {
      const headers = signedHeaders(`https://${HOST}`, jp.sandboxKey, {
        method,
        path,
        ...(body !== undefined ? { body } : {}),
        headers: method === 'POST' ? { 'x-amz-pay-idempotency-key': idem()['x-amz-pay-idempotency-key']! } : {},
      });
      const args = [
        '-sS',
        '--proxy',
        `http://127.0.0.1:${proxyPort}`,
        '--proxy-user',
        'reji:reji',
        ...extra,
        '-X',
        method,
        '-w',
        '\n%{http_code}',
        ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
        ...(body !== undefined ? ['--data-binary', body] : []),
        `https://${HOST}:443${path}`,
      ];
      const { stdout } = await run('curl', args);
      const cut = stdout.lastIndexOf('\n');
      return { status: Number(stdout.slice(cut + 1)), json: JSON.parse(stdout.slice(0, cut)) };
    }

    test("CONNECT to pay-api.amazon.jp:443 with reji's CA trusted: a signed Create and Get answer as on the direct port", async () => {
      const body = JSON.stringify({
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: jp.storeId,
      });
      const created = await curl('POST', '/v2/checkoutSessions', body, ['--cacert', caFile]);
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const id = created.json.checkoutSessionId as string;
      const got = await curl('GET', `/v2/checkoutSessions/${id}`, undefined, ['--cacert', caFile]);
      assert.equal(got.status, 200);
      assert.equal(got.json.checkoutSessionId, id);
    });

    test('verification stays on: without the CA the TLS handshake is refused (curl exit 60)', async () => {
      await assert.rejects(
        run('curl', ['-sS', '--proxy', `http://127.0.0.1:${proxyPort}`, `https://${HOST}/v2/checkoutSessions/x`]),
        (error: { code?: number }) => error.code === 60,
      );
    });

    test("Amazon's Node SDK, unmodified and without overrideServiceUrl, with only HTTPS_PROXY set", async () => {
      const saved = { https: process.env['HTTPS_PROXY'], no: process.env['NO_PROXY'] };
      process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxyPort}`;
      delete process.env['NO_PROXY'];
      try {
        const client = new AmazonPay.WebStoreClient({
          publicKeyId: jp.sandboxKey.publicKeyId,
          privateKey: jp.sandboxKey.privateKeyPem,
          region: 'jp',
          sandbox: true,
        }) as unknown as OfficialClient;
        const created = await client.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: jp.storeId },
          idem(),
        );
        assert.equal(created.status, 201);
        const got = await client.getCheckoutSession(created.data.checkoutSessionId);
        assert.deepEqual(Object.keys(got.data), Object.keys(created.data));
      } finally {
        if (saved.https === undefined) delete process.env['HTTPS_PROXY'];
        else process.env['HTTPS_PROXY'] = saved.https;
        if (saved.no !== undefined) process.env['NO_PROXY'] = saved.no;
      }
    });

    test('it forwards nothing: other hosts and ports are refused', async () => {
      assert.match(await connectStatus(proxyPort, 'example.com:443'), /^HTTP\/1\.1 403 /);
      assert.match(await connectStatus(proxyPort, `${HOST}:8443`), /^HTTP\/1\.1 403 /);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = request(
          { host: '127.0.0.1', port: proxyPort, method: 'GET', path: 'http://example.com/v2/checkoutSessions/x' },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        r.on('error', reject);
        r.end();
      });
      assert.equal(answer.status, 400);
      assert.equal(JSON.parse(answer.body).reasonCode, 'InvalidRequest');
    });

    test('the CA is a CA and the host certificate is issued by it for the three API hosts', async () => {
      const { X509Certificate } = await import('node:crypto');
      const ca = new X509Certificate(readFileSync(caFile));
      const leaf = new X509Certificate(readFileSync(join(reji.dataDir, 'ca', 'amazon-pay-hosts.pem')));
      assert.equal(ca.ca, true);
      assert.equal(leaf.ca, false);
      assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
      for (const host of ['pay-api.amazon.com', 'pay-api.amazon.eu', 'pay-api.amazon.jp'])
        assert.equal(leaf.checkHost(host), host);
    });
  });
}
