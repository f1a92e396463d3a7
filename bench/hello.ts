/**
 * The runtime's ceiling: a bare workerd hello-world served by Miniflare
 * directly over plain HTTP on loopback, loaded with the same generator and
 * concurrency as the control plane. Optionally also over HTTPS with the
 * bench CA, to show what TLS alone costs on this machine.
 */
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE } from "../src/cli/local.js";
import { runLoad, type LoadResult } from "./loadgen.js";
import type { BenchOptions } from "./args.js";

const SCRIPT = `export default { fetch() { return new Response("hello") } }`;

export async function helloRate(o: BenchOptions, engine: "node" | "wrk", tls?: { key: string; cert: string; ca: string }): Promise<LoadResult> {
  const mf = new Miniflare({
    modules: true,
    script: SCRIPT,
    compatibilityDate: COMPATIBILITY_DATE,
    host: "127.0.0.1",
    port: 0,
    ...(tls ? { httpsKey: tls.key, httpsCert: tls.cert } : {}),
  });
  try {
    const ready = await mf.ready;
    const origin = `${tls ? "https" : "http"}://127.0.0.1:${ready.port}`;
    return await runLoad({
      origin,
      ca: tls?.ca,
      connections: o.connections,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      engine,
      spec: { method: "GET", path: "/" },
    });
  } finally {
    await mf.dispose();
  }
}
