import type { Environment } from './environment.js';
import { randomDigits, randomHex, randomUpperAlnum, randomUuid, type RandomSource } from './random.js';

/**
 * Identifier formats, following what Amazon Pay hands out (see docs/decisions.md, "Identifiers").
 * Charge permissions carry the environment in their first letter, like Amazon's order references:
 * S = sandbox, P = production; recurring ones use C (sandbox) and B (production).
 */
export function newMerchantId(random: RandomSource): string {
  return `A${randomUpperAlnum(random, 13)}`;
}

export function newStoreId(random: RandomSource): string {
  return `amzn1.application-oa2-client.${randomHex(random, 32)}`;
}

export function newPublicKeyId(random: RandomSource, kind: 'Sandbox' | 'Live' | 'legacy'): string {
  const core = randomUpperAlnum(random, 24);
  return kind === 'legacy' ? core : `${kind === 'Sandbox' ? 'SANDBOX' : 'LIVE'}-${core}`;
}

export function newCheckoutSessionId(random: RandomSource): string {
  return randomUuid(random);
}

export function newChargePermissionId(random: RandomSource, environment: Environment, recurring: boolean): string {
  const letter = recurring ? (environment === 'Sandbox' ? 'C' : 'B') : environment === 'Sandbox' ? 'S' : 'P';
  return `${letter}01-${randomDigits(random, 7)}-${randomDigits(random, 7)}`;
}

export function newChargeId(random: RandomSource, chargePermissionId: string): string {
  return `${chargePermissionId}-C${randomDigits(random, 6)}`;
}

export function newRefundId(random: RandomSource, chargePermissionId: string): string {
  return `${chargePermissionId}-R${randomDigits(random, 6)}`;
}

/** `S01-0000000-0000000-B000000`: the six digits of Amazon's examples (spec 12 §12.9.1). */
export function newDisputeId(random: RandomSource, chargePermissionId: string): string {
  return `${chargePermissionId}-B${randomDigits(random, 6)}`;
}

/** Evidence files: `file_` and 32 hex digits (the documentation's example starts with `file_`). */
export function newFileId(random: RandomSource): string {
  return `file_${randomHex(random, 32)}`;
}

export function newBuyerId(random: RandomSource): string {
  return `amzn1.account.${randomUpperAlnum(random, 28)}`;
}

/** Ids that reach a URL path are checked against this before any lookup. */
export const ID_PATTERNS = {
  checkoutSession: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  chargePermission: /^[A-Z]\d{2}-\d{7}-\d{7}$/,
  charge: /^[A-Z]\d{2}-\d{7}-\d{7}-C\d{6}$/,
  refund: /^[A-Z]\d{2}-\d{7}-\d{7}-R\d{6}$/,
  dispute: /^[A-Z]\d{2}-\d{7}-\d{7}-B\d{6}$/,
  file: /^file_[0-9a-f]{32}$/,
} as const;
