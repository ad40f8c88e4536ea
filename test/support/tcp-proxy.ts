import net, { type AddressInfo } from 'node:net';

export type ProxyMode =
  /** Bytes flow both ways. */
  | 'up'
  /** Every connection is reset at once, new ones too: a database that went away. */
  | 'down'
  /** Nothing flows any more, on open connections or new ones, and nothing is closed: a network partition. */
  | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  /** Switches mode: `down` resets every open connection, `blackhole` freezes them, `up` resets frozen ones. */
  set(mode: ProxyMode): void;
  readonly connections: number;
  close(): Promise<void>;
}

/** A TCP proxy in front of PostgreSQL that a test can cut and restore without touching the shared server. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'up';
  const open = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url(databaseUrl: string) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    set(next: ProxyMode) {
      const previous = mode;
      mode = next;
      if (next === 'down' || (next === 'up' && previous === 'blackhole')) {
        for (const s of [...open]) s.resetAndDestroy();
      } else if (next === 'blackhole') {
        for (const [client, upstream] of pairs) {
          client.unpipe(upstream);
          upstream.unpipe(client);
          client.pause();
          upstream.pause();
        }
      }
    },
    get connections() {
      return open.size;
    },
    async close() {
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
