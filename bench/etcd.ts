/**
 * A naive store's ceiling: raw etcd puts through etcd's JSON gateway
 * (POST /v3/kv/put, base64 key and value), with the same generator and
 * concurrency. Uses an etcd already installed (Debian: etcd-server); starts
 * it on free loopback ports in a temp data dir and stops it after.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLoad, type LoadResult } from "./loadgen.js";
import { sleep } from "./stats.js";
import type { BenchOptions } from "./args.js";
import { onCleanup } from "./cleanup.js";

export function etcdBinary(): string | undefined {
  if (process.env.ETCD) return process.env.ETCD;
  const r = spawnSync("which", ["etcd"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A value about the size of the small ConfigMap the create benchmark stores. */
const VALUE = Buffer.from(JSON.stringify({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", namespace: "bench" }, data: { key: "value" } })).toString("base64");

export async function etcdRate(o: BenchOptions, engine: "node" | "wrk", bin: string): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-etcd-"));
  const [client, peer] = [await freePort(), await freePort()];
  const child = spawn(
    bin,
    [
      "--name", "bench",
      "--data-dir", join(dir, "data"),
      "--listen-client-urls", `http://127.0.0.1:${client}`,
      "--advertise-client-urls", `http://127.0.0.1:${client}`,
      "--listen-peer-urls", `http://127.0.0.1:${peer}`,
      "--initial-advertise-peer-urls", `http://127.0.0.1:${peer}`,
      "--initial-cluster", `bench=http://127.0.0.1:${peer}`,
      "--log-level", "error",
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? "" } },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const origin = `http://127.0.0.1:${client}`;
  const forget = onCleanup(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const r = await fetch(`${origin}/health`);
        if (r.ok && ((await r.json()) as { health?: string }).health === "true") break;
      } catch {
        /* not up yet */
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`etcd did not start: ${stderr}`);
      await sleep(100);
    }
    return await runLoad({
      origin,
      connections: o.connections,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      engine,
      // $NAME is valid base64 by construction (see uniqueName), so it serves as the key as it is.
      spec: { method: "POST", path: "/v3/kv/put", headers: { "content-type": "application/json" }, body: `{"key":"$NAME","value":"${VALUE}"}` },
    });
  } finally {
    forget();
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
