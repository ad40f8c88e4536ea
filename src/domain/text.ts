/**
 * Text that every store keeps as sent (issue 17): PostgreSQL's text refuses NUL, and a lone UTF-16 surrogate has
 * no UTF-8 form, so such input is refused at the edge, the same on every database.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The dotted path of the first key or string in a parsed JSON value that cannot be stored, if any. */
export function firstUnstorable(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnstorable(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (!isStorableText(key)) return at;
      const found = firstUnstorable(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** C0 controls (CR, LF, NUL, TAB...) and DEL: never part of a URL reji stores or redirects to (RFC 3986). */
export function hasControlCharacter(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return /[\u0000-\u001f\u007f]/.test(s);
}
