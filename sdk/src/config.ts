/** The value of the signed `x-amz-pay-region` header; API v2 knows only these three. */
export type ApiRegion = 'na' | 'eu' | 'jp';

/** What `region` accepts: the three API regions and the aliases the official SDKs take (any case). */
export type RegionInput = ApiRegion | 'us' | 'de' | 'uk' | (string & {});

/** Amazon's API host per region. */
export const AMAZON_API_HOSTS: Readonly<Record<ApiRegion, string>> = {
  na: 'pay-api.amazon.com',
  eu: 'pay-api.amazon.eu',
  jp: 'pay-api.amazon.jp',
};

const REGION_ALIASES: Readonly<Record<string, ApiRegion>> = {
  na: 'na',
  us: 'na',
  eu: 'eu',
  de: 'eu',
  uk: 'eu',
  jp: 'jp',
};

/**
 * Maps a region or one of its aliases to the `x-amz-pay-region` value.
 *
 * @example
 * apiRegionOf('us'); // 'na'
 * apiRegionOf('UK'); // 'eu'
 */
export function apiRegionOf(region: RegionInput): ApiRegion {
  const found = REGION_ALIASES[String(region).trim().toLowerCase()];
  if (!found) throw new TypeError(`Unknown region "${region}"; use na, eu or jp (or us, de, uk).`);
  return found;
}

export type KeyEnvironment = 'Sandbox' | 'Live';

/**
 * The environment an environment-specific key belongs to (`SANDBOX-…`, `LIVE-…`), or null for a legacy key.
 *
 * @example
 * keyEnvironmentOf('SANDBOX-AFVX7ULWSGBZ5535PCUQOY7B'); // 'Sandbox'
 * keyEnvironmentOf('AFVX7ULWSGBZ5535PCUQOY7B');         // null
 */
export function keyEnvironmentOf(publicKeyId: string): KeyEnvironment | null {
  if (/^SANDBOX-/i.test(publicKeyId)) return 'Sandbox';
  if (/^LIVE-/i.test(publicKeyId)) return 'Live';
  return null;
}

/**
 * The path prefix before `/v2`: none for environment-specific keys, `/sandbox` or `/live` for legacy keys.
 *
 * @example
 * pathPrefixFor('SANDBOX-AFVX7ULW', undefined); // ''
 * pathPrefixFor('AFVX7ULW', true);               // '/sandbox'
 */
export function pathPrefixFor(publicKeyId: string, sandbox: boolean | undefined): '' | '/sandbox' | '/live' {
  const environment = keyEnvironmentOf(publicKeyId);
  if (environment !== null) {
    // A contradiction here would only surface later as a 401 from the server.
    if (sandbox !== undefined && sandbox !== (environment === 'Sandbox')) {
      throw new TypeError(`The key ${publicKeyId} is a ${environment} key, but sandbox is ${sandbox}.`);
    }
    return '';
  }
  return sandbox === true ? '/sandbox' : '/live';
}

/** Where requests go and what `x-amz-pay-host` says. */
export interface Endpoint {
  /** `https://pay-api.amazon.jp` or `http://127.0.0.1:8080`, without a trailing slash. */
  readonly origin: string;
  /** host[:port] as signed in `x-amz-pay-host`. */
  readonly host: string;
}

/**
 * Resolves `baseUrl` (reji, e.g. `https://127.0.0.1:8443`) or Amazon's regional host.
 *
 * @example
 * endpointFor('jp');                            // { origin: 'https://pay-api.amazon.jp', host: 'pay-api.amazon.jp' }
 * endpointFor('jp', 'http://127.0.0.1:8080/');  // { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }
 */
export function endpointFor(region: ApiRegion, baseUrl?: string): Endpoint {
  if (baseUrl === undefined) {
    const host = AMAZON_API_HOSTS[region];
    return { origin: `https://${host}`, host };
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl "${baseUrl}" is not a URL; use e.g. https://127.0.0.1:8443.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError(`baseUrl must be http(s), not ${url.protocol}`);
  // The canonical request signs the path as sent; a prefix would be signed but stripped by a proxy.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(
      `baseUrl must be an origin such as https://127.0.0.1:8443, without a path, query or credentials; got "${baseUrl}".`,
    );
  }
  return { origin: url.origin, host: url.host };
}

/**
 * `x-amz-pay-date` in the ISO 8601 basic format of the docs, e.g. `20190923T231908Z`.
 *
 * @example
 * formatAmzDate(new Date(Date.UTC(2019, 8, 23, 23, 19, 8))); // '20190923T231908Z'
 */
export function formatAmzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
