/**
 * Scheduling end to end through the API, with fake nodes playing kubelet:
 * a Deployment of 1,000 replicas from apply to all Running, then pods from
 * several Deployments bound per second across thousands of nodes. Counts
 * come from one watch on the namespace's pods (first nodeName, first Running).
 */
import { FakeNodes } from "../src/cli/fake-nodes.js";
import { namespaceGone, type BenchCluster } from "./cluster.js";

export interface ScheduleResult {
  nodes: number;
  registerMs: number;
  deploy1000RunningMs: number;
  pods: number;
  bindPerSecond: number;
  allBoundMs: number;
  allRunningMs: number;
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } },
    },
  };
}

/** Watch a namespace's pods; resolves when `want` pods are bound and running. */
function follow(fake: FakeNodes, ns: string, want: number, started: number) {
  const bound = new Set<string>();
  const running = new Set<string>();
  let allBound = 0;
  let allRunning = 0;
  let stop = () => {};
  const done = new Promise<void>((resolve) => {
    stop = fake.client.watch(`/api/v1/namespaces/${ns}/pods`, (_type, obj) => {
      const o = obj as unknown as { metadata: { name: string }; spec: { nodeName?: string }; status?: { phase?: string } };
      if (o.spec.nodeName && !bound.has(o.metadata.name)) {
        bound.add(o.metadata.name);
        if (bound.size === want) allBound = Date.now();
      }
      if (o.status?.phase === "Running" && !running.has(o.metadata.name)) {
        running.add(o.metadata.name);
        if (running.size === want) {
          allRunning = Date.now();
          resolve();
        }
      }
    });
  });
  return {
    done,
    stop: () => stop(),
    // From the create call (so ReplicaSet and pod creation are included) to the last binding seen.
    result: () => ({ boundMs: allBound - started, runningMs: allRunning - started, bindPerSecond: want / Math.max(0.001, (allBound - started) / 1000) }),
  };
}

/**
 * The cluster is set up as large clusters are: nodes renew their Leases every
 * 60 s (lease duration 240 s) and the node lifecycle controller waits 300 s
 * (--node-monitor-grace-period; bench/cluster.ts) before calling a silent node
 * Unknown. 5,000 kubelets at the default 10 s would send 500 renewals/s, more
 * than this one thread can serve beside the scheduling storm: renewals fall
 * behind, nodes flap NotReady, are tainted out of scheduling and heal again.
 */
export const LEASE_INTERVAL_MS = 60_000;

/** Namespaces are new on every attempt (the bench repeats a disturbed run). */
let attempt = 0;

export async function benchScheduleEndToEnd(c: BenchCluster, o: { nodes: number; pods: number; deployments: number; log: (m: string) => void }): Promise<ScheduleResult> {
  attempt++;
  const big = `d1000-${attempt}`;
  const sched = `sched-${attempt}`;
  const fake = new FakeNodes({ kubeconfig: c.cp.kubeconfig, count: o.nodes, cpu: "16", memory: "64Gi", pods: 110, leaseIntervalMs: LEASE_INTERVAL_MS, log: (m) => o.log(`fake nodes: ${m}`) });
  const t0 = Date.now();
  await fake.start();
  const registerMs = Date.now() - t0;
  o.log(`${o.nodes} fake nodes registered in ${registerMs} ms`);
  try {
    await c.call("POST", "/api/v1/namespaces", { metadata: { name: big } });
    let start = Date.now();
    const one = follow(fake, big, 1000, start);
    await c.call("POST", `/apis/apps/v1/namespaces/${big}/deployments`, deployment("big", 1000));
    await one.done;
    one.stop();
    const deploy1000RunningMs = one.result().runningMs;
    o.log(`Deployment of 1,000 replicas Running in ${deploy1000RunningMs} ms`);
    await c.call("DELETE", `/api/v1/namespaces/${big}`);
    // The measured phase starts once that namespace is gone: its cascade would otherwise share the CPU with it.
    const gone = Date.now();
    if (!(await namespaceGone(c, big, 120_000))) throw new Error(`namespace ${big} still there after 120 s`);
    o.log(`namespace ${big} deleted in ${Date.now() - gone} ms`);

    await c.call("POST", "/api/v1/namespaces", { metadata: { name: sched } });
    const per = Math.ceil(o.pods / o.deployments);
    const total = per * o.deployments;
    start = Date.now();
    const many = follow(fake, sched, total, start);
    await Promise.all(Array.from({ length: o.deployments }, (_, i) => c.call("POST", `/apis/apps/v1/namespaces/${sched}/deployments`, deployment(`app-${i}`, per))));
    await many.done;
    many.stop();
    const r = many.result();
    o.log(`${total} pods bound in ${r.boundMs} ms, Running in ${r.runningMs} ms`);
    return { nodes: o.nodes, registerMs, deploy1000RunningMs, pods: total, bindPerSecond: r.bindPerSecond, allBoundMs: r.boundMs, allRunningMs: r.runningMs };
  } finally {
    await fake.stop();
    // Leave the cluster as found for the next section: no fake Nodes for its pods to land on, no namespace still being emptied.
    const t0 = Date.now();
    for (const ns of [big, sched]) await c.call("DELETE", `/api/v1/namespaces/${ns}`, undefined, [404]).catch(() => {});
    // No kubelet confirms their deletion any more: force it, as `kubectl delete pods --all --force --grace-period=0` does.
    for (const ns of [big, sched]) await c.call("DELETE", `/api/v1/namespaces/${ns}/pods?gracePeriodSeconds=0`, undefined, [404]).catch(() => {});
    await c.call("DELETE", "/api/v1/nodes?labelSelector=type%3Dfake", undefined, [404]).catch((e) => o.log(`removing fake nodes: ${(e as Error).message}`));
    await namespaceGone(c, sched, 300_000).catch((e) => o.log(`waiting for namespace ${sched}: ${(e as Error).message}`));
    o.log(`fake nodes and the bench namespaces removed in ${Date.now() - t0} ms`);
  }
}
