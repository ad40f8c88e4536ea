import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { IN_CI } from './dialects.js';

/** Debian's Chromium, the browser of the browser tests (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM_PATH = process.env['REJI_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false. In CI a missing browser is an error, never a skip. */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  const why = `Chromium not found at ${CHROMIUM_PATH}; install it with \`apt-get install -y chromium\` to run the browser tests`;
  if (IN_CI) throw new Error(`${why} (required in CI)`);
  return why;
}

/** A fresh headless Chromium with its own profile directory; `close` removes both. */
export async function freshBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'reji-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects the page's console errors and uncaught exceptions (a CSP violation, a script error) into `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
}

/** Full-page screenshots of one run, numbered in the order taken (`01-cart.png`, ...), in `dir`. */
export class Screenshots {
  #n = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async take(page: Page, name: string): Promise<void> {
    this.#n += 1;
    await page.screenshot({ path: join(this.dir, `${String(this.#n).padStart(2, '0')}-${name}.png`), fullPage: true });
  }
}
