import type { CurrencyCode } from './money.js';
import { SECOND } from './time.js';

/**
 * EU/UK strong customer authentication (PSD2) in the sandbox (docs/sandbox.md, "Strong customer
 * authentication"): the simulated card ending 3155 asks for a one-time code when it pays a merchant whose
 * ledger currency is EUR or GBP. The sandbox's issuer accepts one code; any other code fails the challenge.
 */

export const SANDBOX_ONE_TIME_CODE = '123456';

/** Where PSD2 applies: merchants of the EU/UK region, whose ledger currency is EUR or GBP. */
export function scaApplies(ledgerCurrency: CurrencyCode): boolean {
  return ledgerCurrency === 'EUR' || ledgerCurrency === 'GBP';
}

/** Six digits, spaces ignored: what the challenge form accepts as a code at all. */
export function normalizeOneTimeCode(input: string): string | undefined {
  const code = input.replace(/\s/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

export function isRightOneTimeCode(input: string): boolean {
  return normalizeOneTimeCode(input) === SANDBOX_ONE_TIME_CODE;
}

/** How long a saved-wallet charge waits for the buyer's step-up before it is declined (MFAFailed). */
export const STEP_UP_WINDOW_MS = 15 * 60 * SECOND;
