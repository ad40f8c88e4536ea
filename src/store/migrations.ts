import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema of its own time, not today's.
type Step = (db: Kysely<any>, dialect: DialectName) => Promise<void>;

/** Append-only: a released migration is never edited; later changes get a new entry. */
const STEPS: Record<string, Step> = {
  '0001_core': async (db, dialect) => {
    await db.schema
      .createTable('merchants')
      .addColumn('merchant_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('ledger_currency', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sandbox_clock_offset_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('stores')
      .addColumn('store_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('allowed_origins', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('public_keys')
      .addColumn('public_key_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('environment', 'text')
      .addColumn('public_key_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    const documentTable = (name: string) =>
      db.schema
        .createTable(name)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull());
    await documentTable('checkout_sessions').execute();
    await documentTable('charge_permissions')
      .addColumn('checkout_session_id', 'text', (c) => c.notNull())
      .execute();
    await documentTable('charges')
      .addColumn('charge_permission_id', 'text', (c) => c.notNull())
      .execute();
    await documentTable('refunds')
      .addColumn('charge_id', 'text', (c) => c.notNull())
      .addColumn('charge_permission_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('charges_by_permission').on('charges').column('charge_permission_id').execute();
    await db.schema.createIndex('refunds_by_charge').on('refunds').column('charge_id').execute();
    await db.schema.createIndex('checkout_sessions_by_created').on('checkout_sessions').column('created_at').execute();

    // The primary key is what makes a key usable once per merchant and environment, across processes.
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('idem_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['merchant_id', 'environment', 'idem_key'])
      .execute();

    await db.schema
      .createTable('timers')
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_until', 'bigint')
      .addPrimaryKeyConstraint('timers_pk', ['object_type', 'object_id'])
      .execute();
    await db.schema.createIndex('timers_by_due').on('timers').column('due_at').execute();

    await db.schema
      .createTable('buyers')
      .addColumn('buyer_id', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone_number', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('is_test', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('buyers_by_email').unique().on('buyers').columns(['region', 'email']).execute();
    for (const table of ['buyer_addresses', 'buyer_payment_methods']) {
      await db.schema
        .createTable(table)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.buyer_id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex(`${table}_by_buyer`).on(table).column('buyer_id').execute();
    }

    await db.schema
      .createTable('notifications')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('notification_id', 'text', (c) => c.notNull().unique())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('charge_permission_id', 'text', (c) => c.notNull())
      .addColumn('notification_type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notifications_by_status_due')
      .on('notifications')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },

  // ---- hosted pages (issue 4): browser sessions, one-time tokens, sign-in failures ----
  '0002_hosted': async (db) => {
    // A browser's session with reji's hosted pages; only the SHA-256 of the cookie value is kept.
    await db.schema
      .createTable('buyer_sessions')
      .addColumn('session_hash', 'text', (c) => c.primaryKey())
      .addColumn('buyer_id', 'text')
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('buyer_sessions_by_expiry').on('buyer_sessions').column('expires_at').execute();
    // Claims, sign-in requests and buyer tokens: random values handed out once, kept as SHA-256.
    await db.schema
      .createTable('hosted_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hosted_tokens_by_expiry').on('hosted_tokens').column('expires_at').execute();
    await db.schema
      .createTable('sign_in_failures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('attempt_key', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sign_in_failures_by_key')
      .on('sign_in_failures')
      .columns(['attempt_key', 'at'])
      .execute();
  },

  // ---- payment notification delivery (issue 6, docs/notifications.md) ----
  '0003_ipn': async (db, dialect) => {
    // A worker's claim (lease) on a notification, the token that proves it still holds it when it
    // records the attempt, and the start of the current delivery (creation, or the last replay).
    await db.schema.alterTable('notifications').addColumn('claimed_until', 'bigint').execute();
    await db.schema.alterTable('notifications').addColumn('claim_token', 'text').execute();
    await db.schema.alterTable('notifications').addColumn('delivery_started_at', 'bigint').execute();
    // Head-of-line per object: "is an earlier notification of this object still undelivered?"
    await db.schema.createIndex('notifications_by_object').on('notifications').columns(['object_id', 'seq']).execute();
    await db.schema
      .createIndex('notifications_by_merchant')
      .on('notifications')
      .columns(['merchant_id', 'seq'])
      .execute();

    await db.schema
      .createTable('ipn_endpoints')
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ipn_endpoints_pk', ['merchant_id', 'environment'])
      .execute();

    await db.schema
      .createTable('ipn_attempts')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('notification_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('attempted_at', 'bigint', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('ipn_attempts_by_merchant')
      .on('ipn_attempts')
      .columns(['merchant_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('ipn_attempts_by_notification')
      .on('ipn_attempts')
      .columns(['notification_id', 'seq'])
      .execute();

    // The certificate that signs notifications lives in the database so every process signs with it.
    await db.schema
      .createTable('ipn_certificates')
      .addColumn('slot', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
      .addColumn('cert_pem', 'text', (c) => c.notNull())
      .addColumn('key_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  // ---- idempotency keys scoped to the operation (issue 11, spec 11 §11.2) ----
  '0004_idempotency_scope': async (db) => {
    // The key of a row becomes (merchant, environment, operation, key). Rows written before this step do not
    // know their operation: they keep operation '' and answer as before, replay or DuplicateIdempotencyKey.
    await db.schema.alterTable('idempotency_keys').renameTo('idempotency_keys_0001').execute();
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('idem_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_scope_pk', ['merchant_id', 'environment', 'idem_key', 'operation'])
      .execute();
    await db
      .insertInto('idempotency_keys')
      .columns([
        'merchant_id',
        'environment',
        'operation',
        'idem_key',
        'fingerprint',
        'status',
        'response',
        'created_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('idempotency_keys_0001')
          .select([
            'merchant_id',
            'environment',
            sql<string>`''`.as('operation'),
            'idem_key',
            'fingerprint',
            'status',
            'response',
            'created_at',
          ]),
      )
      .execute();
    await db.schema.dropTable('idempotency_keys_0001').execute();
  },

  // ---- sign-in throttling (issue 17): one row per key, taken under a row lock before the password check ----
  '0005_sign_in_throttle': async (db) => {
    await db.schema
      .createTable('sign_in_throttle')
      .addColumn('attempt_key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sign_in_throttle_by_last').on('sign_in_throttle').column('last_at').execute();
  },

  // ---- the ledger, reports and delivery trackers (issue 12) ----
  '0007_ledger_reports': async (db, dialect) => {
    // Append-only: rows are inserted with the money movement they record, in its transaction, and never changed.
    await db.schema
      .createTable('ledger_entries')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('entry_id', 'text', (c) => c.notNull().unique())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency_code', 'text', (c) => c.notNull())
      .addColumn('charge_permission_id', 'text', (c) => c.notNull())
      .addColumn('charge_id', 'text')
      .addColumn('refund_id', 'text')
      .addColumn('dispute_id', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('ledger_entries_by_merchant_time')
      .on('ledger_entries')
      .columns(['merchant_id', 'environment', 'occurred_at'])
      .execute();
    await db.schema.createIndex('ledger_entries_by_charge').on('ledger_entries').column('charge_id').execute();

    await db.schema
      .createTable('reports')
      .addColumn('report_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('report_type', 'text', (c) => c.notNull())
      .addColumn('processing_status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reports_by_merchant_created')
      .on('reports')
      .columns(['merchant_id', 'environment', 'created_at'])
      .execute();
    await db.schema
      .createTable('report_documents')
      .addColumn('report_document_id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .execute();
    // One schedule per merchant, environment and report type: the unique index decides between racing creators.
    await db.schema
      .createTable('report_schedules')
      .addColumn('report_schedule_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('report_type', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('report_schedules_by_type')
      .unique()
      .on('report_schedules')
      .columns(['merchant_id', 'environment', 'report_type'])
      .execute();

    // A tracking number is accepted once per merchant and environment (spec 12 §12.3): the primary key says so.
    await db.schema
      .createTable('delivery_trackers')
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('tracking_number', 'text', (c) => c.notNull())
      .addColumn('carrier_code', 'text', (c) => c.notNull())
      .addColumn('charge_permission_id', 'text')
      .addColumn('amazon_order_reference_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('delivery_trackers_pk', ['merchant_id', 'environment', 'tracking_number'])
      .execute();
    await db.schema
      .createIndex('delivery_trackers_by_permission')
      .on('delivery_trackers')
      .column('charge_permission_id')
      .execute();
  },

  // ---- disputes, evidence files, payment service providers (issues 12 and 13) ----
  '0009_disputes': async (db, dialect) => {
    await db.schema
      .createTable('disputes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('charge_id', 'text', (c) => c.notNull())
      .addColumn('charge_permission_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('disputes_by_charge').on('disputes').column('charge_id').execute();
    // The bytes live beside their metadata; MAX_FILE_BYTES bounds each row.
    await db.schema
      .createTable('evidence_files')
      .addColumn('file_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('upload_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('content', dialect === 'postgres' ? 'bytea' : 'blob')
      .execute();
    await db.schema
      .createIndex('evidence_files_by_merchant')
      .on('evidence_files')
      .columns(['merchant_id', 'environment'])
      .execute();
    await db.schema
      .alterTable('merchants')
      .addColumn('payment_service_provider', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  // ---- throttling and fault injection (issue 12, part 6): merchant settings read with the credentials ----
  '0012_throttling_faults': async (db) => {
    await db.schema
      .alterTable('merchants')
      .addColumn('throttling', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('merchants')
      .addColumn('armed_faults', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('merchants')
      .addColumn('faults_version', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  // ---- partners, delegation, JP onboarding and in-store payments (issue 13) ----
  '0010_partners': async (db) => {
    // A partner is an account like a merchant (its keys reference it); an onboarded merchant carries its review.
    await db.schema
      .alterTable('merchants')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('merchant'))
      .execute();
    await db.schema.alterTable('merchants').addColumn('partner_id', 'text').execute();
    await db.schema.alterTable('merchants').addColumn('account_state', 'text').execute();
    await db.schema.alterTable('merchants').addColumn('review_due_at', 'bigint').execute();
    await db.schema
      .createTable('merchant_accounts')
      .addColumn('merchant_account_id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('unique_reference_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('merchant_accounts_by_reference')
      .on('merchant_accounts')
      .columns(['partner_id', 'environment', 'unique_reference_id'])
      .unique()
      .execute();
    await db.schema
      .createTable('delegations')
      .addColumn('mws_auth_token', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('delegations_by_partner').on('delegations').columns(['partner_id']).execute();
    await db.schema.createIndex('delegations_by_merchant').on('delegations').columns(['merchant_id']).execute();
    await db.schema
      .createTable('in_store_transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('in_store_transactions_by_parent')
      .on('in_store_transactions')
      .columns(['parent_id'])
      .execute();
  },
  // ---- the console's request log (issue 14): every API call, bounded by count per merchant and by age ----
  '0011_request_log': async (db, dialect) => {
    await db.schema
      .createTable('request_log')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('reason_code', 'text')
      .addColumn('latency_ms', 'double precision', (c) => c.notNull())
      .addColumn('object_ids', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('request_log_by_merchant').on('request_log').columns(['merchant_id', 'seq']).execute();
    await db.schema.createIndex('request_log_by_at').on('request_log').column('at').execute();
  },
  // ---- PostgreSQL in at most three round trips per write (issue 15) ----
  '0013_round_trips': async (db, dialect) => {
    if (dialect !== 'postgres') return;
    // A deferred compare-and-set (deferred.ts) checks its own row count: RJ001 fails the transaction.
    await sql`create or replace function reji_expect_one(n bigint) returns void language plpgsql as $$
      begin
        if n <> 1 then
          raise exception 'the row was changed by another request' using errcode = 'RJ001';
        end if;
      end $$`.execute(db);
    // Every process caches merchants and keys (credentials-cache.ts); a change tells them all, at commit.
    await sql`create or replace function reji_credentials_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('reji_credentials', '');
        return null;
      end $$`.execute(db);
    for (const table of ['merchants', 'public_keys']) {
      await sql`create trigger ${sql.ref(`${table}_credentials_changed`)} after update or delete on ${sql.table(table)}
        for each row execute procedure reji_credentials_changed()`.execute(db);
    }
  },
};

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(STEPS)) out[name] = { up: (db) => step(db, dialect) };
      return out;
    },
  };
}
