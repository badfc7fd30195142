/**
 * An object whose properties are each computed at their first read, once, and then kept as plain values. It reads,
 * enumerates and serializes like a plain object; a property never read is never computed. kustomize-ts uses it for
 * tables a cold render process would otherwise build whole when it needs a few of their entries.
 */
export function lazyRecord<T extends object>(builders: { readonly [K in keyof T]: () => T[K] }): T {
  const record = {} as T;
  for (const key of Object.keys(builders) as (keyof T & string)[]) {
    const build = builders[key];
    Object.defineProperty(record, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = build();
        Object.defineProperty(record, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return record;
}
