/**
 * controller.slowStartBatch: make many similar calls (pod creations) in
 * batches of 1, 2, 4, 8, … run in parallel, stopping after the first batch
 * with a failure — so a template the apiserver refuses costs one call, not
 * hundreds, while a healthy one ramps up quickly.
 */

/** Kubernetes' SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;

/** Calls fn(i) for i in 0..count-1; returns how many succeeded and the first error, if any. */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: (i: number) => Promise<unknown>): Promise<{ successes: number; error?: unknown }> {
  let successes = 0;
  let done = 0;
  for (let size = Math.min(count, initialBatchSize); size > 0; size = Math.min(2 * size, count - done)) {
    const start = done;
    const results = await Promise.allSettled(Array.from({ length: size }, (_, j) => fn(start + j)));
    done += size;
    successes += results.filter((r) => r.status === "fulfilled").length;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) return { successes, error: failed.reason };
  }
  return { successes };
}
