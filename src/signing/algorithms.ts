/** The two request-signing algorithms of Amazon Pay API v2; they differ only in the PSS salt length. */
export const SIGNING_ALGORITHMS = {
  'AMZN-PAY-RSASSA-PSS': { saltLength: 20 },
  'AMZN-PAY-RSASSA-PSS-V2': { saltLength: 32 },
} as const;

export type SigningAlgorithm = keyof typeof SIGNING_ALGORITHMS;

/** The official SDKs default to the legacy algorithm when none is configured. */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'AMZN-PAY-RSASSA-PSS';

export function isSigningAlgorithm(name: string): name is SigningAlgorithm {
  return Object.hasOwn(SIGNING_ALGORITHMS, name);
}
