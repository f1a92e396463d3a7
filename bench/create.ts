/**
 * ConfigMap writes and reads against the control plane: the create rate at
 * the load generator's concurrency (unique names, so every request is a real
 * insert), then unloaded latency of a GET of one ConfigMap and of a LIST of a
 * namespace holding 100 ConfigMaps.
 */
import { runLoad, serialLatency, type LoadResult } from "./loadgen.js";
import { ensureNamespace, parallel, type BenchCluster, type HttpTarget } from "./cluster.js";
import type { BenchOptions } from "./args.js";

export interface CreateResults {
  create: LoadResult;
  get: { latencies: number[]; errors: number; errorSamples: string[] };
  list: { latencies: number[]; errors: number; errorSamples: string[]; items: number };
}

const configMap = (name: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","labels":{"app":"bench"}},"data":{"key":"value"}}`;

/** The create load alone, against the control plane or a yardstick speaking the same path. */
export function createRate(c: HttpTarget, o: BenchOptions, engine: "node" | "wrk"): Promise<LoadResult> {
  const headers = { ...c.auth, "content-type": "application/json", accept: "application/json" };
  return runLoad({
    origin: c.origin,
    ca: c.caCert,
    connections: o.connections,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    engine,
    spec: { method: "POST", path: "/api/v1/namespaces/bench/configmaps", headers, body: configMap("$NAME") },
  });
}

export async function createBench(c: BenchCluster, o: BenchOptions, engine: "node" | "wrk"): Promise<CreateResults> {
  await ensureNamespace(c, "bench");
  const create = await createRate(c, o, engine);
  const headers = { ...c.auth, accept: "application/json" };

  await c.call("POST", "/api/v1/namespaces/bench/configmaps", JSON.parse(configMap("get-target")), [409]);
  const get = await serialLatency({
    origin: c.origin,
    ca: c.cp.caCert,
    count: o.quick ? 200 : 1000,
    spec: { method: "GET", path: "/api/v1/namespaces/bench/configmaps/get-target", headers },
  });

  await ensureNamespace(c, "bench-list");
  const names = Array.from({ length: 100 }, (_, i) => `list-${String(i).padStart(3, "0")}`);
  await parallel(names, 16, async (n) => {
    await c.call("POST", "/api/v1/namespaces/bench-list/configmaps", JSON.parse(configMap(n)), [409]);
  });
  const list = await serialLatency({
    origin: c.origin,
    ca: c.cp.caCert,
    count: o.quick ? 50 : 300,
    spec: { method: "GET", path: "/api/v1/namespaces/bench-list/configmaps", headers },
  });
  const items: number = (await c.call("GET", "/api/v1/namespaces/bench-list/configmaps")).json.items.length;
  return { create, get, list: { ...list, items } };
}
