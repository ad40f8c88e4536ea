import type { Transaction } from 'kysely';
import type { Instant } from '../domain/time.js';
import type { BuyerItem, BuyerItemKind, BuyerReads, BuyerRecord, BuyerTx, Wallet } from './buyers.js';
import type { DialectName } from './migrations.js';
import { byKind, type Executor, PreparedQuery, readMany } from './prepared.js';
import type { BuyerItemRow, BuyerRow, Database } from './schema.js';

const ITEM_TABLES = { address: 'buyer_addresses', paymentMethod: 'buyer_payment_methods' } as const satisfies Record<
  BuyerItemKind,
  keyof Database
>;
const ITEM_KINDS = Object.keys(ITEM_TABLES) as BuyerItemKind[];

function toBuyer(r: BuyerRow): BuyerRecord {
  return {
    buyerId: r.buyer_id,
    region: r.region,
    email: r.email,
    name: r.name,
    phoneNumber: r.phone_number,
    passwordHash: r.password_hash,
    isTest: Number(r.is_test) === 1,
    createdAt: Number(r.created_at),
    profile: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

function toItem<T>(r: BuyerItemRow): BuyerItem<T> {
  return {
    id: r.id,
    buyerId: r.buyer_id,
    position: Number(r.position),
    value: JSON.parse(r.doc) as T,
    createdAt: Number(r.created_at),
  };
}

function walletOf<A, M>(buyers: BuyerRow[], addresses: BuyerItemRow[], methods: BuyerItemRow[]): Wallet<A, M> {
  const buyer = buyers[0];
  return {
    buyer: buyer && toBuyer(buyer),
    addresses: addresses.map((r) => toItem<A>(r)),
    paymentMethods: methods.map((r) => toItem<M>(r)),
  };
}

/** The test buyer the testing API acts for: the region's first, or the one with this e-mail. */
function testBuyer(db: Executor, region: string, email?: string) {
  let q = db.selectFrom('buyers').where('buyers.region', '=', region).where('buyers.is_test', '=', 1);
  if (email !== undefined) q = q.where('buyers.email', '=', email);
  return q.orderBy('buyers.created_at').orderBy('buyers.email').limit(1);
}

/** A test buyer and its wallet, by the arguments of `testBuyer`: three reads sent together. */
function testWalletQueries<A extends [string] | [string, string]>(
  pick: (db: Executor, ...args: A) => ReturnType<typeof testBuyer>,
) {
  return {
    buyer: new PreparedQuery((db, ...args: A) => pick(db, ...args).selectAll()),
    items: byKind(
      ITEM_KINDS,
      (kind) =>
        new PreparedQuery((db, ...args: A) =>
          db
            .selectFrom(ITEM_TABLES[kind])
            .selectAll()
            .where('buyer_id', '=', pick(db, ...args).select('buyers.buyer_id'))
            .where('deleted_at', 'is', null)
            .orderBy('position')
            .orderBy('created_at'),
        ),
    ),
  };
}

/** The buyers' queries of the hosted pages, compiled once per store (see PreparedQuery). */
export class BuyerQueries {
  constructor(readonly dialect: DialectName) {}
  readonly testWallet = {
    first: testWalletQueries((db, region: string) => testBuyer(db, region)),
    byEmail: testWalletQueries((db, region: string, email: string) => testBuyer(db, region, email)),
  };
  readonly buyer = new PreparedQuery((db, buyerId: string) =>
    db.selectFrom('buyers').selectAll().where('buyer_id', '=', buyerId),
  );
  readonly buyerByEmail = new PreparedQuery((db, region: string, email: string) =>
    db.selectFrom('buyers').selectAll().where('region', '=', region).where('email', '=', email),
  );
  readonly buyersOfRegion = new PreparedQuery((db, region: string) =>
    db.selectFrom('buyers').selectAll().where('region', '=', region).orderBy('created_at').orderBy('email'),
  );
  readonly testBuyersOfRegion = new PreparedQuery((db, region: string) =>
    db
      .selectFrom('buyers')
      .selectAll()
      .where('region', '=', region)
      .where('is_test', '=', 1)
      .orderBy('created_at')
      .orderBy('email'),
  );
  readonly items = byKind(
    ITEM_KINDS,
    (kind) =>
      new PreparedQuery((db, buyerId: string) =>
        db
          .selectFrom(ITEM_TABLES[kind])
          .selectAll()
          .where('buyer_id', '=', buyerId)
          .where('deleted_at', 'is', null)
          .orderBy('position')
          .orderBy('created_at'),
      ),
  );
  readonly item = byKind(
    ITEM_KINDS,
    (kind) =>
      new PreparedQuery((db, id: string) =>
        db.selectFrom(ITEM_TABLES[kind]).selectAll().where('id', '=', id).where('deleted_at', 'is', null),
      ),
  );
}

export class KyselyBuyerReads implements BuyerReads {
  constructor(
    protected readonly db: Executor,
    protected readonly q: BuyerQueries,
  ) {}

  async get(buyerId: string): Promise<BuyerRecord | undefined> {
    const r = await this.q.buyer.first(this.db, buyerId);
    return r && toBuyer(r);
  }
  async byEmail(region: string, email: string): Promise<BuyerRecord | undefined> {
    const r = await this.q.buyerByEmail.first(this.db, region, email.toLowerCase());
    return r && toBuyer(r);
  }
  async ofRegion(region: string, onlyTest: boolean): Promise<BuyerRecord[]> {
    const { rows } = await (onlyTest ? this.q.testBuyersOfRegion : this.q.buyersOfRegion).execute(this.db, region);
    return rows.map(toBuyer);
  }
  async items<T>(kind: BuyerItemKind, buyerId: string): Promise<BuyerItem<T>[]> {
    const { rows } = await this.q.items[kind].execute(this.db, buyerId);
    return rows.map((r) => toItem<T>(r));
  }
  async wallet<A, M>(buyerId: string): Promise<Wallet<A, M>> {
    const [buyers, addresses, methods] = (await readMany(this.db, this.q.dialect, [
      this.q.buyer.with(this.db, buyerId),
      this.q.items.address.with(this.db, buyerId),
      this.q.items.paymentMethod.with(this.db, buyerId),
    ])) as [BuyerRow[], BuyerItemRow[], BuyerItemRow[]];
    return walletOf<A, M>(buyers, addresses, methods);
  }
  async testWallet<A, M>(region: string, email: string | undefined): Promise<Wallet<A, M>> {
    const { first, byEmail } = this.q.testWallet;
    const e = email?.toLowerCase();
    const [buyers, addresses, methods] = (await readMany(this.db, this.q.dialect, [
      e === undefined ? first.buyer.with(this.db, region) : byEmail.buyer.with(this.db, region, e),
      e === undefined ? first.items.address.with(this.db, region) : byEmail.items.address.with(this.db, region, e),
      e === undefined
        ? first.items.paymentMethod.with(this.db, region)
        : byEmail.items.paymentMethod.with(this.db, region, e),
    ])) as [BuyerRow[], BuyerItemRow[], BuyerItemRow[]];
    return walletOf<A, M>(buyers, addresses, methods);
  }
  async item<T>(kind: BuyerItemKind, id: string): Promise<BuyerItem<T> | undefined> {
    const r = await this.q.item[kind].first(this.db, id);
    return r && toItem<T>(r);
  }
}

export class KyselyBuyerTx extends KyselyBuyerReads implements BuyerTx {
  constructor(
    private readonly trx: Transaction<Database>,
    q: BuyerQueries,
  ) {
    super(trx, q);
  }

  async insert(b: BuyerRecord, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    let q = this.trx.insertInto('buyers').values({
      buyer_id: b.buyerId,
      region: b.region,
      email: b.email.toLowerCase(),
      name: b.name,
      phone_number: b.phoneNumber,
      password_hash: b.passwordHash,
      is_test: b.isTest ? 1 : 0,
      created_at: b.createdAt,
      doc: JSON.stringify(b.profile),
    });
    // On PostgreSQL a concurrent insert of the same buyer waits here until the other transaction ends.
    if (options.ifAbsent) q = q.onConflict((oc) => oc.doNothing());
    const r = await q.executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  async update(b: BuyerRecord): Promise<void> {
    await this.trx
      .updateTable('buyers')
      .set({
        name: b.name,
        phone_number: b.phoneNumber,
        password_hash: b.passwordHash,
        doc: JSON.stringify(b.profile),
      })
      .where('buyer_id', '=', b.buyerId)
      .execute();
  }
  async insertItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void> {
    await this.trx
      .insertInto(ITEM_TABLES[kind])
      .values({
        id: item.id,
        buyer_id: item.buyerId,
        position: item.position,
        doc: JSON.stringify(item.value),
        created_at: item.createdAt,
        deleted_at: null,
      })
      .execute();
  }
  async updateItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void> {
    await this.trx
      .updateTable(ITEM_TABLES[kind])
      .set({ position: item.position, doc: JSON.stringify(item.value) })
      .where('id', '=', item.id)
      .execute();
  }
  async deleteItem(kind: BuyerItemKind, id: string, at: Instant): Promise<void> {
    await this.trx.updateTable(ITEM_TABLES[kind]).set({ deleted_at: at }).where('id', '=', id).execute();
  }
}
