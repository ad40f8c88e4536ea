// The demo shop's server: the context built once, the route table of the page groups (cart, review,
// complete, admin), static assets, and the one place that turns a thrown error into a page.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AmazonPayClient } from '@reji/sdk';
import { ADMIN_ROUTES } from './admin.js';
import { BUY_NOW_ROUTES } from './buy-now.js';
import { CART_ROUTES } from './cart.js';
import { COMPLETE_ROUTES } from './complete.js';
import { createShopContext, type ShopConfig } from './context.js';
import type { OrderStore } from './orders.js';
import { REVIEW_ROUTES } from './review.js';
import { HttpProblem, problem, requestOf, type Handler, type Request, type Route } from './request.js';
import { BodyTooLargeError } from './web.js';

export type { ShopConfig } from './context.js';

export interface RunningShop {
  readonly url: string;
  readonly orders: OrderStore;
  readonly client: AmazonPayClient;
  readonly server: Server;
  close(): Promise<void>;
}

const ASSETS = new Map<string, { type: string; body: Buffer }>();
for (const [name, type] of [
  ['shop.js', 'text/javascript; charset=utf-8'],
  ['shop.css', 'text/css; charset=utf-8'],
] as const) {
  ASSETS.set(name, { type, body: readFileSync(new URL(`../assets/${name}`, import.meta.url)) });
}

function asset(r: Request, name: string): void {
  const a = ASSETS.get(name)!;
  r.res
    .writeHead(200, { 'content-type': a.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
    .end(a.body);
}

const SERVER_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/healthz',
    handle: (r) => {
      r.res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    },
  },
  ...[...ASSETS.keys()].map(
    (name): Route => ({ method: 'GET', path: `/assets/${name}`, handle: (r) => asset(r, name) }),
  ),
];

/** Every page of the shop, by `METHOD path`; a GET route answers HEAD too. */
const ROUTES: ReadonlyMap<string, Handler> = new Map(
  [...CART_ROUTES, ...BUY_NOW_ROUTES, ...REVIEW_ROUTES, ...COMPLETE_ROUTES, ...ADMIN_ROUTES, ...SERVER_ROUTES].map(
    (route) => [`${route.method} ${route.path}`, route.handle],
  ),
);

async function route(r: Request): Promise<void> {
  const method = r.req.method === 'HEAD' ? 'GET' : (r.req.method ?? 'GET');
  const handle = ROUTES.get(`${method} ${r.url.pathname}`);
  if (!handle) throw new HttpProblem(404, r.t.notFound);
  await handle(r);
}

/** Starts the demo shop's HTTP server. */
export async function startShop(config: ShopConfig): Promise<RunningShop> {
  const ctx = createShopContext(config);
  const { client, orders, log } = ctx;
  const server = createServer((req, res) => {
    let r: Request | undefined;
    const started = Date.now();
    void (async () => {
      try {
        r = requestOf(ctx, req, res);
        await route(r);
      } catch (error) {
        if (!r) {
          res.writeHead(400).end();
        } else if (res.headersSent) {
          res.destroy();
        } else if (error instanceof HttpProblem) {
          problem(r, error.status, error.text);
        } else if (error instanceof BodyTooLargeError) {
          problem(r, 413, r.t.badRequest);
        } else {
          log({ level: 'error', msg: 'unhandled error', error: error instanceof Error ? error.stack : String(error) });
          problem(r, 500, r.t.paymentServiceDown, null);
        }
      } finally {
        if (process.env['REJI_SHOP_LOG'] === 'debug')
          log({
            level: 'debug',
            method: req.method,
            path: r?.url.pathname,
            status: res.statusCode,
            ms: Date.now() - started,
          });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = (config.host ?? '127.0.0.1').includes(':') ? `[${config.host}]` : (config.host ?? '127.0.0.1');
  ctx.baseUrl = (config.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`).replace(
    /\/+$/,
    '',
  );
  return {
    url: ctx.baseUrl,
    orders,
    client,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        client.close();
      }),
  };
}
