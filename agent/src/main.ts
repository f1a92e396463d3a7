/**
 * `npm run agent -- --server URL --token TOKEN [--name NODE]` (bin:
 * edgeplane-agent): make this host a worker node. Flags:
 *   --server URL        the API server (or --kubeconfig FILE for server, token and CA)
 *   --token TOKEN       a bearer token (EDGEPLANE_TOKEN also works); a bootstrap token
 *                       (<id>.<secret>) is exchanged once for the node's own credential,
 *                       kept in the data dir
 *   --ca FILE           PEM of the CA that signed the server's certificate
 *   --name NODE         node name (default: this host's name)
 *   --data-dir DIR      pod volumes and state (default /var/lib/edgeplane/agent/NODE as root, else ~/.edgeplane/agent/NODE)
 *   --runtime SOCKET    Docker Engine API socket (default: DOCKER_HOST, /var/run/docker.sock, /run/podman/podman.sock)
 *   --port N            local read-only endpoint on 127.0.0.1 (default 10255; 0 = any)
 *   --label k=v         extra node labels (repeatable)
 *   --allow-privileged  let pods run privileged containers
 *   --no-proxy          do not run the kube-proxy role (nor the ingress controller)
 *   --ingress-port N    serve Ingresses (class edgeplane, or none named) on this port (default 80; 0 = any)
 *   --ingress-tls-port N  ... and over HTTPS on this one (default 443; 0 = any)
 *   --no-ingress        do not run the ingress controller role
 *   --stats-period S    seconds between usage reports for `kubectl top` (default 15)
 */
import { readFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { NodeAgent, parsePort } from "./agent.js";
import { findRuntimeSocket } from "./runtime/socket.js";
import { isBootstrapToken, nodeCredential } from "./join.js";

const { values } = parseArgs({
  options: {
    server: { type: "string" },
    token: { type: "string" },
    ca: { type: "string" },
    kubeconfig: { type: "string" },
    name: { type: "string" },
    "data-dir": { type: "string" },
    runtime: { type: "string" },
    port: { type: "string" },
    label: { type: "string", multiple: true },
    "allow-privileged": { type: "boolean" },
    "no-proxy": { type: "boolean" },
    "ingress-port": { type: "string" },
    "ingress-tls-port": { type: "string" },
    "no-ingress": { type: "boolean" },
    "stats-period": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

const fail = (msg: string): never => {
  console.error(`edgeplane-agent: ${msg}`);
  process.exit(2);
};

if (values.help) {
  console.log("usage: edgeplane-agent --server URL --token TOKEN [--ca FILE] [--name NODE] [--runtime SOCKET] [--data-dir DIR] [--port N] [--label k=v]... [--allow-privileged] [--no-proxy] [--ingress-port N] [--ingress-tls-port N] [--no-ingress]\n       edgeplane-agent --kubeconfig FILE [--name NODE] ...");
  process.exit(0);
}

let server = values.server;
let token = values.token ?? process.env.EDGEPLANE_TOKEN;
let ca = values.ca ? readFileSync(values.ca, "utf8") : undefined;
if (values.kubeconfig) {
  const { loadKubeconfig } = await import("../../src/cli/kubeconfig.js");
  const k = loadKubeconfig(values.kubeconfig);
  server ??= k.server;
  token ??= k.token;
  ca ??= k.ca;
}
if (!server) fail("--server URL (or --kubeconfig FILE) is required");
if (!token) fail("--token TOKEN (or EDGEPLANE_TOKEN) is required");
const runtime = values.runtime ?? findRuntimeSocket();
if (!runtime) fail("no container runtime found: set DOCKER_HOST, or start Docker (/var/run/docker.sock) or Podman (`podman system service --time=0 unix:///run/podman/podman.sock`), or pass --runtime SOCKET");
const name = (values.name ?? hostname()).toLowerCase();
if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) fail(`node name ${JSON.stringify(name)} is not a valid DNS subdomain; pass --name`);
const dataDir = values["data-dir"] ?? (process.getuid?.() === 0 ? join("/var/lib/edgeplane/agent", name) : join(homedir(), ".edgeplane", "agent", name));
if (isBootstrapToken(token!)) {
  try {
    token = await nodeCredential({ server: server!, token: token!, ca, node: name, dataDir, log: (m) => console.error(`${new Date().toISOString()} ${m}`) });
  } catch (e) {
    fail(`joining with the bootstrap token failed: ${(e as Error).message}`);
  }
}
const portFlag = (flag: "ingress-port" | "ingress-tls-port") => {
  const v = values[flag];
  return v === undefined ? undefined : (parsePort(v) ?? fail(`--${flag} must be a port number (0 for any), not ${JSON.stringify(v)}`));
};
const ingressPort = portFlag("ingress-port");
const ingressTlsPort = portFlag("ingress-tls-port");
const labels = Object.fromEntries((values.label ?? []).map((l) => l.split(/=(.*)/s).slice(0, 2)));

const agent = new NodeAgent({ server: server!, token: token!, ca, node: name, runtime: runtime!, dataDir, port: values.port !== undefined ? Number(values.port) : undefined, labels, allowPrivileged: values["allow-privileged"], proxy: !values["no-proxy"], ingressPort: values["no-ingress"] ? false : ingressPort, ingressTlsPort, statsPeriodMs: values["stats-period"] ? Number(values["stats-period"]) * 1000 : undefined });
try {
  await agent.start();
} catch (e) {
  fail((e as Error).message);
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await agent.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
