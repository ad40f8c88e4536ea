/**
 * @reji/sdk — a typed merchant SDK for Amazon Pay API v2 (Checkout v2), for reji and for Amazon's hosts.
 * No runtime dependencies beyond Node's own modules.
 */
export { AmazonPayClient, type AmazonPayClientOptions } from './client.js';
export {
  CheckoutSessions,
  ChargePermissions,
  Charges,
  Refunds,
  Buyers,
  DeliveryTrackers,
  Testing,
} from './resources.js';
export {
  IDEMPOTENCY_KEY_PATTERN,
  newIdempotencyKey,
  type ApiResponse,
  type HttpMethod,
  type PreparedRequest,
  type PrepareInput,
  type RequestOptions,
} from './request-sender.js';
export {
  AmazonPayError,
  AmazonPayApiError,
  InvalidRequestError,
  AuthenticationError,
  NotFoundError,
  ConflictError,
  StateError,
  DeclineError,
  RequestTimeoutError,
  RateLimitError,
  ServerError,
  ConnectionError,
  DECLINE_REASON_CODES,
  STATE_REASON_CODES,
  errorFromResponse,
  parseRetryAfter,
  type AnyReasonCode,
  type DeclineReasonCode,
  type StateReasonCode,
  type ReasonCode,
} from './errors.js';
export { backoffDelay, isRetryableStatus, resolveRetryOptions, sleep, type RetryOptions } from './retry.js';
export {
  nodeTransport,
  TransportTimeoutError,
  type NodeTransport,
  type NodeTransportOptions,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export {
  AMAZON_API_HOSTS,
  apiRegionOf,
  endpointFor,
  formatAmzDate,
  keyEnvironmentOf,
  pathPrefixFor,
  type ApiRegion,
  type Endpoint,
  type KeyEnvironment,
  type RegionInput,
} from './config.js';
export {
  buttonConfig,
  DEFAULT_ALGORITHM,
  generateButtonSignature,
  payloadJson,
  type ButtonConfig,
  type ButtonPayload,
  type ButtonSignatureOptions,
} from './button.js';
export {
  AMAZON_SNS_CERT_HOST,
  NotificationError,
  checkSigningCertUrl,
  fetchSigningCertificate,
  notificationStringToSign,
  parseIpnMessage,
  parseNotificationEnvelope,
  verifyNotification,
  verifyNotificationSignature,
  type CertificateUrlPolicy,
  type FetchCertificateOptions,
  type NotificationErrorCode,
  type VerifiedNotification,
  type VerifyNotificationOptions,
} from './ipn.js';
export { SDK_VERSION } from './version.js';
export type { SigningAlgorithm, PrivateKeyInput } from '../../src/signing/index.js';
export type * from '../../src/wire/types.js';
