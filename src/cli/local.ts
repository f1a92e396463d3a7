/**
 * The local control plane: the Worker bundle served by workerd on an HTTPS
 * socket of its own (no wrangler dev proxy, no Miniflare entry worker in the
 * path: ./workerd.ts), state persisted on disk, the cron trigger emulated by
 * a timer. `npm start` and the end-to-end tests both start it through here.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { ensurePki } from "./pki.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { hostPort, startWorkerd } from "./workerd.js";

export interface LocalOptions {
  home: string;
  port: number;
  host?: string;
  /** Run the cron resync every this many ms (default 60 s, as on Cloudflare). */
  cronIntervalMs?: number;
  log?: (msg: string) => void;
  /** Extra Worker bindings (tests tune watch history retention with these). */
  bindings?: Record<string, string>;
}

export interface LocalControlPlane {
  url: string;
  /** PEM of the cluster CA (what the kubeconfig trusts). */
  caCert: string;
  token: string;
  kubeconfig: string;
  /** Run the scheduled handler now (what the cron trigger does). */
  runCron(): Promise<void>;
  /** Settles when workerd ends (after stop(), or on its own): how it ended. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export const COMPATIBILITY_DATE = "2026-04-01";
/** As in wrangler.toml: request.signal tells a streamed response (kubectl logs -f) that its client left. */
export const COMPATIBILITY_FLAGS = ["enable_request_signal"];

/**
 * A new admin token. Hex, so it never starts with "-": command-line parsers
 * (the agent's `--token`, Node's parseArgs) take such a value for an option,
 * and a base64url token did one time in 64.
 */
export const newAdminToken = (): string => randomBytes(24).toString("hex");

/** The admin token: made once per home and kept, so kubeconfigs stay valid across restarts. */
export function adminToken(home: string): string {
  const file = join(home, "admin-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const token = newAdminToken();
  writeFileSync(file, token + "\n", { mode: 0o600 });
  return token;
}

/**
 * The encryption-at-rest keyring (ENCRYPTION_KEYS): a 256-bit AES key made
 * once per home and kept beside the state it protects (not inside it).
 */
export function encryptionKeys(home: string): string {
  const file = join(home, "encryption-keys");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const keys = `k1:${randomBytes(32).toString("base64")}`;
  writeFileSync(file, keys + "\n", { mode: 0o600 });
  return keys;
}

/** A kubeconfig for one cluster and its admin token; without a CA the server's certificate must be publicly trusted (Cloudflare's is). */
export function kubeconfigYaml(server: string, token: string, caCert: string | undefined, context = "edgeplane"): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${context}`,
    "  cluster:",
    `    server: ${server}`,
    ...(caCert ? [`    certificate-authority-data: ${Buffer.from(caCert).toString("base64")}`] : []),
    "contexts:",
    `- name: ${context}`,
    "  context:",
    `    cluster: ${context}`,
    `    user: ${context}-admin`,
    "    namespace: default",
    `current-context: ${context}`,
    "preferences: {}",
    "users:",
    `- name: ${context}-admin`,
    "  user:",
    `    token: ${token}`,
    "",
  ].join("\n");
}

/** Whether something already listens on host:port (checked by binding it for a moment). */
export function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "EADDRINUSE"));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/** A TCP port free on host right now. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startLocal(opts: LocalOptions): Promise<LocalControlPlane> {
  const home = resolve(opts.home);
  mkdirSync(join(home, "state"), { recursive: true });
  const token = adminToken(home);
  const host = opts.host ?? "127.0.0.1";
  const script = resolve("dist/worker.js");
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const pki = await ensurePki(home);
  // The port is known before start so the Worker can advertise it (API_ENDPOINT) for the `kubernetes` Service.
  const port = opts.port || (await freePort(host));
  const workerd = await startWorkerd({
    script,
    state: join(home, "state"),
    configFile: join(home, "workerd.capnp"),
    host,
    port,
    tls: { key: pki.key, cert: pki.cert },
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    durableObjects: { STORE: "ObjectStore", MANAGER: "ControllerManager", TUNNEL: "NodeTunnel", AUDIT: "AuditLog" },
    bindings: { ADMIN_TOKEN: token, ENCRYPTION_KEYS: encryptionKeys(home), CLUSTER_CA_PEM: pki.caCert, API_ENDPOINT: hostPort(host, port), ...opts.bindings },
    // EDGEPLANE_INSPECTOR_PORT: the V8 inspector of workerd (CPU profiles: scripts/cpuprofile.mjs).
    ...(process.env.EDGEPLANE_INSPECTOR_PORT ? { inspectorPort: Number(process.env.EDGEPLANE_INSPECTOR_PORT) } : {}),
  });
  const url = `https://${hostPort(host, workerd.port)}`;
  const kubeconfig = join(home, "kubeconfig");
  writeKubeconfig(kubeconfig, kubeconfigYaml(url, token, pki.caCert));
  const runCron = () => workerd.scheduled("* * * * *");
  const timer = setInterval(() => {
    runCron().catch((e) => opts.log?.(`cron run failed: ${(e as Error).message}`));
  }, opts.cronIntervalMs ?? 60_000);
  timer.unref();
  return {
    url,
    caCert: pki.caCert,
    token,
    kubeconfig,
    runCron,
    exited: workerd.exited,
    stop() {
      clearInterval(timer);
      return workerd.stop();
    },
  };
}
