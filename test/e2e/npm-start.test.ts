/**
 * `npm start` as a user runs it: it builds, serves, writes a kubeconfig that
 * kubectl uses as is, says whether a local agent runs, stops cleanly on
 * SIGTERM, and keeps the data for the next start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectlBinary, eventually } from "../helpers/cluster.js";
import { startPodman, ensureTestImage, TEST_IMAGE } from "../helpers/podman.js";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(home: string, port: number, opts: { agent?: boolean; env?: Record<string, string> } = {}) {
  const args = ["--import", "tsx", "src/cli/up.ts", ...(opts.agent ? [] : ["--no-agent"])];
  const child = spawn(process.execPath, args, { env: { ...process.env, EDGEPLANE_HOME: home, PORT: String(port), ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!out.includes("Edgeplane is up")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopped = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, stopped };
}

test("npm start serves kubectl, stops on SIGTERM, and keeps its state", async () => {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  const port = await freePort();
  const kubectl = (args: string[]) => spawnSync(kubectlBinary(), args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: join(home, "kubeconfig"), HOME: home } });
  try {
    const first = await start(home, port);
    assert.match(first.output(), new RegExp(`https://127.0.0.1:${port}`));
    assert.match(first.output(), /export KUBECONFIG=/);
    assert.match(first.output(), /local agent: skipped \(--no-agent\)/);
    assert.match(first.output(), /control plane ready in \d+ ms \(two workerd processes/);
    assert.equal(kubectl(["create", "namespace", "dev"]).status, 0);
    assert.equal(kubectl(["config", "set-context", "--current", "--namespace=dev"]).status, 0);
    const created = kubectl(["create", "configmap", "kept", "--from-literal=a=b"]);
    assert.equal(created.status, 0, created.stderr);
    first.child.kill("SIGTERM");
    assert.equal(await first.stopped, 0, "a clean exit on SIGTERM");

    const second = await start(home, port);
    // The kubeconfig written again on start keeps the namespace chosen: no -n, and the ConfigMap is found in dev.
    const got = kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.a}"]);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(got.stdout, "b");
    assert.equal(kubectl(["get", "configmap", "kept", "-o", "jsonpath={.metadata.namespace}"]).stdout, "dev");
    second.child.kill("SIGINT");
    assert.equal(await second.stopped, 0, "a clean exit on Ctrl-C");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("npm start joins this machine as a node when a container runtime is found, and its pods run", async () => {
  const podman = await startPodman();
  ensureTestImage();
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  const port = await freePort();
  const kubectl = (args: string[]) => spawnSync(kubectlBinary(), args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: join(home, "kubeconfig"), HOME: home } });
  const up = await start(home, port, { agent: true, env: { DOCKER_HOST: `unix://${podman.socket}`, EDGEPLANE_NODE_NAME: "npm-start-node" } });
  try {
    assert.match(up.output(), /local agent: node npm-start-node joined/);
    const run = kubectl(["run", "hello", `--image=${TEST_IMAGE}`, "--restart=Never", "--", "sh", "-c", "echo hello from a container"]);
    assert.equal(run.status, 0, run.stderr);
    await eventually(() => kubectl(["get", "pod", "hello", "-o", "jsonpath={.status.phase}"]).stdout === "Succeeded", 60_000, "the pod ran to completion");
    assert.equal(kubectl(["logs", "hello"]).stdout, "hello from a container\n");
    assert.equal(kubectl(["get", "pod", "hello", "-o", "jsonpath={.spec.nodeName}"]).stdout, "npm-start-node");
    kubectl(["delete", "pod", "hello"]);
  } finally {
    up.child.kill("SIGTERM");
    assert.equal(await up.stopped, 0, "a clean exit on SIGTERM");
    await podman.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test("SIGTERM to the npm process itself (as a process manager sends it) stops the control plane and frees its port", async () => {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  const port = await freePort();
  // The real `npm start`: npm runs the script through sh, which must hand the signal on to the server.
  const npm = spawn("npm", ["start", "--", "--no-agent"], { env: { ...process.env, EDGEPLANE_HOME: home, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  npm.stdout.on("data", (d) => (out += d));
  npm.stderr.on("data", (d) => (out += d));
  try {
    await eventually(() => out.includes("Edgeplane is up"), 90_000, `npm start to come up: ${out}`);
    const exited = new Promise<void>((r) => npm.on("exit", () => r()));
    npm.kill("SIGTERM");
    await exited;
    // Nothing may keep serving: the port must come free (before the fix, workerd outlived npm and kept it).
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const s = createServer();
          s.once("error", () => resolve(false));
          s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
        }),
      15_000,
      `port ${port} free after SIGTERM to npm: ${out}`,
    );
    assert.match(out, /stopping…/);
  } finally {
    npm.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  }
});

test("npm start on a port already in use says so and exits 1, before building or starting workerd", async () => {
  const port = await freePort();
  const holder = createServer().listen(port, "127.0.0.1");
  await new Promise((r) => holder.once("listening", r));
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  try {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/up.ts", "--no-agent"], { encoding: "utf8", env: { ...process.env, EDGEPLANE_HOME: home, PORT: String(port) }, timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`could not start: 127\\.0\\.0\\.1:${port} is already in use .*set PORT to another port`));
    assert.doesNotMatch(r.stdout + r.stderr, /building the Worker bundle|kj::Exception/);
  } finally {
    holder.close();
    rmSync(home, { recursive: true, force: true });
  }
});

/** npm start's workerd children, by the process each is: "api" (serves, hosts the stores) or "controllers". */
function workerdChildren(pid: number): Map<string, number> {
  const pids = spawnSync("pgrep", ["-P", String(pid), "workerd"], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
  return new Map(pids.map((p) => [readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd-controllers.capnp") ? "controllers" : "api", Number(p)]));
}

for (const victim of ["controllers", "api"]) {
  test(`npm start says so and exits 1 when its ${victim} workerd process dies, rather than serve half a control plane`, async () => {
    const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
    const port = await freePort();
    const up = await start(home, port);
    try {
      const procs = workerdChildren(up.child.pid!);
      assert.deepEqual([...procs.keys()].sort(), ["api", "controllers"], "two workerd processes: the API's and the controllers'");
      // Their debug-port sockets, in a private directory of their own.
      const sockets = spawnSync("ps", ["-o", "args=", "-p", String(procs.get("api"))], { encoding: "utf8" }).stdout.match(/--debug-port=unix:(\S+)\/api\.sock/)?.[1];
      assert.ok(sockets && statSync(sockets).mode % 0o1000 === 0o700, `socket dir ${sockets} is private`);
      process.kill(procs.get(victim)!, "SIGKILL");
      assert.equal(await up.stopped, 1);
      assert.match(up.output(), /workerd stopped \(killed by SIGKILL\); the control plane is down/);
      const other = procs.get(victim === "api" ? "controllers" : "api")!;
      await eventually(() => !existsSync(`/proc/${other}`), 10_000, "the other workerd process to stop too");
      assert.ok(!existsSync(sockets), "the socket dir is removed");
    } finally {
      up.child.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    }
  });
}

test("EDGEPLANE_PROCESSES=1 runs the whole control plane in one workerd process", async () => {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  const port = await freePort();
  const kubectl = (args: string[]) => spawnSync(kubectlBinary(), args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: join(home, "kubeconfig"), HOME: home } });
  const up = await start(home, port, { env: { EDGEPLANE_PROCESSES: "1" } });
  try {
    assert.deepEqual([...workerdChildren(up.child.pid!).keys()], ["api"]);
    assert.doesNotMatch(up.output(), /two workerd processes/);
    // The controllers run in it: a Deployment gets its ReplicaSet.
    assert.equal(kubectl(["create", "deployment", "one", "--image=busybox"]).status, 0);
    await eventually(() => kubectl(["get", "replicasets", "-l", "app=one", "-o", "name"]).stdout.includes("replicaset"), 15_000, "a ReplicaSet for the Deployment");
  } finally {
    up.child.kill("SIGTERM");
    await up.stopped;
    rmSync(home, { recursive: true, force: true });
  }
});
