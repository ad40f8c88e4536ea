import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { httpSender } from '../../../src/app/ipn/sender.js';

describe('notification HTTP sender', () => {
  let server: http.Server;
  let base: string;
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/ok') res.writeHead(204).end();
        else if (req.url === '/moved') res.writeHead(301, { location: '/ok' }).end();
        else if (req.url === '/error') res.writeHead(503).end('busy');
        // '/hang': never answers.
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('POSTs the body with the given headers and reports the status', async () => {
    const result = await httpSender(
      `${base}/ok`,
      '{"a":"ü"}',
      { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
      5000,
    );
    assert.deepEqual(result, { statusCode: 204, error: null });
    const last = seen[seen.length - 1]!;
    assert.equal(last.body, '{"a":"ü"}');
    assert.equal(last.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(last.headers['content-length'], String(Buffer.byteLength('{"a":"ü"}')));
    assert.equal(last.headers['x-amz-sns-message-type'], 'Notification');
  });

  test('does not follow redirects; reports error statuses', async () => {
    assert.deepEqual(await httpSender(`${base}/moved`, '{}', {}, 5000), { statusCode: 301, error: null });
    assert.deepEqual(await httpSender(`${base}/error`, '{}', {}, 5000), { statusCode: 503, error: null });
  });

  test('gives up on an endpoint that does not answer', async () => {
    const result = await httpSender(`${base}/hang`, '{}', {}, 300);
    assert.deepEqual(result, { statusCode: null, error: 'no answer within 300 ms' });
  });

  test('reports a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const result = await httpSender(`http://127.0.0.1:${port}/ipn`, '{}', {}, 5000);
    assert.equal(result.statusCode, null);
    assert.match(result.error!, /ECONNREFUSED/);
  });
});
