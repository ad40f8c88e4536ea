import type { Environment } from '../domain/environment.js';
import type { EvidenceFile } from '../domain/evidence-file.js';

/** An evidence file with the token its upload URL carries. */
export interface StoredFile {
  readonly file: EvidenceFile;
  readonly uploadToken: string;
}

/** Evidence files (Upload File, spec 12 §12.10): reads that need no transaction. */
export interface FileReads {
  get(fileId: string): Promise<StoredFile | undefined>;
  /** The uploaded bytes, if any. */
  content(fileId: string): Promise<Uint8Array | undefined>;
  /** The bytes a merchant keeps in one environment, over all its files. */
  storedBytes(merchantId: string, environment: Environment): Promise<number>;
}

/** Evidence files inside a transaction. */
export interface FileTx extends FileReads {
  insert(file: EvidenceFile, uploadToken: string): Promise<void>;
  /** Stores the bytes once: false when the file was already uploaded (or does not exist). */
  upload(file: EvidenceFile, content: Uint8Array): Promise<boolean>;
}
