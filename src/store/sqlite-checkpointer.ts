import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite write-ahead log into the database file from a worker thread with its own
 * connection. SQLite's automatic checkpoint runs inside the COMMIT that takes the log past
 * `wal_autocheckpoint` pages and ends with an fsync: with the default of 1000 pages, every hundred or
 * so writes the event loop (and every request waiting on it) stood still for milliseconds. The worker's
 * PASSIVE checkpoints never wait for readers or writers; the committing connection keeps a much higher
 * automatic checkpoint, which then finds little left to copy and lets the log start over.
 */
export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

// Plain CommonJS so that the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or briefly unavailable: the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Starts checkpointing `path` every `intervalMs`, from `delayMs` on: a worker boots a whole Node
 * environment (about 100 ms of CPU), which would otherwise be part of every start-up; until it runs,
 * the committing connection's automatic checkpoint still bounds the log. `onFailure` runs if the worker
 * fails (the caller restores the default).
 */
export function startSqliteCheckpointer(
  path: string,
  intervalMs: number,
  onFailure: (error: Error) => void,
  delayMs = 0,
): SqliteCheckpointer {
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let failed = false;
  let stopped = false;
  const start = () => {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, module } });
    // A one-off CLI command must be able to exit while the worker runs.
    w.unref();
    w.once('error', (error) => {
      failed = true;
      onFailure(error);
    });
    exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    worker = w;
  };
  const timer =
    delayMs > 0
      ? setTimeout(() => {
          if (!stopped) start();
        }, delayMs)
      : undefined;
  timer?.unref();
  if (!timer) start();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (!worker || failed) return;
      // Unreferenced, the worker would not keep the process alive until it has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
