import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Environment } from '../domain/environment.js';
import { readServeConfig } from './config.js';
import { openApp, type AppHandle } from './runtime.js';

/** A command line that cannot be run as given: reji prints the message and exits with 2. */
export class UsageError extends Error {}

/** Flags every one-off command takes. */
const COMMON = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Parses flags strictly; anything unexpected is a usage error, not a crash. */
export function parseCommand(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionals = 0,
): { values: Values; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(`unexpected argument ${parsed.positionals[positionals]}`);
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

export function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** `--env sandbox|live`, or undefined when absent. */
export function environmentFlag(values: Values): Environment | undefined {
  const value = values['env'];
  if (value === undefined) return undefined;
  if (value !== 'sandbox' && value !== 'live') throw new UsageError('--env must be sandbox or live');
  return value === 'sandbox' ? 'Sandbox' : 'Live';
}

/** Opens the data directory's (or database's) store for a one-off command; a running server sees the result at once. */
export async function withApp<T>(values: Values, fn: (app: AppHandle) => Promise<T>): Promise<T> {
  const config = readServeConfig({
    'data-dir': values['data-dir'] as string | undefined,
    'database-url': values['database-url'] as string | undefined,
  });
  const app = await openApp({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: 2,
    publicUrl: config.publicUrl,
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** JSON with --json, text otherwise. */
export function print(values: Values, json: unknown, text: string): void {
  process.stdout.write(values['json'] ? `${JSON.stringify(json)}\n` : `${text}\n`);
}
