import { connect, type Socket } from 'node:net';

/**
 * A minimal HTTP/1.1 keep-alive client for the load generator: requests are pre-built byte buffers and
 * responses are only framed (status, headers, Content-Length or chunked body), so that the generator
 * spends far less time per request than the server it measures.
 */

export interface ParsedResponse {
  readonly status: number;
  readonly body: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Frames responses out of a byte stream; `feed` may be called with any split of the bytes. */
export class ResponseParser {
  #pending: Buffer = Buffer.alloc(0);
  #status = 0;
  /** Body bytes still expected (Content-Length framing), or -1 while reading the head, or -2 for chunked. */
  #remaining = -1;
  #chunks: Buffer[] = [];

  constructor(private readonly onResponse: (response: ParsedResponse) => void) {}

  feed(data: Buffer): void {
    let buf = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data]);
    for (;;) {
      if (this.#remaining === -1) {
        const end = buf.indexOf(HEAD_END);
        if (end === -1) break;
        const head = buf.toString('latin1', 0, end);
        buf = buf.subarray(end + 4);
        if (this.#readHead(head) === 0) this.#emit();
        continue;
      }
      if (this.#remaining === -2) {
        const eol = buf.indexOf(CRLF);
        if (eol === -1) break;
        const size = Number.parseInt(buf.toString('latin1', 0, eol), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size');
        if (size === 0) {
          // Last chunk: no trailers expected, just the final CRLF.
          if (buf.length < eol + 4) break;
          buf = buf.subarray(eol + 4);
          this.#emit();
          continue;
        }
        if (buf.length < eol + 2 + size + 2) break;
        this.#chunks.push(buf.subarray(eol + 2, eol + 2 + size));
        buf = buf.subarray(eol + 2 + size + 2);
        continue;
      }
      if (buf.length === 0) break;
      const take = Math.min(this.#remaining, buf.length);
      this.#chunks.push(buf.subarray(0, take));
      buf = buf.subarray(take);
      this.#remaining -= take;
      if (this.#remaining === 0) this.#emit();
    }
    // Socket chunks are never reused by Node, so keeping views into them is safe.
    this.#pending = buf;
  }

  /** Reads the status and the framing; returns the body length still expected (-2: chunked). */
  #readHead(head: string): number {
    const firstLineEnd = head.indexOf('\r\n');
    const statusLine = firstLineEnd === -1 ? head : head.slice(0, firstLineEnd);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!m) throw new Error(`bad status line: ${statusLine}`);
    this.#status = Number(m[1]);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) this.#remaining = Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) this.#remaining = -2;
    else this.#remaining = 0;
    return this.#remaining;
  }

  #emit(): void {
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#remaining = -1;
    this.onResponse({ status: this.#status, body });
  }
}

/** The bytes of one request; `host` is sent as the Host header. */
export function buildRequest(
  method: string,
  path: string,
  host: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  const bodyBytes = Buffer.from(body, 'utf8');
  if (bodyBytes.length > 0 || method !== 'GET') head += `content-length: ${bodyBytes.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), bodyBytes]);
}

/** One keep-alive connection that carries one request at a time. */
export class Connection {
  readonly #socket: Socket;
  #onDone: ((response: ParsedResponse) => void) | undefined;
  #failure: ((error: Error) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const parser = new ResponseParser((response) => {
      const done = this.#onDone;
      this.#onDone = undefined;
      done?.(response);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.feed(chunk);
      } catch (error) {
        this.#fail(error as Error);
      }
    });
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed by the server')));
  }

  static open(port: number, host = '127.0.0.1'): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends the request; `done` gets its response. One request at a time per connection. */
  send(bytes: Buffer, done: (response: ParsedResponse) => void, fail: (error: Error) => void): void {
    this.#onDone = done;
    this.#failure = fail;
    this.#socket.write(bytes);
  }

  get busy(): boolean {
    return this.#onDone !== undefined;
  }

  #fail(error: Error): void {
    const fail = this.#failure;
    const pending = this.#onDone !== undefined;
    this.#onDone = undefined;
    this.#failure = undefined;
    if (pending) fail?.(error);
  }

  close(): void {
    this.#socket.removeAllListeners('close');
    this.#socket.destroy();
  }
}
