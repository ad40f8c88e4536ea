/** One HTTP POST of a notification; what came back, or why nothing did. */
export interface SendResult {
  readonly statusCode: number | null;
  readonly error: string | null;
}

export type Sender = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<SendResult>;

/**
 * POSTs with fetch under a hard timeout (AbortController), follows no redirects and never reads the
 * answer's body: only the status counts.
 */
export const httpSender: Sender = async (url, body, headers, timeoutMs) => {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
    await response.body?.cancel().catch(() => {});
    return { statusCode: response.status, error: null };
  } catch (error) {
    if (abort.signal.aborted) return { statusCode: null, error: `no answer within ${timeoutMs} ms` };
    return { statusCode: null, error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
};

/** fetch hides the network error in `cause`: ECONNREFUSED, ENOTFOUND, a TLS failure... */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.message && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message ?? cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
