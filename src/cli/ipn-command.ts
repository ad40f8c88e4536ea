import { deliveryLog, ipnEndpoints, replayNotification, setIpnEndpoint } from '../app/ipn/admin.js';
import type { Environment } from '../domain/environment.js';
import { checkEndpointUrl } from '../domain/ipn-delivery.js';
import type { IpnAttempt } from '../store/store.js';
import { environmentFlag, parseCommand, print, required, UsageError, withApp } from './command-support.js';

export const IPN_USAGE = `  reji ipn set --merchant-id ID --env sandbox|live --url URL [--json]
  reji ipn get --merchant-id ID [--env sandbox|live] [--json]
  reji ipn log --merchant-id ID [--notification-id ID] [--limit N] [--json]
  reji ipn replay NOTIFICATION_ID [--json]`;

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function attemptJson(a: IpnAttempt) {
  return {
    attemptedAt: iso(a.attemptedAt),
    notificationId: a.notificationId,
    environment: a.environment,
    objectType: a.objectType,
    objectId: a.objectId,
    attempt: a.attempt,
    url: a.url,
    statusCode: a.statusCode,
    error: a.error,
    latencyMs: a.latencyMs,
    outcome: a.outcome,
    nextAttemptAt: iso(a.nextAttemptAt),
  };
}

function attemptLine(a: IpnAttempt): string {
  const result = a.statusCode !== null ? String(a.statusCode) : (a.error ?? '-');
  const next = a.nextAttemptAt === null ? '' : `  next ${iso(a.nextAttemptAt)}`;
  return `${iso(a.attemptedAt)}  ${a.notificationId}  ${a.objectType} ${a.objectId}  #${a.attempt}  ${result}  ${a.latencyMs} ms  ${a.outcome}${next}`;
}

/** `reji ipn set|get|log|replay`: the merchant's notification endpoints, its delivery log, and replays. */
export async function ipnCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'set': {
      const { values } = parseCommand(rest, {
        'merchant-id': { type: 'string' },
        env: { type: 'string' },
        url: { type: 'string' },
      });
      const merchantId = required(values, 'merchant-id');
      required(values, 'env');
      const env = environmentFlag(values)!;
      const url = required(values, 'url');
      const checked = checkEndpointUrl(url, env);
      if (!checked.ok) throw new UsageError(`--url: ${checked.why}`);
      const endpoint = await withApp(values, (app) => setIpnEndpoint(app.ctx, { merchantId, environment: env, url }));
      print(
        values,
        { merchantId, environment: endpoint.environment, url: endpoint.url },
        `${endpoint.environment} notifications of ${merchantId} go to ${endpoint.url}`,
      );
      return;
    }
    case 'get': {
      const { values } = parseCommand(rest, { 'merchant-id': { type: 'string' }, env: { type: 'string' } });
      const merchantId = required(values, 'merchant-id');
      const env = environmentFlag(values);
      const endpoints = await withApp(values, (app) => ipnEndpoints(app.ctx, merchantId, env));
      const envs: Environment[] = env ? [env] : ['Sandbox', 'Live'];
      const rows = envs.map((e) => ({ environment: e, url: endpoints.find((x) => x.environment === e)?.url ?? null }));
      print(
        values,
        { merchantId, endpoints: rows },
        rows.map((r) => `${r.environment.padEnd(7)} ${r.url ?? '(not set)'}`).join('\n'),
      );
      return;
    }
    case 'log': {
      const { values } = parseCommand(rest, {
        'merchant-id': { type: 'string' },
        'notification-id': { type: 'string' },
        limit: { type: 'string' },
      });
      const merchantId = required(values, 'merchant-id');
      const limitRaw = (values['limit'] as string | undefined) ?? '50';
      if (!/^\d+$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 10_000)
        throw new UsageError('--limit must be a whole number from 1 to 10000');
      const notificationId = values['notification-id'] as string | undefined;
      const attempts = await withApp(values, (app) =>
        deliveryLog(app.ctx, merchantId, { limit: Number(limitRaw), ...(notificationId ? { notificationId } : {}) }),
      );
      print(
        values,
        { merchantId, attempts: attempts.map(attemptJson) },
        attempts.length === 0 ? 'no delivery attempts yet' : attempts.map(attemptLine).join('\n'),
      );
      return;
    }
    case 'replay': {
      const { values, positionals } = parseCommand(rest, {}, 1);
      const notificationId = positionals[0];
      if (!notificationId) throw new UsageError('usage: reji ipn replay NOTIFICATION_ID');
      const n = await withApp(values, (app) => replayNotification(app.ctx, notificationId));
      print(
        values,
        { notificationId: n.notificationId, status: n.status, nextAttemptAt: iso(n.nextAttemptAt) },
        `notification ${n.notificationId} (${n.objectType} ${n.objectId}) will be sent again now`,
      );
      return;
    }
    default:
      throw new UsageError(`usage:\n${IPN_USAGE}`);
  }
}
