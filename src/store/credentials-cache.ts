import type { Credentials } from './merchants.js';

/**
 * Whether cached credentials still match the database: 'fresh' (use them), 'changed' (another process
 * committed something since the last look: start over) or 'unknown' (cannot tell now: read the database).
 */
export type Freshness = () => 'fresh' | 'changed' | 'unknown';

const MAX_ENTRIES = 10_000;

/**
 * Public keys with their merchants, kept in process so that a signed call need not read them each time.
 * Exact, not timed: this process's own merchant and key writes clear it when their transaction ends
 * (`clear`), other processes' writes through `freshness` (PostgreSQL: a LISTEN connection that hears the
 * triggers of migration 0013; SQLite: `PRAGMA data_version`). A read that overlapped a clear is not kept.
 * Only rows are cached; every request is still verified against the key.
 */
export class CredentialsCache {
  #entries = new Map<string, Credentials>();
  #epoch = 0;

  constructor(private readonly freshness: Freshness) {}

  async get(
    publicKeyId: string,
    load: (publicKeyId: string) => Promise<Credentials | undefined>,
  ): Promise<Credentials | undefined> {
    const state = this.freshness();
    if (state === 'changed') this.clear();
    if (state === 'unknown') return load(publicKeyId);
    const hit = this.#entries.get(publicKeyId);
    if (hit) return hit;
    const epoch = this.#epoch;
    const loaded = await load(publicKeyId);
    // A miss is not kept: a key registered elsewhere is found by the next call.
    if (loaded && epoch === this.#epoch) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(publicKeyId, deepFreeze(loaded));
    }
    return loaded;
  }

  /** Forgets everything, including what reads in flight are about to return. */
  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }
}

/** Shared between requests: nobody may change it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
