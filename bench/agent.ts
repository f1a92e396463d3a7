/**
 * The node agent with real containers: pod startup latency (create → Running
 * seen by a watch, 30 pods created at 5 per second, image present) and the
 * agent's own footprint (RSS and cpu of `node dist/agent.mjs`, idle and with
 * the 30 pods running). Uses its own Podman API service and the locally
 * built busybox image, as the e2e tests do.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchCluster } from "./cluster.js";
import { ensureNamespace } from "./cluster.js";
import { startPodman, ensureTestImage, removeNodeContainers, TEST_IMAGE } from "../test/helpers/podman.js";
import { KubeClient } from "../src/cli/kube-client.js";

export interface AgentBench {
  startLatencies: number[];
  idle: { rssMiB: number; cpuPercent: number };
  loaded: { rssMiB: number; cpuPercent: number };
  pods: number;
}

const CLK_TCK = 100;

/** RSS (MiB) now and cpu (% of one core) over `ms` of a process, from /proc. */
async function footprint(pid: number, ms: number): Promise<{ rssMiB: number; cpuPercent: number }> {
  const cpu = () => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(f[11]) + Number(f[12]);
  };
  const c0 = cpu();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const c1 = cpu();
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  return { rssMiB: rss, cpuPercent: (((c1 - c0) / CLK_TCK) * 1000 * 100) / (Date.now() - t0) };
}

export async function agentBench(c: BenchCluster, o: { pods: number; perSecond: number; idleMs: number; log: (m: string) => void }): Promise<AgentBench> {
  const podman = await startPodman();
  ensureTestImage();
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-agent-"));
  writeFileSync(join(dir, "ca.crt"), c.cp.caCert);
  const node = "bench-agent";
  const child = spawn(process.execPath, ["dist/agent.mjs", "--server", c.origin, `--token=${c.cp.token}`, "--ca", join(dir, "ca.crt"), "--name", node, "--runtime", podman.socket, "--data-dir", join(dir, "data"), "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const client = new KubeClient({ server: c.origin, token: c.cp.token, ca: c.cp.caCert });
  const ns = "bench-agent";
  try {
    for (let i = 0; ; i++) {
      const n = await c.call("GET", `/api/v1/nodes/${node}`, undefined, [404]);
      if (n.status === 200 && n.json.status.conditions.find((x: { type: string }) => x.type === "Ready")?.status === "True") break;
      if (i > 300 || child.exitCode !== null) throw new Error(`agent did not register: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await ensureNamespace(c, ns);
    o.log(`  agent up; idle for ${o.idleMs / 1000} s`);
    const idle = await footprint(child.pid!, o.idleMs);

    const created = new Map<string, number>();
    const running = new Map<string, number>();
    let done: () => void = () => {};
    const all = new Promise<void>((r) => (done = r));
    const stop = client.watch(`/api/v1/namespaces/${ns}/pods`, (_type, obj) => {
      const p = obj as unknown as { metadata: { name: string }; status?: { phase?: string } };
      if (p.status?.phase === "Running" && created.has(p.metadata.name) && !running.has(p.metadata.name)) {
        running.set(p.metadata.name, Date.now());
        if (running.size === o.pods) done();
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    o.log(`  creating ${o.pods} pods at ${o.perSecond}/s`);
    for (let i = 0; i < o.pods; i++) {
      const name = `p${i}`;
      const t = Date.now();
      created.set(name, t);
      void c.call("POST", `/api/v1/namespaces/${ns}/pods`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: TEST_IMAGE, command: ["sleep", "3600"] }] },
      });
      await new Promise((r) => setTimeout(r, Math.max(0, t + 1000 / o.perSecond - Date.now())));
    }
    await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`only ${running.size} of ${o.pods} pods Running after 120 s`)), 120_000))]);
    stop();
    const startLatencies = [...created].map(([n, t]) => running.get(n)! - t);
    await new Promise((r) => setTimeout(r, 2000));
    o.log(`  ${o.pods} pods running; measuring for ${o.idleMs / 1000} s`);
    const loaded = await footprint(child.pid!, o.idleMs);
    return { startLatencies, idle, loaded, pods: o.pods };
  } finally {
    await c.call("DELETE", `/api/v1/namespaces/${ns}`, undefined, [404]).catch(() => {});
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)));
    // Remove what the agent started (by its node label), then the engine.
    await removeNodeContainers(podman.socket, node);
    await client.close();
    await podman.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
