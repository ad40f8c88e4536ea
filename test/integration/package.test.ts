import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

/**
 * The packaged runtime (issue 14 part 3): `npm pack` yields a package whose `reji` command runs compiled
 * JavaScript, and `npm install -g ./reji-*.tgz` installs it where nothing of this repository is reachable.
 * The package is staged in a temporary directory (the repository's dist/ is left alone: other tests run it).
 * better-sqlite3's install script runs as on any machine; so that the test does not compile SQLite for minutes
 * (this machine cannot download prebuilt binaries), it offers prebuild-install the addon this checkout built,
 * as a local prebuild (`npm_config_better_sqlite3_local_prebuilds`), the way an offline installation does.
 */

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** The environment of a clean shell: nothing from npm's own run of the tests, no module paths, no loaders. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k === 'NODE_PATH' || k === 'NODE_OPTIONS' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else out.push(path);
  }
  return out;
}

describe('the npm package', { timeout: 600_000 }, () => {
  let work: string;
  let prefix: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'reji-package-'));
    prefix = join(work, 'prefix');
    const stage = join(work, 'stage');
    mkdirSync(join(stage, 'bin'), { recursive: true });
    await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', join(stage, 'dist')]);
    cpSync(join(ROOT, 'bin/reji.js'), join(stage, 'bin/reji.js'));
    for (const f of ['package.json', 'README.md']) cpSync(join(ROOT, f), join(stage, f));
    // Built already: prepack would build into the repository's dist/.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: stage, env: cleanEnv({}) });

    const sqlite = dirname(require.resolve('better-sqlite3/package.json'));
    const version = (JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string }).version;
    const prebuilds = join(work, 'prebuilds');
    mkdirSync(prebuilds);
    const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    await run('tar', ['-czf', join(prebuilds, name), '-C', sqlite, 'build/Release/better_sqlite3.node']);

    const tgz = readdirSync(work).find((f) => /^reji-.*\.tgz$/.test(f));
    assert.ok(tgz, 'npm pack wrote reji-<version>.tgz');
    await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', `./${tgz}`], {
      cwd: work,
      env: cleanEnv({ npm_config_better_sqlite3_local_prebuilds: prebuilds }),
      maxBuffer: 16 * 1024 * 1024,
    });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('holds compiled JavaScript and no TypeScript, tsx or compiler', () => {
    const installed = join(prefix, 'lib/node_modules/reji');
    const files = filesUnder(installed).map((f) => f.slice(installed.length + 1));
    assert.ok(files.includes('dist/reji.js'));
    assert.ok(files.includes('dist/assets/checkout.js'));
    assert.deepEqual(
      files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts')),
      [],
    );
    for (const tool of ['tsx', 'typescript', 'esbuild'])
      assert.ok(!existsSync(join(installed, 'node_modules', tool)), tool);
  });

  test('`reji serve --port 0` answers /healthz and serves its assets from outside the repository', async () => {
    const dataDir = join(work, 'data');
    const child = spawn(
      join(prefix, 'bin/reji'),
      ['serve', '--port', '0', '--https-port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      { cwd: work, env: cleanEnv({ REJI_DATABASE_URL: '' }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && !url; i++) {
        if (child.exitCode !== null) assert.fail(`reji exited with ${child.exitCode}: ${output}`);
        url = /API and hosted pages: (http:\/\/\S+)/.exec(output)?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(url, `reji printed its URL: ${output}`);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      const script = await fetch(`${url}/checkout.js`);
      assert.equal(script.status, 200);
      assert.match(await script.text(), /renderButton/);
      const css = await fetch(`${url}/checkout/assets/hosted.css`);
      assert.equal(css.status, 200);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
    }
  });
});
