/** The shop's own settings from REJI_SHOP_* variables, read and checked once at start-up. */
export interface ShopSettings {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly adminPassword: string;
  /** True when REJI_SHOP_ADMIN_PASSWORD was not set (the start banner prints the default). */
  readonly defaultAdminPassword: boolean;
}

export const DEFAULT_SHOP_PORT = 3000;
export const DEFAULT_ADMIN_PASSWORD = 'reji-admin';

export class ShopSettingsError extends Error {}

export function readShopSettings(env: NodeJS.ProcessEnv = process.env): ShopSettings {
  const portText = env['REJI_SHOP_PORT'] || String(DEFAULT_SHOP_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    throw new ShopSettingsError(`REJI_SHOP_PORT must be a port number from 0 to 65535, got "${portText}"`);
  const host = env['REJI_SHOP_HOST'] || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host))
    throw new ShopSettingsError(`REJI_SHOP_HOST must be a host name or IP address, got "${host}"`);
  const publicUrl = env['REJI_SHOP_PUBLIC_URL'] || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(publicUrl))
    throw new ShopSettingsError(`REJI_SHOP_PUBLIC_URL must be an http(s) origin, got "${publicUrl}"`);
  const password = env['REJI_SHOP_ADMIN_PASSWORD'];
  return Object.freeze({
    host,
    port: Number(portText),
    publicUrl,
    adminPassword: password || DEFAULT_ADMIN_PASSWORD,
    defaultAdminPassword: !password,
  });
}
