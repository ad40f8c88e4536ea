import type { Environment } from '../domain/environment.js';
import { accountStateAt } from '../domain/partners.js';
import type { Region } from '../domain/regions.js';
import { hashSecret, issueToken, readToken } from './buyer-sessions.js';
import { nowFor, type AppContext } from './context.js';
import { inTransaction } from './transactions.js';

/**
 * The merchant's side of Merchant Account Claim (spec 12 §12.6.2): the partner's claim call gives a one-time link;
 * the merchant opens it, confirms with the account's email address, and only then owns the account
 * (docs/decisions.md, "Partners and delegation", "Claim").
 */

/** How long a claim link stays valid (real time); each claim call makes a new one, earlier ones stay valid. */
export const CLAIM_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The claim link for `merchantAccountId`: its secret is the token the page reads. */
export async function issueClaimLink(ctx: AppContext, merchantAccountId: string, partnerId: string): Promise<string> {
  const ticket = await issueToken(ctx, 'accountClaim', merchantAccountId, CLAIM_LINK_LIFETIME_MS, { partnerId });
  const q = new URLSearchParams({ merchantAccountId, ticket });
  return `${ctx.publicUrl}/checkout/account-claim?${q.toString()}`;
}

/** What the claim page shows: who set the account up and for whom. */
export interface ClaimView {
  readonly merchantAccountId: string;
  readonly businessName: string;
  readonly partnerName: string;
  readonly environment: Environment;
  readonly region: Region;
  /** The page asks for the account's email address (case and surrounding spaces do not matter); false when it has none. */
  readonly needsEmail: boolean;
  /** Already taken over (by this link or another): the page says so and asks nothing. */
  readonly claimed: boolean;
}

export type ClaimRefusal = 'linkInvalid' | 'accountDeleted';

export type ClaimLookup =
  | { readonly ok: true; readonly view: ClaimView }
  | { readonly ok: false; readonly reason: ClaimRefusal };

async function lookup(ctx: AppContext, merchantAccountId: string, ticket: string) {
  const token = await readToken(ctx, 'accountClaim', ticket);
  if (!token || token.usedAt !== null || token.subject !== merchantAccountId) return undefined;
  const account = await ctx.store.reader.merchants.merchantAccount(merchantAccountId);
  if (account?.type !== 'MerchantAccount') return undefined;
  const merchant = await ctx.store.reader.merchants.get(merchantAccountId);
  const partner = await ctx.store.reader.merchants.get(account.partnerId);
  if (!merchant || !partner) return undefined;
  return { account, merchant, partner };
}

function emailOf(details: Readonly<Record<string, unknown>>): string | null {
  const info = details['businessInfo'];
  const email = typeof info === 'object' && info !== null ? (info as Record<string, unknown>)['email'] : undefined;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : null;
}

type Found = NonNullable<Awaited<ReturnType<typeof lookup>>>;

function viewOf(ctx: AppContext, found: Found): ClaimLookup {
  const { account, merchant, partner } = found;
  if (accountStateAt(account, nowFor(ctx, merchant, account.environment)) === 'Deleted')
    return { ok: false, reason: 'accountDeleted' };
  return {
    ok: true,
    view: {
      merchantAccountId: account.merchantAccountId,
      businessName: merchant.name,
      partnerName: partner.name,
      environment: account.environment,
      region: merchant.region,
      needsEmail: emailOf(account.details) !== null,
      claimed: account.claimedAt !== null,
    },
  };
}

/** The claim page for a link: refused when the link is unknown, expired, used, or the account was deleted. */
export async function claimPageOf(ctx: AppContext, merchantAccountId: string, ticket: string): Promise<ClaimLookup> {
  const found = await lookup(ctx, merchantAccountId, ticket);
  return found ? viewOf(ctx, found) : { ok: false, reason: 'linkInvalid' };
}

export type ClaimConfirmation =
  | { readonly ok: true; readonly view: ClaimView }
  | { readonly ok: false; readonly reason: ClaimRefusal | 'wrongEmail'; readonly view?: ClaimView };

/**
 * The merchant confirms: with the account's email address (when it has one) the link is used up and the account
 * is claimed; a wrong address leaves both as they were.
 */
export async function confirmAccountClaim(
  ctx: AppContext,
  form: { readonly merchantAccountId: string; readonly ticket: string; readonly email: string },
): Promise<ClaimConfirmation> {
  const found = await lookup(ctx, form.merchantAccountId, form.ticket);
  if (!found) return { ok: false, reason: 'linkInvalid' };
  const page = viewOf(ctx, found);
  if (!page.ok) return page;
  const expected = emailOf(found.account.details);
  if (expected !== null && form.email.trim().toLowerCase() !== expected)
    return { ok: false, reason: 'wrongEmail', view: page.view };
  const now = ctx.clock.now();
  const done = await inTransaction(ctx, async (tx) => {
    const used = await tx.hosted.consumeToken(hashSecret(form.ticket), 'accountClaim', now);
    if (!used) return false;
    const account = await tx.merchants.merchantAccount(form.merchantAccountId);
    if (!account) return false;
    // Claimed already (another link): the first claim's time stays.
    if (account.claimedAt === null)
      await tx.merchants.updateMerchantAccount({ ...account, claimedAt: now, updatedAt: now }, account.version);
    return true;
  });
  if (!done) return { ok: false, reason: 'linkInvalid' };
  ctx.log.info('merchant account claimed', { merchantAccountId: form.merchantAccountId });
  return { ok: true, view: { ...page.view, claimed: true } };
}
