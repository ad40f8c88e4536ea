/** Randomness comes in as an argument so that the domain stays pure and tests stay repeatable. */
export interface RandomSource {
  /** `length` uniformly random bytes. */
  bytes(length: number): Uint8Array;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';

/** Picks characters from an alphabet without modulo bias (rejection sampling). */
export function randomString(random: RandomSource, alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export const randomUpperAlnum = (r: RandomSource, n: number) => randomString(r, UPPER_ALNUM, n);
export const randomDigits = (r: RandomSource, n: number) => randomString(r, DIGITS, n);
export const randomHex = (r: RandomSource, n: number) => randomString(r, HEX, n);

/** An RFC 4122 version-4 UUID. */
export function randomUuid(random: RandomSource): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
