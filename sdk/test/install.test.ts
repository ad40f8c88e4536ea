// What a user does with the published SDK: `npm pack` (prepack builds dist/), install the tarball into an empty
// project outside the repository, type-check a strict TypeScript file against it, and run a JavaScript file.
// No registry: the package has no dependencies; tsc and @types/node come from this repository by absolute path.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SDK = new URL('..', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const KEY = join(SDK, 'test/fixtures/TEST-ONLY-private-key.pem');

const work = mkdtempSync(join(tmpdir(), 'reji-sdk-install-'));
const project = join(work, 'shop');
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs npm with a cache of its own, never the registry. */
function npm(args: string[], cwd: string) {
  return run('npm', [...args, '--offline', '--no-audit', '--no-fund', '--cache', join(work, 'npm-cache')], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

let tarball = '';
let packed: { path: string }[] = [];

before(async () => {
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], SDK);
  // prepack's own output may come first; the report is the JSON array that follows.
  const report = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, report[0]!.filename);
  packed = report[0]!.files;
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  await npm(['install', tarball], project);
});

test('the tarball holds compiled JavaScript, one declaration file, the README and package.json; nothing refers to ../../src', () => {
  assert.deepEqual(packed.map((f) => f.path).sort(), ['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  const installed = join(project, 'node_modules/@reji/sdk');
  const files = filesUnder(installed).map((f) => f.slice(installed.length + 1));
  assert.deepEqual(files.sort(), ['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  // Not even in a comment of the code: the package stands on its own; the README links nothing relative.
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'package.json'])
    assert.doesNotMatch(readFileSync(join(installed, file), 'utf8'), /\.\.\/src\/|\bsrc\/[a-z-]+\.ts\b/, file);
  assert.doesNotMatch(readFileSync(join(installed, 'README.md'), 'utf8'), /\]\(\.{1,2}\//, 'README.md');

  const dts = readFileSync(join(installed, 'dist/index.d.ts'), 'utf8');
  const imports = [...dts.matchAll(/^\s*(?:import|export)\s[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  for (const spec of imports) assert.match(spec, /^node:[a-z_/]+$/, `index.d.ts imports ${spec}`);
  // The wire and signing types are inlined, not referenced.
  for (const name of ['CheckoutSession', 'CreateCheckoutSessionRequest', 'Charge', 'Refund', 'SigningAlgorithm'])
    assert.match(dts, new RegExp(`^export (?:declare )?(?:interface|type) ${name}\\b`, 'm'), name);

  const js = readFileSync(join(installed, 'dist/index.js'), 'utf8');
  const runtime = [...js.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  assert.ok(runtime.length > 0);
  for (const spec of runtime) assert.match(spec, /^node:[a-z_/]+$/, `index.js imports ${spec}`);
});

test('a strict TypeScript project type-checks against the installed package (and its mistakes do not)', async () => {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023'],
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        // The package's own declarations are checked too.
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['checkout.ts'],
    }),
  );
  writeFileSync(
    join(project, 'checkout.ts'),
    `import { readFileSync } from 'node:fs';
import {
  AmazonPayClient,
  AmazonPayError,
  DeclineError,
  NotificationError,
  StateError,
  verifyNotification,
  type ApiResponse,
  type Charge,
  type CheckoutSession,
  type CreateCheckoutSessionRequest,
  type PrivateKeyInput,
  type Refund,
  type SigningAlgorithm,
} from '@reji/sdk';

const privateKey: PrivateKeyInput = readFileSync('key.pem');
const algorithm: SigningAlgorithm = 'AMZN-PAY-RSASSA-PSS-V2';
const client = new AmazonPayClient({ publicKeyId: 'SANDBOX-KEY', privateKey, region: 'jp', algorithm });

const request: CreateCheckoutSessionRequest = {
  webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
  storeId: 'amzn1.application-oa2-client.example',
};

export async function checkout(): Promise<string | null> {
  const created: ApiResponse<CheckoutSession> = await client.checkoutSessions.create(request);
  const session: CheckoutSession = created.body;
  const state: 'Open' | 'Completed' | 'Canceled' = session.statusDetails.state;
  if (state !== 'Open') return null;
  try {
    const { body: charge } = await client.charges.capture('S03-0000000-0000000-C000000', {
      captureAmount: { amount: '1980', currencyCode: 'JPY' },
    });
    const captured: Charge = charge;
    const { body: refund } = await client.refunds.create({
      chargeId: captured.chargeId,
      refundAmount: { amount: '500', currencyCode: 'JPY' },
    });
    const refunded: Refund = refund;
    return refunded.refundId;
  } catch (error) {
    if (error instanceof DeclineError && error.isSoftDecline) return 'retry later';
    if (error instanceof StateError) return error.reasonCode;
    if (error instanceof AmazonPayError) return \`\${error.status}: \${error.message}\`;
    throw error;
  }
}

export async function onNotification(body: string): Promise<string> {
  try {
    const notification = await verifyNotification(body);
    return notification.type;
  } catch (error) {
    return error instanceof NotificationError ? error.code : 'unknown';
  }
}

export async function mistakes(id: string): Promise<void> {
  // @ts-expect-error an amount is an object with a currency
  await client.charges.create({ chargePermissionId: id, chargeAmount: '100' });
  // @ts-expect-error there is no such operation
  await client.checkoutSessions.remove(id);
  // @ts-expect-error a region is required
  new AmazonPayClient({ publicKeyId: 'SANDBOX-KEY', privateKey });
}
`,
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  assert.equal(result, '');
});

test('a JavaScript file imports the installed package and uses it (client, signing, errors, IPN)', async () => {
  writeFileSync(
    join(project, 'run.mjs'),
    `import { readFileSync } from 'node:fs';
import * as sdk from '@reji/sdk';

const client = new sdk.AmazonPayClient({
  publicKeyId: 'SANDBOX-INSTALLED',
  privateKey: readFileSync(process.argv[2]),
  region: 'jp',
  now: () => new Date('2026-01-27T10:10:10Z'),
});
const prepared = client.signRequest({ method: 'GET', path: '/charges/C' });
const error = sdk.errorFromResponse({ status: 422, headers: {}, text: '{"reasonCode":"HardDeclined","message":"m"}', attempts: 1 });
const ipn = await sdk.verifyNotification('not json').catch((e) => e);
console.log(JSON.stringify({
  url: prepared.url,
  authorization: prepared.headers['authorization'].split(' ').slice(0, 2).join(' '),
  error: [error.name, error instanceof sdk.DeclineError, error instanceof sdk.AmazonPayError, error.isHardDecline],
  ipn: [ipn instanceof sdk.NotificationError, ipn.code],
  version: sdk.SDK_VERSION,
  resolved: import.meta.resolve('@reji/sdk').replace(/^.*node_modules/, 'node_modules'),
}));
`,
  );
  const { stdout } = await run(process.execPath, ['run.mjs', KEY], { cwd: project });
  const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(JSON.parse(stdout), {
    url: 'https://pay-api.amazon.jp/v2/charges/C',
    authorization: 'AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=SANDBOX-INSTALLED,',
    error: ['DeclineError', true, true, true],
    ipn: [true, 'MalformedEnvelope'],
    version: pkg.version,
    resolved: 'node_modules/@reji/sdk/dist/index.js',
  });
});
