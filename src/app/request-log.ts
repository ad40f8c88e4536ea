import { createHash } from 'node:crypto';
import type { Environment } from '../domain/environment.js';
import { HOUR } from '../domain/time.js';
import type { NewRequestLogEntry, RequestLogEntry, RequestLogFilter } from '../store/store.js';
import type { AppContext, Logger } from './context.js';

/**
 * The console's request log (issue 14): API calls are queued in memory and written in batches by a
 * timer, so a signed request never waits for the log and a failing log never fails a request.
 */

export interface RequestLogOptions {
  /** False turns the log off (`--request-log false`): nothing is queued or written. */
  readonly enabled: boolean;
  /** How many entries each merchant keeps (REJI_REQUEST_LOG_MAX_PER_MERCHANT). */
  readonly maxPerMerchant: number;
  /** How long an entry is kept (REJI_REQUEST_LOG_HOURS). */
  readonly retentionHours: number;
  /** How often queued entries are written. */
  readonly flushIntervalMs: number;
  /** Request and response bodies are cut at this many characters. */
  readonly maxBodyChars: number;
  /**
   * What a successful read (a GET answered below 400) keeps: `summary` (operation, status, latency, the ids in
   * its path; no headers or bodies) or `full` (as every other call). Reads are most of the traffic and
   * repeat their object's state, which the console shows anyway; failed reads are always kept in full.
   */
  readonly reads: 'summary' | 'full';
}

export const DEFAULT_REQUEST_LOG_OPTIONS: RequestLogOptions = Object.freeze({
  enabled: true,
  maxPerMerchant: 1000,
  retentionHours: 24,
  flushIntervalMs: 250,
  maxBodyChars: 16_384,
  reads: 'summary',
});

/** Entries waiting beyond this are dropped (oldest first): the log must not grow without bound under load. */
const MAX_QUEUED = 10_000;
/** Retention by age (and every merchant's count) is enforced at most this often (real time). */
const PRUNE_EVERY_MS = 30_000;
/** Entries per transaction. */
const MAX_BATCH = 64;
/** New entries of a merchant between two trims to its count limit (and at every age prune). */
const TRIM_EVERY = 256;

export interface RequestLogWriter {
  readonly options: RequestLogOptions;
  /** Queues an entry; never throws, never waits. */
  record(entry: NewRequestLogEntry): void;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
  /** Entries dropped because the queue was full or the database refused them. */
  readonly dropped: number;
}

export function startRequestLog(
  store: AppContext['store'],
  clock: AppContext['clock'],
  log: Logger,
  options: RequestLogOptions,
): RequestLogWriter {
  const queue: NewRequestLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dropped = 0;
  let lastAgePrune = 0;
  const sinceTrim = new Map<string, number>();
  let closed = false;

  // Small transactions, with the event loop free in between: one transaction for a quarter second of
  // busy traffic held every request behind it for milliseconds (the p99 of issue 15). Trimming to the
  // count limit follows the appending in steps of TRIM_EVERY entries, so a merchant holds at most
  // maxPerMerchant + TRIM_EVERY entries.
  const write = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      // A merchant is trimmed once it has TRIM_EVERY new entries: finding its limit's edge walks that many
      // index entries, which per batch cost as much as the appending itself.
      const trim: string[] = [];
      for (const e of batch) {
        const n = (sinceTrim.get(e.merchantId) ?? 0) + 1;
        sinceTrim.set(e.merchantId, n);
        if (n >= TRIM_EVERY && !trim.includes(e.merchantId)) trim.push(e.merchantId);
      }
      const now = clock.now();
      const ageDue = now - lastAgePrune >= PRUNE_EVERY_MS;
      const trimmed = ageDue ? [...sinceTrim.keys()] : trim;
      try {
        await store.transaction(async (tx) => {
          await tx.requestLog.append(batch);
          if (trimmed.length > 0 || ageDue)
            await tx.requestLog.prune(
              ageDue ? now - options.retentionHours * HOUR : undefined,
              options.maxPerMerchant,
              trimmed,
            );
        });
        for (const m of trimmed) sinceTrim.delete(m);
        if (ageDue) lastAgePrune = now;
      } catch (error) {
        dropped += batch.length;
        log.warn('request log: a batch was not written', {
          entries: batch.length,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const flush = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    // One batch at a time, in order.
    while (running) await running;
    running = write().finally(() => {
      running = undefined;
    });
    await running;
  };
  return {
    options,
    get dropped() {
      return dropped;
    },
    record(entry) {
      if (!options.enabled || closed) return;
      queue.push(entry);
      if (queue.length > MAX_QUEUED) {
        queue.shift();
        dropped++;
      }
      if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          void flush();
        }, options.flushIntervalMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}

/** `Signature=...` becomes a short fingerprint: enough to tell two signatures apart, useless to replay one. */
export function redactAuthorization(value: string): string {
  return value.replace(/Signature=([^,\s]*)/, (_, sig: string) => `Signature=<redacted sha256:${fingerprint(sig)}>`);
}

/** A button payload's `"signature"` in a request body (the testing button endpoint) is redacted the same way. */
export function redactBody(body: string): string {
  if (!body.includes('"signature"')) return body;
  return body.replace(
    /("signature"\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
    (_, key: string, sig: string) => `${key}"<redacted sha256:${fingerprint(sig)}>"`,
  );
}

export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function cutBody(body: string, options: RequestLogOptions): string {
  return body.length <= options.maxBodyChars
    ? body
    : `${body.slice(0, options.maxBodyChars)}… (${body.length - options.maxBodyChars} more characters not kept)`;
}

/** Whether a call of this environment keeps its bodies: Live bodies hold real buyers' data (docs/decisions.md). */
export function keepsBodies(environment: Environment | null): boolean {
  return environment !== 'Live';
}

/** The console's read of the log. */
export function requestLogEntries(ctx: AppContext, filter: RequestLogFilter): Promise<RequestLogEntry[]> {
  return ctx.store.reader.requestLog.list(filter);
}

export function requestLogEntry(ctx: AppContext, seq: number): Promise<RequestLogEntry | undefined> {
  return ctx.store.reader.requestLog.get(seq);
}
