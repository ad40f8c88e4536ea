import { ApiError } from '../app/api-error.js';
import type { AppContext } from '../app/context.js';
import { FILE_CONTENT_PATH, fileUrl, readEvidenceFile, uploadEvidenceFile } from '../app/evidence-files.js';
import { FILE_CONTENT_TYPES, MAX_FILE_BYTES } from '../domain/evidence-file.js';
import type { PageHandler } from './server.js';
import { sendJson } from './hosted/web.js';
import { wireFile } from './wire-mapping.js';

/**
 * The URL Upload File hands out (`/files/{fileId}/contents?token=...`): PUT the bytes with the Content-Type of the
 * file's type (step 2 of spec 12 §12.10), GET them back. The token in the URL is the credential; no signature.
 */
export function filePages(ctx: AppContext): PageHandler {
  return {
    async handle(req, res, { body }) {
      const url = new URL(req.url ?? '/', 'http://reji.invalid');
      const m = FILE_CONTENT_PATH.exec(url.pathname);
      if (!m) return false;
      const fileId = m[1]!;
      const token = url.searchParams.get('token') ?? '';
      if (req.method === 'PUT') {
        const content = await body(MAX_FILE_BYTES);
        const file = await uploadEvidenceFile(ctx, fileId, token, req.headers['content-type'], content);
        sendJson(res, 200, wireFile(file, fileUrl(ctx, fileId, token)));
        return true;
      }
      if (req.method === 'GET') {
        const { file, content } = await readEvidenceFile(ctx, fileId, token);
        res.writeHead(200, {
          'content-type': FILE_CONTENT_TYPES[file.type],
          'content-length': content.byteLength,
          'content-disposition': `attachment; filename="${file.fileId}.${file.type}"`,
          // Merchant-supplied bytes on reji's origin: downloaded, never rendered or run.
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'no-store',
        });
        res.end(content);
        return true;
      }
      throw new ApiError('RequestNotSupported', `${req.method} is not supported on a file URL; use PUT or GET.`);
    },
  };
}
