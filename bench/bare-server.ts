import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from './lib/ipc.js';

/**
 * The baseline: a bare node:http server that answers every request with a fixed JSON body, the same
 * headers reji sends and keep-alive, so that reji's rate can be read as a share of what Node's HTTP
 * stack alone does on this machine. It reads the request body like reji does.
 */
let server: http.Server | undefined;

serveRpc({
  async start({ body }: { body: string }): Promise<{ port: number }> {
    const bytes = Buffer.from(body, 'utf8');
    server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': bytes.length,
          'x-amz-pay-request-id': '0'.repeat(32),
        });
        res.end(bytes);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port };
  },
  memory: () => ({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
});
