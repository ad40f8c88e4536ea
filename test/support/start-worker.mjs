// A worker thread that opens a store (migrating it) and seeds the test buyers at the same instant as its
// siblings: its own thread and connection, like another process. Plain JS so it can load tsx first.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { openStore } = await import('../../src/store/open-store.ts');
const { ensureTestBuyers } = await import('../../src/app/test-buyers.ts');
const { dataDir, databaseUrl, barrier } = workerData;
const gate = new Int32Array(barrier);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
try {
  const store = await openStore({ dataDir, databaseUrl });
  try {
    const created = await store.transaction((tx) => ensureTestBuyers(tx, Date.now()));
    parentPort.postMessage({ ok: true, created });
  } finally {
    await store.close();
  }
} catch (error) {
  parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
}
