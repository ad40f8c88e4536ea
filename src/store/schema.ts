import type { Generated } from 'kysely';

/** The tables reji keeps, as Kysely sees them. Times are epoch milliseconds; documents are JSON text. */
export interface Database {
  merchants: MerchantRow;
  stores: StoreRow;
  public_keys: PublicKeyRow;
  checkout_sessions: DocumentRow;
  charge_permissions: DocumentRow & { checkout_session_id: string };
  charges: DocumentRow & { charge_permission_id: string };
  refunds: DocumentRow & { charge_id: string; charge_permission_id: string };
  idempotency_keys: IdempotencyRow;
  timers: TimerRow;
  buyers: BuyerRow;
  buyer_addresses: BuyerItemRow;
  buyer_payment_methods: BuyerItemRow;
  notifications: NotificationRow;
  // hosted pages (0002_hosted)
  buyer_sessions: BuyerSessionRow;
  hosted_tokens: HostedTokenRow;
  sign_in_failures: SignInFailureRow;
  // 0004_sign_in_throttle
  sign_in_throttle: SignInThrottleRow;
  // 0003_ipn
  ipn_endpoints: IpnEndpointRow;
  ipn_attempts: IpnAttemptRow;
  ipn_certificates: IpnCertificateRow;
  request_log: RequestLogRow;
}

export interface MerchantRow {
  merchant_id: string;
  name: string;
  region: string;
  ledger_currency: string;
  created_at: number;
  sandbox_clock_offset_ms: number;
}

export interface StoreRow {
  store_id: string;
  merchant_id: string;
  name: string;
  allowed_origins: string;
  created_at: number;
}

export interface PublicKeyRow {
  public_key_id: string;
  merchant_id: string;
  environment: string | null;
  public_key_pem: string;
  created_at: number;
}

/** Checkout sessions, charge permissions, charges and refunds: a JSON document plus what queries need. */
export interface DocumentRow {
  id: string;
  merchant_id: string;
  environment: string;
  state: string;
  version: number;
  created_at: number;
  doc: string;
}

export interface IdempotencyRow {
  merchant_id: string;
  environment: string;
  /** Method and path without `/{env}`, e.g. `POST /v2/charges/S01-.../capture`; '' on keys stored before 0004. */
  operation: string;
  idem_key: string;
  fingerprint: string;
  status: number;
  response: string;
  created_at: number;
}

/** One row per object that has a next deadline (derived from the object each time it is saved). */
export interface TimerRow {
  object_type: string;
  object_id: string;
  merchant_id: string;
  environment: string;
  due_at: number;
  /** A worker that took the timer holds it until then; after that another may take it. */
  claimed_until: number | null;
}

export interface BuyerRow {
  buyer_id: string;
  region: string;
  email: string;
  name: string;
  phone_number: string | null;
  password_hash: string | null;
  is_test: number;
  created_at: number;
  doc: string;
}

export interface BuyerItemRow {
  id: string;
  buyer_id: string;
  position: number;
  doc: string;
  created_at: number;
  deleted_at: number | null;
}

export interface NotificationRow {
  seq: number;
  notification_id: string;
  merchant_id: string;
  environment: string;
  object_type: string;
  object_id: string;
  charge_permission_id: string;
  notification_type: string;
  created_at: number;
  payload: string;
  status: string;
  /** Attempts in the current delivery (since creation or the last replay); every attempt is in ipn_attempts. */
  attempts: number;
  next_attempt_at: number;
  // 0003_ipn
  /** Real time until which a worker holds the notification; after that another may take it. */
  claimed_until: number | null;
  /** The holder's token: recording an attempt checks it, so a worker whose lease ran out changes nothing. */
  claim_token: string | null;
  /** When the current delivery began (null: at created_at); the retry schedule counts from here. */
  delivery_started_at: number | null;
}

/** Where a merchant's notifications of one environment go (`reji ipn set`). */
export interface IpnEndpointRow {
  merchant_id: string;
  environment: string;
  url: string;
  updated_at: number;
}

/** One delivery attempt: the delivery log `reji ipn log` shows. */
export interface IpnAttemptRow {
  seq: Generated<number>;
  notification_id: string;
  merchant_id: string;
  environment: string;
  object_type: string;
  object_id: string;
  attempt: number;
  /** When the attempt started, in the notification's environment clock. */
  attempted_at: number;
  /** Real time when it was written. */
  recorded_at: number;
  url: string | null;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  outcome: string;
  next_attempt_at: number | null;
}

/** The certificate (and key) notifications are signed with; `slot` 'active' is the one in use. */
export interface IpnCertificateRow {
  slot: string;
  fingerprint: string;
  cert_pem: string;
  key_pem: string;
  created_at: number;
}

// ---- hosted pages (0002_hosted) ----

export interface BuyerSessionRow {
  session_hash: string;
  buyer_id: string | null;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  doc: string;
}

export interface HostedTokenRow {
  token_hash: string;
  kind: string;
  subject: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  doc: string;
}

export interface SignInThrottleRow {
  attempt_key: string;
  failures: number;
  last_at: number;
  next_at: number;
}

export interface SignInFailureRow {
  id: string;
  attempt_key: string;
  at: number;
}

/** One API call as the console's request log keeps it (src/store/request-log.ts). */
export interface RequestLogRow {
  seq: Generated<number>;
  request_id: string;
  /** '' when the call named no known merchant (e.g. an unknown key). */
  merchant_id: string;
  environment: string | null;
  at: number;
  method: string;
  path: string;
  operation: string;
  status: number;
  reason_code: string | null;
  latency_ms: number;
  /** ' id1 id2 ': the objects the call named or answered with, space-delimited for a LIKE search. */
  object_ids: string;
  /** Headers (signature redacted), bodies and the signature debugger's data, as JSON. */
  doc: string;
}
