import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { parseTrustedProxies, resolveClientAddress } from '../../../src/http/client-address.js';

function req(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

test('X-Forwarded-For is believed only from trusted proxies, right-most untrusted hop first', () => {
  const proxies = parseTrustedProxies('10.0.0.1, 10.1.0.0/16, ::1');
  assert.equal(resolveClientAddress(req('203.0.113.9', '1.2.3.4'), proxies), '203.0.113.9');
  assert.equal(resolveClientAddress(req('10.0.0.1', '1.2.3.4'), proxies), '1.2.3.4');
  assert.equal(resolveClientAddress(req('::ffff:10.0.0.1', '1.2.3.4'), proxies), '1.2.3.4');
  assert.equal(resolveClientAddress(req('10.0.0.1', '6.6.6.6, 1.2.3.4, 10.1.2.3'), proxies), '1.2.3.4');
  assert.equal(resolveClientAddress(req('10.0.0.1', 'garbage, 1.2.3.4'), proxies), '1.2.3.4');
  assert.equal(resolveClientAddress(req('10.0.0.1'), proxies), '10.0.0.1');
  assert.equal(resolveClientAddress(req('::1', '2001:db8::7'), proxies), '2001:db8::7');
});

test('--trust-proxy refuses what is not an address or CIDR block', () => {
  for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/x', '::1/129'])
    assert.throws(() => parseTrustedProxies(bad), /invalid prefix|not an IP address/, bad);
  assert.equal(parseTrustedProxies('').trusts('127.0.0.1'), false);
});
