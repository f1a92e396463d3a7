/**
 * Run fn over items with at most `limit` calls in flight: the command-line
 * tools and the bench register thousands of nodes or pods this way without
 * opening thousands of requests at once.
 */
export async function parallel<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
