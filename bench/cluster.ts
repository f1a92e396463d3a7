/**
 * The control plane under test: the Worker bundle (rebuilt first, so the
 * numbers are for the source as it is) served by startLocal in a temp home on
 * a free loopback port, plus a small authenticated HTTPS client for setup.
 * One instance is shared by the sections of a run and removed at the end.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { COMPATIBILITY_DATE, startLocal, type LocalControlPlane } from "../src/cli/local.js";
import { startWorkerd, type Workerd } from "../src/cli/workerd.js";
import { ensurePki } from "../src/cli/pki.js";
import { onCleanup } from "./cleanup.js";

/** An HTTPS server the load and watch generators can drive: the control plane, or a bare yardstick. */
export interface HttpTarget {
  origin: string;
  /** PEM of the CA its certificate chains to. */
  caCert: string;
  auth: Record<string, string>;
  /** JSON request through a shared pool; throws on a non-2xx status unless allow lists it. */
  call(method: string, path: string, body?: unknown, allow?: number[]): Promise<{ status: number; json: any }>;
}

export interface BenchCluster extends HttpTarget {
  cp: LocalControlPlane;
  home: string;
  stop(): Promise<void>;
}

/** call() of an HttpTarget over a pool. */
export function jsonCaller(pool: Pool, auth: Record<string, string>): HttpTarget["call"] {
  return async (method, path, body, allow = []) => {
    const res = await pool.request({
      method: method as "GET",
      path,
      headers: { ...auth, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if ((res.statusCode < 200 || res.statusCode >= 300) && !allow.includes(res.statusCode)) {
      throw new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  };
}

export function buildWorker(): void {
  const r = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit", env: { ...process.env, QUIET: "1" } });
  if (r.status !== 0) throw new Error("npm run build failed");
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-bench-"));
  const forgetHome = onCleanup(() => rmSync(home, { recursive: true, force: true }));
  // BENCH_RBAC=1: requests come from a user outside system:masters, bound to cluster-admin, so every one is an RBAC decision.
  const rbac = process.env.BENCH_RBAC === "1";
  // A large cluster's node grace period (kube-controller-manager --node-monitor-grace-period): see LEASE_INTERVAL_MS in schedule.ts.
  const bindings = { NODE_MONITOR_GRACE_SECONDS: "300", ...(rbac ? { STATIC_TOKENS: "bench-user-token,bench,bench," } : {}) };
  const cp = await startLocal({ home, port: 0, cronIntervalMs: 3_600_000, bindings });
  const origin = cp.url;
  const auth = { authorization: `Bearer ${rbac ? "bench-user-token" : cp.token}` };
  if (rbac) {
    const r = await fetchWithCa(cp, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "bench" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", name: "bench", apiGroup: "rbac.authorization.k8s.io" }] });
    if (r >= 300) throw new Error(`binding the bench user: ${r}`);
  }
  const pool = new Pool(origin, { connections: 64, connect: { ca: cp.caCert } });
  const call = jsonCaller(pool, auth);
  return {
    cp,
    home,
    origin,
    caCert: cp.caCert,
    auth,
    call,
    async stop() {
      await pool.close().catch(() => {});
      await cp.stop();
      forgetHome();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Create a namespace (fine if it exists). */
export async function ensureNamespace(c: HttpTarget, name: string): Promise<void> {
  await c.call("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, [409]);
}

/** Wait until a namespace is gone (its contents deleted first); false if it is still there after timeoutMs. */
export async function namespaceGone(c: HttpTarget, name: string, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while ((await c.call("GET", `/api/v1/namespaces/${name}`, undefined, [404])).status !== 404) {
    if (Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

export { parallel } from "../src/cli/parallel.js";

/** A TLS key pair signed by a throwaway CA, for the HTTPS hello-world. */
export async function throwawayTls(): Promise<{ key: string; cert: string; ca: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-pki-"));
  const forget = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const pki = await ensurePki(dir);
  return { key: pki.key, cert: pki.cert, ca: pki.caCert, cleanup: () => (forget(), rmSync(dir, { recursive: true, force: true })) };
}


async function fetchWithCa(cp: { url: string; token: string; caCert: string }, path: string, body: unknown): Promise<number> {
  const pool = new Pool(cp.url, { connect: { ca: cp.caCert } });
  const res = await pool.request({ method: "POST", path, headers: { authorization: `Bearer ${cp.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  await res.body.text();
  await pool.close();
  return res.statusCode;
}

/** A yardstick's Worker (a module file in dir) served as the control plane is: workerd, the Worker on its own HTTPS socket, state under dir. */
export function yardstickWorkerd(dir: string, script: string, tls: { key: string; cert: string }, durableObjects: Record<string, string> = {}): Promise<Workerd> {
  mkdirSync(join(dir, "state"), { recursive: true });
  return startWorkerd({ script, state: join(dir, "state"), configFile: join(dir, "workerd.capnp"), host: "127.0.0.1", port: 0, tls, compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: [], durableObjects, bindings: {} });
}
