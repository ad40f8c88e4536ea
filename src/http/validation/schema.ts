import { fail, ok, type DomainError, type Result } from '../../domain/errors.js';
import { isCurrencyCode, parseAmount, type Money } from '../../domain/money.js';
import { hasControlCharacter } from '../../domain/text.js';

/**
 * A small validator for request bodies, shaped after zod's `safeParse`: a schema either returns the
 * parsed value or the first problem, already in Amazon Pay's terms (UnrecognizedField,
 * MissingParameterValue, InvalidParameterValue) with the field's dotted path.
 */
export interface Schema<T> {
  parse(value: unknown, path: string): Result<T>;
  /** Whether the field may be absent (or null) in an object. */
  readonly optional: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(parse: (value: unknown, path: string) => Result<T>): Schema<T> {
  return { parse, optional: false };
}

export function invalid(path: string, why?: string): { ok: false; error: DomainError } {
  return fail('InvalidParameterValue', `The value provided for ${path} is invalid.${why ? ` ${why}` : ''}`);
}

export function missing(path: string): { ok: false; error: DomainError } {
  return fail('MissingParameterValue', `The request is missing the required parameter ${path}.`);
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return { parse: (v, p) => (v === undefined || v === null ? ok(undefined) : inner.parse(v, p)), optional: true };
}

export function string(
  options: { max: number; min?: number; pattern?: RegExp; patternHint?: string } = { max: 1024 },
): Schema<string> {
  return schema((v, p) => {
    if (typeof v !== 'string') return invalid(p, 'Expected a string.');
    if (v.length < (options.min ?? 0))
      return options.min === 1
        ? invalid(p, 'It must not be empty.')
        : invalid(p, `It must have at least ${options.min} characters.`);
    if (v.length > options.max) return invalid(p, `It must not be longer than ${options.max} characters.`);
    if (options.pattern && !options.pattern.test(v)) return invalid(p, options.patternHint);
    return ok(v);
  });
}

export function literal<const T extends string>(values: readonly T[]): Schema<T> {
  return schema((v, p) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? ok(v as T)
      : invalid(p, `Allowed values: ${values.join(', ')}.`),
  );
}

export function boolean(): Schema<boolean> {
  return schema((v, p) => (typeof v === 'boolean' ? ok(v) : invalid(p, 'Expected true or false.')));
}

export function array<T>(item: Schema<T>, options: { max: number; min?: number }): Schema<T[]> {
  return schema((v, p) => {
    if (!Array.isArray(v)) return invalid(p, 'Expected an array.');
    if (v.length > options.max) return invalid(p, `It must not have more than ${options.max} entries.`);
    if (v.length < (options.min ?? 0)) return invalid(p, `It must have at least ${options.min} entries.`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = item.parse(v[i], `${p}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  });
}

/** A JSON object whose keys are not fixed (e.g. country codes). */
export function record<T>(key: RegExp, value: Schema<T>, options: { max: number }): Schema<Record<string, T>> {
  return schema((v, p) => {
    if (!isPlainObject(v)) return invalid(p, 'Expected an object.');
    const entries = Object.entries(v);
    if (entries.length > options.max) return invalid(p, `It must not have more than ${options.max} entries.`);
    const out: Record<string, T> = {};
    for (const [k, item] of entries) {
      if (!key.test(k)) return invalid(`${p}.${k}`, 'Unexpected key.');
      const r = value.parse(item, `${p}.${k}`);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return ok(out);
  });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S as S[K]['optional'] extends true ? never : K]: Infer<S[K]> } & {
  [K in keyof S as S[K]['optional'] extends true ? K : never]?: Exclude<Infer<S[K]>, undefined>;
};

/** A JSON object with exactly these fields: unknown ones answer UnrecognizedField. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return schema((v, p) => {
    if (!isPlainObject(v)) return invalid(p, 'Expected an object.');
    for (const key of Object.keys(v)) {
      if (!Object.hasOwn(shape, key)) return fail('UnrecognizedField', `The field ${join(p, key)} is not recognized.`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const value = v[key];
      if ((value === undefined || value === null) && !field.optional) return missing(join(p, key));
      const r = field.parse(value, join(p, key));
      if (!r.ok) return r;
      if (r.value !== undefined) out[key] = r.value;
    }
    return ok(out as ObjectOf<S>);
  });
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A Price: the amount parsed exactly into minor units of its currency. */
export function price(): Schema<Money> {
  const shape = object({ amount: schema((v) => ok(v)), currencyCode: string({ max: 3 }) });
  return schema((v, p) => {
    const r = shape.parse(v, p);
    if (!r.ok) return r;
    const currency = r.value.currencyCode;
    if (!isCurrencyCode(currency)) return invalid(join(p, 'currencyCode'), `${currency} is not a supported currency.`);
    return parseAmount(r.value.amount, currency, join(p, 'amount'));
  });
}

/** An absolute http(s) URL; whether it is allowed for the store is the domain's decision. */
export function url(max = 1024): Schema<string> {
  return schema((v, p) => {
    if (typeof v !== 'string') return invalid(p, 'Expected a URL.');
    if (v.length > max) return invalid(p, `It must not be longer than ${max} characters.`);
    if (hasControlCharacter(v)) return invalid(p, 'It must not contain control characters (such as CR or LF).');
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      return invalid(p, 'It is not an absolute URL.');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return invalid(p, 'Only http and https URLs are allowed.');
    return ok(v);
  });
}

/** A whole number, given as a JSON number or a numeric string (frequency values are strings on the wire). */
export function integerLike(options: { min: number; max: number }): Schema<number> {
  return schema((v, p) => {
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isInteger(n) || n < options.min || n > options.max)
      return invalid(p, `Expected a whole number from ${options.min} to ${options.max}.`);
    return ok(n);
  });
}

export function map<A, B>(inner: Schema<A>, f: (a: A, path: string) => Result<B>): Schema<B> {
  return {
    parse: (v, p) => {
      const r = inner.parse(v, p);
      return r.ok ? f(r.value, p) : r;
    },
    optional: inner.optional,
  };
}
