import type { AppContext } from '../app/context.js';
import { downloadReportDocument, REPORT_DOWNLOAD_PATH } from '../app/reports.js';
import type { PageHandler } from './server.js';

/**
 * Serves report files at the short-lived URL Get Report Document hands out, as Amazon's pre-signed S3 URL does:
 * no signature needed, 403 once the link expired (spec 12 §12.16).
 */
export function reportDocumentPage(ctx: AppContext): PageHandler {
  return {
    async handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith(REPORT_DOWNLOAD_PATH)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const file = await downloadReportDocument(ctx, path.slice(REPORT_DOWNLOAD_PATH.length));
      if (!file) {
        const body = 'This report link is unknown or has expired; call Get Report Document again.\n';
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
      }
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': Buffer.byteLength(file.content),
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : file.content);
      return true;
    },
  };
}
