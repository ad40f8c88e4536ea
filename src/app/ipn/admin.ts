import type { Environment } from '../../domain/environment.js';
import { checkEndpointUrl } from '../../domain/ipn-delivery.js';
import type { IpnAttempt, IpnEndpoint, NotificationRecord } from '../../store/store.js';
import { ApiError } from '../api-error.js';
import { nowFor, type AppContext } from '../context.js';
import { inTransaction } from '../transactions.js';

/** What `reji ipn set|get|log|replay` do: endpoints per merchant and environment, the log, replays. */

export async function setIpnEndpoint(
  ctx: AppContext,
  input: { merchantId: string; environment: Environment; url: string },
): Promise<IpnEndpoint> {
  const checked = checkEndpointUrl(input.url, input.environment);
  if (!checked.ok) throw new ApiError('InvalidParameterValue', `The notification endpoint is invalid: ${checked.why}.`);
  const merchant = await ctx.store.reader.merchants.get(input.merchantId);
  if (!merchant) throw new ApiError('ResourceNotFound', `Merchant ${input.merchantId} does not exist.`);
  const endpoint: IpnEndpoint = {
    merchantId: input.merchantId,
    environment: input.environment,
    url: checked.url,
    updatedAt: ctx.clock.now(),
  };
  await inTransaction(ctx, (tx) => tx.notifications.setEndpoint(endpoint));
  return endpoint;
}

export async function ipnEndpoints(
  ctx: AppContext,
  merchantId: string,
  environment?: Environment,
): Promise<IpnEndpoint[]> {
  if (!(await ctx.store.reader.merchants.get(merchantId)))
    throw new ApiError('ResourceNotFound', `Merchant ${merchantId} does not exist.`);
  const all = await ctx.store.reader.notifications.endpointsOf(merchantId);
  return environment === undefined ? all : all.filter((e) => e.environment === environment);
}

export async function deliveryLog(
  ctx: AppContext,
  merchantId: string,
  options: { limit?: number; notificationId?: string } = {},
): Promise<IpnAttempt[]> {
  if (!(await ctx.store.reader.merchants.get(merchantId)))
    throw new ApiError('ResourceNotFound', `Merchant ${merchantId} does not exist.`);
  return ctx.store.reader.notifications.attemptsOf(merchantId, options);
}

/**
 * Sends a notification again, whatever its state: a new delivery starts now (its environment clock)
 * with the full retry schedule. A worker holding it at this moment loses its claim.
 */
export async function replayNotification(ctx: AppContext, notificationId: string): Promise<NotificationRecord> {
  const n = await ctx.store.reader.notifications.get(notificationId);
  if (!n) throw new ApiError('ResourceNotFound', `Notification ${notificationId} does not exist.`);
  const merchant = await ctx.store.reader.merchants.get(n.merchantId);
  const now = merchant ? nowFor(ctx, merchant, n.environment) : ctx.clock.now();
  await inTransaction(ctx, (tx) => tx.notifications.replay(notificationId, now));
  const after = await ctx.store.reader.notifications.get(notificationId);
  if (!after) throw new ApiError('ResourceNotFound', `Notification ${notificationId} does not exist.`);
  return after;
}
