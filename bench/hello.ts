/**
 * The runtime's ceiling: a bare workerd hello-world served by Miniflare
 * directly over plain HTTP on loopback (the yardstick shared/NOTES.md and the
 * targets are set on), loaded with the same generator and concurrency as the
 * control plane. Optionally also over HTTPS with the bench CA, to show what
 * TLS alone costs on this machine, and served as the control plane is (the
 * Worker on a workerd socket of its own, no Miniflare entry worker).
 */
import { Miniflare } from "miniflare";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPATIBILITY_DATE } from "../src/cli/local.js";
import { yardstickWorkerd } from "./cluster.js";
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

/** The same hello-world over HTTPS, served as `npm start` serves the control plane (src/cli/workerd.ts). */
export async function helloRateOwnSocket(o: BenchOptions, engine: "node" | "wrk", tls: { key: string; cert: string; ca: string }): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-hello-"));
  try {
    writeFileSync(join(dir, "hello.mjs"), SCRIPT);
    const w = await yardstickWorkerd(dir, join(dir, "hello.mjs"), tls);
    try {
      return await runLoad({ origin: `https://127.0.0.1:${w.port}`, ca: tls.ca, connections: o.connections, warmupMs: o.warmupMs, durationMs: o.durationMs, engine, spec: { method: "GET", path: "/" } });
    } finally {
      await w.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
