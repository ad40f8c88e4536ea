import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Who the client is, for limits keyed by address. `X-Forwarded-For` is honoured only when the connection
 * comes from a trusted proxy (`--trust-proxy`): then the address is the right-most one that is not itself
 * a trusted proxy, which a client cannot forge by sending its own header.
 */
export interface TrustedProxies {
  trusts(address: string): boolean;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { trusts: () => false };

/** Parses `10.0.0.1, 10.1.0.0/16, ::1` (addresses or CIDR blocks); throws on anything else. */
export function parseTrustedProxies(list: string): TrustedProxies {
  const blocks = new BlockList();
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`"${entry}" is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) blocks.addAddress(address, type);
    else {
      const bits = /^\d+$/.test(prefix) ? Number(prefix) : Number.NaN;
      if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) throw new Error(`"${entry}" has an invalid prefix`);
      blocks.addSubnet(address, bits, type);
    }
  }
  if (entries.length === 0) return NO_TRUSTED_PROXIES;
  return {
    trusts(raw: string) {
      const address = raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
      const family = isIP(address);
      return family !== 0 && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

const resolved = new WeakMap<IncomingMessage, string>();

export function resolveClientAddress(req: IncomingMessage, proxies: TrustedProxies): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  let client = peer;
  if (proxies.trusts(peer)) {
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) break;
      client = hop;
      if (!proxies.trusts(hop)) break;
    }
  }
  resolved.set(req, client);
  return client;
}

/** The address `resolveClientAddress` found for this request (the peer when it was not resolved). */
export function clientAddress(req: IncomingMessage): string {
  return resolved.get(req) ?? req.socket.remoteAddress ?? 'unknown';
}
