// The demo shop alone, for a reji that already runs (`reji serve --demo`, or `npm start` runs both):
//   node --import tsx examples/shop/main.ts
// It reads the demo merchant from the reji data directory (REJI_DATA_DIR, default ./.reji) and talks to
// reji at REJI_URL (default https://127.0.0.1:8443 with .reji/tls/cert.pem, else http://127.0.0.1:8080).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startShop } from './src/shop.js';
import { readShopSettings } from './src/settings.js';

interface DemoMerchant {
  merchantId: string;
  storeId: string;
  publicKeyId: string;
  privateKeyPath: string;
}

const dataDir = resolve(process.env['REJI_DATA_DIR'] || '.reji');
const merchantFile = join(dataDir, 'demo-merchant.json');
if (!existsSync(merchantFile)) {
  console.error(
    `No demo merchant in ${dataDir}: start reji once with \`npx reji serve --demo\` (or just \`npm start\`).`,
  );
  process.exit(1);
}
const demo = JSON.parse(readFileSync(merchantFile, 'utf8')) as DemoMerchant;
const certFile = join(dataDir, 'tls', 'cert.pem');
const apiBaseUrl =
  process.env['REJI_URL'] || (existsSync(certFile) ? 'https://127.0.0.1:8443' : 'http://127.0.0.1:8080');
const settings = readShopSettings();
const shop = await startShop({
  host: settings.host,
  port: settings.port,
  publicUrl: settings.publicUrl,
  dataDir: join(dataDir, 'shop'),
  merchantId: demo.merchantId,
  storeId: demo.storeId,
  publicKeyId: demo.publicKeyId,
  privateKey: readFileSync(demo.privateKeyPath),
  apiBaseUrl,
  ...(apiBaseUrl.startsWith('https:') && existsSync(certFile) ? { ca: readFileSync(certFile) } : {}),
  checkoutJsUrl: process.env['REJI_CHECKOUT_JS'] || 'http://127.0.0.1:8080/checkout.js',
  sandbox: true,
  adminPassword: settings.adminPassword,
});
console.log(
  `ショップ / Shop: ${shop.url}   (admin: ${shop.url}/admin${settings.defaultAdminPassword ? `, password ${settings.adminPassword}` : ''})`,
);
const stop = () => void shop.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
