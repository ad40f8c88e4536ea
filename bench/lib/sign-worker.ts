import { parentPort } from 'node:worker_threads';
import { signedHeaders } from '../../test/support/raw.js';
import type { SignJob } from './requests.js';

/** A signing thread of the load generator: RSA-PSS costs about a millisecond, so pools are signed in parallel before the clock starts. */
parentPort!.on('message', (job: SignJob) => {
  const baseUrl = `http://${job.host}`;
  const key = { publicKeyId: job.key.publicKeyId, privateKeyPem: job.key.privateKeyPem, region: job.key.region };
  const out = job.specs.map((spec) =>
    signedHeaders(baseUrl, key, {
      method: spec.method,
      path: spec.path,
      body: spec.body ?? '',
      ...(spec.idempotencyKey ? { headers: { 'x-amz-pay-idempotency-key': spec.idempotencyKey } } : {}),
    }),
  );
  parentPort!.postMessage(out);
});
