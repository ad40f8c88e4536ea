import type { AppContext } from '../app/context.js';
import { certificateByFileName, CERTIFICATE_PATH_PREFIX } from '../app/ipn/certificate.js';
import type { PageHandler } from './server.js';

/**
 * Serves the certificates notifications are signed with at their SigningCertURL,
 * `/sns/SimpleNotificationService-<fingerprint>.pem`, as SNS does.
 */
export function ipnCertificatePage(ctx: AppContext): PageHandler {
  return {
    async handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith(CERTIFICATE_PATH_PREFIX)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const certificate = await certificateByFileName(ctx, path.slice(CERTIFICATE_PATH_PREFIX.length));
      if (!certificate) return false;
      res.writeHead(200, {
        'content-type': 'application/x-pem-file',
        'content-length': Buffer.byteLength(certificate.certPem),
        // A certificate never changes under its name.
        'cache-control': 'public, max-age=86400, immutable',
      });
      res.end(req.method === 'HEAD' ? undefined : certificate.certPem);
      return true;
    },
  };
}
