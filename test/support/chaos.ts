/**
 * Sizes of the reliability suites (test/chaos): small in `npm test`, full with `npm run test:chaos`
 * (REJI_CHAOS=full). REJI_CHAOS_SEED replays a run (every run prints its seed).
 */
export const CHAOS_FULL = process.env['REJI_CHAOS'] === 'full';

export function chaosSize(bounded: number, full: number): number {
  return CHAOS_FULL ? full : bounded;
}

export const CHAOS_SEED = Number(process.env['REJI_CHAOS_SEED'] ?? Date.now() % 2 ** 31);

/** A small seeded generator (mulberry32): the same seed gives the same kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
