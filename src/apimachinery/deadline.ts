/**
 * One deadline for a chain of awaits (a call and the read of its answer):
 * each race() rejects with `message` once `ms` have passed since the
 * deadline was made. clear() it when done, so no timer outlives the work.
 */
export function deadline(ms: number, message: string): { race<T>(p: Promise<T>): Promise<T>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  // Nobody may be racing when it fires.
  expired.catch(() => {});
  return { race: (p) => Promise.race([p, expired]), clear: () => clearTimeout(timer) };
}
