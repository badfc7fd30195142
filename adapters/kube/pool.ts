// Bounded parallelism: at most `limit` calls in flight, results in input order.

/**
 * Maps `items` through `fn` with at most `limit` calls running at once. `fn` must not reject: batch operations
 * report failures per item as data, so one failure never abandons the others' results.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
