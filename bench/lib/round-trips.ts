import net, { type AddressInfo } from 'node:net';

/**
 * A TCP relay between reji and PostgreSQL that counts round trips, as the network sees them: on each
 * connection, every time the client sends after the server last spoke starts a new round trip, once the
 * connection is open (its startup trips are counted apart). Pipelined statements (several sent before the
 * first answer) count once; nothing is estimated from code.
 */
export interface RoundTripCounter {
  /** The database URL to give reji: the original with host and port replaced by the relay's. */
  readonly url: string;
  /** Round trips counted so far, over all connections, once each was open. */
  count(): number;
  /** Round trips spent opening connections. */
  setupCount(): number;
  close(): Promise<void>;
}

export async function countRoundTrips(databaseUrl: string): Promise<RoundTripCounter> {
  const upstream = new URL(databaseUrl);
  const host = upstream.hostname || '127.0.0.1';
  const port = Number(upstream.port || 5432);
  let trips = 0;
  let setupTrips = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const db = net.connect({ host, port });
    sockets.add(client).add(db);
    let clientTurn = false;
    // Opening a connection (startup and authentication, up to the first ReadyForQuery) is not a request's
    // round trip: a pool opens connections when its load says so, not per request. Its trips count apart.
    let ready = false;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      if (!clientTurn) {
        if (ready) trips++;
        else setupTrips++;
      }
      clientTurn = true;
      db.write(chunk);
    });
    db.on('data', (chunk) => {
      clientTurn = false;
      if (!ready) {
        // Server messages: a type byte, then a 32-bit length that counts itself; 'Z' is ReadyForQuery.
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5) {
          const length = pending.readUInt32BE(1);
          if (pending.length < 1 + length) break;
          if (pending[0] === 0x5a) ready = true;
          pending = pending.subarray(1 + length);
        }
        if (ready) pending = Buffer.alloc(0);
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      db.destroy();
      sockets.delete(client);
      sockets.delete(db);
    };
    client.on('close', end).on('error', end);
    db.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = new URL(databaseUrl);
  relay.hostname = '127.0.0.1';
  relay.port = String((server.address() as AddressInfo).port);
  return {
    url: relay.toString(),
    count: () => trips,
    setupCount: () => setupTrips,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
