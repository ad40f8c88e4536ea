import { writeFileSync } from 'node:fs';
import { createPartner, delegationsOf, grantDelegation, revokeDelegation } from '../app/delegation.js';
import { merchantAccountsOf } from '../app/merchant-accounts.js';
import { createKeyPair, merchantOf } from '../app/merchants.js';
import { isRegion, REGIONS } from '../domain/regions.js';
import { environmentFlag, parseCommand, print, required, UsageError, withApp } from './command-support.js';

export const PARTNER_USAGE = `  reji partner create --region jp|us|uk|de|eu [--name NAME] [--json]
  reji partner keys create --partner-id ID [--env sandbox|live] --private-key-out FILE [--json]
  reji partner grant --merchant-id ID --partner-id ID [--json]
  reji partner revoke --mws-auth-token TOKEN [--json]
  reji partner delegations (--partner-id ID | --merchant-id ID) [--json]
  reji partner accounts --partner-id ID [--json]`;

/** `reji partner …`: partner (solution provider) accounts, their keys and merchants' grants of delegated access. */
export async function partnerCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values } = parseCommand(rest, { region: { type: 'string' }, name: { type: 'string' } });
    const region = required(values, 'region');
    if (!isRegion(region)) throw new UsageError(`--region must be one of ${REGIONS.join(', ')}`);
    const p = await withApp(values, (app) =>
      createPartner(app.ctx, { region, name: values['name'] as string | undefined }),
    );
    print(
      values,
      { partnerId: p.merchantId, name: p.name, region: p.region },
      `partnerId ${p.merchantId}\nname ${p.name}\nregion ${p.region}`,
    );
    return;
  }
  if (sub === 'keys' && rest[0] === 'create') {
    const { values } = parseCommand(rest.slice(1), {
      'partner-id': { type: 'string' },
      env: { type: 'string' },
      'private-key-out': { type: 'string' },
    });
    const partnerId = required(values, 'partner-id');
    const out = required(values, 'private-key-out');
    const key = await withApp(values, async (app) => {
      const p = await merchantOf(app.ctx, partnerId);
      if (p?.kind !== 'partner') throw new UsageError(`${partnerId} is not a partner (reji partner create)`);
      return createKeyPair(app.ctx, {
        merchantId: partnerId,
        environment: environmentFlag(values) ?? 'Sandbox',
        legacy: false,
      });
    });
    writeFileSync(out, key.privateKeyPem, { mode: 0o600 });
    print(
      values,
      { publicKeyId: key.publicKeyId, privateKeyFile: out },
      `publicKeyId ${key.publicKeyId}\nprivateKeyFile ${out}`,
    );
    return;
  }
  if (sub === 'grant') {
    const { values } = parseCommand(rest, { 'merchant-id': { type: 'string' }, 'partner-id': { type: 'string' } });
    const input = { merchantId: required(values, 'merchant-id'), partnerId: required(values, 'partner-id') };
    const d = await withApp(values, (app) => grantDelegation(app.ctx, input));
    print(
      values,
      { mwsAuthToken: d.mwsAuthToken, merchantId: d.merchantId, partnerId: d.partnerId },
      `mwsAuthToken ${d.mwsAuthToken}\nmerchantId ${d.merchantId}\npartnerId ${d.partnerId}`,
    );
    return;
  }
  if (sub === 'revoke') {
    const { values } = parseCommand(rest, { 'mws-auth-token': { type: 'string' } });
    const token = required(values, 'mws-auth-token');
    const d = await withApp(values, (app) => revokeDelegation(app.ctx, token));
    print(values, { mwsAuthToken: d.mwsAuthToken, revoked: true }, `revoked ${d.mwsAuthToken}`);
    return;
  }
  if (sub === 'delegations') {
    const { values } = parseCommand(rest, { 'merchant-id': { type: 'string' }, 'partner-id': { type: 'string' } });
    const partnerId = values['partner-id'] as string | undefined;
    const merchantId = values['merchant-id'] as string | undefined;
    if ((partnerId === undefined) === (merchantId === undefined))
      throw new UsageError('give exactly one of --partner-id and --merchant-id');
    const list = await withApp(values, (app) =>
      delegationsOf(app.ctx, partnerId !== undefined ? { partnerId } : { merchantId: merchantId! }),
    );
    const rows = list.map((d) => ({
      mwsAuthToken: d.mwsAuthToken,
      merchantId: d.merchantId,
      partnerId: d.partnerId,
      createdAt: new Date(d.createdAt).toISOString(),
      revokedAt: d.revokedAt === null ? null : new Date(d.revokedAt).toISOString(),
    }));
    print(
      values,
      { delegations: rows },
      rows
        .map((r) => `${r.mwsAuthToken} ${r.merchantId} -> ${r.partnerId}${r.revokedAt ? ' (revoked)' : ''}`)
        .join('\n') || 'no delegations',
    );
    return;
  }
  if (sub === 'accounts') {
    const { values } = parseCommand(rest, { 'partner-id': { type: 'string' } });
    const partnerId = required(values, 'partner-id');
    const list = await withApp(values, (app) => merchantAccountsOf(app.ctx, partnerId));
    const rows = list.map((a) => ({
      merchantAccountId: a.merchantAccountId,
      uniqueReferenceId: a.uniqueReferenceId,
      environment: a.environment,
      type: a.type,
      state: a.state,
      claimed: a.claimedAt !== null,
    }));
    print(
      values,
      { merchantAccounts: rows },
      rows
        .map((r) => `${r.merchantAccountId} ${r.uniqueReferenceId} ${r.environment} ${r.type} ${r.state}`)
        .join('\n') || 'no merchant accounts',
    );
    return;
  }
  throw new UsageError(`usage:\n${PARTNER_USAGE}`);
}
