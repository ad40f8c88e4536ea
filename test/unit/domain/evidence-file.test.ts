import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkUpload,
  FILE_URL_VALIDITY,
  MAX_FILE_BYTES,
  MAX_STORED_BYTES_PER_MERCHANT,
  mediaType,
  newEvidenceFile,
} from '../../../src/domain/evidence-file.js';

const file = newEvidenceFile(
  { fileId: 'file_0', merchantId: 'AMERCHANT', environment: 'Sandbox', type: 'pdf', purpose: 'disputeEvidence' },
  1000,
);
const code = (r: ReturnType<typeof checkUpload>) => (r.ok ? null : r.error.reasonCode);

test('an upload: the type decides the Content-Type (parameters and case aside)', () => {
  assert.equal(code(checkUpload(file, 'application/pdf', 10, 2000)), null);
  assert.equal(code(checkUpload(file, 'Application/PDF; charset=binary', 10, 2000)), null);
  assert.equal(code(checkUpload(file, 'image/png', 10, 2000)), 'InvalidHeaderValue');
  assert.equal(code(checkUpload(file, undefined, 10, 2000)), 'InvalidHeaderValue');
  assert.equal(mediaType(' text/CSV ; x=y'), 'text/csv');
});

test('an upload is bounded: size, the merchant total, the URL lifetime, once', () => {
  assert.equal(code(checkUpload(file, 'application/pdf', 0, 2000)), 'InvalidRequest');
  assert.equal(code(checkUpload(file, 'application/pdf', MAX_FILE_BYTES, 2000)), null);
  assert.equal(code(checkUpload(file, 'application/pdf', MAX_FILE_BYTES + 1, 2000)), 'InvalidRequest');
  assert.equal(code(checkUpload(file, 'application/pdf', 10, 2000, MAX_STORED_BYTES_PER_MERCHANT - 10)), null);
  assert.equal(
    code(checkUpload(file, 'application/pdf', 11, 2000, MAX_STORED_BYTES_PER_MERCHANT - 10)),
    'InvalidRequest',
  );
  assert.equal(code(checkUpload(file, 'application/pdf', 10, 1000 + FILE_URL_VALIDITY)), null);
  assert.equal(code(checkUpload(file, 'application/pdf', 10, 1001 + FILE_URL_VALIDITY)), 'InvalidRequest');
  assert.equal(
    code(checkUpload({ ...file, uploadedAt: 1500, size: 3 }, 'application/pdf', 10, 2000)),
    'InvalidRequest',
  );
});
