import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, with the SNS envelope and the CV2 message inside it. */
export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly envelope: Record<string, string>;
  readonly message: Record<string, string>;
  /** The status the receiver answered with; null while it holds the request (or never answered). */
  status: number | null;
}

/** What to answer: a status code, or 'hang' to hold the request open until `release()`. */
export type Responder = (n: ReceivedNotification, index: number) => number | 'hang';

/**
 * A merchant's IPN endpoint for tests: records every POST, answers as the responder says, and can be
 * taken down and brought back on the same port.
 */
export class IpnReceiver {
  readonly received: ReceivedNotification[] = [];
  #server: http.Server | undefined;
  #port = 0;
  #held: { n: ReceivedNotification; res: ServerResponse }[] = [];
  responder: Responder;

  constructor(responder: Responder = () => 200) {
    this.responder = responder;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/ipn`;
  }

  /** Requests held open right now. */
  get holding(): number {
    return this.#held.length;
  }

  /** Notifications answered with a 2xx, in the order they were acknowledged. */
  get acknowledged(): ReceivedNotification[] {
    return this.#acked;
  }
  #acked: ReceivedNotification[] = [];

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let envelope: Record<string, string> = {};
        let message: Record<string, string> = {};
        try {
          envelope = JSON.parse(body) as Record<string, string>;
          message = JSON.parse(envelope['Message'] ?? '{}') as Record<string, string>;
        } catch {
          // Recorded as is; the test's assertions say what was wrong.
        }
        const n: ReceivedNotification = { headers: req.headers, body, envelope, message, status: null };
        const index = this.received.push(n) - 1;
        const answer = this.responder(n, index);
        if (answer === 'hang') this.#held.push({ n, res });
        else this.#answer(n, res, answer);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  #answer(n: ReceivedNotification, res: ServerResponse, status: number): void {
    n.status = status;
    if (status >= 200 && status <= 299) this.#acked.push(n);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status >= 200 && status <= 299 ? 'OK' : 'not now');
  }

  /** Answers every held request with `status`. */
  release(status = 200): void {
    for (const { n, res } of this.#held.splice(0)) this.#answer(n, res, status);
  }

  /** Takes the endpoint down: connections are refused until `start()` again (same port). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const { res } of this.#held.splice(0)) res.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The requests that carried this NotificationId. */
  of(notificationId: string): ReceivedNotification[] {
    return this.received.filter((r) => r.message['NotificationId'] === notificationId);
  }
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `check` until it returns a truthy value (no sleeping for time: a condition with a deadline). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
