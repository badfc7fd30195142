// JSON pointers (RFC 6901) name fields in diffs and ignore rules: `/spec/template/spec/containers/0/image`.

/** `*` in an ignore rule's pointer matches any key or array index at that position (an extension of RFC 6901). */
export const WILDCARD = '*';

/** Splits a pointer into unescaped tokens (`~1` is `/`, `~0` is `~`). `''` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`${JSON.stringify(pointer)} is not a JSON pointer: it must start with "/" (for example /spec/replicas)`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Joins tokens into a pointer, escaping `~` and `/`. */
export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Deletes the field(s) a pointer names from `value`, in place; a pointer to nothing changes nothing.
 * Objects emptied by the deletion are kept: `{}` and an absent map compare alike only after normalization.
 */
export function removeAt(value: unknown, tokens: readonly string[]): void {
  const [head, ...rest] = tokens;
  if (head === undefined || typeof value !== 'object' || value === null) return;
  const container = value as Record<string, unknown>;
  const keys = head === WILDCARD ? Object.keys(container) : Object.hasOwn(container, head) ? [head] : [];
  // Backwards, so that removing array elements does not shift the indices still to visit.
  for (const key of keys.reverse()) {
    if (rest.length > 0) removeAt(container[key], rest);
    else if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  }
}
