import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { buildRequest, Connection, ResponseParser, type ParsedResponse } from './http1.js';

function parseAll(bytes: Buffer, splitEvery: number): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  const parser = new ResponseParser((r) => out.push(r));
  for (let i = 0; i < bytes.length; i += splitEvery) parser.feed(bytes.subarray(i, i + splitEvery));
  return out;
}

test('responses are framed by Content-Length or chunked encoding, however the bytes are split', () => {
  const stream = Buffer.from(
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}' +
      'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n',
  );
  for (const split of [1, 3, 7, 64, stream.length]) {
    const got = parseAll(stream, split).map((r) => [r.status, r.body.toString()]);
    assert.deepEqual(
      got,
      [
        [200, '{"ok":true}'],
        [204, ''],
        [404, '{"a":1}'],
      ],
      `split every ${split} bytes`,
    );
  }
});

test('a pre-built request reaches a node:http server intact over a keep-alive connection', async () => {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: seen.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const conn = await Connection.open(port);
    const send = (bytes: Buffer) => new Promise<ParsedResponse>((resolve, reject) => conn.send(bytes, resolve, reject));
    const post = await send(
      buildRequest(
        'POST',
        '/v2/checkoutSessions',
        `127.0.0.1:${port}`,
        { 'x-amz-pay-idempotency-key': 'k1' },
        '{"storeId":"ストア"}',
      ),
    );
    const get = await send(buildRequest('GET', '/v2/checkoutSessions/x', `127.0.0.1:${port}`, {}, ''));
    conn.close();
    assert.deepEqual(
      [post.status, post.body.toString(), get.status, get.body.toString()],
      [201, '{"n":1}', 201, '{"n":2}'],
    );
    assert.equal(seen[0]!.body, '{"storeId":"ストア"}');
    assert.equal(seen[0]!.headers['x-amz-pay-idempotency-key'], 'k1');
    assert.equal(seen[1]!.method, 'GET');
    assert.equal(seen[1]!.headers['content-length'], undefined);
  } finally {
    server.close();
  }
});
