/**
 * What a user feels: `kubectl get pods -A` with the real kubectl binary
 * against namespaces × pods created through the API first (many requests in
 * flight). One untimed run fills kubectl's discovery cache, then the median
 * of the timed runs is reported, and each run's output is checked to hold
 * every pod.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ensureNamespace, parallel, type BenchCluster } from "./cluster.js";
import type { BenchOptions } from "./args.js";
import { withForeignLoad, type Disturbance } from "./interference.js";
import { serialLatency } from "./loadgen.js";
import { startKubectlFloor } from "./kubectl-floor.js";

/** Disturbance: what other processes and the hypervisor took during the timed runs. */
export interface KubectlResults extends Disturbance {
  binary: string;
  pods: number;
  createSeconds: number;
  createErrors: number;
  createErrorSamples: string[];
  runsMs: number[];
  /** Pod rows printed by each timed run (should all equal pods). */
  rows: number[];
  stderr: string;
  /** The same with --chunk-size=0 (one request, no paging): what paging and client throttling cost. */
  unchunkedMs: number[];
  /** From one run at -v=6: the list requests kubectl made, and how long its own rate limiter held them. */
  throttle: { requests: number; waitedMs: number };
  /** The server's part: the same Table list in one request, read by this process (no kubectl). */
  serverMs: number[];
  /** kubectl against that Table served from memory by a server doing nothing (kubectl-floor.ts), one request: its own floor. */
  floorMs: number[];
  /** Pod rows printed by each floor run. */
  floorRows: number[];
}

/** What kubectl asks for (server-side Table, with metadata objects). */
const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/**
 * kubectl's client-side limiter (client-go's default 5 requests/s, burst 10)
 * logs at -v=6 each request it holds back: sum those waits, and count the
 * list requests, from one untimed run. Up to 1.31 the lines are plain text
 * ("Waited for 187ms due to client-side throttling", "GET https://…/api/v1/pods?… 200 OK");
 * from 1.32 they are structured ("Waited before sending request" delay="187ms",
 * "Response" verb="GET" url="…" status="200 OK").
 */
export function throttleOf(stderr: string): { requests: number; waitedMs: number } {
  let requests = 0;
  let waitedMs = 0;
  for (const line of stderr.split("\n")) {
    const plain = / GET https?:\/\/\S+\/api\/v1\/pods\?/.test(line) && /\d{3} \w/.test(line);
    const structured = /"Response" verb="GET" url="https?:\/\/[^"]+\/api\/v1\/pods\?[^"]*" status="\d{3}/.test(line);
    if (plain || structured) requests++;
    const m = /Waited for ([\d.]+)(ms|s|µs)\b/.exec(line) ?? /Waited before sending request" delay="([\d.]+)(ms|s|µs)"/.exec(line);
    if (m) waitedMs += Number(m[1]) * (m[2] === "s" ? 1000 : m[2] === "ms" ? 1 : 0.001);
  }
  return { requests, waitedMs };
}

export function kubectlBinary(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const v of ["1.30", "1.31", "1.29"]) {
    const p = `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
    if (existsSync(p)) return p;
  }
  const which = spawnSync("which", ["kubectl"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

// For a scheduler that does not run: the pods stay Pending, untouched, and no
// node of a later section (fake nodes, the agent) ever gets them.
const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  spec: { schedulerName: "bench-no-scheduler", containers: [{ name: "app", image: "registry.k8s.io/pause:3.9" }] },
});

function runKubectl(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; lines: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ ms: performance.now() - t0, lines, code: code ?? -1, stderr }));
  });
}

/** beforeTimed runs after the setup and before the timed runs (the bench waits there for a quiet machine). */
export async function kubectlBench(c: BenchCluster, o: BenchOptions, bin: string, beforeTimed?: () => Promise<unknown>): Promise<KubectlResults> {
  const nsNames = Array.from({ length: o.namespaces }, (_, i) => `bench-pods-${String(i).padStart(3, "0")}`);
  const t0 = performance.now();
  await parallel(nsNames, 16, (ns) => ensureNamespace(c, ns));
  const jobs = nsNames.flatMap((ns) => Array.from({ length: o.podsPerNamespace }, (_, i) => ({ ns, name: `pod-${String(i).padStart(3, "0")}` })));
  let createErrors = 0;
  const createErrorSamples: string[] = [];
  await parallel(jobs, 32, async ({ ns, name }) => {
    try {
      await c.call("POST", `/api/v1/namespaces/${ns}/pods`, pod(name), [409]);
    } catch (e) {
      createErrors++;
      if (createErrorSamples.length < 5) createErrorSamples.push((e as Error).message.slice(0, 300));
    }
  });
  const createSeconds = (performance.now() - t0) / 1000;

  // kubectl's discovery cache lives under HOME: the temp home keeps it apart from the user's.
  const env = { ...process.env, KUBECONFIG: c.cp.kubeconfig, HOME: c.home };
  const args = ["get", "pods", "-A"];
  const warm = await runKubectl(bin, args, env);
  await beforeTimed?.();
  const runsMs: number[] = [];
  const rows: number[] = [];
  let stderr = warm.code !== 0 ? warm.stderr : "";
  const unchunkedMs: number[] = [];
  const { value: _, ...disturbance } = await withForeignLoad(async () => {
    for (let i = 0; i < o.kubectlRuns; i++) {
      const r = await runKubectl(bin, args, env);
      runsMs.push(r.ms);
      rows.push(Math.max(0, r.lines - 1));
      if (r.code !== 0) stderr ||= r.stderr;
    }
  });
  for (let i = 0; i < o.kubectlRuns; i++) {
    const r = await runKubectl(bin, [...args, "--chunk-size=0"], env);
    unchunkedMs.push(r.ms);
    if (r.code !== 0) stderr ||= r.stderr;
  }
  const verbose = await runKubectl(bin, [...args, "-v=6"], env);
  const throttle = throttleOf(verbose.stderr);
  const server = await serialLatency({ origin: c.origin, ca: c.caCert, count: o.kubectlRuns, warmup: 0, spec: { method: "GET", path: "/api/v1/pods", headers: { ...c.auth, accept: TABLE_ACCEPT } } });
  const serverMs = server.latencies;
  const { floorMs, floorRows } = await kubectlFloorRuns(c, o, bin, args);
  // Pods whose create failed are not expected in the output.
  const pods = jobs.length - createErrors;
  return { binary: bin, pods, createSeconds, createErrors, createErrorSamples, runsMs, rows, stderr: stderr.slice(0, 500), ...disturbance, unchunkedMs, throttle, serverMs, floorMs, floorRows };
}

/** The same command, one request, against the Table the control plane answered, replayed from memory. */
async function kubectlFloorRuns(c: BenchCluster, o: BenchOptions, bin: string, args: string[]): Promise<{ floorMs: number[]; floorRows: number[] }> {
  const floor = await startKubectlFloor(c, TABLE_ACCEPT);
  try {
    const env = { ...process.env, KUBECONFIG: floor.kubeconfig, HOME: c.home };
    const floorArgs = [...args, "--chunk-size=0"];
    await runKubectl(bin, floorArgs, env); // fills kubectl's discovery cache for this server
    const floorMs: number[] = [];
    const floorRows: number[] = [];
    for (let i = 0; i < o.kubectlRuns; i++) {
      const r = await runKubectl(bin, floorArgs, env);
      if (r.code !== 0) throw new Error(`kubectl against the replayed Table: ${r.stderr.slice(0, 300)}`);
      floorMs.push(r.ms);
      floorRows.push(Math.max(0, r.lines - 1));
    }
    return { floorMs, floorRows };
  } finally {
    await floor.stop();
  }
}
