import { fail, ok, type DomainError, type Result } from '../domain/errors.js';
import { isCurrencyCode, parseAmount, type Money } from '../domain/money.js';
import { hasControlCharacter } from '../domain/text.js';

/**
 * reji's declarations of Amazon Pay's JSON, one per wire shape. Each declaration gives:
 * - `parse`: validation shaped after zod's `safeParse`, answering in Amazon Pay's terms (UnrecognizedField,
 *   MissingParameterValue, InvalidParameterValue) with the field's dotted path;
 * - `Input<D>` (what a client may send) and `Output<D>` (what `parse` yields, or what a response holds);
 * - `jsonSchema(D)`: its JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it);
 * - `render(D, value)`: a response value as wire JSON, its keys in the declared order.
 */
export interface Schema<In, Out = In> {
  parse(value: unknown, path: string): Result<Out>;
  /** Whether the field may be absent (or null, in a request) in an object. */
  readonly optional: boolean;
  /** The JSON Schema of what travels on the wire. */
  json(): JsonSchema;
  /** The wire JSON of a value; objects list their declared keys in declared order. */
  render(value: Out, path: string): unknown;
  /** Type carrier only (never set). */
  readonly types?: { readonly input: In; readonly output: Out };
}

/** A field that may be left out of its object. */
export type Optional<In, Out> = Schema<In, Out | undefined> & { readonly optional: true };

export type Input<S> = S extends { readonly types?: { readonly input: infer I } } ? I : never;
export type Output<S> = S extends { readonly types?: { readonly output: infer O } } ? O : never;

/** A JSON Schema (draft 2020-12) node. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The JSON Schema of a declaration, as a standalone document. */
export function jsonSchema(s: Schema<unknown, unknown>): JsonSchema {
  return { $schema: JSON_SCHEMA_DIALECT, ...s.json() };
}

/** The wire JSON of a response value: every declared key, in declared order. */
export function render<S extends Schema<unknown, unknown>>(s: S, value: Output<S>): Output<S> {
  return s.render(value, '') as Output<S>;
}

function schema<In, Out = In>(
  parse: (value: unknown, path: string) => Result<Out>,
  json: () => JsonSchema,
  renderValue: (value: Out, path: string) => unknown = (v) => v,
): Schema<In, Out> {
  return { parse, optional: false, json, render: renderValue };
}

export function invalid(path: string, why?: string): { ok: false; error: DomainError } {
  return fail('InvalidParameterValue', `The value provided for ${path} is invalid.${why ? ` ${why}` : ''}`);
}

export function missing(path: string): { ok: false; error: DomainError } {
  return fail('MissingParameterValue', `The request is missing the required parameter ${path}.`);
}

export function optional<In, Out>(inner: Schema<In, Out>): Optional<In, Out> {
  return {
    parse: (v, p) => (v === undefined || v === null ? ok(undefined) : inner.parse(v, p)),
    optional: true,
    json: inner.json,
    render: (v, p) => (v === undefined ? undefined : inner.render(v, p)),
  };
}

/** A value that may be null (response fields: always present, null when unset). */
export function nullable<In, Out>(inner: Schema<In, Out>): Schema<In | null, Out | null> {
  return {
    parse: (v, p) => (v === null ? ok(null) : inner.parse(v, p)),
    optional: false,
    json: () => ({ anyOf: [inner.json(), { type: 'null' }] }),
    render: (v, p) => (v === null ? null : inner.render(v, p)),
  };
}

export function string(
  options: { max: number; min?: number; pattern?: RegExp; patternHint?: string } = { max: 1024 },
): Schema<string> {
  return schema(
    (v, p) => {
      if (typeof v !== 'string') return invalid(p, 'Expected a string.');
      if (v.length < (options.min ?? 0))
        return options.min === 1
          ? invalid(p, 'It must not be empty.')
          : invalid(p, `It must have at least ${options.min} characters.`);
      if (v.length > options.max) return invalid(p, `It must not be longer than ${options.max} characters.`);
      if (options.pattern && !options.pattern.test(v)) return invalid(p, options.patternHint);
      return ok(v);
    },
    () => ({
      type: 'string',
      ...(options.min ? { minLength: options.min } : {}),
      ...(Number.isFinite(options.max) ? { maxLength: options.max } : {}),
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
    }),
  );
}

/** Any string (responses: reji writes them, so no limits are declared). */
export function text(): Schema<string> {
  return string({ max: Number.POSITIVE_INFINITY });
}

export function literal<const T extends string>(values: readonly T[]): Schema<T> {
  return schema(
    (v, p) =>
      typeof v === 'string' && (values as readonly string[]).includes(v)
        ? ok(v as T)
        : invalid(p, `Allowed values: ${values.join(', ')}.`),
    () => ({ type: 'string', enum: [...values] }),
  );
}

export function boolean(): Schema<boolean> {
  return schema(
    (v, p) => (typeof v === 'boolean' ? ok(v) : invalid(p, 'Expected true or false.')),
    () => ({ type: 'boolean' }),
  );
}

/** A JSON number (responses only: e.g. a charge's conversionRate). */
export function number(): Schema<number> {
  return schema(
    (v, p) => (typeof v === 'number' && Number.isFinite(v) ? ok(v) : invalid(p, 'Expected a number.')),
    () => ({ type: 'number' }),
  );
}

/** A JSON object whose content reji does not model (fields only Amazon fills; always null in reji). */
export function opaqueObject(): Schema<Record<string, unknown>> {
  return schema(
    (v, p) => (isPlainObject(v) ? ok(v) : invalid(p, 'Expected an object.')),
    () => ({ type: 'object' }),
  );
}

export function array<In, Out>(
  item: Schema<In, Out>,
  options: { max: number; min?: number } = { max: Number.POSITIVE_INFINITY },
): Schema<In[], Out[]> {
  return schema(
    (v, p) => {
      if (!Array.isArray(v)) return invalid(p, 'Expected an array.');
      if (v.length > options.max) return invalid(p, `It must not have more than ${options.max} entries.`);
      if (v.length < (options.min ?? 0)) return invalid(p, `It must have at least ${options.min} entries.`);
      const out: Out[] = [];
      for (let i = 0; i < v.length; i++) {
        const r = item.parse(v[i], `${p}[${i}]`);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return ok(out);
    },
    () => ({
      type: 'array',
      items: item.json(),
      ...(options.min ? { minItems: options.min } : {}),
      ...(Number.isFinite(options.max) ? { maxItems: options.max } : {}),
    }),
    (v, p) => v.map((x, i) => item.render(x, `${p}[${i}]`)),
  );
}

/** A JSON object whose keys are not fixed (e.g. country codes). */
export function record<In, Out>(
  key: RegExp,
  value: Schema<In, Out>,
  options: { max: number } = { max: Number.POSITIVE_INFINITY },
): Schema<Record<string, In>, Record<string, Out>> {
  return schema(
    (v, p) => {
      if (!isPlainObject(v)) return invalid(p, 'Expected an object.');
      const entries = Object.entries(v);
      if (entries.length > options.max) return invalid(p, `It must not have more than ${options.max} entries.`);
      const out: Record<string, Out> = {};
      for (const [k, item] of entries) {
        if (!key.test(k)) return invalid(`${p}.${k}`, 'Unexpected key.');
        const r = value.parse(item, `${p}.${k}`);
        if (!r.ok) return r;
        out[k] = r.value;
      }
      return ok(out);
    },
    () => ({
      type: 'object',
      propertyNames: { pattern: key.source },
      additionalProperties: value.json(),
      ...(Number.isFinite(options.max) ? { maxProperties: options.max } : {}),
    }),
    (v, p) => {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = value.render(item, `${p}.${k}`);
      return out;
    },
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type Shape = Record<string, Schema<unknown, unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectInput<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Input<S[K]> } & { [K in OptionalKeys<S>]?: Input<S[K]> }
>;
export type ObjectOutput<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Output<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Output<S[K]>, undefined> }
>;

/** An object declaration; `shape` lists its keys in wire order. */
export type ObjectSchema<S extends Shape> = Schema<ObjectInput<S>, ObjectOutput<S>> & { readonly shape: S };

/**
 * A JSON object with exactly these fields: unknown ones answer UnrecognizedField. The order of `shape` is the
 * order in which a response renders its keys.
 */
export function object<S extends Shape>(shape: S): ObjectSchema<S> {
  const fields = Object.entries(shape);
  const base = schema<ObjectInput<S>, ObjectOutput<S>>(
    (v, p) => {
      if (!isPlainObject(v)) return invalid(p, 'Expected an object.');
      for (const key of Object.keys(v)) {
        if (!Object.hasOwn(shape, key))
          return fail('UnrecognizedField', `The field ${join(p, key)} is not recognized.`);
      }
      const out: Record<string, unknown> = {};
      for (const [key, field] of fields) {
        const value = v[key];
        if (value === undefined && !field.optional) return missing(join(p, key));
        if (value === null && !field.optional && !acceptsNull(field)) return missing(join(p, key));
        const r = field.parse(value, join(p, key));
        if (!r.ok) return r;
        if (r.value !== undefined) out[key] = r.value;
      }
      return ok(out as ObjectOutput<S>);
    },
    () => ({
      type: 'object',
      properties: Object.fromEntries(fields.map(([key, field]) => [key, field.json()])),
      required: fields.filter(([, field]) => !field.optional).map(([key]) => key),
      additionalProperties: false,
    }),
    (v, p) => {
      const value = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, field] of fields) {
        const item = value[key];
        if (item === undefined) {
          if (field.optional) continue;
          throw new Error(`render: ${join(p, key)} is declared but has no value`);
        }
        out[key] = field.render(item, join(p, key));
      }
      return out;
    },
  );
  return { ...base, shape };
}

function acceptsNull(field: Schema<unknown, unknown>): boolean {
  return field.parse(null, '').ok;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** What a client may send as a Price: Amazon's SDKs send strings; numbers are accepted too. */
export interface PriceInput {
  amount: string | number;
  currencyCode: string;
}

/** A Price in a request: the amount parsed exactly into minor units of its currency. */
export function price(): Schema<PriceInput, Money> {
  const shape = object({
    amount: schema<string | number, unknown>(
      (v) => ok(v),
      () => ({ type: ['string', 'number'] }),
    ),
    currencyCode: string({ max: 3 }),
  });
  return schema(
    (v, p) => {
      const r = shape.parse(v, p);
      if (!r.ok) return r;
      const currency = r.value.currencyCode;
      if (!isCurrencyCode(currency))
        return invalid(join(p, 'currencyCode'), `${currency} is not a supported currency.`);
      return parseAmount(r.value.amount, currency, join(p, 'amount'));
    },
    shape.json,
    requestOnly,
  );
}

/** An absolute http(s) URL; whether it is allowed for the store is the domain's decision. */
export function url(max = 1024): Schema<string> {
  return schema(
    (v, p) => {
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
    },
    () => ({ type: 'string', format: 'uri', maxLength: max }),
  );
}

/** A whole number, given as a JSON number or a numeric string (frequency values are strings on the wire). */
export function integerLike(options: { min: number; max: number }): Schema<number | string, number> {
  return schema(
    (v, p) => {
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
      if (!Number.isInteger(n) || n < options.min || n > options.max)
        return invalid(p, `Expected a whole number from ${options.min} to ${options.max}.`);
      return ok(n);
    },
    () => ({
      anyOf: [
        { type: 'integer', minimum: options.min, maximum: options.max },
        { type: 'string', pattern: '^\\s*\\d+\\s*$' },
      ],
    }),
  );
}

/**
 * A point in time as the dispute operations send it (spec 12 §12.15): epoch seconds (PHP, Java) or milliseconds
 * (Node's `Date.now()`), as a number or a numeric string, or an ISO-8601 dateTime (`2026-01-27T10:10:10Z`, basic
 * `20260127T101010Z`). Numbers below 10^11 are seconds (10^11 ms is 1973; 10^11 s is the year 5138).
 */
export function instant(): Schema<number | string, number> {
  return schema(
    (v, p) => {
      let at = Number.NaN;
      if (typeof v === 'number' || (typeof v === 'string' && /^\d{1,16}$/.test(v.trim()))) {
        const n = Number(v);
        at = n < 1e11 ? n * 1000 : n;
      } else if (typeof v === 'string') {
        const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
        const iso = basic ? `${basic[1]}-${basic[2]}-${basic[3]}T${basic[4]}:${basic[5]}:${basic[6]}Z` : v;
        if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) at = Date.parse(iso);
      }
      if (!Number.isSafeInteger(Math.round(at)) || at < 0 || at > 253402300799000)
        return invalid(
          p,
          'Expected epoch seconds or milliseconds, or an ISO-8601 dateTime such as 2026-01-27T10:10:10Z.',
        );
      return ok(Math.round(at));
    },
    () => ({
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^\\d{1,16}$' },
        { type: 'string', format: 'date-time' },
      ],
    }),
    requestOnly,
  );
}

/** A transform after parsing (request side: the wire value becomes a domain value). */
export function map<In, A, B>(inner: Schema<In, A>, f: (a: A, path: string) => Result<B>): Schema<In, B> {
  return {
    parse: (v, p) => {
      const r = inner.parse(v, p);
      return r.ok ? f(r.value, p) : r;
    },
    optional: inner.optional,
    json: inner.json,
    render: requestOnly,
  };
}

function requestOnly(_value: unknown, path: string): never {
  throw new Error(`render: ${path || 'the value'} is declared for requests only (it transforms what it parses)`);
}
