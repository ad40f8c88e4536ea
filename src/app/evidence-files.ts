import { timingSafeEqual } from 'node:crypto';
import {
  checkUpload,
  newEvidenceFile,
  type EvidenceFile,
  type FilePurpose,
  type FileType,
} from '../domain/evidence-file.js';
import { newFileId } from '../domain/ids.js';
import { randomHex } from '../domain/random.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { inTransaction } from './transactions.js';

/**
 * Evidence files (Upload File, spec 12 §12.10): the API call makes the file and its upload URL; the client PUTs
 * the bytes there (no signature: the URL's token is the credential, as with a pre-signed URL).
 */

/** Where the file's bytes go (PUT) and can be read back (GET), under reji's public URL. */
export const FILE_CONTENT_PATH = /^\/files\/(file_[0-9a-f]{32})\/contents$/;

export function fileUrl(ctx: Pick<AppContext, 'publicUrl'>, fileId: string, token: string): string {
  return `${ctx.publicUrl}/files/${fileId}/contents?token=${token}`;
}

export async function createEvidenceFile(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: { readonly type: FileType; readonly purpose: FilePurpose },
  now: Instant,
): Promise<{ file: EvidenceFile; url: string }> {
  const file = newEvidenceFile(
    {
      fileId: newFileId(ctx.random),
      merchantId: caller.merchant.merchantId,
      environment: caller.environment,
      type: input.type,
      purpose: input.purpose,
    },
    now,
  );
  const token = randomHex(ctx.random, 40);
  await tx.files.insert(file, token);
  return { file, url: fileUrl(ctx, file.fileId, token) };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The file behind an upload URL, or 404 for an unknown file or a wrong token (the same answer for both). */
async function fileByUrl(ctx: AppContext, fileId: string, token: string): Promise<EvidenceFile> {
  const stored = await ctx.store.reader.files.get(fileId);
  if (!stored || !sameToken(stored.uploadToken, token)) {
    throw new ApiError('ResourceNotFound', `File ${fileId} was not found, or the URL's token is wrong.`);
  }
  return stored.file;
}

/** Step 2 of Upload File: the bytes, once, before the URL expires, with the Content-Type of the file's type. */
export async function uploadEvidenceFile(
  ctx: AppContext,
  fileId: string,
  token: string,
  contentType: string | undefined,
  content: Uint8Array,
): Promise<EvidenceFile> {
  const file = await fileByUrl(ctx, fileId, token);
  const merchant = await ctx.store.reader.merchants.get(file.merchantId);
  const now = nowFor(ctx, { sandboxClockOffsetMs: merchant?.sandboxClockOffsetMs ?? 0 }, file.environment);
  unwrap(checkUpload(file, contentType, content.byteLength, now));
  const uploaded: EvidenceFile = { ...file, size: content.byteLength, uploadedAt: now };
  const stored = await inTransaction(ctx, async (tx) => {
    // The merchant's total is read in the writing transaction: a bound, give or take racing uploads on PostgreSQL.
    unwrap(
      checkUpload(
        file,
        contentType,
        content.byteLength,
        now,
        await tx.files.storedBytes(file.merchantId, file.environment),
      ),
    );
    return tx.files.upload(uploaded, content);
  });
  if (!stored) throw new ApiError('InvalidRequest', `File ${fileId} was already uploaded.`);
  return uploaded;
}

/** The uploaded bytes behind a file URL (the File object's url is also its download URL). */
export async function readEvidenceFile(
  ctx: AppContext,
  fileId: string,
  token: string,
): Promise<{ file: EvidenceFile; content: Uint8Array }> {
  const file = await fileByUrl(ctx, fileId, token);
  const content = await ctx.store.reader.files.content(fileId);
  if (!content) throw new ApiError('ResourceNotFound', `File ${fileId} has not been uploaded yet.`);
  return { file, content };
}
