import { isSigningAlgorithm, type SigningAlgorithm } from './algorithms.js';

export interface AuthorizationHeader {
  readonly algorithm: SigningAlgorithm;
  readonly publicKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type AuthorizationParseResult =
  | { readonly ok: true; readonly value: AuthorizationHeader }
  | { readonly ok: false; readonly problem: string };

export function formatAuthorization(h: AuthorizationHeader): string {
  return `${h.algorithm} PublicKeyId=${h.publicKeyId}, SignedHeaders=${h.signedHeaders.join(';')}, Signature=${h.signature}`;
}

/** Reads `<algorithm> PublicKeyId=..., SignedHeaders=..., Signature=...`; the three fields may come in any order. */
export function parseAuthorization(header: string): AuthorizationParseResult {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space <= 0)
    return { ok: false, problem: 'expected "<algorithm> PublicKeyId=..., SignedHeaders=..., Signature=..."' };
  const algorithm = trimmed.slice(0, space);
  if (!isSigningAlgorithm(algorithm)) {
    return {
      ok: false,
      problem: `unsupported algorithm "${algorithm}"; use AMZN-PAY-RSASSA-PSS-V2 or AMZN-PAY-RSASSA-PSS`,
    };
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) return { ok: false, problem: `malformed field "${item}"` };
    const name = item.slice(0, eq).trim();
    if (fields.has(name)) return { ok: false, problem: `field ${name} appears twice` };
    fields.set(name, item.slice(eq + 1).trim());
  }
  const publicKeyId = fields.get('PublicKeyId');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  for (const [name, value] of [
    ['PublicKeyId', publicKeyId],
    ['SignedHeaders', signedHeaders],
    ['Signature', signature],
  ] as const) {
    if (value === undefined || value === '') return { ok: false, problem: `missing ${name}` };
  }
  const unknown = [...fields.keys()].filter((k) => k !== 'PublicKeyId' && k !== 'SignedHeaders' && k !== 'Signature');
  if (unknown.length > 0) return { ok: false, problem: `unknown field ${unknown[0]}` };
  return {
    ok: true,
    value: {
      algorithm,
      publicKeyId: publicKeyId!,
      signedHeaders: signedHeaders!.split(';').map((n) => n.trim().toLowerCase()),
      signature: signature!,
    },
  };
}
