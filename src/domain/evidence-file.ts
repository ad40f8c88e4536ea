import type { Environment } from './environment.js';
import { fail, ok, type Result } from './errors.js';
import { MINUTE, type Instant } from './time.js';

/**
 * Evidence files (spec 12 §12.10): Upload File returns a File object with a URL; the client PUTs the bytes there
 * with the Content-Type of its type. reji keeps the bytes in its database, so it bounds them
 * (docs/decisions.md, "Evidence files").
 */

/** File type -> the Content-Type its upload must carry. */
export const FILE_CONTENT_TYPES = {
  csv: 'text/csv',
  pdf: 'application/pdf',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  jpg: 'image/jpeg',
  png: 'image/png',
} as const;
export type FileType = keyof typeof FILE_CONTENT_TYPES;
export const FILE_TYPES = Object.keys(FILE_CONTENT_TYPES) as FileType[];

export const FILE_PURPOSES = ['disputeEvidence'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** The largest file reji stores (bytes). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** The most a merchant keeps in one environment, over all its files (a file beyond it is refused). */
export const MAX_STORED_BYTES_PER_MERCHANT = 500 * 1024 * 1024;
/** How long the upload URL accepts the file. */
export const FILE_URL_VALIDITY = 15 * MINUTE;

export interface EvidenceFile {
  readonly fileId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly type: FileType;
  readonly purpose: FilePurpose;
  /** Bytes once uploaded; null before. */
  readonly size: number | null;
  readonly createdAt: Instant;
  readonly uploadedAt: Instant | null;
  readonly urlExpiresAt: Instant;
}

export function newEvidenceFile(
  input: { fileId: string; merchantId: string; environment: Environment; type: FileType; purpose: FilePurpose },
  now: Instant,
): EvidenceFile {
  return { ...input, size: null, createdAt: now, uploadedAt: null, urlExpiresAt: now + FILE_URL_VALIDITY };
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether `bytes` with this Content-Type may become the file's content now. */
export function checkUpload(
  file: EvidenceFile,
  contentType: string | undefined,
  size: number,
  now: Instant,
  alreadyStored = 0,
): Result<null> {
  if (now > file.urlExpiresAt) return fail('InvalidRequest', `The upload URL of file ${file.fileId} has expired.`);
  if (file.uploadedAt !== null) return fail('InvalidRequest', `File ${file.fileId} was already uploaded.`);
  const expected = FILE_CONTENT_TYPES[file.type];
  if (mediaType(contentType) !== expected) {
    return fail(
      'InvalidHeaderValue',
      `A ${file.type} file must be uploaded with Content-Type ${expected} (got ${contentType ?? 'none'}).`,
    );
  }
  if (size === 0) return fail('InvalidRequest', 'The file is empty.');
  if (size > MAX_FILE_BYTES) return fail('InvalidRequest', `The file exceeds ${MAX_FILE_BYTES} bytes.`);
  if (alreadyStored + size > MAX_STORED_BYTES_PER_MERCHANT) {
    return fail(
      'InvalidRequest',
      `The merchant's evidence files would exceed ${MAX_STORED_BYTES_PER_MERCHANT} bytes in this environment.`,
    );
  }
  return ok(null);
}
