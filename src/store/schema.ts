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
  // 0009_disputes
  disputes: DocumentRow & { charge_id: string; charge_permission_id: string };
  evidence_files: EvidenceFileRow;
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
  // 0007_ledger_reports
  ledger_entries: LedgerEntryRow;
  reports: ReportRow;
  report_documents: ReportDocumentRow;
  report_schedules: ReportScheduleRow;
  delivery_trackers: DeliveryTrackerRow;
}

export interface MerchantRow {
  merchant_id: string;
  name: string;
  region: string;
  ledger_currency: string;
  created_at: number;
  sandbox_clock_offset_ms: number;
  /** 1: the merchant may call the payment service provider operations (0009_disputes). */
  payment_service_provider: Generated<number>;
}

/** An evidence file: its metadata as JSON, the upload URL's token, and the bytes once uploaded. */
export interface EvidenceFileRow {
  file_id: string;
  merchant_id: string;
  environment: string;
  doc: string;
  upload_token: string;
  created_at: number;
  /** Bytes uploaded (0 before): what the per-merchant bound sums. */
  size: Generated<number>;
  content: Uint8Array | null;
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

// ---- the ledger, reports and delivery trackers (0007_ledger_reports) ----

/** One money movement; what queries need as columns, the rest of the entry in `doc`. Never updated. */
export interface LedgerEntryRow {
  seq: Generated<number>;
  entry_id: string;
  merchant_id: string;
  environment: string;
  kind: string;
  amount: number;
  currency_code: string;
  charge_permission_id: string;
  charge_id: string | null;
  refund_id: string | null;
  dispute_id: string | null;
  occurred_at: number;
  doc: string;
}

export interface ReportRow {
  report_id: string;
  merchant_id: string;
  environment: string;
  report_type: string;
  processing_status: string;
  created_at: number;
  doc: string;
}

export interface ReportDocumentRow {
  report_document_id: string;
  report_id: string;
  merchant_id: string;
  environment: string;
  created_at: number;
  content: string;
}

export interface ReportScheduleRow {
  report_schedule_id: string;
  merchant_id: string;
  environment: string;
  report_type: string;
  doc: string;
}

export interface DeliveryTrackerRow {
  merchant_id: string;
  environment: string;
  tracking_number: string;
  carrier_code: string;
  charge_permission_id: string | null;
  amazon_order_reference_id: string | null;
  created_at: number;
}
