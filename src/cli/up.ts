/**
 * `npm start` / `edgeplane up`: build the Worker, start the local control
 * plane on 127.0.0.1:8787 (PORT overrides) with state under .edgeplane/
 * (EDGEPLANE_HOME overrides), write a kubeconfig, and say how to use it.
 * Where a container runtime is found (or Podman is installed, whose API
 * service it then starts) a local agent joins as a node named after the host
 * (EDGEPLANE_NODE_NAME overrides); `--no-agent` skips it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { portTaken, startLocal } from "./local.js";
import { KubeClient } from "./kube-client.js";
import { NodeAgent, parsePort } from "../../agent/src/agent.js";
import { findRuntimeSocket } from "../../agent/src/runtime/socket.js";

const args = process.argv.slice(2);
const noAgent = args.includes("--no-agent");
const home = process.env.EDGEPLANE_HOME ?? ".edgeplane";
const port = Number(process.env.PORT ?? 8787);
const tty = process.stdout.isTTY;
const c = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const step = (s: string) => console.log(`${c("36", "›")} ${s}`);
const hasCommand = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

// Before anything else: workerd itself would only die with a stack trace.
if (await portTaken("127.0.0.1", port)) {
  console.error(c("31", `✗ could not start: 127.0.0.1:${port} is already in use (another \`npm start\`?); set PORT to another port`));
  process.exit(1);
}

step("building the Worker bundle");
const b = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit", env: { ...process.env, QUIET: "1" } });
if (b.status !== 0) process.exit(b.status ?? 1);

step(`starting the control plane in workerd (state in ${home}/state)`);
const started = Date.now();
let cp;
try {
  cp = await startLocal({ home, port, log: (m) => console.error(m) });
} catch (e) {
  console.error(c("31", `✗ could not start: ${(e as Error).message}`));
  if (/EADDRINUSE|address already in use/i.test(String(e))) console.error(`  port ${port} is taken: set PORT to another port`);
  process.exit(1);
}
try {
  await new KubeClient({ server: cp.url, token: cp.token, ca: cp.caCert }).call("GET", "/api/v1/namespaces/default");
} catch (e) {
  console.error(c("33", `! first request failed: ${(e as Error).message}`));
}
step(`control plane ready in ${Date.now() - started} ms${cp.processes === 2 ? " (two workerd processes: API and stores; controllers and scheduler)" : ""}`);

let agent: NodeAgent | undefined;
let podman: ChildProcess | undefined;
if (noAgent) step("local agent: skipped (--no-agent)");
else {
  let socket = findRuntimeSocket(process.env);
  if (!socket && !process.env.DOCKER_HOST && hasCommand("podman")) {
    // Podman is installed but its API service is not running: run one for this session.
    const path = resolve(home, "podman.sock");
    step(`starting Podman's API service at ${path}`);
    podman = spawn("podman", ["system", "service", "--time=0", `unix://${path}`], { stdio: "ignore" });
    for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
    if (existsSync(path)) socket = path;
  }
  if (!socket) step(c("33", "local agent: no container runtime found (DOCKER_HOST, /var/run/docker.sock, /run/podman/podman.sock, or podman on PATH); the control plane runs without a node"));
  else {
    const name = (process.env.EDGEPLANE_NODE_NAME ?? hostname()).toLowerCase().replace(/[^a-z0-9.-]/g, "-");
    // Ingresses on :80 and :443 as root, else on :8080 and :8443 (EDGEPLANE_INGRESS_PORT, _TLS_PORT override; "off" turns them off).
    const root = process.getuid?.() === 0;
    const portFromEnv = (name: string, fallback: number): number | false => {
      const v = process.env[name];
      if (v === "off") return false;
      const port = v ? parsePort(v) : undefined;
      if (port !== undefined) return port;
      if (v) step(c("33", `${name}=${v} is not a port number or "off"; using ${fallback}`));
      return fallback;
    };
    const ingressPort = portFromEnv("EDGEPLANE_INGRESS_PORT", root ? 80 : 8080);
    const ingressTlsPort = portFromEnv("EDGEPLANE_INGRESS_TLS_PORT", root ? 443 : 8443);
    agent = new NodeAgent({ server: cp.url, token: cp.token, ca: cp.caCert, node: name, runtime: socket, dataDir: resolve(home, "agent", name), port: 0, ingressPort, ingressTlsPort, log: (m) => console.error(c("2", `agent: ${m}`)) });
    try {
      await agent.start();
      step(`local agent: node ${c("1", name)} joined, running containers through ${socket}`);
    } catch (e) {
      step(c("33", `local agent: could not start (${(e as Error).message}); the control plane runs without a node`));
      agent = undefined;
    }
  }
}

console.log(`
${c("32", "Edgeplane is up")} at ${cp.url}

  export KUBECONFIG=${cp.kubeconfig}
  kubectl get namespaces

Stop with Ctrl-C; all state stays in ${home}/.
`);

let stopping = false;
/** Stop the agent, Podman's service we started, and workerd; exit with code. */
const stop = async (code: number, message: () => void) => {
  if (stopping) return;
  stopping = true;
  message();
  await agent?.stop().catch(() => {});
  podman?.kill();
  await cp.stop();
  process.exit(code);
};
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.removeAllListeners(sig);
  process.on(sig, () => void stop(0, () => console.log("\nstopping… (containers keep running; the next start adopts them)")));
}
// workerd gone on its own (killed, crashed): say so and stop, rather than serve nothing.
void cp.exited.then((how) => stop(1, () => console.error(c("31", `✗ workerd stopped (${how}); the control plane is down. State is kept in ${home}/: npm start again.`))));
