import type { Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { EvidenceFile } from '../domain/evidence-file.js';
import type { FileReads, FileTx, StoredFile } from './files.js';
import type { Executor } from './prepared.js';
import type { Database } from './schema.js';

export class KyselyFileReads implements FileReads {
  constructor(protected readonly db: Executor) {}

  async get(fileId: string): Promise<StoredFile | undefined> {
    const r = await this.db
      .selectFrom('evidence_files')
      .select(['doc', 'upload_token'])
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return r && { file: JSON.parse(r.doc) as EvidenceFile, uploadToken: r.upload_token };
  }
  async content(fileId: string): Promise<Uint8Array | undefined> {
    const r = await this.db
      .selectFrom('evidence_files')
      .select('content')
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return r?.content ?? undefined;
  }
  async storedBytes(merchantId: string, environment: Environment): Promise<number> {
    const r = await this.db
      .selectFrom('evidence_files')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'))
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return Number(r?.total ?? 0);
  }
}

export class KyselyFileTx extends KyselyFileReads implements FileTx {
  constructor(private readonly trx: Transaction<Database>) {
    super(trx);
  }

  async insert(file: EvidenceFile, uploadToken: string): Promise<void> {
    await this.trx
      .insertInto('evidence_files')
      .values({
        file_id: file.fileId,
        merchant_id: file.merchantId,
        environment: file.environment,
        doc: JSON.stringify(file),
        upload_token: uploadToken,
        created_at: file.createdAt,
        content: null,
      })
      .execute();
  }
  async upload(file: EvidenceFile, content: Uint8Array): Promise<boolean> {
    // Conditional on no content yet: two racing uploads store one file.
    const r = await this.trx
      .updateTable('evidence_files')
      .set({ doc: JSON.stringify(file), size: content.byteLength, content: Buffer.from(content) })
      .where('file_id', '=', file.fileId)
      .where('content', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
