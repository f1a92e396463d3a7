/**
 * The local control plane: the Worker bundle served by workerd on an HTTPS
 * socket of its own (no wrangler dev proxy, no Miniflare entry worker in the
 * path: ./workerd.ts), state persisted on disk, the cron trigger emulated by
 * a timer. `npm start` and the end-to-end tests both start it through here.
 *
 * Two workerd processes by default, as two cores: one serves the API and
 * hosts the stores (and the agents' tunnels, the audit log), the other hosts
 * the controller manager and scheduler. They reach each other's Durable
 * Objects over workerd's debug port, on Unix sockets in a directory only
 * this user can enter (src/actors.ts). workerd runs one JavaScript thread per
 * process; on Cloudflare every Durable Object has its own anyway.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { ensurePki } from "./pki.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { hostPort, startWorkerd, type Workerd } from "./workerd.js";

export interface LocalOptions {
  home: string;
  port: number;
  host?: string;
  /** Run the cron resync every this many ms (default 60 s, as on Cloudflare). */
  cronIntervalMs?: number;
  log?: (msg: string) => void;
  /** Extra Worker bindings (tests tune watch history retention with these). */
  bindings?: Record<string, string>;
  /** 2 (default; env EDGEPLANE_PROCESSES): the controller manager in a workerd process of its own; 1: everything in one. */
  processes?: 1 | 2;
}

export interface LocalControlPlane {
  url: string;
  /** PEM of the cluster CA (what the kubeconfig trusts). */
  caCert: string;
  token: string;
  kubeconfig: string;
  /** Run the scheduled handler now (what the cron trigger does). */
  runCron(): Promise<void>;
  /** workerd processes running it (1 or 2; LocalOptions.processes). */
  processes: number;
  /** Settles when a workerd process ends (after stop(), or on its own): how it ended. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** The class the controllers' workerd process hosts; the API's hosts the others. */
const CONTROLLERS_CLASS = "ControllerManager";

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
  const common = {
    script,
    state: join(home, "state"),
    host,
    port,
    tls: { key: pki.key, cert: pki.cert },
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    durableObjects: { STORE: "ObjectStore", MANAGER: "ControllerManager", TUNNEL: "NodeTunnel", AUDIT: "AuditLog" },
    bindings: { ADMIN_TOKEN: token, ENCRYPTION_KEYS: encryptionKeys(home), CLUSTER_CA_PEM: pki.caCert, API_ENDPOINT: hostPort(host, port), ...opts.bindings },
  };
  // EDGEPLANE_INSPECTOR_PORT: the V8 inspector of workerd, the controllers' process on the next port (CPU profiles: scripts/cpuprofile.mjs).
  const inspector = process.env.EDGEPLANE_INSPECTOR_PORT ? Number(process.env.EDGEPLANE_INSPECTOR_PORT) : undefined;
  const processes = opts.processes ?? (process.env.EDGEPLANE_PROCESSES === "1" ? 1 : 2);
  if (processes === 1) {
    const workerd = await startWorkerd({ ...common, configFile: join(home, "workerd.capnp"), inspectorPort: inspector });
    return finish(opts, home, token, pki.caCert, [workerd]);
  }
  const sockets = socketDir();
  const socket = (name: string) => `unix:${join(sockets.dir, `${name}.sock`)}`;
  // The controllers' process hosts the ControllerManager, the API's every other class; each reaches the other's through PEER (src/actors.ts).
  const apiClasses = Object.values(common.durableObjects).filter((c) => c !== CONTROLLERS_CLASS);
  const peered = (own: string, other: string, otherClasses: string[]) => ({
    peer: true,
    debugPort: socket(own),
    bindings: { ...common.bindings, PEER_ADDRESS: socket(other), PEER_CLASSES: otherClasses.join(",") },
  });
  const controllers = await startWorkerd({
    ...common,
    ...peered("controllers", "api", apiClasses),
    configFile: join(home, "workerd-controllers.capnp"),
    // The controller manager keeps nothing of its own (it lists the stores when it starts): no files, none shared with the API's process.
    state: undefined,
    serve: false,
    inspectorPort: inspector === undefined ? undefined : inspector + 1,
  }).catch((e: unknown) => {
    sockets.remove();
    throw e;
  });
  const api = await startWorkerd({
    ...common,
    ...peered("api", "controllers", [CONTROLLERS_CLASS]),
    configFile: join(home, "workerd.capnp"),
    inspectorPort: inspector,
  }).catch(async (e: unknown) => {
    await controllers.stop();
    sockets.remove();
    throw e;
  });
  return finish(opts, home, token, pki.caCert, [api, controllers], sockets.remove);
}

/**
 * A private directory (mode 0700, from mkdtemp) for the two processes'
 * debug-port sockets, new for each start: a second start on the same home
 * never touches the first's sockets, and a temp path stays within a Unix
 * socket's 108 bytes however long the home's path is.
 */
function socketDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The control plane over its workerd processes (the first serves the API). */
function finish(opts: LocalOptions, home: string, token: string, caCert: string, procs: Workerd[], cleanup = () => {}): LocalControlPlane {
  const [api] = procs;
  const url = `https://${hostPort(opts.host ?? "127.0.0.1", api.port)}`;
  const kubeconfig = join(home, "kubeconfig");
  writeKubeconfig(kubeconfig, kubeconfigYaml(url, token, caCert));
  const runCron = () => api.scheduled("* * * * *");
  const timer = setInterval(() => {
    runCron().catch((e) => opts.log?.(`cron run failed: ${(e as Error).message}`));
  }, opts.cronIntervalMs ?? 60_000);
  timer.unref();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= Promise.all(procs.map((p) => p.stop())).then(() => {
      clearInterval(timer);
      cleanup();
    }));
  // One process without the other is no control plane: when either ends, both go.
  const exited = Promise.race(procs.map((p) => p.exited));
  void exited.then(stop);
  return { url, caCert, token, kubeconfig, runCron, processes: procs.length, exited, stop };
}
