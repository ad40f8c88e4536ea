/**
 * Text that every store keeps as sent (issue 17): PostgreSQL's text refuses NUL, and a lone UTF-16 surrogate has
 * no UTF-8 form, so such input is refused at the edge, the same on every database.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/**
 * The dotted path of the first key or string in a parsed JSON value that cannot be stored, if any. Iterative, with
 * the path built only for what it finds: a body nested 10,000 deep must cost a 400, not the stack (a 500).
 */
export function firstUnstorable(value: unknown, path = ''): string | undefined {
  /** A value to look into, or (`key`) an object key to check; `step` is its part of the path. */
  type Entry = {
    readonly value: unknown;
    readonly key: boolean;
    readonly parent: Entry | undefined;
    readonly step: string;
  };
  const pathOf = (entry: Entry): string => {
    const steps: Entry[] = [];
    for (let e: Entry | undefined = entry; e !== undefined; e = e.parent) steps.push(e);
    let at = '';
    for (const e of steps.reverse()) {
      if (e.parent === undefined) at = e.step;
      else if (Array.isArray(e.parent.value)) at = `${at}[${e.step}]`;
      else at = at === '' ? e.step : `${at}.${e.step}`;
    }
    return at;
  };
  const stack: Entry[] = [{ value, key: false, parent: undefined, step: path }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const v = entry.value;
    if (entry.key) {
      if (!isStorableText(entry.step)) return pathOf(entry);
    } else if (typeof v === 'string') {
      if (!isStorableText(v)) return pathOf(entry);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: false, parent: entry, step: String(i) });
    } else if (typeof v === 'object' && v !== null) {
      // Reversed onto the stack, so each key is checked, then its value looked into, in document order.
      const items = Object.entries(v);
      for (let i = items.length - 1; i >= 0; i--) {
        const [key, item] = items[i]!;
        stack.push({ value: item, key: false, parent: entry, step: key });
        stack.push({ value: undefined, key: true, parent: entry, step: key });
      }
    }
  }
  return undefined;
}

/** C0 controls (CR, LF, NUL, TAB...) and DEL: never part of a URL reji stores or redirects to (RFC 3986). */
export function hasControlCharacter(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return /[\u0000-\u001f\u007f]/.test(s);
}
