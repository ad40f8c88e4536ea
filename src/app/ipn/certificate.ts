import { createPrivateKey, type KeyObject } from 'node:crypto';
import { selfSignedCertificate } from '../../crypto/x509.js';
import { certificateFingerprint, signingCertificateFileName } from '../../signing/sns-signature.js';
import type { IpnCertificate, Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { inTransaction } from '../transactions.js';

/** The certificate that signs notifications, with its private key ready for signing. */
export interface SigningCertificate extends IpnCertificate {
  readonly privateKey: KeyObject;
  /** `SimpleNotificationService-<fingerprint>.pem`: the last segment of SigningCertURL. */
  readonly fileName: string;
}

/** Where reji serves its signing certificates. */
export const CERTIFICATE_PATH_PREFIX = '/sns/';

const cache = new WeakMap<Store, Promise<SigningCertificate>>();

/**
 * The active signing certificate, made on first use and kept in the database so that every reji
 * process on the same database signs with the same certificate. Two processes making one at once:
 * the first insert wins and both use it.
 */
export function signingCertificate(ctx: AppContext): Promise<SigningCertificate> {
  let pending = cache.get(ctx.store);
  if (!pending) {
    pending = loadOrCreate(ctx).catch((error: unknown) => {
      cache.delete(ctx.store);
      throw error;
    });
    cache.set(ctx.store, pending);
  }
  return pending;
}

async function loadOrCreate(ctx: AppContext): Promise<SigningCertificate> {
  let active = await ctx.store.reader.notifications.certificate();
  if (!active) {
    const generated = selfSignedCertificate({
      commonName: 'sns.reji.local',
      organization: 'reji notifications',
      validDays: 3650,
      keyUsage: 'signing',
    });
    await inTransaction(ctx, (tx) =>
      tx.notifications.insertCertificateIfNone({
        fingerprint: certificateFingerprint(generated.certPem),
        certPem: generated.certPem,
        keyPem: generated.keyPem,
        createdAt: ctx.clock.now(),
      }),
    );
    active = await ctx.store.reader.notifications.certificate();
    if (!active) throw new Error('the notification signing certificate could not be stored');
    ctx.log.info('notification signing certificate ready', { fingerprint: active.fingerprint });
  }
  return {
    ...active,
    privateKey: createPrivateKey(active.keyPem),
    fileName: signingCertificateFileName(active.certPem),
  };
}

/** A certificate by the file name in its URL (old ones stay servable after a rotation). */
export async function certificateByFileName(ctx: AppContext, fileName: string): Promise<IpnCertificate | undefined> {
  const m = /^SimpleNotificationService-([0-9a-f]{32})\.pem$/.exec(fileName);
  if (!m) return undefined;
  return ctx.store.reader.notifications.certificate(m[1]);
}
