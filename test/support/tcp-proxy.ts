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
  /**
   * Once: in the next transaction whose statements contain `marker`, the COMMIT reaches PostgreSQL (which
   * commits) but its answer never comes back; the connection is reset instead. Resolves when that happened.
   */
  loseCommitAnswer(marker: string): Promise<void>;
  close(): Promise<void>;
}

const COMMIT = Buffer.from('commit\0');
const ROLLBACK = Buffer.from('rollback\0');

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  frozen: boolean;
  /** The marker was sent in the current transaction. */
  marked: boolean;
  /** A marked COMMIT went up; its answer is to be dropped. */
  swallowing: boolean;
}

/** A TCP proxy in front of PostgreSQL that a test can cut and restore without touching the shared server. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'up';
  const pairs = new Set<Pair>();
  let armed: { marker: Buffer; done: () => void } | undefined;

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream, frozen: mode === 'blackhole', marked: false, swallowing: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      if (armed && chunk.includes(armed.marker)) pair.marked = true;
      if (pair.marked && chunk.includes(ROLLBACK)) pair.marked = false;
      if (pair.marked && armed && chunk.includes(COMMIT)) pair.swallowing = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      if (pair.swallowing) {
        // PostgreSQL has answered the COMMIT: it committed. The client never learns it.
        const done = armed?.done;
        armed = undefined;
        client.resetAndDestroy();
        upstream.destroy();
        done?.();
        return;
      }
      client.write(chunk);
    });
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
        for (const p of [...pairs]) {
          p.client.resetAndDestroy();
          p.upstream.destroy();
        }
      } else if (next === 'blackhole') {
        for (const p of pairs) p.frozen = true;
      }
    },
    loseCommitAnswer(marker: string) {
      return new Promise<void>((resolve) => {
        armed = { marker: Buffer.from(marker), done: resolve };
      });
    },
    async close() {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
