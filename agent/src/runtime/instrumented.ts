/**
 * Runtime operation counts, errors and latency for the agent's /metrics
 * (kubelet_runtime_operations_total, _errors_total, _duration_seconds):
 * every Runtime method is timed through one wrapper, so the runtime
 * implementation stays free of bookkeeping.
 */
import type { Runtime } from "./types.js";

export interface OpStats {
  count: number;
  errors: number;
  seconds: number;
}

export function instrumented<R extends Runtime>(runtime: R): { runtime: R; stats: Map<string, OpStats> } {
  const stats = new Map<string, OpStats>();
  const record = (op: string, t0: number, failed: boolean) => {
    const s = stats.get(op) ?? { count: 0, errors: 0, seconds: 0 };
    s.count++;
    if (failed) s.errors++;
    s.seconds += (performance.now() - t0) / 1000;
    stats.set(op, s);
  };
  const wrapped = new Proxy(runtime, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      // logs() is a stream that lives as long as the client follows it: not an operation to time.
      if (typeof v !== "function" || typeof prop !== "string" || prop === "logs" || prop === "close") return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        let r: unknown;
        try {
          r = (v as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          record(prop, t0, true);
          throw e;
        }
        if (r instanceof Promise) return r.then((x) => (record(prop, t0, false), x), (e) => (record(prop, t0, true), Promise.reject(e)));
        record(prop, t0, false);
        return r;
      };
    },
  });
  return { runtime: wrapped, stats };
}
