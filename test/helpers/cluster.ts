/**
 * Test harness: a real local control plane (the Worker bundle in workerd via
 * Miniflare, on a free loopback port, state in a temp dir) and the real
 * kubectl binary pointed at it. Each suite starts its own and stops it.
 */
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { Agent, fetch as undiciFetch } from "undici";
import { startLocal, type LocalControlPlane } from "../../src/cli/local.js";

export interface TestCluster extends LocalControlPlane {
  home: string;
  /** Run kubectl against this cluster; rejects on a non-zero exit unless allowFail. */
  kubectl(args: string[], opts?: { input?: string; allowFail?: boolean; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Start a long-running kubectl (e.g. -w); returns the child and a collector of its output. */
  kubectlStream(args: string[], opts?: { env?: Record<string, string>; bin?: string }): { child: ReturnType<typeof spawn>; output: () => string; stop: () => void };
  api(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** The kubectl binary: KUBECTL, else a pinned version from the Cloud SDK, else PATH. */
export function kubectlBinary(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const v of ["1.30", "1.31", "1.29"]) {
    const p = `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
    if (existsSync(p)) return p;
  }
  const which = spawnSync("which", ["kubectl"], { encoding: "utf8" });
  if (which.status === 0) return which.stdout.trim();
  throw new Error("kubectl not found: install it or set KUBECTL");
}

export async function startCluster(opts: { home?: string; port?: number; bindings?: Record<string, string> } = {}): Promise<TestCluster> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), "edgeplane-test-"));
  const cp = await startLocal({ home, port: opts.port ?? 0, cronIntervalMs: 3_600_000, bindings: opts.bindings });
  const bin = kubectlBinary();
  const baseEnv = { ...process.env, KUBECONFIG: cp.kubeconfig, HOME: home };
  const kubectl: TestCluster["kubectl"] = (args, o = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, args, { env: { ...baseEnv, ...o.env }, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.stdin.end(o.input ?? "");
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        const r = { code: code ?? -1, stdout, stderr };
        if (r.code !== 0 && !o.allowFail) reject(new Error(`kubectl ${args.join(" ")} exited ${r.code}\n${stderr}\n${stdout}`));
        else resolve(r);
      });
    });
  const kubectlStream: TestCluster["kubectlStream"] = (args, o = {}) => {
    const child = spawn(o.bin ?? bin, args, { env: { ...baseEnv, ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    return { child, output: () => out, stop: () => { clearTimeout(timer); child.kill("SIGTERM"); } };
  };
  const dispatcher = new Agent({ connect: { ca: cp.caCert } });
  const api: TestCluster["api"] = (path, init = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${cp.token}` };
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    if (!headers.authorization) delete headers.authorization;
    return undiciFetch(`${cp.url}${path}`, { ...(init as object), headers, dispatcher }) as unknown as Promise<Response>;
  };
  return {
    ...cp,
    home,
    kubectl,
    kubectlStream,
    api,
    async dispose() {
      await cp.stop();
      if (!opts.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Poll until fn returns a truthy value (or throw after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
