import { ApiError } from '../app/api-error.js';
import type { Caller } from '../app/context.js';
import { delegationsOf, exchangeAuthorizationToken, grantDelegation, revokeDelegation } from '../app/delegation.js';
import {
  claimMerchantAccount,
  createAccountStore,
  deleteMerchantAccount,
  registerMerchantAccount,
  updateAccountStore,
  updateMerchantAccount,
} from '../app/merchant-accounts.js';
import { RESPONSES } from '../wire/responses.js';
import {
  claimMerchantAccountRequest,
  createStoreRequest,
  registerMerchantAccountRequest,
  testingDelegationRequest,
  updateMerchantAccountRequest,
  updateStoreRequest,
} from '../wire/requests.js';
import { defineRoute, reply } from './route-table.js';
import {
  wireAuthorizationToken,
  wireDelegation,
  wireDelegations,
  wireMerchantAccount,
  wireMerchantAccountClaim,
  wireStoreId,
} from './wire-mapping.js';

/** Granting and revoking access is the merchant's own act: a partner acting with a token may not pass it on. */
function ownKeyOnly(caller: Caller): void {
  if (caller.partner)
    throw new ApiError('UnauthorizedAccess', "Only the merchant's own key grants or revokes delegated access.");
}

/**
 * Partner (solution provider) operations: JP merchant onboarding (spec 12 §12.6) and the token exchange of delegated
 * access (§12.7); plus the testing endpoints with which a merchant grants, lists and revokes delegated access.
 */
export const PARTNER_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/merchantAccounts',
    // Register Amazon Pay Account and Create Merchant Account: one path, told apart by the body (decisions.md).
    operation: 'RegisterMerchantAccount',
    access: 'partner',
    body: registerMerchantAccountRequest,
    response: RESPONSES.MerchantAccount,
    simulation: 'Other',
    status: 201,
    handler: async (ctx, { caller, body }) => wireMerchantAccount(await registerMerchantAccount(ctx, caller, body)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/merchantAccounts/:merchantAccountId',
    operation: 'UpdateMerchantAccount',
    access: 'partner',
    body: updateMerchantAccountRequest,
    response: RESPONSES.MerchantAccount,
    simulation: 'Other',
    otherStatuses: [204],
    handler: async (ctx, { caller, params, body }) => {
      const r = await updateMerchantAccount(ctx, caller, params.merchantAccountId, body);
      // A non-loginable Amazon Pay Account answers 204 (Node SDK suite), a merchant account 200 (PHP README).
      return r.type === 'AmazonPayAccount' ? reply(204, undefined) : wireMerchantAccount(r);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/merchantAccounts/:merchantAccountId',
    operation: 'DeleteMerchantAccount',
    access: 'partner',
    simulation: 'Other',
    status: 202,
    handler: async (ctx, { caller, params }) => {
      await deleteMerchantAccount(ctx, caller, params.merchantAccountId);
      return reply(202, undefined);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/merchantAccounts/:merchantAccountId/claim',
    operation: 'MerchantAccountClaim',
    access: 'partner',
    body: claimMerchantAccountRequest,
    response: RESPONSES.MerchantAccountClaim,
    simulation: 'Other',
    status: 303,
    handler: async (ctx, { caller, params, body }) => {
      const r = await claimMerchantAccount(ctx, caller, params.merchantAccountId, body.uniqueReferenceId);
      return reply(303, wireMerchantAccountClaim(r), { location: r.claimUrl });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/merchantAccounts/:merchantAccountId/stores',
    operation: 'CreateStore',
    access: 'partner',
    body: createStoreRequest,
    response: RESPONSES.StoreId,
    simulation: 'Other',
    status: 201,
    handler: async (ctx, { caller, params, body }) =>
      wireStoreId(await createAccountStore(ctx, caller, params.merchantAccountId, body)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/merchantAccounts/:merchantAccountId/stores/:storeId',
    operation: 'UpdateStore',
    access: 'partner',
    body: updateStoreRequest,
    response: RESPONSES.StoreId,
    simulation: 'Other',
    handler: async (ctx, { caller, params, body }) =>
      wireStoreId(await updateAccountStore(ctx, caller, params.merchantAccountId, params.storeId, body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/authorizationTokens/:mwsAuthToken',
    operation: 'GetAuthorizationToken',
    access: 'partner',
    response: RESPONSES.AuthorizationToken,
    simulation: 'Other',
    handler: async (ctx, { caller, params, query }) => {
      if (caller.merchant.kind !== 'partner')
        throw new ApiError(
          'InvalidRequest',
          'Exchange an MWS auth token with the partner key alone, without x-amz-pay-authtoken.',
        );
      return wireAuthorizationToken(
        await exchangeAuthorizationToken(
          ctx,
          caller.merchant,
          caller.environment,
          params.mwsAuthToken,
          query['merchantId']?.at(-1),
        ),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/delegations',
    operation: 'TestingGrantDelegation',
    body: testingDelegationRequest,
    response: RESPONSES.Delegation,
    simulation: 'Other',
    sandboxOnly: true,
    status: 201,
    handler: async (ctx, { caller, body }) => {
      ownKeyOnly(caller);
      return wireDelegation(
        await grantDelegation(ctx, { merchantId: caller.merchant.merchantId, partnerId: body.partnerId }),
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/delegations',
    operation: 'TestingListDelegations',
    access: 'any',
    response: RESPONSES.DelegationList,
    simulation: 'Other',
    sandboxOnly: true,
    // A partner sees the grants it holds, a merchant those it gave.
    handler: async (ctx, { caller }) =>
      wireDelegations(
        await delegationsOf(
          ctx,
          caller.partner ? { partnerId: caller.partner.merchantId } : { merchantId: caller.merchant.merchantId },
        ),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/testing/delegations/:mwsAuthToken',
    operation: 'TestingRevokeDelegation',
    response: RESPONSES.Delegation,
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller, params }) => {
      ownKeyOnly(caller);
      return wireDelegation(await revokeDelegation(ctx, params.mwsAuthToken, caller.merchant.merchantId));
    },
  }),
];
