import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUESTS } from '../wire/requests.js';
import { RESPONSES } from '../wire/responses.js';
import type { JsonSchema, Schema } from '../wire/schema.js';
import type { ApiRoute } from './route-table.js';
import type { PageHandler } from './server.js';

/**
 * The OpenAPI 3.1 description of reji's API, built from the route table and the wire declarations (never
 * written by hand): one path item per route, request bodies and responses as references to the declared
 * components, the signature and idempotency headers each route takes.
 */

type Json = Record<string, unknown>;

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['reasonCode', 'message'],
  properties: { reasonCode: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: false,
};

const SIGNED_HEADERS: Json[] = [
  header('authorization', true, 'AMZN-PAY-RSASSA-PSS[-V2] PublicKeyId=…, SignedHeaders=…, Signature=…'),
  header('x-amz-pay-date', true, 'The request time, basic ISO 8601 (20260127T101010Z); within 15 minutes.'),
  header('x-amz-pay-region', false, 'jp, na/us, eu/uk/de (signed when sent).'),
];

function header(name: string, required: boolean, description: string): Json {
  return { name, in: 'header', required, description, schema: { type: 'string' } };
}

function componentNames(): Map<Schema<unknown, unknown>, string> {
  const names = new Map<Schema<unknown, unknown>, string>();
  for (const [name, decl] of Object.entries({ ...REQUESTS, ...RESPONSES })) names.set(decl, name);
  return names;
}

function schemaOf(decl: Schema<unknown, unknown>, names: Map<Schema<unknown, unknown>, string>): JsonSchema {
  const name = names.get(decl);
  return name === undefined ? decl.json() : { $ref: `#/components/schemas/${name}` };
}

function json(schema: JsonSchema): Json {
  return { 'application/json': { schema } };
}

function operationOf(route: ApiRoute, names: Map<Schema<unknown, unknown>, string>): Json {
  const error = { description: 'Amazon Pay error', content: json({ $ref: '#/components/schemas/Error' }) };
  const parameters: Json[] = [
    ...route.pathParams.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
    ...route.query.map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } })),
    ...SIGNED_HEADERS,
  ];
  if (route.idempotency === 'optional' || route.idempotency === 'required') {
    parameters.push(
      header(
        'x-amz-pay-idempotency-key',
        route.idempotency === 'required',
        'Up to 32 alphanumeric characters; the same key and request replay the first answer.',
      ),
    );
  }
  parameters.push(
    header(
      'x-amz-pay-authtoken',
      false,
      "A partner's call for a merchant: the merchant's authorization token (Get Authorization Token); signed or not.",
    ),
  );
  if (route.simulation !== null && route.simulation !== 'Other') {
    parameters.push(header('x-amz-pay-simulation-code', false, 'Sandbox only: see docs/sandbox.md.'));
  }
  const success = route.response === undefined ? { type: 'object' } : schemaOf(route.response, names);
  const responses: Json = {};
  for (const status of [route.status, ...route.otherStatuses]) {
    // 204, and 202 without a declared response (Delete Amazon Pay Account), answer with no body.
    responses[String(status)] =
      status === 204 || (status === 202 && route.response === undefined)
        ? { description: 'Success, no body' }
        : { description: 'Success', content: json(success) };
  }
  responses['4XX'] = error;
  responses['5XX'] = error;
  return {
    operationId: route.operation,
    ...(route.sandboxOnly ? { tags: ['Sandbox testing'] } : {}),
    parameters,
    ...(route.body === undefined
      ? {}
      : { requestBody: { required: route.method !== 'DELETE', content: json(schemaOf(route.body, names)) } }),
    responses,
  };
}

/** `/v2/charges/:chargeId/capture` -> `/v2/charges/{chargeId}/capture`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

export function openApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const names = componentNames();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route, names) };
  }
  const schemas: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  for (const [decl, name] of names) schemas[name] = decl.json();
  return {
    openapi: '3.1.0',
    info: {
      title: 'reji: Amazon Pay API v2',
      version,
      description:
        'Wire-compatible with Amazon Pay API v2. Every request is signed (RSA-PSS); the same paths are served under /sandbox/v2 and /live/v2 for legacy keys.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: { schemas },
  };
}

/** reji's version from its package.json (found by walking up from this module, in the source tree or a package). */
export function rejiVersion(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'reji' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one level up
    }
    dir = new URL('..', dir);
  }
  return '0.0.0';
}

/** `GET /openapi.json`: the document of every route, built once, from the same declarations that validate and render. */
export function openApiPage(routes: readonly ApiRoute[], version = rejiVersion()): PageHandler {
  let body: string | undefined;
  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path !== '/openapi.json' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      body ??= JSON.stringify(openApiDocument(routes, version), null, 2);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'access-control-allow-origin': '*',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
