/**
 * `npm start` / `edgeplane up`: build the Worker, start the local control
 * plane on 127.0.0.1:8787 (PORT overrides) with state under .edgeplane/
 * (EDGEPLANE_HOME overrides), write a kubeconfig, and say how to use it.
 */
import { spawnSync } from "node:child_process";
import { startLocal } from "./local.js";
import { findRuntimeSocket } from "../../agent/src/runtime/socket.js";

const args = process.argv.slice(2);
const noAgent = args.includes("--no-agent");
const home = process.env.EDGEPLANE_HOME ?? ".edgeplane";
const port = Number(process.env.PORT ?? 8787);
const tty = process.stdout.isTTY;
const c = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const step = (s: string) => console.log(`${c("36", "›")} ${s}`);

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
const r = await cp.mf.dispatchFetch(`${cp.url}/api/v1/namespaces/default`, { headers: { authorization: `Bearer ${cp.token}` } });
if (!r.ok) console.error(c("33", `! first request answered ${r.status}: ${await r.text()}`));
step(`control plane ready in ${Date.now() - started} ms`);

const socket = findRuntimeSocket(process.env);
if (noAgent) step("local agent: skipped (--no-agent)");
else if (!socket) step(c("33", "local agent: no container runtime socket found (DOCKER_HOST, /var/run/docker.sock, /run/podman/podman.sock); the control plane runs without a node"));
else step(c("33", `local agent: a runtime socket is at ${socket}, but the node agent is not part of this build yet; the control plane runs without a node`));

console.log(`
${c("32", "Edgeplane is up")} at ${cp.url}

  export KUBECONFIG=${cp.kubeconfig}
  kubectl get namespaces

Stop with Ctrl-C; all state stays in ${home}/.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  await cp.stop();
  process.exit(0);
};
// Miniflare's own exit hook would re-raise the signal; this handler disposes it and exits cleanly instead.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.removeAllListeners(sig);
  process.on(sig, stop);
}
