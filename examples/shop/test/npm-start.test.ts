// `npm start`: reji and the demo shop in one process; the banner names the shop's URL; the shop's button
// points at reji's checkout.js and reji accepts its signed payload; Ctrl-C stops both.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ButtonOptions } from '../src/views.js';
import { CookieBrowser, jsonBlockOf } from './support.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'reji-npm-start-'));
  let builtDir: string | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (builtDir) rmSync(builtDir, { recursive: true, force: true });
  });

  test('runs reji and the shop, prints the shop URL, and stops both on Ctrl-C', { timeout: 60_000 }, async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // `npm start` builds (prestart) and runs the compiled demo: build the same into a private folder inside the
    // checkout (so that node_modules resolve as from dist/) and run that, leaving dist/ to whoever else uses it.
    assert.equal(pkg.scripts['prestart'], 'npm run build');
    assert.equal(pkg.scripts['start'], 'node dist/demo/start.js');
    const outdir = join(ROOT, 'test-results', `npm-start-${process.pid}`);
    builtDir = outdir;
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', outdir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    const [api, tls, shopPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REJI_DATA_DIR: dataDir,
      REJI_PORT: String(api),
      REJI_HTTPS_PORT: String(tls),
      REJI_SHOP_PORT: String(shopPort),
    };
    delete env['REJI_SHOP_ADMIN_PASSWORD'];
    delete env['REJI_PUBLIC_URL'];
    child = spawn(process.execPath, [join(outdir, 'demo/start.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const shopUrl = `http://127.0.0.1:${shopPort}`;
    for (let i = 0; i < 400 && !stdout.includes(`ショップ / Shop:  ${shopUrl}`); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(stdout.includes(`ショップ / Shop:  ${shopUrl}`), `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.match(stdout, new RegExp(`注文管理 / Admin:  ${shopUrl}/admin   \\(password: reji-admin\\)`));
    assert.match(stdout, /merchantId A[A-Z0-9]{13}/);
    assert.ok(existsSync(join(dataDir, 'demo-merchant.json')) && existsSync(join(dataDir, 'shop', 'secret')));

    const browser = new CookieBrowser(shopUrl);
    const home = await browser.get('/');
    assert.equal(home.status, 200);
    await browser.post('/cart/add', { productId: 'matcha', quantity: '2' }, home);
    const cart = await browser.get('/cart');
    assert.ok(cart.html.includes(`<script src="http://127.0.0.1:${api}/checkout.js"></script>`));
    const script = await fetch(`http://127.0.0.1:${api}/checkout.js`);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /renderButton/);

    // reji accepts the shop's signed button (what checkout.js asks before starting the checkout).
    const button = jsonBlockOf<ButtonOptions>(cart.html, 'amazon-pay-button-options');
    const verdict = await fetch(`http://127.0.0.1:${api}/checkout/verify-payload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({
        merchantId: button.merchantId,
        ledgerCurrency: button.ledgerCurrency,
        checkoutLanguage: button.checkoutLanguage,
        productType: button.productType,
        placement: button.placement,
        sandbox: String(button.sandbox),
        estimatedOrderAmount: '',
        ...button.createCheckoutSessionConfig,
        startedFrom: `${shopUrl}/cart`,
      }),
    });
    assert.deepEqual(await verdict.json(), { ok: true });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${shopUrl}/healthz`));
    await assert.rejects(fetch(`http://127.0.0.1:${api}/healthz`));
  });
});
