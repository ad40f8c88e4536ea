// `npm start`: reji (API, hosted pages, checkout.js; the demo merchant on the first start) and the demo
// shop in one process. Ctrl-C stops both. `reji serve` alone is unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readServeConfig } from '../src/cli/config.js';
import { startReji } from '../src/cli/runtime.js';
import { defaultPages } from '../src/http/pages.js';
import { startShop } from '../examples/shop/src/shop.js';
import { readShopSettings, ShopSettingsError } from '../examples/shop/src/settings.js';

async function main(): Promise<void> {
  // One JSON line per request would bury the shop's URL; REJI_LOG_LEVEL=info brings them back.
  const config = readServeConfig({ demo: true, 'log-level': process.env['REJI_LOG_LEVEL'] || 'warn' });
  const settings = readShopSettings();
  const reji = await startReji(config, { pages: (ctx) => defaultPages(ctx, { limits: config.anonymousLimits }) });
  const demo = reji.demo!;
  const https = reji.servers.httpsUrl;
  let shop: Awaited<ReturnType<typeof startShop>>;
  try {
    shop = await startShop({
      host: settings.host,
      port: settings.port,
      publicUrl: settings.publicUrl,
      dataDir: join(config.dataDir, 'shop'),
      merchantId: demo.merchantId,
      storeId: demo.storeId,
      publicKeyId: demo.publicKeyId,
      privateKey: readFileSync(demo.privateKeyPath),
      apiBaseUrl: https ?? reji.servers.httpUrl,
      ...(https ? { ca: readFileSync(join(config.dataDir, 'tls', 'cert.pem')) } : {}),
      checkoutJsUrl: `${config.publicUrl}/checkout.js`,
      sandbox: true,
      adminPassword: settings.adminPassword,
    });
  } catch (error) {
    await reji.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ShopSettingsError(`port ${settings.port} is in use; choose another with REJI_SHOP_PORT=3001 npm start`);
    }
    throw error;
  }
  process.stdout.write(
    [
      '',
      `reji is running (${reji.app.ctx.store.dialect === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`})`,
      `  API and hosted pages: ${reji.servers.httpUrl}${https ? `  and  ${https}` : ''}`,
      `  checkout.js:          ${config.publicUrl}/checkout.js`,
      `  demo merchant (JP, sandbox): merchantId ${demo.merchantId}, publicKeyId ${demo.publicKeyId}`,
      `                               storeId ${demo.storeId}, private key ${demo.privateKeyPath}`,
      '',
      `  注文管理 / Admin:  ${shop.url}/admin   (${settings.defaultAdminPassword ? `password: ${settings.adminPassword}` : 'password from REJI_SHOP_ADMIN_PASSWORD'})`,
      '  テスト購入者 / Test buyer: taro.yamada@example.jp / sandbox',
      '',
      `  ショップ / Shop:  ${shop.url}`,
      '',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await shop.close();
    await reji.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ShopSettingsError) {
    process.stderr.write(`npm start: ${error.message}\n`);
  } else {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
