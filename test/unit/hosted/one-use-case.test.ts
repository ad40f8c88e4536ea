import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * Issue 16 item 4: each hosted-page action is one use case. Every form post (and the claim) of src/http/hosted
 * calls exactly one function of src/app, then renders or redirects on its result; it may render a page again
 * (a `…Page` function) but calls no other helper that reaches src/app. Read from the source, statically.
 */

const dir = resolve(new URL('../../../src/http/hosted', import.meta.url).pathname);

interface SourceFile {
  /** Names this file imports at run time from src/app. */
  readonly appImports: Set<string>;
  /** Local name -> the hosted file it is imported from, and its name there. */
  readonly hostedImports: Map<string, { file: string; name: string }>;
  /** Functions defined in the file, with their bodies. */
  readonly functions: Map<string, string>;
}

const files = new Map<string, SourceFile>();
for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
  const text = readFileSync(join(dir, name), 'utf8');
  const appImports = new Set<string>();
  const hostedImports = new Map<string, { file: string; name: string }>();
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)';/gm)) {
    if (m[2]) continue;
    const names = m[3]!
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('type '));
    for (const entry of names) {
      const [imported, local = imported] = entry.split(/\s+as\s+/) as [string, string | undefined];
      if (m[4]!.startsWith('../../app/')) appImports.add(local!);
      else if (m[4]!.startsWith('./'))
        hostedImports.set(local!, { file: m[4]!.slice(2).replace(/\.js$/, '.ts'), name: imported });
    }
  }
  const functions = new Map<string, string>();
  for (const m of text.matchAll(/^(?:export )?(?:async )?function (\w+)[^\n]*\n([\s\S]*?)^\}$/gm)) {
    functions.set(m[1]!, m[2]!);
  }
  files.set(name, { appImports, hostedImports, functions });
}

function calls(body: string): string[] {
  return [...body.matchAll(/(?<![.\w])(\w+)\(/g)].map((m) => m[1]!);
}

/** Whether calling `name` (as seen from `file`) reaches src/app, directly or through hosted helpers. */
function reachesApp(file: string, name: string, seen = new Set<string>()): boolean {
  const key = `${file}#${name}`;
  if (seen.has(key)) return false;
  seen.add(key);
  const f = files.get(file);
  if (!f) return false;
  if (f.appImports.has(name)) return true;
  const imported = f.hostedImports.get(name);
  if (imported) return reachesApp(imported.file, imported.name, seen);
  const body = f.functions.get(name);
  return body !== undefined && calls(body).some((c) => reachesApp(file, c, seen));
}

/** The actions: every POST of the route table, and the claim (a GET that binds a flow). */
function actions(): { route: string; file: string; name: string }[] {
  const table = readFileSync(join(dir, 'checkout-pages.ts'), 'utf8');
  const dispatcher = files.get('checkout-pages.ts')!;
  return [...table.matchAll(/^\s*'((?:POST \/checkout[^']*)|GET \/checkout\/claim)': (\w+),$/gm)].map((m) => {
    const from = dispatcher.hostedImports.get(m[2]!);
    assert.ok(from, `${m[2]} is imported from a hosted page file`);
    return { route: m[1]!, file: from.file, name: from.name };
  });
}

test('every hosted-page action calls exactly one use case of src/app', () => {
  const found = actions();
  assert.ok(found.length >= 14, `all actions found (${found.map((a) => a.route).join(', ')})`);
  for (const { route, file, name } of found) {
    const f = files.get(file)!;
    const body = f.functions.get(name);
    assert.ok(body, `${route}: ${name} is a function of ${file}`);
    const made = calls(body);
    const direct = made.filter((c) => f.appImports.has(c));
    assert.equal(direct.length, 1, `${route} (${file}#${name}) calls one use case, not ${direct.join(', ') || 'none'}`);
    const hidden = made.filter((c) => !f.appImports.has(c) && !/Page$/.test(c) && reachesApp(file, c));
    assert.deepEqual(hidden, [], `${route} (${file}#${name}) reaches src/app only through its one use case`);
  }
});

test('the check sees through helpers: a page renderer reaches src/app, the CSRF-free helpers do not', () => {
  assert.ok(reachesApp('sign-in-pages.ts', 'signInPage'));
  assert.ok(reachesApp('select-pages.ts', 'requireCheckout'));
  assert.ok(!reachesApp('sign-in-pages.ts', 'redirectTo'));
  assert.ok(!reachesApp('button-pages.ts', 'readButtonFields'));
});
