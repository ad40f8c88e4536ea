import type { Transaction } from 'kysely';
import type { Instant } from '../domain/time.js';
import type {
  BuyerSessionRecord,
  HostedReads,
  HostedTokenKind,
  HostedTokenRecord,
  HostedTx,
  SignInThrottleRecord,
} from './hosted.js';
import type { DialectName } from './migrations.js';
import type { Executor } from './prepared.js';
import type { BuyerSessionRow, Database, HostedTokenRow } from './schema.js';

function toBuyerSession(r: BuyerSessionRow): BuyerSessionRecord {
  return {
    sessionHash: r.session_hash,
    buyerId: r.buyer_id,
    csrfToken: r.csrf_token,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    data: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

function toHostedToken(r: HostedTokenRow): HostedTokenRecord {
  return {
    tokenHash: r.token_hash,
    kind: r.kind as HostedTokenKind,
    subject: r.subject,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null ? null : Number(r.used_at),
    data: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

export class KyselyHostedReads implements HostedReads {
  constructor(protected readonly db: Executor) {}

  async session(sessionHash: string): Promise<BuyerSessionRecord | undefined> {
    const r = await this.db
      .selectFrom('buyer_sessions')
      .selectAll()
      .where('session_hash', '=', sessionHash)
      .executeTakeFirst();
    return r && toBuyerSession(r);
  }
  async token(tokenHash: string): Promise<HostedTokenRecord | undefined> {
    const r = await this.db
      .selectFrom('hosted_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r && toHostedToken(r);
  }
}

export class KyselyHostedTx extends KyselyHostedReads implements HostedTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
  ) {
    super(trx);
  }

  async insertSession(b: BuyerSessionRecord): Promise<void> {
    await this.trx
      .insertInto('buyer_sessions')
      .values({
        session_hash: b.sessionHash,
        buyer_id: b.buyerId,
        csrf_token: b.csrfToken,
        created_at: b.createdAt,
        expires_at: b.expiresAt,
        doc: JSON.stringify(b.data),
      })
      .execute();
  }
  async updateSession(b: BuyerSessionRecord): Promise<void> {
    await this.trx
      .updateTable('buyer_sessions')
      .set({ buyer_id: b.buyerId, csrf_token: b.csrfToken, expires_at: b.expiresAt, doc: JSON.stringify(b.data) })
      .where('session_hash', '=', b.sessionHash)
      .execute();
  }
  async deleteSession(sessionHash: string): Promise<void> {
    await this.trx.deleteFrom('buyer_sessions').where('session_hash', '=', sessionHash).execute();
  }
  async insertToken(t: HostedTokenRecord): Promise<void> {
    await this.trx
      .insertInto('hosted_tokens')
      .values({
        token_hash: t.tokenHash,
        kind: t.kind,
        subject: t.subject,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        used_at: t.usedAt,
        doc: JSON.stringify(t.data),
      })
      .execute();
  }
  async consumeToken(tokenHash: string, kind: HostedTokenKind, now: Instant): Promise<HostedTokenRecord | undefined> {
    // The conditional update is what makes a token usable once, even with concurrent requests.
    const result = await this.trx
      .updateTable('hosted_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.token(tokenHash);
  }
  async lockSignInThrottle(attemptKey: string): Promise<SignInThrottleRecord> {
    await this.trx
      .insertInto('sign_in_throttle')
      .values({ attempt_key: attemptKey, failures: 0, last_at: 0, next_at: 0 })
      .onConflict((oc) => oc.column('attempt_key').doNothing())
      .execute();
    let q = this.trx.selectFrom('sign_in_throttle').selectAll().where('attempt_key', '=', attemptKey);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirstOrThrow();
    return { failures: Number(r.failures), lastAt: Number(r.last_at), nextAt: Number(r.next_at) };
  }
  async putSignInThrottle(attemptKey: string, state: SignInThrottleRecord): Promise<void> {
    await this.trx
      .updateTable('sign_in_throttle')
      .set({ failures: state.failures, last_at: state.lastAt, next_at: state.nextAt })
      .where('attempt_key', '=', attemptKey)
      .execute();
  }
  async purge(now: Instant, failuresBefore: Instant): Promise<void> {
    await this.trx.deleteFrom('buyer_sessions').where('expires_at', '<=', now).execute();
    await this.trx.deleteFrom('hosted_tokens').where('expires_at', '<=', now).execute();
    // Rows of the table the throttle replaced (migration 0005) age out like the rest.
    await this.trx.deleteFrom('sign_in_failures').where('at', '<', failuresBefore).execute();
    await this.trx
      .deleteFrom('sign_in_throttle')
      .where('last_at', '<', failuresBefore)
      .where('next_at', '<=', now)
      .execute();
  }
}
