import { readFileSync, writeFileSync } from 'node:fs';
import { ApiError } from '../app/api-error.js';
import {
  createKeyPair,
  createMerchant,
  registerPublicKey,
  setAllowedOrigins,
  setPaymentServiceProvider,
  setMerchantThrottling,
} from '../app/merchants.js';
import { isRegion, REGIONS } from '../domain/regions.js';
import { defaultPages } from '../http/pages.js';
import { ConfigError, readServeConfig, type RawOptions } from './config.js';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './backup-command.js';
import { ipnCommand, IPN_USAGE } from './ipn-command.js';
import { partnerCommand, PARTNER_USAGE } from './partner-command.js';
import { ensureLocalCa, startReji } from './runtime.js';
import { environmentFlag, parseCommand, print, required, UsageError, withApp, type Values } from './command-support.js';

const USAGE = `reji: a self-hosted Amazon Pay Checkout v2 platform and sandbox

Usage:
  reji serve [--host H] [--port N] [--https-port N] [--data-dir DIR] [--public-url URL]
             [--database-url postgres://...] [--database-pool-size 10]
             [--database-connect-timeout-ms 5000] [--database-statement-timeout-ms 15000]
             [--database-listen-url postgres://...|off]
             [--timer-interval-ms 1000] [--demo] [--log-level info]
             [--ipn-worker true|false] [--ipn-timeout-ms N] [--ipn-concurrency N] [--ipn-lease-ms N]
             [--ipn-endpoint-concurrency N]
             [--trust-proxy 10.0.0.1,10.1.0.0/16] [--metrics true|false] [--metrics-token TOKEN]
             [--page-rate-limit 600] [--button-rate-limit 120] [--payload-start-limit 60]
             [--sdk-proxy true|false]
             [--no-console] [--console-password SECRET] [--request-log true|false]
             [--request-log-max-per-merchant 1000] [--request-log-hours 24] [--request-log-reads summary|full]
  reji migrate [--json]
  reji ca [--path] [--json]      the local CA's certificate, for SDKs that use reji as their proxy
  reji merchant create --region jp|us|uk|de|eu [--name NAME] [--allowed-origin URL]... [--json]
  reji merchant psp --merchant-id ID [--off] [--json]
  reji merchant create --region jp|us|uk|de|eu [--name NAME] [--allowed-origin URL]... [--throttling on|off] [--json]
  reji merchant update --merchant-id ID --throttling on|off [--json]
  reji keys create --merchant-id ID [--env sandbox|live] [--legacy] --private-key-out FILE [--json]
  reji keys register --merchant-id ID --public-key FILE [--env sandbox|live] [--legacy] [--json]
  reji store allow-origin --store-id ID --origin URL [--origin URL]... [--json]
${IPN_USAGE}
${PARTNER_USAGE}
${BACKUP_USAGE}

Every command takes --data-dir DIR (REJI_DATA_DIR, default ./.reji) and --database-url URL
(REJI_DATABASE_URL); every serve flag can also be given as REJI_<FLAG>, e.g. REJI_PORT=9000.
`;

/** The flags of a command that takes no positional arguments. */
function parseValues(args: string[], options: Parameters<typeof parseCommand>[1]): Values {
  return parseCommand(args, options).values;
}

async function serve(args: string[]): Promise<void> {
  const values = parseValues(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    'https-port': { type: 'string' },
    'public-url': { type: 'string' },
    'database-pool-size': { type: 'string' },
    'database-connect-timeout-ms': { type: 'string' },
    'database-statement-timeout-ms': { type: 'string' },
    'database-listen-url': { type: 'string' },
    demo: { type: 'boolean' },
    'log-level': { type: 'string' },
    'timer-interval-ms': { type: 'string' },
    'ipn-worker': { type: 'string' },
    'ipn-timeout-ms': { type: 'string' },
    'ipn-concurrency': { type: 'string' },
    'ipn-poll-interval-ms': { type: 'string' },
    'ipn-lease-ms': { type: 'string' },
    'ipn-endpoint-concurrency': { type: 'string' },
    'trust-proxy': { type: 'string' },
    'page-rate-limit': { type: 'string' },
    'button-rate-limit': { type: 'string' },
    'payload-start-limit': { type: 'string' },
    metrics: { type: 'string' },
    'metrics-token': { type: 'string' },
    'sdk-proxy': { type: 'string' },
    'no-console': { type: 'boolean' },
    'console-password': { type: 'string' },
    'request-log': { type: 'string' },
    'request-log-max-per-merchant': { type: 'string' },
    'request-log-hours': { type: 'string' },
    'request-log-reads': { type: 'string' },
  });
  const config = readServeConfig(values as RawOptions);
  const reji = await startReji(config, {
    pages: (ctx) => defaultPages(ctx, { limits: config.anonymousLimits, console: config.console }),
  });
  const lines = [
    '',
    `reji is running (${reji.app.ctx.store.dialect === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`})`,
    `  API and hosted pages: ${reji.servers.httpUrl}${reji.servers.httpsUrl ? `  and  ${reji.servers.httpsUrl}` : ''}`,
    `  health:               ${reji.servers.httpUrl}/healthz`,
    `  API description:      ${reji.servers.httpUrl}/openapi.json`,
    ...(config.metrics.enabled ? [`  metrics:              ${reji.servers.httpUrl}/metrics`] : []),
    ...(reji.sdkProxyCaPath
      ? [`  SDK proxy:            ${reji.servers.httpUrl} (trust ${reji.sdkProxyCaPath}; README "Official SDKs")`]
      : []),
  ];
  if (config.console.enabled) {
    const access = config.console.password
      ? 'password required'
      : config.console.loopbackOnly
        ? 'open on this machine'
        : 'locked: set REJI_CONSOLE_PASSWORD';
    lines.splice(3, 0, `  console:              ${reji.servers.httpUrl}/  (${access})`);
  }
  if (reji.demo) {
    lines.push(
      '',
      'Demo merchant (JP, sandbox):',
      `  merchantId:   ${reji.demo.merchantId}`,
      `  storeId:      ${reji.demo.storeId}`,
      `  publicKeyId:  ${reji.demo.publicKeyId}`,
      `  private key:  ${reji.demo.privateKeyPath}`,
      '',
      'Next: point the official SDK at reji, e.g.',
      `  new Client.WebStoreClient({ publicKeyId: '${reji.demo.publicKeyId}', privateKey: fs.readFileSync('${reji.demo.privateKeyPath}'),`,
      `    region: 'jp', sandbox: true, overrideServiceUrl: '${reji.servers.httpsUrl ? new URL(reji.servers.httpsUrl).host : new URL(reji.servers.httpUrl).host}' })`,
      '  and see README.md for the checkout walk-through.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await reji.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** Brings the schema up to date and exits: a release step before new processes start (docs/deploy.md). */
async function migrate(args: string[]): Promise<void> {
  const values = parseValues(args, {});
  const dialect = await withApp(values, async (app) => app.ctx.store.dialect);
  print(
    values,
    { migrated: true, dialect },
    `the ${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} schema is up to date`,
  );
}

async function merchant(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'psp') {
    // A payment service provider may call Update Charge, Create Dispute and Update Dispute.
    const values = parseValues(rest, { 'merchant-id': { type: 'string' }, off: { type: 'boolean' } });
    const merchantId = required(values, 'merchant-id');
    const on = values['off'] !== true;
    await withApp(values, (app) => setPaymentServiceProvider(app.ctx, merchantId, on));
    print(
      values,
      { merchantId, paymentServiceProvider: on },
      `merchant ${merchantId} is ${on ? 'now' : 'no longer'} a payment service provider`,
    );
    return;
  }
  if (sub === 'update') {
    const values = parseValues(rest, { 'merchant-id': { type: 'string' }, throttling: { type: 'string' } });
    const merchantId = required(values, 'merchant-id');
    const on = onOff(required(values, 'throttling'));
    const m = await withApp(values, (app) => setMerchantThrottling(app.ctx, merchantId, on));
    print(
      values,
      { merchantId: m.merchantId, throttling: on },
      `merchantId ${m.merchantId}\nthrottling ${on ? 'on' : 'off'}`,
    );
    return;
  }
  if (sub !== 'create')
    throw new UsageError(
      'usage: reji merchant create --region jp|us|uk|de|eu [--name NAME] | reji merchant psp --merchant-id ID [--off] | reji merchant update --merchant-id ID --throttling on|off',
    );
  const values = parseValues(rest, {
    region: { type: 'string' },
    name: { type: 'string' },
    'allowed-origin': { type: 'string', multiple: true },
    throttling: { type: 'string' },
  });
  const region = required(values, 'region');
  if (!isRegion(region)) throw new UsageError(`--region must be one of ${REGIONS.join(', ')}`);
  const throttling = values['throttling'] === undefined ? false : onOff(values['throttling'] as string);
  const { merchant: m, store } = await withApp(values, (app) =>
    createMerchant(app.ctx, {
      region,
      name: values['name'] as string | undefined,
      allowedOrigins: (values['allowed-origin'] as string[] | undefined) ?? [],
      throttling,
    }),
  );
  print(
    values,
    {
      merchantId: m.merchantId,
      storeId: store.storeId,
      region: m.region,
      ledgerCurrency: m.ledgerCurrency,
      throttling,
    },
    `merchantId ${m.merchantId}\nstoreId ${store.storeId}\nregion ${m.region}\nledgerCurrency ${m.ledgerCurrency}\nthrottling ${throttling ? 'on' : 'off'}`,
  );
}

function onOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new UsageError('--throttling must be on or off');
  return value === 'on';
}

async function keys(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const values = parseValues(rest, {
      'merchant-id': { type: 'string' },
      env: { type: 'string' },
      legacy: { type: 'boolean' },
      'private-key-out': { type: 'string' },
    });
    const merchantId = required(values, 'merchant-id');
    const out = required(values, 'private-key-out');
    const key = await withApp(values, (app) =>
      createKeyPair(app.ctx, {
        merchantId,
        environment: environmentFlag(values) ?? 'Sandbox',
        legacy: values['legacy'] === true,
      }),
    );
    writeFileSync(out, key.privateKeyPem, { mode: 0o600 });
    print(
      values,
      { publicKeyId: key.publicKeyId, privateKeyFile: out },
      `publicKeyId ${key.publicKeyId}\nprivateKeyFile ${out}`,
    );
    return;
  }
  if (sub === 'register') {
    const values = parseValues(rest, {
      'merchant-id': { type: 'string' },
      env: { type: 'string' },
      legacy: { type: 'boolean' },
      'public-key': { type: 'string' },
    });
    const merchantId = required(values, 'merchant-id');
    let pem: string;
    try {
      pem = readFileSync(required(values, 'public-key'), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --public-key: ${(error as Error).message}`);
    }
    const key = await withApp(values, (app) =>
      registerPublicKey(
        app.ctx,
        { merchantId, environment: environmentFlag(values) ?? 'Sandbox', legacy: values['legacy'] === true },
        pem,
      ),
    );
    print(values, { publicKeyId: key.publicKeyId }, `publicKeyId ${key.publicKeyId}`);
    return;
  }
  throw new UsageError('usage: reji keys create|register --merchant-id ID ...');
}

async function storeCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'allow-origin')
    throw new UsageError('usage: reji store allow-origin --store-id ID --origin URL [--origin URL]...');
  const values = parseValues(rest, { 'store-id': { type: 'string' }, origin: { type: 'string', multiple: true } });
  const storeId = required(values, 'store-id');
  const origins = (values['origin'] as string[] | undefined) ?? [];
  const store = await withApp(values, (app) => setAllowedOrigins(app.ctx, storeId, origins));
  print(
    values,
    { storeId: store.storeId, allowedOrigins: store.allowedOrigins },
    `store ${store.storeId} allows ${store.allowedOrigins.join(', ') || 'any origin in the sandbox'}`,
  );
}

/** `reji ca`: the local CA's certificate (PEM on stdout, or its path with --path), made on first use. */
async function caCommand(args: string[]): Promise<void> {
  const values = parseValues(args, { path: { type: 'boolean' } });
  const config = readServeConfig({ 'data-dir': values['data-dir'] as string | undefined });
  const ca = ensureLocalCa(config.dataDir);
  print(values, { certPath: ca.certPath, certPem: ca.cert }, values['path'] ? ca.certPath : ca.cert.trimEnd());
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve,
  ca: caCommand,
  migrate,
  merchant,
  keys,
  store: storeCommand,
  ipn: ipnCommand,
  partner: partnerCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`reji: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await run(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`reji ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiError) {
      process.stderr.write(`reji ${command}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`reji ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
