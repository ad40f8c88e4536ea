import http from 'node:http';
import https from 'node:https';

/** One HTTP POST of a notification; what came back, or why nothing did. */
export interface SendResult {
  readonly statusCode: number | null;
  readonly error: string | null;
}

export type Sender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<SendResult>;

/**
 * POSTs with node:http(s) under a hard timeout (AbortController) that covers connecting, the answer
 * and its body; follows no redirects and only looks at the status. (Not fetch: fetch refuses some
 * ports, e.g. 6000 or 10080, that a merchant's endpoint may well use.)
 */
export const httpSender: Sender = (url, body, headers, timeoutMs) =>
  new Promise((resolve) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      clearTimeout(timer);
      finish({ statusCode: null, error: `not a URL: ${url}` });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: abort.signal,
      },
      (response) => {
        finish({ statusCode: response.statusCode ?? null, error: null });
        // The body does not matter; read it away (still under the timeout) so the connection can be reused.
        response.resume();
        response.on('close', () => clearTimeout(timer));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (abort.signal.aborted) finish({ statusCode: null, error: `no answer within ${timeoutMs} ms` });
      else
        finish({
          statusCode: null,
          error: error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message,
        });
    });
    request.end(body);
  });
