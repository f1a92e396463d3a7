/**
 * API timestamps (metav1.Time) as controllers write and read them: RFC 3339
 * in UTC with second precision, like every timestamp the store writes.
 */

export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/** Milliseconds since the epoch of an API timestamp; undefined when unset or unparsable. */
export function timeMs(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
