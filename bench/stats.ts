/**
 * Small numeric helpers for the benchmarks: percentiles over latency samples
 * and the number formats the result table uses.
 */

/** The q-th percentile (0..1) of samples by nearest rank; NaN when empty. */
export function percentile(samples: ArrayLike<number>, q: number): number {
  if (!samples.length) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 0.5);
}

/** 3412.7 → "3,413" */
export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a";
}

/** Milliseconds with a precision that suits the size. */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  return n < 10 ? `${n.toFixed(2)} ms` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n).toLocaleString("en-US")} ms`;
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "n/a";
}

export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));
